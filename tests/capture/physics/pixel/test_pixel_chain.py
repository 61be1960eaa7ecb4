"""The per-pixel chain beyond the reference cases: the verified runs of spec section 8, the
"compute once" variables and the oversample flags, vectorisation over pixels, dtype and ROI."""

from __future__ import annotations

import io

import pytest
import torch

from tracediff.capture.physics.detector.geometry import build_detector
from tracediff.capture.printing.writer import TraceWriter
from tracediff.capture.cmdline.walk import parse_argv
from tracediff.capture.physics.pixel.chain import compute_pixels
from tracediff.capture.physics.pixel.setup import prepare
from tracediff.capture.printing.pixel import emit_pixel_trace
from tracediff.capture.runner import capture
from tracediff.catalogue import block_fields

# spec section 8: the worked example (pixel slow 20, fast 30 of a 64x64 detector)
BASE = ("-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -detpixels 64 "
        "-pixel 0.1 -N 5 -trace_pixel 20 30").split()


def run(*extra: str, dtype: str = "float64") -> list[tuple[str, str]]:
    out = io.StringIO()
    capture([*BASE, *extra], stream=out, notes_stream=io.StringIO(), dtype=dtype)
    rows = []
    for line in out.getvalue().splitlines():
        if line.startswith("TRACE_PY: ") or line.startswith("TRACE_PY_SOURCE2: "):
            tag, name, rest = line.split(" ", 2)
            rows.append((("SOURCE2." if "SOURCE2" in tag else "") + name, rest))
        elif line.startswith("TRACE_PY_PHI "):
            rows.append(("PHI", line.split(" ", 1)[1]))
    return rows


def first(rows: list[tuple[str, str]], name: str) -> float:
    return float(next(v for n, v in rows if n == name).split()[0])


def all_of(rows: list[tuple[str, str]], name: str) -> list[str]:
    return [v for n, v in rows if n == name]


# --- spec section 8 (numbers printed by the instrumented C) ---------------------------------------

SECTION_8 = [
    (("-oversample", "1"), {"I_before_scaling": 247938.093632133, "polar": 0.99991876320098,
                            "I_pixel_final": 0.247857534206784, "floatimage_accumulated": 0.247857540845871}),
    (("-oversample", "1", "-polar", "0.8"), {"polar": 0.999978753452564}),
    (("-oversample", "1", "-point_pixel"), {"omega_pixel": 99.983752640196, "I_pixel_final": 24787767.1813381}),
    (("-oversample", "2", "-oversample_omega"), {"I_before_scaling": 0.0297582077301602, "steps": 4}),
    (("-twotheta", "10"), {"close_distance_meters": 0.0984807753012208, "steps": 4,
                           "I_pixel_final": 0.11818773062729}),
    (("-oversample", "1", "-detector_rotx", "5", "-detector_roty", "3", "-detector_rotz", "2", "-twotheta", "15"),
     {"F_latt": -7.03475158314937, "I_pixel_final": 0.477393841059334}),
    (("-oversample", "1", "-xds", "-distance", "120", "-detector_rotx", "4", "-detector_roty", "-3",
      "-detector_rotz", "7", "-twotheta", "12", "-ORGX", "20", "-ORGY", "40"), {"I_pixel_final": 0.00144958559432781}),
    (("-oversample", "1", "-dispersion", "10", "-dispsteps", "3"),
     {"lambda_meters": 9.5e-11, "steps": 3, "I_pixel_final": 0.230616549972224,
      "SOURCE2.F_latt": -1.10412101771527, "SOURCE2.I_contribution": 12190.8322176059}),
]


@pytest.mark.parametrize(("extra", "expected"), SECTION_8, ids=[" ".join(e) for e, _ in SECTION_8])
def test_verified_runs_of_spec_section_8(extra: tuple[str, ...], expected: dict[str, float]) -> None:
    rows = run(*extra)
    for name, value in expected.items():
        assert first(rows, name) == pytest.approx(value, rel=1e-12), name


def test_phi_steps_of_spec_section_8() -> None:
    rows = run("-oversample", "1", "-phi", "10", "-osc", "1", "-phisteps", "3")
    k = [float(dict(p.split("=") for p in line.split())["k_frac"]) for line in all_of(rows, "PHI")]
    assert k == pytest.approx([1.23232040343051, 1.2310833984982, 1.22980472596694], rel=1e-12)
    assert first(rows, "steps") == 3


