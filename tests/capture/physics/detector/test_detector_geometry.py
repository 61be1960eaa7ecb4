"""Detector geometry: hand-computed values for every convention and pivot rule (spec 3, 8)."""

from __future__ import annotations

import io
import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from tracediff.capture.physics.detector.geometry import DetectorGeometry, build_detector, pixel_position
from tracediff.capture.printing.detector import emit_detector_trace
from tracediff.capture.printing.writer import TraceWriter
from tracediff.capture.cmdline.walk import parse_argv
from tracediff.capture.physics.rotations import (
    cross, dot, magnitude, rotate_axis, rotate_umat, rotate_xyz, rotation_matrices, sqrt, unitize,
)

SMALL = ["-distance", "100", "-detpixels", "64", "-pixel", "0.1"]  # spec section 8 detector


def geom(*words: str, dtype: str = "float64") -> DetectorGeometry:
    return build_detector(parse_argv([*SMALL, *words]), dtype=dtype)


def vec(t: torch.Tensor) -> list[float]:
    return t.tolist()


def approx(values: list[float] | tuple[float, ...], rel: float = 1e-12) -> object:
    return pytest.approx(list(values), rel=rel, abs=1e-15)


# --- spec section 8 worked examples -----------------------------------------------


def test_mosflm_default() -> None:
    g = geom()
    assert (g.convention, g.pivot) == ("MOSFLM", "BEAM")
    assert float(g.xbeam) == float(g.ybeam) == (6.4e-3 + 0.1e-3) / 2.0
    assert float(g.fbeam0) == pytest.approx(3.3e-3, rel=1e-15)
    assert vec(g.pix0) == approx((0.1, 0.0033, -0.0033))
    assert float(g.ratio) == 1.0 and float(g.close_distance) == pytest.approx(0.1)
    assert (float(g.fbeam), float(g.sbeam)) == pytest.approx((0.0033, 0.0033), rel=1e-12)
    assert (float(g.orgx), float(g.orgy)) == pytest.approx((33.5, 33.5), rel=1e-12)
    assert vec(g.dials_origin) == approx((-3.3, 3.3, -100.0))
    assert vec(g.terms["term_fast"]) == approx((-0.0, -0.0, -0.0033))
    assert vec(g.xds_incident_beam) == [0.0, 0.0, 1.0]


def test_xds_pix0() -> None:
    g = geom("-xds")
    assert (g.convention, g.pivot) == ("XDS", "SAMPLE")
    assert vec(g.pix0) == approx((-0.0032, -0.0032, 0.1))
    assert vec(g.dials_origin) == approx((100.0, -3.2, 3.2))  # Q26: same mapping for every convention


def test_xds_orgx_orgy() -> None:
    g = geom("-xds", "-ORGX", "10", "-ORGY", "20")
    # Fclose = (10 - 0.5) * 0.1 mm = 0.95 mm, Sclose = 1.95 mm
    assert vec(g.pix0) == approx((-0.00095, -0.00195, 0.1))
    assert (float(g.orgx), float(g.orgy)) == pytest.approx((10.0, 20.0), rel=1e-12)


def test_mosflm_twotheta_stays_beam_pivot() -> None:
    g = geom("-twotheta", "10")
    assert g.pivot == "BEAM" and g.pivot_requested == "SAMPLE"
    assert vec(g.sdet) == approx((-0.17364817766693, -0.984807753012208, 0.0), rel=1e-13)
    assert vec(g.pix0) == approx((0.100573038986301, 0.00324986558494029, -0.0033), rel=1e-13)
    assert float(g.close_distance) == pytest.approx(0.0984807753012208, rel=1e-13)
    # Q7: ratio excludes two-theta, so the "distance" is 100 mm * cos 10° and Sbeam moves
    assert float(g.distance) == pytest.approx(0.1 * math.cos(math.radians(10)), rel=1e-12)
    assert float(g.sbeam) == pytest.approx(3.56381e-3, rel=1e-5)
    assert float(g.distance0) == 0.1


def test_rotations_and_twotheta() -> None:
    g = geom("-detector_rotx", "5", "-detector_roty", "3", "-detector_rotz", "2", "-twotheta", "15")
    assert g.matrices["R_total"][0] == approx((0.998021196624068, -0.0302080931112661, 0.0551467333542405), 1e-13)
    assert vec(g.pix0) == approx((0.100651237694502, 0.00351874505660127, -0.00299571739186186), rel=1e-13)
    assert float(g.distance) == pytest.approx(0.0974964, rel=1e-6)


