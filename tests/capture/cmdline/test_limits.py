"""Numerical failures name the flag or file that caused them (one line, exit 2, nothing printed).

Each refused value is one the C divides by or converts to an undefined ``int`` (so it would print
inf/nan or garbage pixel counts); a value the C runs to a defined result runs here too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Cli = Callable[..., Any]
CELL = ["-cell", "100", "100", "100", "90", "90", "90", "-default_F", "100", "-detpixels", "32",
        "-trace_pixel", "10", "12"]


@pytest.mark.parametrize("extra, message", [
    (["-pixel", "0"], "-pixel: must be > 0"),
    (["-pixel", "-0.1"], "-pixel: must be > 0"),
    (["-lambda", "0"], "-lambda: the wavelength must be > 0"),
    (["-energy", "0"], "-energy: must not be 0"),
    (["-energy", "-8000"], "-energy: the wavelength must be > 0"),
    (["-flux", "1e12", "-beamsize", "0"], "-beamsize: must be > 0 with -flux"),
])
def test_a_value_nanobragg_divides_by_names_its_flag(cli: Cli, extra: list[str], message: str) -> None:
    result = cli("capture", "--", *CELL, *extra)
    assert result.code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr


def test_a_singular_matrix_names_the_file(cli: Cli, tmp_path: Path) -> None:
    mat = tmp_path / "flat.mat"
    mat.write_text("0.01 0 0\n0 0.01 0\n0.01 0.01 0\n", encoding="utf-8")  # c* in the a*b* plane
    result = cli("capture", "--", "-mat", mat, "-default_F", "100", "-detpixels", "32")
    assert result.code == 2 and result.stdout == ""
    assert f"-mat {mat}: the matrix is singular" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize("cell", [["100", "100", "100", "90", "90", "180"], ["1e-300", "1e-300", "1e-300"]])
def test_a_cell_without_volume_names_the_cell(cli: Cli, cell: list[str]) -> None:
    result = cli("capture", "--", "-cell", *cell, "-default_F", "100", "-detpixels", "32")
    assert result.code == 2 and "-cell" in result.stderr and "impossible unit cell" in result.stderr


def test_a_singular_matrix_with_a_cell_runs_as_the_c(cli: Cli, tmp_path: Path) -> None:
    """With -cell the volume comes from the cell, so the C computes a finite crystal: so does capture."""
    mat = tmp_path / "flat.mat"
    mat.write_text("0.01 0 0\n0 0.01 0\n0 0 0\n", encoding="utf-8")
    result = cli("capture", "--", *CELL, "-mat", mat)
    assert result.code == 0, result.stderr


def test_distance_zero_runs_with_oversample_one_as_the_c(cli: Cli) -> None:
    """The C's reciprocal pixel is 0: ceil(inf) converts to INT_MIN, and its <= 0 rule picks 1."""
    result = cli("capture", "--", *CELL, "-distance", "0")
    assert result.code == 0, result.stderr
    assert "TRACE_PY: steps 1" in result.stdout
