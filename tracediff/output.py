"""Write reports so that an interrupted run never leaves a half-written file."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from tracediff.errors import TraceDiffError


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it into place."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise TraceDiffError("the output folder does not exist", folder)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise TraceDiffError(f"cannot write the report ({exc.strerror or exc})", path) from None


def append_dated(path: Path, text: str) -> None:
    """Append ``text`` under a dated heading (a Markdown log of runs), atomically."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    write_atomic(path, f"{old}{'' if not old or old.endswith(chr(10)) else chr(10)}\n## {stamp}\n\n{text}")
