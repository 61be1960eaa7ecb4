"""The convention table (spec section 2): vectors, forced pivots, beam-centre rules."""

from __future__ import annotations

import pytest

from tracediff.capture.physics.detector.conventions import CONVENTION_TABLE, BeamInputs, convention
from tracediff.capture.printing.detector import C_MAPPING_TEXT, mapping_text
from tracediff.capture.config import CONVENTIONS

# 64 x 64 pixels of 0.1 mm: detsize 6.4 mm, centre 3.2 mm
INPUTS = BeamInputs(pixel_size=0.1e-3, detsize_f=6.4e-3, detsize_s=6.4e-3, xclose=3.2e-3, yclose=3.2e-3)


def test_table_has_the_six_conventions() -> None:
    assert set(CONVENTION_TABLE) == set(CONVENTIONS)
    assert convention("xds") is CONVENTION_TABLE["XDS"]


@pytest.mark.parametrize("name, f, s, o, b, p, u, t, pivot", [
    ("MOSFLM", (0, 0, 1), (0, -1, 0), (1, 0, 0), (1, 0, 0), (0, 0, 1), (0, 0, 1), (0, 0, -1), "BEAM"),
    ("DENZO", (0, 0, 1), (0, -1, 0), (1, 0, 0), (1, 0, 0), (0, 0, 1), (0, 0, 1), (0, 0, -1), "BEAM"),
    ("ADXV", (1, 0, 0), (0, -1, 0), (0, 0, 1), (0, 0, 1), (1, 0, 0), (1, 0, 0), (-1, 0, 0), "BEAM"),
    ("XDS", (1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 0, 1), (1, 0, 0), (1, 0, 0), (1, 0, 0), "SAMPLE"),
    ("DIALS", (1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 0, 1), (0, 1, 0), (0, 1, 0), (0, 1, 0), "SAMPLE"),
])
def test_named_convention_vectors_and_pivot(name, f, s, o, b, p, u, t, pivot) -> None:  # type: ignore[no-untyped-def]
    c = CONVENTION_TABLE[name]
    assert (c.fdet, c.sdet, c.odet, c.beam, c.polar, c.spindle, c.twotheta_axis) == (f, s, o, b, p, u, t)
    assert c.forced_pivot == pivot
    assert not c.close_from_beam


def test_custom_imposes_nothing() -> None:
    c = CONVENTION_TABLE["CUSTOM"]
    assert c.forced_pivot is None and c.close_from_beam
    assert (c.fdet, c.sdet, c.odet, c.beam, c.polar, c.spindle, c.twotheta_axis) == (None,) * 7


@pytest.mark.parametrize("name, xbeam, ybeam, fbeam, sbeam", [
    # hand-computed for 64 x 64 x 0.1 mm (metres)
    ("MOSFLM", 3.25e-3, 3.25e-3, 3.30e-3, 3.30e-3),
    ("DENZO", 3.25e-3, 3.25e-3, 3.25e-3, 3.25e-3),
    ("ADXV", 3.25e-3, 3.15e-3, 3.25e-3, 3.25e-3),
    ("XDS", 3.2e-3, 3.2e-3, 3.2e-3, 3.2e-3),
    ("DIALS", 3.2e-3, 3.2e-3, 3.2e-3, 3.2e-3),
    ("CUSTOM", 3.2e-3, 3.2e-3, 3.2e-3, 3.2e-3),
])
def test_default_beam_centre(name: str, xbeam: float, ybeam: float, fbeam: float, sbeam: float) -> None:
    c = CONVENTION_TABLE[name]
    x, y = c.default_xbeam(INPUTS), c.default_ybeam(INPUTS)
    assert (x, y) == pytest.approx((xbeam, ybeam), abs=1e-18)
    assert (c.fbeam(x, y, INPUTS), c.sbeam(x, y, INPUTS)) == pytest.approx((fbeam, sbeam), abs=1e-18)


def test_mosflm_half_pixel_also_for_explicit_beam_centre() -> None:
    # Q21: -Xbeam 2 -Ybeam 3 gives Fbeam = 3.05 mm, Sbeam = 2.05 mm
    c = CONVENTION_TABLE["MOSFLM"]
    assert c.fbeam(2e-3, 3e-3, INPUTS) == 3e-3 + 0.5 * 0.1e-3
    assert c.sbeam(2e-3, 3e-3, INPUTS) == 2e-3 + 0.5 * 0.1e-3


def test_mapping_texts() -> None:
    assert C_MAPPING_TEXT == "Fbeam←Ybeam_mm(+0.5px),Sbeam←Xbeam_mm(+0.5px),beam_vec=[1 0 0]"
    assert mapping_text(CONVENTION_TABLE["DENZO"]) == "Fbeam←Ybeam_mm,Sbeam←Xbeam_mm,beam_vec=[1 0 0]"
    assert mapping_text(CONVENTION_TABLE["ADXV"]) == "Fbeam←Xbeam_mm,Sbeam←detsize_s-Ybeam_mm,beam_vec=[0 0 1]"
    assert mapping_text(CONVENTION_TABLE["CUSTOM"], (0.0, 0.0, -1.0)).endswith("beam_vec=[0 0 -1]")
