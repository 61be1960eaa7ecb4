"""The model registry, --list-fields and the adapter's small helpers (no port needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracediff.capture.models import MODELS, get_model
from tracediff.capture.models.nanobrag_torch import trace_pixel
from tracediff.capture.models.nanobrag_torch.build import absolute_inputs
from tracediff.capture.models.nanobrag_torch.fields import TRACED, field_support
from tracediff.catalogue import FIELDS
from tracediff.cli_main import main
from tracediff.errors import TraceDiffError


def test_unknown_model_names_the_known_ones() -> None:
    with pytest.raises(TraceDiffError, match="known models: tracediff, nanobrag_torch"):
        get_model("fortran_port")


def test_every_registered_model_has_the_interface() -> None:
    for name in MODELS:
        model = get_model(name)
        assert model.name == name and model.description
        assert len(model.fields()) == len(FIELDS)


def test_adapter_field_table_only_names_catalogued_fields() -> None:
    keys = {spec.key for spec in FIELDS}
    assert all((t.block, t.name) in keys for t in TRACED)
    support = {(f.block, f.name): f for f in field_support()}
    assert support[("pixel_geometry", "pixel_pos_meters")].source == "production"
    assert support[("pixel_geometry", "R_distance_meters")].source == "derived"
    assert support[("closing", "I_before_scaling")].source == "missing"
    assert "inside run()" in support[("closing", "I_before_scaling")].via


def test_list_fields_cli(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["capture", "--model", "nanobrag_torch", "--list-fields"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "Detector.get_pixel_coords()" in out and "missing" in out
    assert out.strip().splitlines()[-1].startswith("# ") and "production" in out.splitlines()[-1]


def test_unknown_model_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["capture", "--model", "nope", "--", "-cell", "1"])
    assert done.value.code == 2
    assert "unknown model" in capsys.readouterr().err


def test_input_files_become_absolute_and_outputs_stay(tmp_path: Path) -> None:
    words = ["-mat", "../inputs/A.mat", "-floatfile", "img.bin", "-hkl", "/abs/x.hkl", "-N", "5"]
    out = absolute_inputs(words, tmp_path / "case")
    assert out[1] == str((tmp_path / "inputs" / "A.mat").resolve())
    assert out[3] == "img.bin" and out[5] == "/abs/x.hkl" and out[7] == "5"
    assert words[1] == "../inputs/A.mat"  # the caller's list is not modified


def test_trace_pixel_is_the_last_one() -> None:
    assert trace_pixel(["-trace_pixel", "1", "2", "-N", "3", "-trace_pixel", "7", "9"]) == (7, 9)
    assert trace_pixel(["-N", "3"]) is None
    with pytest.raises(TraceDiffError, match="two integers"):
        trace_pixel(["-trace_pixel", "x", "2"])
