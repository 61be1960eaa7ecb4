"""The one writer of reports: never half a file, never a replaced device, no lost appends.

* A regular file (or a new path) is written to a temporary file beside it and renamed
  into place, so an interrupted run leaves the old report or the new one.  A link to a
  regular file keeps being a link: its target is replaced.
* A character device or a FIFO (``/dev/null``, ``/dev/stdout``, a named pipe), or a link
  to one, is written in place: renaming a file onto it would destroy it.
* Anything else (a directory, a socket, a block device) is refused with a clear message.
* ``--append`` writes the whole entry with one ``write`` under an exclusive ``fcntl``
  lock, so concurrent runs appending to one file all land, each entry whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from tracediff.errors import TraceDiffError

#: what each kind of existing path is, and whether a report may be written into it in place
_REFUSED = {
    stat.S_IFDIR: "is a directory, cannot write the report there",
    stat.S_IFSOCK: "is a socket, cannot write the report there",
    stat.S_IFBLK: "is a block device, refusing to write the report there",
}
_IN_PLACE = (stat.S_IFCHR, stat.S_IFIFO)


def _kind(path: Path) -> int | None:
    """The file type of what ``path`` leads to (links followed), None when nothing is there."""
    try:
        return stat.S_IFMT(os.stat(path).st_mode)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise TraceDiffError(f"cannot write the report ({exc.strerror or exc})", path) from None


def _pieces(text: str | Iterable[str]) -> Iterator[str]:
    yield from ([text] if isinstance(text, str) else text)


def _default_mode(path: Path) -> int:
    """The mode a plain ``open(path, "w")`` would give: the old file's, else 0666 & ~umask."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _replace_atomically(path: Path, text: str | Iterable[str]) -> None:
    folder = path.parent
    if not folder.is_dir():
        raise TraceDiffError("the output folder does not exist", folder)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.writelines(_pieces(text))
        os.chmod(tmp, _default_mode(path))
        os.replace(tmp, path)
        tmp = None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _write_in_place(path: Path, text: str | Iterable[str]) -> None:
    """A device or pipe: open it for writing as the shell's ``>`` would, without creating anything."""
    fd = os.open(path, os.O_WRONLY | os.O_NOCTTY)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.writelines(_pieces(text))


def write_report(path: str | Path, text: str | Iterable[str]) -> None:
    """Write ``text`` (a string or pieces of one) to ``path`` the way its file type allows."""
    path = Path(path)
    kind = _kind(path)
    if kind in _REFUSED:
        raise TraceDiffError(_REFUSED[kind], path)
    try:
        if kind in _IN_PLACE:
            _write_in_place(path, text)
        elif kind is None or kind == stat.S_IFREG:
            _replace_atomically(Path(os.path.realpath(path)), text)
        else:
            raise TraceDiffError("is not a regular file, a device or a pipe", path)
    except OSError as exc:
        raise TraceDiffError(f"cannot write the report ({exc.strerror or exc})", path) from None


def dated_entry(text: str, now: dt.datetime | None = None) -> str:
    """``text`` under a dated Markdown heading, as one entry of a log of runs."""
    stamp = (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M:%S")
    return f"\n## {stamp}\n\n{text}"


def append_report(path: str | Path, text: str) -> None:
    """Append ``text`` to ``path`` in one write under an exclusive lock (created if absent)."""
    path = Path(path)
    kind = _kind(path)
    if kind in _REFUSED:
        raise TraceDiffError(_REFUSED[kind], path)
    regular = kind in (None, stat.S_IFREG)
    try:
        fd = os.open(path, (os.O_RDWR if regular else os.O_WRONLY) | os.O_APPEND | os.O_CREAT | os.O_NOCTTY, 0o666)
        try:
            with contextlib.suppress(OSError):  # a device or pipe may not lock; it needs none
                fcntl.flock(fd, fcntl.LOCK_EX)
            data = text.encode("utf-8")
            if regular and not _ends_with_newline(fd):
                data = b"\n" + data
            while data:
                data = data[os.write(fd, data):]
        finally:
            os.close(fd)  # releases the lock
    except OSError as exc:
        raise TraceDiffError(f"cannot append the report ({exc.strerror or exc})", path) from None


def _ends_with_newline(fd: int) -> bool:
    """True for an empty file or one whose last byte is a newline (read under the lock)."""
    size = os.fstat(fd).st_size
    return size == 0 or os.pread(fd, 1, size - 1) == b"\n"
