"""``tracediff capture --model NAME`` and ``--list-fields`` as a library call (the CLI is a thin layer)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from tracediff.capture.models import get_model
from tracediff.capture.models.interface import CaptureOutcome, CaptureRequest, Model


def list_fields(model: Model, stream: TextIO) -> int:
    """Print one line per catalogue field: block, name, traced from where or why not. Returns 0."""
    rows = [(f.block, f.name, f.source, f.via) for f in model.fields()]
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    stream.write(f"# {model.name}: {model.description}\n")
    for row in rows:
        stream.write("  ".join(cell.ljust(w) for cell, w in zip(row[:3], width)) + "  " + row[3] + "\n")
    counts = {kind: sum(r[2] == kind for r in rows) for kind in ("production", "derived", "missing")}
    stream.write(f"# {counts['production']} production, {counts['derived']} derived, {counts['missing']} missing\n")
    return 0


def capture_model(name: str, argv: Sequence[str], *, args_file: Path | None = None, source: Path | None = None,
                  dtype: str = "float64", device: str = "cpu", stream: TextIO | None = None,
                  notes: TextIO | None = None) -> CaptureOutcome:
    """Trace model ``name`` on nanoBragg flags; TRACE_PY lines to ``stream`` (stdout)."""
    request = CaptureRequest(argv=tuple(argv), args_file=args_file, source=source, dtype=dtype, device=device)
    return get_model(name).capture(request, stream or sys.stdout, notes or sys.stderr)