def test_thickness_layers_of_spec_section_8() -> None:
    """T = 100 um, absorption length 50 um, 2 layers: the block is printed once per layer."""
    rows = run("-oversample", "1", "-detector_thick", "100", "-detector_abs", "50", "-thicksteps", "2")
    positions = all_of(rows, "pixel_pos_meters")
    assert len(positions) == 2 and float(positions[1].split()[0]) == pytest.approx(0.1001, rel=1e-12)
    assert first(rows, "capture_fraction") == pytest.approx(0.117003638442913, rel=1e-12)
    assert first(rows, "steps") == 1  # layers are not counted


# --- compute-once variables and the oversample flags ---------------------------------------------


def test_omega_is_the_first_subpixel_value_unless_oversampled() -> None:
    plain = run("-oversample", "2")
    assert len(set(all_of(plain, "omega_pixel_sr"))) == 1
    over = run("-oversample", "2", "-oversample_omega")
    assert len(set(all_of(over, "omega_pixel_sr"))) == 4
    assert first(over, "omega_pixel") == float(all_of(over, "omega_pixel_sr")[-1])


def test_oversample_thick_without_thickness_zeroes_the_pixel() -> None:
    """Q25: capture = exp(0) - exp(0) = 0 multiplies the running sum."""
    rows = run("-oversample", "1", "-oversample_thick")
    assert first(rows, "capture_fraction") == 0.0
    assert first(rows, "I_before_scaling") == 0.0 and first(rows, "I_pixel_final") == 0.0


def test_nopolar_and_oversample_polar() -> None:
    assert first(run("-oversample", "1", "-nopolar"), "polar") == 1.0
    # Q24: -oversample_polar computes the factor even under -nopolar
    rows = run("-oversample", "1", "-nopolar", "-oversample_polar")
    assert first(rows, "polar") == pytest.approx(0.99991876320098, rel=1e-12)


def test_dmin_cut_skips_the_source_but_still_prints_the_geometry() -> None:
    rows = run("-oversample", "1", "-dmin", "100")  # this pixel's resolution 0.5/stol is about 78 A < 100 A
    names = [n for n, _ in rows]
    assert "pixel_pos_meters" in names
    assert "hkl_frac" not in names and "F_cell" not in names
    assert first(rows, "I_before_scaling") == 0.0 and first(rows, "polar") == 0.0


def test_trace_names_follow_the_catalogue() -> None:
    rows = run("-oversample", "1")
    pixel_names = [n for n, _ in rows if n != "PHI"]
    expected = [f.name for b in ("pixel_geometry", "orientation", "lattice") for f in block_fields(b)]
    expected += ["F_cell"] + [f.name for f in block_fields("closing")]
    assert pixel_names == expected


# --- vectorisation, dtype, ROI ----------------------------------------------------------------------


def test_a_region_gives_the_same_values_as_single_pixels() -> None:
    config = parse_argv([*BASE, "-oversample", "2", "-mosaic", "0.3", "-mosaic_dom", "3", "-phi", "1", "-osc", "1",
                         "-phisteps", "2"])
    geometry = build_detector(config)
    setup = prepare(config, geometry, device=torch.device("cpu"), dtype=torch.float64)
    spixel = torch.tensor([19, 20, 20, 21])
    fpixel = torch.tensor([30, 29, 30, 31])
    region = compute_pixels(setup, geometry, spixel, fpixel)
    for i in range(4):
        one = compute_pixels(setup, geometry, spixel[i : i + 1], fpixel[i : i + 1])
        assert torch.equal(region.totals.value[i : i + 1], one.totals.value)
        assert torch.equal(region.diffraction.frac[i : i + 1], one.diffraction.frac)


def test_float32_on_request() -> None:
    rows64 = run("-oversample", "1")
    rows32 = run("-oversample", "1", dtype="float32")
    assert [n for n, _ in rows32] == [n for n, _ in rows64]
    assert first(rows32, "I_pixel_final") == pytest.approx(first(rows64, "I_pixel_final"), rel=1e-4)


def test_pixel_outside_the_roi_prints_nothing() -> None:
    config = parse_argv([*BASE, "-oversample", "1", "-roi", "0", "10", "0", "10"])
    out = io.StringIO()
    result = emit_pixel_trace(config, build_detector(config), TraceWriter(out))
    assert not result.traced and out.getvalue() == ""
