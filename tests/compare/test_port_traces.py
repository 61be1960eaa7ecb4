"""The real PyTorch port's traces (``fixtures/port/``) against the C reference cases, as a
new user runs them: the headline names the first value divergence and its worst component,
missing fields are summarised, and the ``nanobragg`` profile changes nothing it does not fit.

Expected fields and components are read off the two logs by hand (see each test).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tracediff import compare_logs

PORT = Path(__file__).resolve().parents[2] / "fixtures" / "port"


def _pair(reference_dir: Path, name: str) -> tuple[Path, Path]:
    case = name.split(".")[0]
    ref = reference_dir / case / "trace_c.log"
    if not ref.exists():
        pytest.skip(f"reference case {case} not in TRACEDIFF_REFERENCE")
    return ref, PORT / name


@pytest.mark.parametrize("profile", [None, "nanobragg"])
def test_the_worst_component_of_pix0_heads_a_float32_run(reference_dir, profile):
    """adxv-default-center, float32: pix0_vector_meters is -0.01285 0.01285 0.1 in the C and
    -0.01284999959 0.01274999976 0.10000000149 in the port: component 1 is off by a whole
    pixel (1e-4 m), components 0 and 2 only by float32 rounding."""
    ref, cand = _pair(reference_dir, "adxv-default-center.float32.log")
    result = compare_logs(ref, cand, profile=profile, config=None)
    first = result.first_divergence
    assert (first.field, first.component) == ("pix0_vector_meters", 1)
    assert first.abs_error == pytest.approx(1e-4, rel=1e-3)
    assert first.digits == 2
    assert result.failed
    # the detector set-up block the port does not print is summarised, not the headline
    assert result.first_missing is not None and result.first_missing.field == "fdet_after_rotz"
    assert sum(g.count for g in result.missing) == result.required_missing > 20
    doc = result.to_json()
    assert doc["first_divergence"]["field"] == "pix0_vector_meters"
    assert doc["first_missing"]["field"] == "fdet_after_rotz"
    assert doc["missing"]["count"] == result.required_missing


def test_a_unit_rule_that_does_not_fit_stays_silent(reference_dir):
    """xds-default-center, float64: the port prints scattering_vec_A_inv in 1/m like the C
    (5733331.44872384 on both sides), so the profile's 1/m-vs-1/Å rule must not apply;
    the first divergence is rot_a_angstroms (69.28 Å in the C, 6.93e-09 in the port), the
    same with and without the profile."""
    ref, cand = _pair(reference_dir, "xds-default-center.float64.log")
    plain = compare_logs(ref, cand, config=None)
    profiled = compare_logs(ref, cand, profile="nanobragg", config=None, keep_all=True)
    assert plain.first_divergence.field == profiled.first_divergence.field == "rot_a_angstroms"
    (row,) = [r for r in profiled.rows if r.field == "scattering_vec_A_inv" and r.occurrence == 0]
    assert row.status == "match"
    assert "did not apply" in row.note


def test_one_pixel_block_against_four_sub_pixels_is_said(reference_dir):
    """mat-A-P1-oversample2: the C prints the per-pixel block once per sub-pixel (4 with
    -oversample 2), the port once."""
    ref, cand = _pair(reference_dir, "mat-A-P1-oversample2.float64.log")
    result = compare_logs(ref, cand, config=None, keep_all=True)
    assert any("4 times in the reference, 1 in the candidate" in n and "sub-pixel" in n for n in result.notes)
    (row,) = [r for r in result.rows if r.field == "pixel_pos_meters" and r.occurrence == 0]
    assert "printed 4 times in the reference, 1 in the candidate" in row.note
