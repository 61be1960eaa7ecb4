"""Triage on hand-written logs (judge) and end to end on a reference case with a real port trace."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tracediff.cli_main import main
from tracediff.compare.engine import compare_logs
from tracediff.compare.options import CompareOptions
from tracediff.triage.engine import TriageResult, judge

REPO_ROOT = Path(__file__).resolve().parents[2]

C_LOG = """TRACE_C: pix0_vector_meters 0.1 0.2 0.3
TRACE_C: scattering_vec_A_inv 10000000000 0 0
TRACE_C: hkl_frac 1.5 2 3
TRACE_C: F_latt 125
TRACE_C: I_pixel_final 42
TRACE_C: polar 1
TRACE_C: ratio 0.99
TRACE_C: steps 4
"""
PORT_LOG = """TRACE_PY: pix0_vector_meters 0.1 0.2 0.31
TRACE_PY: scattering_vec_A_inv 1 0 0
TRACE_PY: hkl_frac 1.5e-10 2e-10 3e-10
TRACE_PY: F_latt 7
TRACE_PY: I_pixel_final 42
"""
MODEL_LOG = """TRACE_PY: pix0_vector_meters 0.1 0.2 0.3
TRACE_PY: scattering_vec_A_inv 1 0 0
TRACE_PY: hkl_frac 1.5 2 3
TRACE_PY: F_latt 124
TRACE_PY: I_pixel_final 42
TRACE_PY: polar 1
TRACE_PY: ratio 0.99
TRACE_PY: steps 4
"""
PRODUCTION_LOG = """TRACE_PY: pix0_vector_meters 0.1 0.2 0.31
TRACE_PY: ratio -0.04
TRACE_PY: steps 4
TRACE_PY: hkl_frac 1.5 2 3
TRACE_PY: F_latt 6
"""


def _judged(tmp_path: Path) -> TriageResult:
    logs = {}
    for name, text in (("c", C_LOG), ("port", PORT_LOG), ("model", MODEL_LOG), ("prod", PRODUCTION_LOG)):
        logs[name] = tmp_path / f"{name}.log"
        logs[name].write_text(text)
    opts = CompareOptions(keep_all=True, allow_missing=True)
    pairs = {"c_port": compare_logs(logs["c"], logs["port"], opts),
             "c_model": compare_logs(logs["c"], logs["model"], opts),
             "model_port": compare_logs(logs["model"], logs["port"], opts),
             "c_production": compare_logs(logs["c"], logs["prod"], opts)}
    return TriageResult(fields=judge(*pairs.values()), compared=pairs)


def test_each_field_gets_the_verdict_of_its_witnesses(tmp_path: Path) -> None:
    result = _judged(tmp_path)
    verdicts = {f.field: f.verdict for f in result.fields}
    assert verdicts == {"pix0_vector_meters": "port bug", "scattering_vec_A_inv": "C quirk or bug",
                        "hkl_frac": "print only", "F_latt": "all differ", "polar": "not in port trace",
                        "ratio": "port bug"}  # not in the port's trace: judged on its production value
    ratio = next(f for f in result.fields if f.field == "ratio")
    assert ratio.port_value == "-0.04" and "production value" in ratio.detail
    quirk = next(f for f in result.fields if f.field == "scattering_vec_A_inv").quirk
    assert quirk.startswith("Q8/G3")  # the catalogue's quirk is named
    assert result.exit_code == 1
    assert result.headline().startswith("PORT BUG first at pix0_vector_meters")
    data = result.to_json()
    assert data["first_port_bug"] == "pix0_vector_meters"
    assert [f["verdict"] for f in data["fields"]][0] == "port bug"


def _reference_case(name: str) -> Path:
    ref = os.environ.get("TRACEDIFF_REFERENCE")
    if not ref or not (Path(ref) / name).is_dir():
        pytest.skip("set TRACEDIFF_REFERENCE to the nanoBragg C reference cases")
    return Path(ref) / name


def test_triage_cli_on_the_real_port_trace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The port's own trace of a BEAM-pivot case: its trace prints are wrong (rot_a in metres,
    hkl 1e-10 too small) and its geometry is float32; with no adapter, those are port bugs."""
    case = _reference_case("mosflm-rotxyz-scaled")
    port_log = REPO_ROOT / "fixtures" / "port" / "mosflm-rotxyz-scaled.float64.log"
    with pytest.raises(SystemExit) as done:
        main(["triage", "--args-file", str(case / "args.txt"), str(case / "trace_c.log"), str(port_log),
              "--format", "json"])
    assert done.value.code == 1
    data = json.loads(capsys.readouterr().out)
    verdicts = {f["field"]: f["verdict"] for f in data["fields"]}
    assert verdicts["hkl_frac"] == "port bug" and verdicts["rot_a_angstroms"] == "port bug"
    # the C prints S in 1/m (quirk Q8); under that rule the model agrees with the C, so the port's
    # float32 difference is the port's, not "all differ"
    assert verdicts["scattering_vec_A_inv"] == "port bug"
    assert data["headline"].startswith("PORT BUG first at")


def test_triage_needs_a_port_trace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = tmp_path / "args.txt"
    args.write_text("-cell 100 100 100 90 90 90 -default_F 1\n")
    c_log = tmp_path / "c.log"
    c_log.write_text(C_LOG)
    with pytest.raises(SystemExit) as done:
        main(["triage", "--args-file", str(args), str(c_log)])
    assert done.value.code == 2
    assert "PORT_LOG or --model" in capsys.readouterr().err
