"""The nanobrag_torch adapter on the real port (``TRACEDIFF_PORT``: its source tree) and a C log.

Skipped, saying why, when ``TRACEDIFF_PORT`` or ``TRACEDIFF_REFERENCE`` is unset. One
capture serves every test (it runs the port's whole image once).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from tracediff.capture.models.run import capture_model
from tracediff.compare.engine import compare_logs
from tracediff.compare.options import CompareOptions

CASE = "mosflm-default-cubic"  # MOSFLM, BEAM pivot, 128x128 pixels: the port's geometry is right here
GEOMETRY = ("pix0_vector_meters", "fdet_vec", "sdet_vec", "pixel_pos_meters", "R_distance_meters", "omega_pixel_sr",
            "close_distance_meters", "obliquity_factor", "diffracted_vec", "lambda_meters", "rot_a_angstroms",
            "rot_b_angstroms", "rot_c_angstroms", "hkl_frac", "hkl_rounded", "F_latt_a", "F_latt", "F_cell",
            "r_e_sqr", "fluence_photons_per_m2", "DETECTOR_PIX0_VECTOR")


def _env_dir(name: str, hint: str) -> Path:
    value = os.environ.get(name)
    if not value or not Path(value).is_dir():
        pytest.skip(f"set {name} to {hint}")
    return Path(value)


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    port = _env_dir("TRACEDIFF_PORT", "the nanobrag_torch source tree (hoidn/nanoBragg checkout)")
    case = _env_dir("TRACEDIFF_REFERENCE", "the nanoBragg C reference cases") / CASE
    log = tmp_path_factory.mktemp("adapter") / "trace_py.log"
    notes = io.StringIO()
    with log.open("w") as stream:
        capture_model("nanobrag_torch", [], args_file=case / "args.txt", source=port, stream=stream, notes=notes)
    return log, case / "trace_c.log", notes.getvalue()


def test_production_values_agree_with_the_c_where_the_port_trace_does_not(captured: tuple[Path, Path, str]) -> None:
    log, c_log, _ = captured
    result = compare_logs(c_log, log, CompareOptions(only=list(GEOMETRY), keep_all=True))
    bad = [(r.field, r.status) for r in result.rows if r.status != "match"]
    assert bad == []
    assert result.counts.compared == len(GEOMETRY)


def test_trace_is_float64_and_says_where_the_port_came_from(captured: tuple[Path, Path, str]) -> None:
    log, _, notes = captured
    text = log.read_text()
    assert "warning:" not in text  # no float32 value was recorded
    assert f"nanobrag_torch imported from {Path(os.environ['TRACEDIFF_PORT']).resolve()}" in notes
    assert "builds Detector without dtype=" in notes
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("not exposed by the port" in line and "I_before_scaling" in line for line in header)


def test_port_trace_print_bugs_do_not_reach_the_adapter_trace(captured: tuple[Path, Path, str]) -> None:
    log, _, _ = captured
    lines = {line.split()[1]: line for line in log.read_text().splitlines() if line.startswith("TRACE_PY: ")}
    assert lines["rot_a_angstroms"].split()[2] == "100"  # the port's own trace prints 1e-08 (metres)
    assert lines["I_pixel_final"].split()[2] != "0"
