"""``capture --trace-pixels``: many pixels in one run, each file exactly a single-pixel capture."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tracediff.capture.pixels import parse_pixel_selection, trace_file_name
from tracediff.capture.runner import capture, capture_pixels
from tracediff.errors import TraceDiffError

Cli = Callable[..., Any]
BASE = ["-cell", "100", "100", "100", "90", "90", "90", "-lambda", "1", "-distance", "100", "-detpixels", "64",
        "-pixel", "0.1"]


def _hkl(tmp_path: Path) -> Path:
    """A small F table (indices -4..4): pixels near the beam stay inside its tricubic neighbourhoods,
    pixels far from it leave them and switch interpolation off (Q28)."""
    path = tmp_path / "small.hkl"
    rows = [f"{h} {k} {l} {10 + 3 * h + 2 * k * k + l * l * l % 7}"
            for h, k, l in itertools.product(range(-4, 5), repeat=3)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _single(flags: list[str], pixel: tuple[int, int]) -> str:
    out = io.StringIO()
    capture([*flags, "-trace_pixel", str(pixel[0]), str(pixel[1])], stream=out, notes_stream=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("extra", [
    ["-default_F", "100", "-N", "5", "-oversample", "2", "-mosaic", "0.3", "-mosaic_dom", "3",
     "-phi", "1", "-osc", "1", "-phisteps", "2"],
    ["-N", "2", "-oversample", "1", "-divergence", "0.2", "-divsteps", "2"],  # + -hkl: tricubic, 5 sources
])
def test_region_files_equal_single_pixel_captures(tmp_path: Path, extra: list[str]) -> None:
    flags = [*BASE, *extra] + (["-hkl", str(_hkl(tmp_path))] if "-default_F" not in extra else [])
    # an out-of-range pixel (far from the beam) before in-range ones: each must start with the switch on
    pixels = [(32, 63), (32, 33), (31, 32), *parse_pixel_selection("19-20,29-31")]  # (32, 63) switches off
    out = tmp_path / "many"
    out.mkdir()
    result = capture_pixels(flags, pixels, out, notes_stream=io.StringIO(), chunk=4)
    assert list(result.files) == pixels
    for pixel in pixels:
        text = (out / trace_file_name(pixel)).read_text(encoding="utf-8")
        assert "TRACE_PY: I_pixel_final" in text
        assert text == _single(flags, pixel), pixel


def test_selection_syntax() -> None:
    assert parse_pixel_selection("20,30") == [(20, 30)]
    assert parse_pixel_selection("1-2,5-6") == [(1, 5), (1, 6), (2, 5), (2, 6)]  # slow outer, fast inner
    assert parse_pixel_selection("3,4; 1,2 3,4") == [(3, 4), (1, 2)]  # first order, once each
    assert len(parse_pixel_selection("0-99,0-99")) == 10_000


@pytest.mark.parametrize("text, message", [
    ("", "give S,F pixels"), ("20", "write a pixel as S,F"), ("1,2,3", "write a pixel as S,F"),
    ("a,3", "slow part must be N or N-M"), ("5-3,1", "range 5-3 is empty"),
])
def test_bad_selection_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(TraceDiffError, match=message):
        parse_pixel_selection(text)


def test_cli_writes_one_file_per_pixel_and_a_manifest(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "traces"
    result = cli("capture", "--trace-pixels", "10-11,20;3,4", "--out", out, "--", *BASE, "-default_F", "100")
    assert result.code == 0, result.stderr
    names = sorted(p.name for p in out.iterdir() if p.name.startswith("pixel_"))
    assert names == ["pixel_s10_f20.log", "pixel_s11_f20.log", "pixel_s3_f4.log"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["pixels_traced"] == 3 and "pixel_s3_f4.log" in manifest["files"]
    assert "trace_py.log" not in manifest["files"]


@pytest.mark.parametrize("argv, message", [
    (["--trace-pixels", "1,2"], "--trace-pixels writes one file per pixel: give --out DIR"),
    (["--trace-pixels", "1,64", "--out", "d"], "--trace-pixels: pixel 1,64: outside the detector"),
    (["--trace-pixels", "1;2", "--out", "d"], "write a pixel as S,F"),
])
def test_cli_refuses_a_bad_selection_and_writes_nothing(cli: Cli, tmp_path: Path, argv: list[str],
                                                        message: str) -> None:
    result = cli("capture", *argv, "--", *BASE, "-default_F", "100")
    assert result.code == 2 and result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert not (tmp_path / "d").exists()
