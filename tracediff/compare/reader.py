"""Read a log concurrently with the comparison.

Parsing holds the GIL for much of its work, so a thread barely helps; where ``fork``
exists a large log is parsed in a child process, started as soon as its log is opened
(it reads its first chunk while the parent reads the other log's), that streams its
batches through a pipe widened to hold a whole batch (column arrays and a short list
of value templates, never one object per record); the parent turns the child's field
ids into its own.  At most one such child runs:
the parent parses the other log itself, which keeps two cores busy, while a second
child would add its own copy of the interpreter's pages (measured: 77 MiB for both
processes' pages at 1M lines against 60 MiB with one child).  Small logs, pipes and
standard input are read in this process: a child would cost more than it saves.
Elsewhere a reader thread keeps one or two batches ready.  Either way the reader stops
as soon as the consumer does, also on errors.
"""

from __future__ import annotations

import gc
import os
import queue
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from tracediff.errors import TraceDiffError
from tracediff.trace.log import Batch, KeyTable, LogInfo
from tracediff.trace.parser import iter_batches
from tracediff.trace.sources import is_stdin

_INFO_FIELDS = ("lines_read", "skipped", "chars", "ends_mid_line", "binary")
PIPE_BYTES = 1 << 20  # what the pipe from a reader process holds (see _widen)
PROCESS_THRESHOLD = 8 << 20  # bytes: below this a reader process costs more than it saves
_READER_SLOTS = threading.BoundedSemaphore(1)  # reader processes alive at once (see the module's docstring)


def read_concurrently(path: str | Path, keys: KeyTable, info: LogInfo, aliases: dict[str, str]) -> Iterator[Batch]:
    """The batches of ``path``, parsed ahead of the consumer (a process for large files)."""
    if not _worth_a_process(path):
        return iter_batches(path, keys, info, aliases=aliases)
    import multiprocessing  # only large files need it

    if "fork" in multiprocessing.get_all_start_methods():
        return _from_process_if_free(path, keys, info, aliases)
    return prefetch(iter_batches(path, keys, info, aliases=aliases))


def _from_process_if_free(path: str | Path, keys: KeyTable, info: LogInfo,
                          aliases: dict[str, str]) -> Iterator[Batch]:
    """A reader process when none runs yet (started now), else this process."""
    if not _READER_SLOTS.acquire(blocking=False):
        return iter_batches(path, keys, info, aliases=aliases)
    try:
        return _ProcessReader(path, keys, info, aliases)
    except BaseException:
        _READER_SLOTS.release()
        raise


def _worth_a_process(path: str | Path) -> bool:
    if is_stdin(path):
        return False
    try:
        status = os.stat(path)
    except OSError:
        return False  # the parser names the problem
    return stat.S_ISREG(status.st_mode) and status.st_size >= PROCESS_THRESHOLD


def _child(path: str, aliases: dict[str, str], conn) -> None:  # type: ignore[no-untyped-def]
    keys, info = KeyTable(), LogInfo(Path(path))
    sent = tags_sent = units_sent = 0
    try:
        for batch in iter_batches(path, keys, info, aliases=aliases):
            new = list(zip(keys.families[sent:], keys.fields[sent:]))
            tags, units = info.tags[tags_sent:], info.units[units_sent:]
            sent, tags_sent, units_sent = len(keys), len(info.tags), len(info.units)
            conn.send(("batch", new, tags, units, batch))
        conn.send(("done", {name: getattr(info, name) for name in _INFO_FIELDS}))
    except TraceDiffError as exc:
        conn.send(("error", exc.reason, None if exc.path is None else str(exc.path), exc.line))
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        conn.send(("crash", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class _ProcessReader(Iterator[Batch]):
    """The batches of a child process that parses ``path`` from the moment this is made, so it
    reads its first chunk while this process reads the other log's; :meth:`close` stops it,
    whether or not reading began (a generator's body would not run before its first item)."""

    remote = True  # read_in_step reads this process's own log first when both sides wait alike

    def __init__(self, path: str | Path, keys: KeyTable, info: LogInfo, aliases: dict[str, str]) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.path = path
        self._receive, send = context.Pipe(duplex=False)
        _widen(self._receive.fileno())
        self._child = context.Process(target=_child, args=(str(path), aliases, send), daemon=True,
                                      name="tracediff-reader")
        gc.freeze()  # the child's collector never walks (and so never copies) the pages it shares with us
        try:
            self._child.start()
        finally:
            gc.unfreeze()
        send.close()
        self._batches = self._received(keys, info)
        self._open = True

    def __next__(self) -> Batch:
        return next(self._batches)

    def close(self) -> None:
        if not self._open:
            return
        self._open = False
        self._batches.close()
        self._receive.close()
        if self._child.is_alive():
            self._child.terminate()
        self._child.join()
        _READER_SLOTS.release()

    def _received(self, keys: KeyTable, info: LogInfo) -> Iterator[Batch]:
        """The child's batches, its field ids turned into this process's."""
        remap = np.zeros(0, dtype=np.int32)
        while True:
            try:
                message = self._receive.recv()
            except EOFError:
                raise TraceDiffError("the reader process stopped unexpectedly", self.path) from None
            kind = message[0]
            if kind == "batch":
                _, new, tags, units, batch = message
                if new:
                    remap = np.concatenate([remap, np.array([keys.id(f, n) for f, n in new], dtype=np.int32)])
                info.tags += tags
                info.units += units
                batch.key = remap[batch.key] if len(batch) else batch.key
                yield batch
            elif kind == "done":
                for name, value in message[1].items():
                    setattr(info, name, value)
                return
            elif kind == "error":
                raise TraceDiffError(message[1], None if message[2] is None else Path(message[2]), message[3])
            else:
                raise RuntimeError(f"reading {self.path} failed: {message[1]}")


def _widen(fd: int) -> None:
    """Let the pipe hold a whole batch (Linux: up to 1 MiB unprivileged): with the default 64 KiB a
    batch of ~400 KB crosses in seven writes, each waiting for the reader (measured: 1.5 ms a batch)."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass  # elsewhere the pipe keeps its size: slower, not wrong


def prefetch(batches: Iterator[Batch], depth: int = 2) -> Iterator[Batch]:
    """Read ``batches`` in a background thread, ``depth`` ahead; errors re-raised here."""
    slots: queue.Queue = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def put(item: object) -> bool:
        """Hand ``item`` over unless the consumer has stopped; False when it has."""
        while not stop.is_set():
            try:
                slots.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for batch in batches:
                if not put(batch):
                    return
            put(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            put(exc)

    thread = threading.Thread(target=work, name="tracediff-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item = slots.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