def test_xds_full_example() -> None:
    g = build_detector(parse_argv(["-detpixels", "64", "-pixel", "0.1", "-xds", "-distance", "120",
                                   "-detector_rotx", "4", "-detector_roty", "-3", "-detector_rotz", "7",
                                   "-twotheta", "12", "-ORGX", "20", "-ORGY", "40"]))
    assert float(g.ratio) == pytest.approx(0.996196923398857, rel=1e-14)
    assert float(g.close_distance0) == pytest.approx(0.119543630807863, rel=1e-14)
    assert vec(g.terms["pix0_after_rotz"]) == approx(
        (-0.00661669576366419, -0.0131839637772436, 0.118711781652109), 1e-14)
    assert vec(g.pix0) == approx((-0.00661669576366419, -0.0375774297801509, 0.113376544201239), 1e-14)
    assert (float(g.orgx), float(g.orgy)) == pytest.approx((20.0, 40.0), rel=1e-12)
    assert float(g.fbeam) == pytest.approx(11.1295e-3, rel=1e-5)


# --- beam-centre rules per convention ---------------------------------------------


def test_mosflm_half_pixel_for_explicit_beam_centre() -> None:
    g = geom("-Xbeam", "2", "-Ybeam", "3")  # Q21
    assert (float(g.fbeam0), float(g.sbeam0)) == pytest.approx((3.05e-3, 2.05e-3), rel=1e-14)


def test_denzo_adxv_dials_custom_defaults() -> None:
    assert vec(geom("-denzo").pix0) == approx((0.1, 0.00325, -0.00325))
    # ADXV: Fbeam = Xbeam = 3.25 mm, Sbeam = 6.4 - 3.15 = 3.25 mm; f = x, s = -y, b = z
    assert vec(geom("-adxv").pix0) == approx((-0.00325, 0.00325, 0.1))
    g = geom("-dials")
    assert g.pivot == "SAMPLE" and g.pivot_requested == "BEAM"
    assert vec(g.pix0) == approx((-0.0032, -0.0032, 0.1))
    # CUSTOM with the compiled-in MOSFLM-like vectors: Fclose = Fbeam = Xbeam = Xclose = 3.2 mm, no half pixel
    assert vec(geom("-fdet_vector", "0", "0", "1").pix0) == approx((0.1, 0.0032, -0.0032))


def test_beam_centre_flags_that_do_not_move_the_detector() -> None:
    ref = vec(geom().pix0)
    assert vec(geom("-Xclose", "20", "-Yclose", "25", "-ORGX", "5").pix0) == ref  # MOSFLM ignores them
    ref = vec(geom("-xds").pix0)
    assert vec(geom("-xds", "-Xbeam", "8", "-Ybeam", "12", "-Xclose", "1", "-pivot", "beam").pix0) == ref


def test_custom_beam_centre_priority() -> None:
    # -Xbeam > -Xclose > -ORGX > detsize/2
    custom = ("-fdet_vector", "0", "0", "1")
    assert float(geom(*custom, "-ORGX", "10").fclose0) == pytest.approx(0.95e-3, rel=1e-14)
    assert float(geom(*custom, "-ORGX", "10", "-Xclose", "2").fclose0) == 2e-3
    assert float(geom(*custom, "-ORGX", "10", "-Xclose", "2", "-Xbeam", "3").fclose0) == 3e-3


# --- pivot resolution ---------------------------------------------------------------


@pytest.mark.parametrize("words, pivot", [
    (["-pivot", "sample"], "BEAM"), (["-close_distance", "90"], "BEAM"), (["-Xclose", "3"], "BEAM"),
    (["-xds", "-pivot", "beam"], "SAMPLE"), (["-xds", "-distance", "90"], "SAMPLE"),
    (["-adxv", "-twotheta", "3"], "BEAM"), (["-denzo", "-ORGX", "3"], "BEAM"),
    (["-fdet_vector", "0", "0", "1", "-twotheta", "10", "-distance", "100"], "BEAM"),
    (["-distance", "100", "-fdet_vector", "0", "0", "1", "-twotheta", "10"], "SAMPLE"),
    (["-fdet_vector", "0", "0", "1", "-Xclose", "3", "-pivot", "beam"], "BEAM"),
    (["-fdet_vector", "0", "0", "1"], "BEAM"),
])
def test_pivot_resolution(words: list[str], pivot: str) -> None:
    assert geom(*words).pivot == pivot


