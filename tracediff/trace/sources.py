"""Where a log's bytes come from: a file, a pipe or FIFO, standard input (``-``), gzip.

A log is opened exactly once and read front to back, so pipes and FIFOs work like files.
Compressed logs (gzip, recognised by their magic bytes) are read as they are; UTF-16
text, which would parse as nothing, is refused with a message that says what it is.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from tracediff.errors import TraceDiffError

STDIN = "-"  # the path that means standard input
_GZIP_MAGIC = b"\x1f\x8b"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF16_MESSAGE = "UTF-16 text; tracediff reads UTF-8 or ASCII logs (convert with: iconv -f UTF-16 -t UTF-8)"


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def is_stdin(path: str | Path) -> bool:
    return str(path) == STDIN


def check_readable(path: Path) -> None:
    """Fail early, naming the file, for paths that cannot be a readable log."""
    if not path.exists():
        raise TraceDiffError("no such file", path)
    if path.is_dir():
        raise TraceDiffError("is a directory, not a trace log", path)
    if not os.access(path, os.R_OK):
        raise TraceDiffError("cannot read the file (permission denied)", path)


def looks_utf16(head: bytes) -> bool:
    """NUL bytes in every other position of the first block (after a BOM, if any)."""
    sample = head[2:4098] if head[:2] in _UTF16_BOMS else head[:4096]
    half = len(sample) // 2
    return half >= 4 and max(sample[0::2].count(0), sample[1::2].count(0)) >= 0.9 * half


@contextmanager
def open_log(path: Path) -> Iterator[Readable]:
    """The log's bytes, decompressed if it is gzip; standard input for ``-``."""
    if is_stdin(path):
        handle, owned = sys.stdin.buffer, False
    else:
        check_readable(path)
        handle, owned = open(path, "rb"), True
    try:
        peek = getattr(handle, "peek", None)
        head = peek(2)[:2] if peek is not None else b""
        if head == _GZIP_MAGIC:
            import gzip

            with gzip.GzipFile(fileobj=handle) as unpacked:
                yield unpacked
        else:
            yield handle
    finally:
        if owned:
            handle.close()
