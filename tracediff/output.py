"""Write reports so that an interrupted run never leaves a half-written file."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from tracediff.errors import TraceDiffError


def _default_mode(path: Path) -> int:
    """The mode a plain ``open(path, "w")`` would give: the old file's, else 0666 & ~umask."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, text: str | Iterable[str]) -> None:
    """Write ``text`` (a string or pieces of one) to a temporary file beside ``path``,
    then rename it into place."""
    path = Path(path)
    folder = path.parent
    if path.is_dir():
        raise TraceDiffError("is a directory, cannot write the report there", path)
    if not folder.is_dir():
        raise TraceDiffError("the output folder does not exist", folder)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.writelines([text] if isinstance(text, str) else text)
        os.chmod(tmp, _default_mode(path))
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise TraceDiffError(f"cannot write the report ({exc.strerror or exc})", path) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def append_dated(path: Path, text: str) -> None:
    """Append ``text`` under a dated heading (a Markdown log of runs), atomically."""
    path = Path(path)
    try:
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise TraceDiffError(f"cannot read the file to append to ({exc})", path) from None
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    separator = "" if not old or old.endswith("\n") else "\n"
    write_atomic(path, f"{old}{separator}\n## {stamp}\n\n{text}")