def test_twotheta_axis_quirk_in_geometry() -> None:
    g = geom("-twotheta", "20", "-twotheta_axis", "0", "0", "-1")
    assert (g.convention, g.pivot, g.twotheta) == ("CUSTOM", "SAMPLE", 0.0)
    g = geom("-twotheta_axis", "1", "0", "0")
    assert g.twotheta == pytest.approx(math.radians(1), rel=1e-15)
    # custom default two-theta axis is (0, 1, 0), not MOSFLM's (0, 0, -1)
    assert vec(geom("-pix0_vector", "0", "0", "0").twotheta_axis) == [0.0, 1.0, 0.0]


def test_twotheta_axis_is_not_unitized() -> None:
    g = geom("-twotheta_axis", "0", "0", "2", "-twotheta", "0")
    assert vec(g.twotheta_axis) == [0.0, 0.0, 2.0]


def test_pix0_vector_has_no_effect_beyond_custom() -> None:
    ref = vec(geom("-fdet_vector", "0", "0", "1").pix0)
    assert vec(geom("-pix0_vector", "0.2", "0.01", "0.01").pix0) == ref
    assert vec(geom("-pix0_vector_mm", "200", "10", "10").pix0) == ref
    assert ref == approx((0.1, 0.0032, -0.0032))


def test_named_convention_after_vectors_discards_them() -> None:
    g = geom("-fdet_vector", "1", "0", "0", "-mosflm")
    assert g.convention == "MOSFLM" and vec(g.fdet) == [0.0, 0.0, 1.0]


# --- odet regeneration (Q30) ----------------------------------------------------------


def test_odet_regenerated_when_length_is_not_exactly_one() -> None:
    g = geom("-fdet_vector", "0", "0", "1", "-sdet_vector", "0", "-1", "0", "-odet_vector", "0", "0", "2")
    assert g.odet_regenerated and vec(g.odet0) == [1.0, 0.0, 0.0]  # f x s
    assert "WARNING: auto-generating odet_vector" in g.notes


def test_unit_odet_is_kept_even_if_not_f_cross_s() -> None:
    g = geom("-fdet_vector", "0", "0", "1", "-sdet_vector", "0", "-1", "0", "-odet_vector", "0", "1", "0")
    assert not g.odet_regenerated and vec(g.odet0) == [0.0, 1.0, 0.0]


def test_default_odet_kept_with_tilted_fs() -> None:
    g = geom("-fdet_vector", "-0.0242987", "-0.0362208", "0.9990484")
    assert not g.odet_regenerated and vec(g.odet0) == [1.0, 0.0, 0.0]


# --- trace block -------------------------------------------------------------------


def test_beam_block_prints_true_values_under_c_names() -> None:
    out = io.StringIO()
    emit_detector_trace(geom("-adxv", "-twotheta", "8"), TraceWriter(out))
    text = out.getvalue()
    assert text.splitlines()[0] == "adxv convention selected."
    assert "TRACE_PY:detector_convention=ADXV" in text
    assert "TRACE_PY:beam_center_m=X:0.00325 Y:0.00315 pixel_mm:0.1" in text
    assert "TRACE_PY:initial_fdet=1 0 0" in text
    assert text.count("TRACE_PY:sdet_after_rotz=0 -1 0") == 2  # true pre-two-theta vector, twice
    assert "convention_mapping=Fbeam←Xbeam_mm,Sbeam←detsize_s-Ybeam_mm,beam_vec=[0 0 1]" in text
    assert text.splitlines()[-1].startswith("DETECTOR_PIX0_VECTOR ")


def test_sample_block_order_and_plain_lines_optional() -> None:
    out = io.StringIO()
    emit_detector_trace(geom("-xds"), TraceWriter(out), plain=False)
    lines = out.getvalue().splitlines()
    assert lines[0] == "TRACE_PY:detector_convention=XDS"
    assert lines[2] == "TRACE_PY:beam_center_m=Xclose:0.0032 Yclose:0.0032 pixel_mm:0.1"
    assert all(line.startswith("TRACE_PY:") for line in lines)
    assert len(lines) == 17 + 7


# --- dtype / device -----------------------------------------------------------------


