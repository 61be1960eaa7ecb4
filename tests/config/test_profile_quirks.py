"""The nanobragg profile waives a quirk only where the C shows it, and only for the true value.

Each test captures a reference case (``fixtures/reference``; the full set under
``$TRACEDIFF_REFERENCE`` for the phi case), checks that the capture passes with the profile,
then plants a wrong value for one quirk field and checks that the comparison now fails on
that field: where the C prints the truth (a MOSFLM run: BEAM pivot, no two-theta, phi0 = 0,
one mosaic domain) and, for the sound-value conditions, where it shows the quirk.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "reference"
MOSFLM = "mat-simplecubic-nopolar"  # MOSFLM, BEAM pivot, no rotation, phi0 = 0, one domain
ADXV = "adxv-twotheta-forced-beam"  # ADXV, BEAM pivot, two-theta 8: B1, B3, B4, B5 shown
XDS = "xds-twotheta-rotz-orgx"  # XDS, SAMPLE pivot: S1 shown

_captures: dict[Path, str] = {}


def _capture(case: Path) -> str:
    if case not in _captures:
        done = subprocess.run([sys.executable, "-m", "tracediff", "capture", "--args-file", str(case / "args.txt")],
                              cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert done.returncode == 0, done.stderr
        _captures[case] = done.stdout
    return _captures[case]


def plant(text: str, name: str, value: str, occurrence: int = 0) -> str:
    """Replace the value of the ``occurrence``-th ``TRACE_PY`` line of field ``name``."""
    pattern = re.compile(rf"^(TRACE_PY:{re.escape(name)}=|TRACE_PY: {re.escape(name)} )(.*)$", re.M)
    match = list(pattern.finditer(text))[occurrence]
    return text[:match.start(2)] + value + text[match.end(2):]


def line_value(text: str, name: str, occurrence: int = 0) -> str:
    pattern = re.compile(rf"^(?:TRACE_PY:{re.escape(name)}=|TRACE_PY: {re.escape(name)} )(.*)$", re.M)
    return list(pattern.finditer(text))[occurrence].group(1)


def _compare(cli, write, case: Path, candidate: str) -> tuple[int, dict]:
    cand = write("cand.log", candidate)
    result = cli("compare", case / "trace_c.log", cand, "--profile", "nanobragg", "--no-config", "--format", "json")
    assert result.code in (0, 1), result.stderr
    return result.code, result.json()


def _status(doc: dict, name: str) -> set[str]:
    return {row["status"] for row in doc["fields"] if row["field"].partition(".")[0] == name}


@pytest.mark.parametrize("case", [MOSFLM, ADXV, XDS])
def test_the_capture_passes_with_the_profile(cli, write, case):
    code, doc = _compare(cli, write, FIXTURES / case, _capture(FIXTURES / case))
    assert code == 0, [r for r in doc["fields"] if r["status"] not in ("match", "waived")]


# (field, wrong value, occurrence): on the MOSFLM run the C prints each of these truthfully
MOSFLM_PLANTS = [
    ("detector_convention", "XDS", 0),  # XDS never prints the BEAM block
    ("detector_convention", "GARBAGE", 0),
    ("initial_fdet", "1 0 0", 0),  # a unit vector, but not the one R_total turns into fdet
    ("initial_sdet", "0 1 0", 0),
    ("initial_odet", "0 0 1", 0),
    ("fdet_after_rotz", "0 1 0", 1),  # the BEAM block's copy: no two-theta, the C prints the truth
    ("odet_after_rotz", "0.6 0.8 0", 1),
    ("convention_mapping", "Fbeam←Ybeam_mm(+0.5px),Sbeam←Xbeam_mm(+0.5px),beam_vec=[0 0 1]", 0),
    ("convention_mapping", "Fbeam←Xbeam_mm,Sbeam←Ybeam_mm(+0.5px),beam_vec=[1 0 0]", 0),  # no convention's
    ("beam_center_m", "X:0.0151 Y:0.0151 pixel_mm:0.1", 0),
    ("beam_center_m", "X:0.01505 Y:0.01505 pixel_mm:0.2", 0),
]


@pytest.mark.parametrize("name, value, occurrence", MOSFLM_PLANTS, ids=lambda v: str(v)[:30])
def test_a_wrong_value_fails_where_the_c_prints_the_truth(cli, write, name, value, occurrence):
    case = FIXTURES / MOSFLM
    good = _capture(case)
    assert line_value(good, name, occurrence) != value
    code, doc = _compare(cli, write, case, plant(good, name, value, occurrence))
    assert code == 1
    assert "diverged" in _status(doc, name) and "waived" not in _status(doc, name), _status(doc, name)


def _rotated(vector: str, degrees: float) -> str:
    """The vector rotated about (1, 2, 3): same length, another direction (a plausible port mistake)."""
    import numpy as np

    v = np.array([float(x) for x in vector.split()])
    k = np.array([1.0, 2.0, 3.0]) / np.sqrt(14.0)
    t = np.radians(degrees)
    out = v * np.cos(t) + np.cross(k, v) * np.sin(t) + k * (k @ v) * (1 - np.cos(t))
    return " ".join(f"{x:.15g}" for x in out)


@pytest.mark.parametrize("name", ["rot_a_star_A_inv", "rot_b_star_A_inv", "rot_c_star_A_inv"])
def test_a_rotated_reciprocal_vector_fails_at_phi_0_with_one_domain(cli, write, name):
    case = FIXTURES / MOSFLM
    good = _capture(case)
    code, doc = _compare(cli, write, case, plant(good, name, _rotated(line_value(good, name), 3.0)))
    assert code == 1 and "diverged" in _status(doc, name)


def test_scattering_vector_is_converted_not_waived(cli, write):
    case = FIXTURES / MOSFLM
    good = _capture(case)
    x, y, z = (float(v) for v in line_value(good, "scattering_vec_A_inv").split())
    code, doc = _compare(cli, write, case, plant(good, "scattering_vec_A_inv", f"{x:.15g} {y * 1.000001:.15g} {z:.15g}"))
    assert code == 1 and _status(doc, "scattering_vec_A_inv") == {"diverged"}


# where the C shows the quirk (ADXV, two-theta 8): the waiver takes only the true value
ADXV_PLANTS = [
    ("detector_convention", "DIALS", 0),
    ("initial_fdet", "0 1 0", 0),  # a unit vector, neither ADXV's basis nor the C's MOSFLM one
    ("initial_odet", "0 1 0", 0),
    ("sdet_after_rotz", "0 -0.6 0.8", 1),  # neither the pre-two-theta truth nor the C's value
    ("odet_after_rotz", "0.6 0 0.8", 1),
    ("convention_mapping", "Fbeam←Xbeam_mm,Sbeam←detsize_s-Ybeam_mm,beam_vec=[1 0 0]", 0),  # wrong beam
]


@pytest.mark.parametrize("name, value, occurrence", ADXV_PLANTS, ids=lambda v: str(v)[:30])
def test_where_the_c_shows_the_quirk_only_the_true_value_is_waived(cli, write, name, value, occurrence):
    case = FIXTURES / ADXV
    good = _capture(case)
    assert line_value(good, name, occurrence) != value
    code, doc = _compare(cli, write, case, plant(good, name, value, occurrence))
    assert code == 1
    assert "diverged" in _status(doc, name), _status(doc, name)


def test_sample_pivot_beam_centre_factor_is_exact(cli, write):
    case = FIXTURES / XDS
    good = _capture(case)
    wrong = re.sub(r"Xclose:([0-9.e-]+)", lambda m: f"Xclose:{float(m.group(1)) * 1.001:.15g}",
                   line_value(good, "beam_center_m"))
    code, doc = _compare(cli, write, case, plant(good, "beam_center_m", wrong))
    assert code == 1 and "diverged" in _status(doc, "beam_center_m")


@pytest.fixture(scope="module")
def phi_case() -> Path:
    root = os.environ.get("TRACEDIFF_REFERENCE")
    case = Path(root) / "mosaic-domains-phi" if root else None
    if case is None or not (case / "args.txt").is_file():
        pytest.skip("set TRACEDIFF_REFERENCE to the nanobragg-c reference folder (case mosaic-domains-phi)")
    return case


@pytest.mark.parametrize("name", ["rot_a_star_A_inv", "rot_c_star_A_inv"])
def test_phi_nonzero_waives_the_rotated_vector_but_not_a_wrong_one(cli, write, phi_case, name):
    good = _capture(phi_case)
    code, doc = _compare(cli, write, phi_case, good)
    assert code == 0 and _status(doc, name) == {"waived"}
    code, doc = _compare(cli, write, phi_case, plant(good, name, _rotated(line_value(good, name), 2.0)))
    assert code == 1 and "diverged" in _status(doc, name)
