"""The tracer API on small user code written here: selection, steps, units, warnings, no-op."""

from __future__ import annotations

import io

import pytest
import torch

from tracediff.tracer import record, tap, tracer
from tracediff.tracer.session import active_tracer


def _lines(buf: io.StringIO) -> list[str]:
    return buf.getvalue().splitlines()


def _toy_detector(n_slow: int = 4, n_fast: int = 5, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """Pixel positions (slow, fast, 3) of a flat detector 0.1 m away, 0.1 mm pixels."""
    s = torch.arange(n_slow, dtype=dtype)[:, None].expand(n_slow, n_fast) * 1e-4
    f = torch.arange(n_fast, dtype=dtype)[None, :].expand(n_slow, n_fast) * 1e-4
    return torch.stack([torch.full_like(s, 0.1), -s, f], dim=-1)


def test_batched_selection_picks_the_traced_pixel() -> None:
    coords = _toy_detector()
    buf = io.StringIO()
    with tracer(out=buf, select={"slow": 2, "fast": 3}):
        record("pixel_pos_meters", coords, unit="m", dims=("slow", "fast"))
        record("R_distance_meters", coords.norm(dim=-1), unit="m", dims=("slow", "fast"))
    expected = coords[2, 3]
    assert _lines(buf) == [
        "TRACE_PY: pixel_pos_meters " + " ".join("%.15g" % v for v in expected.tolist()) + " m",
        "TRACE_PY: R_distance_meters %.15g m" % expected.norm().item(),
    ]


def test_tuple_select_is_slow_then_fast() -> None:
    image = torch.arange(20, dtype=torch.float64).reshape(4, 5)
    buf = io.StringIO()
    with tracer(out=buf, select=(1, 4)):
        record("I_pixel_final", image, dims=("slow", "fast"))
    assert _lines(buf) == ["TRACE_PY: I_pixel_final 9"]


def test_unselected_phi_dimension_gives_one_step_line_per_phi() -> None:
    k = torch.tensor([[[0.25, 0.5, 0.75]]], dtype=torch.float64)  # (slow=1, fast=1, phi=3)
    buf = io.StringIO()
    with tracer(out=buf, select=(0, 0)):
        record("k_frac", k, dims=("slow", "fast", "phi"))
        for tic in range(3):
            record("phi_deg", 0.1 * tic, step=tic)
    assert _lines(buf) == [
        "TRACE_PY_PHI phi_tic=0 phi_deg=0 k_frac=0.25",
        "TRACE_PY_PHI phi_tic=1 phi_deg=0.1 k_frac=0.5",
        "TRACE_PY_PHI phi_tic=2 phi_deg=0.2 k_frac=0.75",
    ]


def test_an_unselected_plain_dimension_is_an_error() -> None:
    with tracer(out=io.StringIO(), select={"slow": 0}):
        with pytest.raises(ValueError, match="'fast' is not selected"):
            record("I_pixel_final", torch.zeros(2, 2, dtype=torch.float64), dims=("slow", "fast"))


def test_declared_unit_is_converted_to_the_catalogue_unit_and_said() -> None:
    buf = io.StringIO()
    with tracer(out=buf):
        record("rot_a_angstroms", torch.tensor([1e-8, 0.0, 0.0], dtype=torch.float64), unit="m")
        record("my_length", torch.tensor(2.5, dtype=torch.float64), unit="mm")
    lines = _lines(buf)
    assert "TRACE_PY: rot_a_angstroms 100 0 0 Å" in lines
    assert any(line.startswith("# ") and "converted m to Å" in line for line in lines)
    assert "TRACE_PY: my_length 2.5 mm" in lines  # not catalogued: kept as declared, unit written


def test_float32_and_device_warnings() -> None:
    buf = io.StringIO()
    with tracer(out=buf, device="meta"):
        record("lambda_meters", torch.tensor(1e-10, dtype=torch.float32))
    text = buf.getvalue()
    assert "# tracediff tracer: warning: lambda_meters is float32, not float64" in text
    assert "warning: lambda_meters is on cpu, not meta" in text
    assert "TRACE" not in "".join(line for line in text.splitlines() if line.startswith("#"))


def test_no_warning_for_float64_on_the_asked_device() -> None:
    buf = io.StringIO()
    with tracer(out=buf, device="cpu"):
        record("lambda_meters", torch.tensor(1e-10, dtype=torch.float64))
    assert "warning" not in buf.getvalue()


def test_record_outside_a_tracer_is_a_no_op_that_returns_its_value() -> None:
    value = torch.tensor([1.0, 2.0], dtype=torch.float64)
    assert active_tracer() is None
    assert record("anything", value) is value


def test_record_is_skipped_while_torch_compile_traces(monkeypatch: pytest.MonkeyPatch) -> None:
    buf = io.StringIO()
    with tracer(out=buf):
        monkeypatch.setattr(torch.compiler, "is_compiling", lambda: True)
        record("I_pixel_final", torch.tensor(1.0, dtype=torch.float64))
        monkeypatch.undo()
        record("r_e_sqr", torch.tensor(2.0, dtype=torch.float64))
    assert _lines(buf) == ["TRACE_PY: r_e_sqr 2"]


def test_recording_keeps_the_value_at_record_time() -> None:
    buf = io.StringIO()
    acc = torch.zeros(2, 2, dtype=torch.float64)
    with tracer(out=buf, select=(0, 1)):
        acc += 1.0
        record("floatimage_accumulated", acc, dims=("slow", "fast"))
        acc += 5.0  # later in-place work must not change what was recorded
    assert _lines(buf) == ["TRACE_PY: floatimage_accumulated 1"]


def _user_kernel(coords: torch.Tensor, wavelength: torch.Tensor) -> torch.Tensor:
    """A small physics-like computation instrumented with record()."""
    r = record("R_distance_meters", coords.norm(dim=-1), unit="m", dims=("slow", "fast"))
    d = coords / r[..., None]
    s = (d - torch.tensor([1.0, 0.0, 0.0], dtype=coords.dtype)) / wavelength
    record("scattering_vec_A_inv", s, unit="1/Å", dims=("slow", "fast"))
    return (s * s).sum(-1) * torch.exp(-r)


def test_numbers_are_identical_with_and_without_tracing() -> None:
    coords, wl = _toy_detector(), torch.tensor(1.5, dtype=torch.float64)
    plain = _user_kernel(coords, wl)
    with tracer(out=io.StringIO(), select=(1, 1)):
        traced = _user_kernel(coords, wl)
    assert torch.equal(plain, traced)


def test_tap_records_each_returned_value_and_returns_them_unchanged() -> None:
    def geometry() -> tuple[torch.Tensor, torch.Tensor]:
        return torch.tensor([0.1, 0.0, 0.0], dtype=torch.float64), torch.tensor([0.0, 0.0, 1.0], dtype=torch.float64)

    tapped = tap(geometry, ("pix0_vector_meters", "fdet_vec"), unit=("m", None))
    buf = io.StringIO()
    with tracer(out=buf):
        pix0, fdet = tapped()
    assert torch.equal(pix0, geometry()[0]) and torch.equal(fdet, geometry()[1])
    assert _lines(buf) == ["TRACE_PY: pix0_vector_meters 0.1 0 0 m", "TRACE_PY: fdet_vec 0 0 1"]


def test_catalogue_order_and_line_kinds() -> None:
    buf = io.StringIO()
    with tracer(out=buf, tag="TRACE_PY"):
        record("I_pixel_final", 3.0)
        record("hkl_rounded", torch.tensor([1.0, -2.0, 0.0], dtype=torch.float64))
        record("DETECTOR_PIX0_VECTOR", torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64))
        record("R_total", torch.eye(3, dtype=torch.float64))
    assert _lines(buf) == [
        "TRACE_PY:R_total=[1 0 0; 0 1 0; 0 0 1]",  # detector set-up first, matrix shape
        "DETECTOR_PIX0_VECTOR 0.1 0.2 0.3",  # untagged plain line
        "TRACE_PY: hkl_rounded 1 -2 0",  # integers as %d
        "TRACE_PY: I_pixel_final 3",
    ]


def test_recorded_order_on_request_and_15_digits() -> None:
    buf = io.StringIO()
    with tracer(out=buf, order="recorded"):
        record("I_pixel_final", 1 / 3)
        record("r_e_sqr", 2 / 3)
    assert _lines(buf) == ["TRACE_PY: I_pixel_final 0.333333333333333", "TRACE_PY: r_e_sqr 0.666666666666667"]


def test_log_is_written_even_when_the_block_raises(tmp_path) -> None:
    out = tmp_path / "trace.log"
    with pytest.raises(RuntimeError):
        with tracer(out=out):
            record("r_e_sqr", 7.0)
            raise RuntimeError("user code failed")
    assert out.read_text() == "TRACE_PY: r_e_sqr 7\n"
