"""The tracer's line shapes that capture's printers need: per-pass pairs, named sub-values, text,
matrices, tagged blocks and whole lines, in recording order."""

from __future__ import annotations

import io

import pytest
import torch

from tracediff.tracer import record, record_line, tracer


def _traced(**kwargs: object) -> list[str]:
    buf = io.StringIO()
    with tracer(out=buf, order="recorded", dtype=None):
        for name, (value, options) in kwargs.items():
            record(name, value, **options)
    return buf.getvalue().splitlines()


def test_pairs_records_repeat_per_pass_without_merging() -> None:
    buf = io.StringIO()
    with tracer(out=buf, order="recorded"):
        for _pass in range(2):  # the C prints tic 0 again for every sub-pixel
            record("PHI", [("phi_tic", 0), ("phi_deg", torch.tensor(0.5, dtype=torch.float64))], kind="pairs")
    assert buf.getvalue().splitlines() == ["TRACE_PY_PHI phi_tic=0 phi_deg=0.5"] * 2


def test_named_text_and_matrix_setup_lines() -> None:
    lines = _traced(
        detector_rotation=([("rotx", 0.0), ("pivot", "BEAM")], {"kind": "named"}),
        detector_convention=("MOSFLM", {"kind": "setup"}),
        rot_matrix=([[1.0, 0.0], [0.0, 1.0]], {"kind": "setup"}),
    )
    assert lines == [
        "TRACE_PY:detector_rotation=rotx:0 pivot:BEAM",
        "TRACE_PY:detector_convention=MOSFLM",
        "TRACE_PY:rot_matrix=[1 0; 0 1]",
    ]


def test_suffix_writes_the_tagged_block_and_lines_keep_their_place() -> None:
    buf = io.StringIO()
    with tracer(out=buf, order="recorded"):
        record_line("pivoting detector around sample")
        record("F_cell", 1.25, kind="pixel", suffix="SOURCE2")
        record_line("TRACE:   a = [1, 0, 0]")
    assert buf.getvalue().splitlines() == [
        "pivoting detector around sample", "TRACE_PY_SOURCE2: F_cell 1.25", "TRACE:   a = [1, 0, 0]",
    ]


def test_record_line_outside_a_tracer_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    record_line("nothing to see")
    assert capsys.readouterr().out == ""