def test_float32_on_request() -> None:
    g = geom("-xds", "-detector_rotx", "3", dtype="float32")
    assert g.dtype == torch.float32 and g.pix0.dtype == torch.float32
    ref = geom("-xds", "-detector_rotx", "3")
    assert vec(g.pix0) == pytest.approx(vec(ref.pix0), rel=1e-6)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_matches_cpu() -> None:
    cfg = parse_argv([*SMALL, "-detector_rotx", "3", "-twotheta", "7"])
    gpu, cpu = build_detector(cfg, device="cuda"), build_detector(cfg)
    assert gpu.pix0.device.type == "cuda"
    assert vec(gpu.pix0) == pytest.approx(vec(cpu.pix0), rel=1e-15)


def test_pixel_position_of_pixel_centre() -> None:
    g = geom()
    p = pixel_position(g, torch.tensor(30.5e-4, dtype=torch.float64), torch.tensor(20.5e-4, dtype=torch.float64))
    assert vec(p) == approx((0.1, 0.00125, -0.00025))


# --- rotation primitives ----------------------------------------------------------


def test_rotation_primitives_by_hand() -> None:
    x = torch.tensor([1.0, 0.0, 0.0], dtype=torch.float64)
    assert vec(rotate_xyz(x, 0.0, 0.0, math.pi / 2)) == approx((0.0, 1.0, 0.0))
    assert vec(rotate_axis(x, torch.tensor([0.0, 0.0, 1.0], dtype=torch.float64), math.pi / 2)) == approx((0, 1, 0))
    assert rotate_xyz(x, 0, 0, 0) is x  # exactly-zero angles skip all arithmetic
    z = torch.tensor([0.0, 0.0, 1.0], dtype=torch.float64)
    assert vec(cross(x, torch.tensor([0.0, 1.0, 0.0], dtype=torch.float64))) == vec(z)
    assert float(dot(x, z)) == 0.0 and float(magnitude(torch.tensor([3.0, 4.0, 0.0]))) == 5.0
    u, m = unitize(torch.zeros(3, dtype=torch.float64))
    assert vec(u) == [0.0, 0.0, 0.0] and float(m) == 0.0
    eye = torch.eye(3, dtype=torch.float64)
    assert vec(rotate_umat(x, eye)) == vec(x)
    m = rotation_matrices(0.0, 0.0, 0.0)
    assert str(m["Rx"][1][2]) == "-0.0" and m["R_total"] == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]


def test_sqrt_is_correctly_rounded() -> None:
    x = torch.tensor([2.276556365968813, 1.0000000787168888, 2.0], dtype=torch.float64)
    assert sqrt(x).tolist() == [math.sqrt(v) for v in x.tolist()]


angles = st.floats(min_value=-7.0, max_value=7.0, allow_nan=False)
coords = st.floats(min_value=-10.0, max_value=10.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.tuples(coords, coords, coords), angles, angles, angles)
def test_rotate_xyz_is_rz_ry_rx_and_keeps_length(v, rx, ry, rz) -> None:  # type: ignore[no-untyped-def]
    t = torch.tensor(v, dtype=torch.float64)
    out = rotate_xyz(t, rx, ry, rz)
    m = torch.tensor(rotation_matrices(rx, ry, rz)["R_total"], dtype=torch.float64)
    assert vec(out) == pytest.approx(vec(m @ t), abs=1e-12)
    assert float(magnitude(out)) == pytest.approx(float(magnitude(t)), abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.tuples(coords, coords, coords), st.tuples(coords, coords, coords), angles)
def test_rotate_axis_is_a_rotation_about_the_axis(v, k, phi) -> None:  # type: ignore[no-untyped-def]
    axis, norm = unitize(torch.tensor(k, dtype=torch.float64))
    if float(norm) < 1e-3:
        return
    t = torch.tensor(v, dtype=torch.float64)
    out = rotate_axis(t, axis, phi)
    assert float(dot(out, axis)) == pytest.approx(float(dot(t, axis)), abs=1e-11)
    assert float(magnitude(out)) == pytest.approx(float(magnitude(t)), abs=1e-11)
    batch = rotate_axis(t.expand(4, 3), axis, torch.full((4,), phi, dtype=torch.float64))
    assert batch.shape == (4, 3)
    assert vec(batch[2]) == pytest.approx(vec(out), abs=1e-12)
