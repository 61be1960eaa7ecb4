"""Run tracediff's capture model in-process: the one place tests of the graph reach into capture."""

from __future__ import annotations

import io
from pathlib import Path


def capture_text(args_file: Path, extra: list[str]) -> str:
    """The TRACE_PY trace of the case's flags with ``extra`` appended (later flags win)."""
    from tracediff.capture.runner import capture

    out = io.StringIO()
    capture(extra, args_file=args_file, stream=out, notes_stream=io.StringIO())
    return out.getvalue()


def known_flags() -> set[str]:
    """Every flag the capture model's flag table names (patterns included)."""
    from tracediff.capture.cmdline.table import FLAG_TABLE

    return {p.text for rule in FLAG_TABLE for p in rule.patterns} | {rule.name for rule in FLAG_TABLE}
