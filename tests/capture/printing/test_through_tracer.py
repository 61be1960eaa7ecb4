"""Capture's printers emit through the public tracer's recording path: with every line-shape
method of the writer disabled, a capture still prints its whole trace, and every line but the
``TRACE_CONFIG`` banner was rendered by a tracer session (so a port traced with ``record`` and
tracediff's own capture share one writer)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tracediff.capture.printing.writer import TraceWriter
from tracediff.capture.runner import capture
from tracediff.tracer.session import Tracer

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "reference"
CASES = sorted(p for p in FIXTURES.iterdir() if (p / "args.txt").is_file()) if FIXTURES.is_dir() else []
SHAPE_METHODS = ("setup", "setup_text", "setup_matrix", "setup_named", "pixel", "pairs", "tagged", "narrative", "plain")


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_every_trace_line_but_the_banner_comes_from_a_tracer(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: TraceWriter, *args: object, **kwargs: object) -> None:
        raise AssertionError("a printer wrote around the tracer")

    for method in SHAPE_METHODS:
        monkeypatch.setattr(TraceWriter, method, refuse)
    rendered: list[str] = []
    original = Tracer.lines

    def lines(self: Tracer) -> list[str]:
        out = original(self)
        rendered.extend(out)
        return out

    monkeypatch.setattr(Tracer, "lines", lines)
    stream = io.StringIO()
    capture([], args_file=case / "args.txt", stream=stream, notes_stream=io.StringIO())
    written = stream.getvalue().splitlines()
    banner = [line for line in written if line.startswith("TRACE_CONFIG")]
    assert len(banner) == 1
    assert [line for line in written if not line.startswith("TRACE_CONFIG")] == rendered
    assert any(line.startswith("TRACE_PY: I_pixel_final ") for line in rendered)
