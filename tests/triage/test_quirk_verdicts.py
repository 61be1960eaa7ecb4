"""Triage uses the catalogue's C print quirks (``c_print``, the generated quirk rules): a port that
prints the true value where the C prints a quirk is "C quirk" (named), and a quirk between the C
and tracediff's model does not hide a port bug behind "all differ"."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from tracediff.capture.runner import capture
from tracediff.triage.engine import triage

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "fixtures" / "reference" / "mat-simplecubic-nopolar"
REFERENCE = os.environ.get("TRACEDIFF_REFERENCE")


def _verdicts(args_file: Path, c_log: Path, port_log: Path) -> dict[str, tuple[str, str]]:
    result = triage(args_file, c_log, port_log)
    return {f.field: (f.verdict, f.quirk) for f in result.fields if f.occurrence == 0}


def test_true_value_where_the_c_prints_1_per_m_is_the_c_quirk_q8(tmp_path: Path) -> None:
    port = tmp_path / "port.log"  # a port printing what tracediff prints: S in 1/Å, as labelled
    with port.open("w", encoding="utf-8") as stream:
        capture([], args_file=CASE / "args.txt", stream=stream, notes_stream=io.StringIO())
    verdicts = _verdicts(CASE / "args.txt", CASE / "trace_c.log", port)
    verdict, quirk = verdicts["scattering_vec_A_inv"]
    assert verdict == "C quirk"
    assert "Q8" in quirk
    assert all(v != "all differ" for v, _ in verdicts.values())


@pytest.mark.skipif(not REFERENCE, reason="set TRACEDIFF_REFERENCE to the C reference cases")
def test_float32_port_noise_on_a_quirky_field_is_a_port_bug_not_all_differ() -> None:
    case = Path(str(REFERENCE)) / "mosflm-rotxyz-scaled"
    port = ROOT / "fixtures" / "port" / "mosflm-rotxyz-scaled.float64.log"
    verdicts = _verdicts(case / "args.txt", case / "trace_c.log", port)
    assert verdicts["scattering_vec_A_inv"][0] == "port bug"  # model x 1e10 == C (Q8); the port is off in float32
    assert verdicts["floatimage_accumulated"][0] == "port bug"
