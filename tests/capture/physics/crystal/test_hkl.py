"""The -hkl reader (C rules), the F lookup and the tricubic interpolation."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import torch

from tracediff.capture.physics.crystal.hkl import (
    HklTable,
    interpolated_f,
    interpolation_out_of_range,
    nearest_f,
    polint,
    read_hkl,
)
from tracediff.capture.physics.pixel.scattering import structure_factors
from tracediff.errors import TraceDiffError


def write(tmp_path: Path, text: str, name: str = "f.hkl") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def f_at(table: HklTable, h: int, k: int, l: int) -> float:
    return table.grid[h - table.h_min, k - table.k_min, l - table.l_min].item()


# --- reader -------------------------------------------------------------------------------------


def test_ranges_entries_and_default_fill(tmp_path: Path) -> None:
    path = write(tmp_path, "0 0 0 10\n1 -1 2 20.5\n-1 1 0 30\n")
    table = read_hkl(path, default_f=7.0)
    assert (table.h_min, table.h_max, table.k_min, table.k_max, table.l_min, table.l_max) == (-1, 1, -1, 1, 0, 2)
    assert table.hkls == 3 and table.stopped_at_line is None
    assert f_at(table, 0, 0, 0) == 10.0 and f_at(table, 1, -1, 2) == 20.5 and f_at(table, -1, 1, 0) == 30.0
    assert f_at(table, 1, 1, 2) == 7.0  # missing but inside the ranges: default_F (max planes included)
    assert f_at(table, -1, -1, 0) == 7.0


def test_default_fill_stops_one_short_of_the_allocated_planes(tmp_path: Path) -> None:
    """Quirk C7: the grid has range + 1 planes per axis; the fill loops stop at range - 1, so the extra
    highest-index plane keeps 0. It lies outside [min, max], so no lookup ever reads it."""
    table = read_hkl(write(tmp_path, "0 0 0 1\n2 3 4 5\n"), default_f=9.0)
    h_range, k_range, l_range = table.ranges
    assert table.grid.shape == (h_range + 1, k_range + 1, l_range + 1)
    assert torch.all(table.grid[h_range] == 0) and torch.all(table.grid[:, k_range] == 0)
    assert torch.all(table.grid[:, :, l_range] == 0)
    inner = table.grid[:h_range, :k_range, :l_range]
    assert torch.all((inner == 9.0) | (inner == 1.0) | (inner == 5.0))
    probe = torch.tensor([[3.0, 0.0, 0.0], [2.0, 3.0, 4.0]])  # h = h_max + 1 (padding plane) and a corner
    assert nearest_f(table, probe, 9.0).tolist() == [9.0, 5.0]


def test_zero_default_leaves_missing_entries_zero(tmp_path: Path) -> None:
    table = read_hkl(write(tmp_path, "0 0 0 1\n1 1 1 2\n"), default_f=0.0)
    assert f_at(table, 1, 0, 0) == 0.0


def test_later_entry_overwrites(tmp_path: Path) -> None:
    table = read_hkl(write(tmp_path, "0 0 0 1\n1 1 1 2\n0 0 0 3\n"), default_f=0.0)
    assert f_at(table, 0, 0, 0) == 3.0 and table.hkls == 3


def test_reader_stops_at_the_first_non_numeric_token(tmp_path: Path) -> None:
    table = read_hkl(write(tmp_path, "0 0 0 1\n1 1 1 2\n2 2 x 3\n3 3 3 4\n"), default_f=0.0)
    assert table.hkls == 2 and table.stopped_at_line == 3
    assert (table.h_max, table.k_max, table.l_max) == (1, 1, 1)


def test_tokens_not_lines_are_what_counts(tmp_path: Path) -> None:
    """fscanf reads a stream: two records on one line, or one record over two lines, are the same."""
    a = read_hkl(write(tmp_path, "0 0 0 1 1 1 1 2\n", "a.hkl"))
    b = read_hkl(write(tmp_path, "0 0\n0 1\n1 1 1\n2\n", "b.hkl"))
    assert torch.equal(a.grid, b.grid) and a.hkls == b.hkls == 2


def test_non_integer_index_stops_the_integer_pass(tmp_path: Path) -> None:
    """Pass 1 reads 1.0 as a float; pass 2's %d reads "1" and then fails on ".0": nothing is stored."""
    table = read_hkl(write(tmp_path, "1.0 2 3 4\n"), default_f=5.0)
    assert table.hkls == 1 and f_at(table, 1, 2, 3) == 5.0


def test_comment_header_is_an_error_with_line(tmp_path: Path) -> None:
    path = write(tmp_path, "\n# P1 reflections\n0 0 0 1\n")
    with pytest.raises(TraceDiffError) as info:
        read_hkl(path)
    assert info.value.line == 2 and Path(str(info.value.path)) == path
    assert "not enough HKL indices" in str(info.value)


def test_unreadable_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TraceDiffError) as info:
        read_hkl(tmp_path / "missing.hkl")
    assert "missing.hkl" in str(info.value)


def test_fast_and_exact_paths_agree(tmp_path: Path) -> None:
    grid = itertools.product(range(-2, 3), repeat=3)
    body = "".join(f"{h} {k} {l} {h * 100 + k * 10 + l + 0.5}\n" for h, k, l in grid)
    fast = read_hkl(write(tmp_path, body, "fast.hkl"), default_f=1.0)
    exact = read_hkl(write(tmp_path, body + "end\n", "exact.hkl"), default_f=1.0)  # a bad token: exact scanner
    assert torch.equal(fast.grid, exact.grid) and fast.hkls == exact.hkls == 125
    assert exact.stopped_at_line == 126


# --- lookup -------------------------------------------------------------------------------------


def test_nearest_lookup_and_default_outside(tmp_path: Path) -> None:
    table = read_hkl(write(tmp_path, "0 0 0 1\n1 1 1 2\n"), default_f=0.0)
    idx = torch.tensor([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [2.0, 0.0, 0.0], [0.0, -1.0, 0.0]])
    assert nearest_f(table, idx, 42.0).tolist() == [1.0, 2.0, 42.0, 42.0]
    assert nearest_f(None, idx, 42.0).tolist() == [42.0] * 4


# --- tricubic -----------------------------------------------------------------------------------


def cubic(h: torch.Tensor, k: torch.Tensor, l: torch.Tensor) -> torch.Tensor:
    """A polynomial of degree <= 3 in each index: 4-point Lagrange reproduces it exactly."""
    return 3.0 + 2.0 * h - 0.5 * k + 0.25 * l + 0.1 * h * k * l + 0.03 * h**3 - 0.02 * k**2 * l + 0.01 * l**3 * h**2


def polynomial_table(tmp_path: Path) -> HklTable:
    lines = [f"{h} {k} {l} {cubic(*(torch.tensor(float(x), dtype=torch.float64) for x in (h, k, l))).item()!r}"
             for h, k, l in itertools.product(range(-4, 5), range(-3, 6), range(-5, 4))]
    return read_hkl(write(tmp_path, "\n".join(lines) + "\n"))


def test_polint_reproduces_a_cubic() -> None:
    xa = torch.tensor([-1.0, 0.0, 1.0, 2.0], dtype=torch.float64)
    ya = 1 - 2 * xa + 0.5 * xa**3
    x = torch.tensor(0.37, dtype=torch.float64)
    assert polint(xa, ya, x).item() == pytest.approx((1 - 2 * x + 0.5 * x**3).item(), rel=1e-14)


def test_tricubic_reproduces_a_cubic_polynomial(tmp_path: Path) -> None:
    table = polynomial_table(tmp_path)
    gen = torch.Generator().manual_seed(3)
    lo = torch.tensor([-2.0, -1.0, -3.0], dtype=torch.float64)
    hi = torch.tensor([2.0, 3.0, 1.0], dtype=torch.float64)  # keeps the 4x4x4 neighbourhood inside
    frac = lo + (hi - lo) * torch.rand((50, 3), generator=gen, dtype=torch.float64)
    assert not interpolation_out_of_range(table, frac).any()
    got = interpolated_f(table, frac)
    want = cubic(frac[:, 0], frac[:, 1], frac[:, 2])
    assert torch.allclose(got, want, rtol=1e-12, atol=1e-12)


def test_interpolation_range_test_is_the_c_one(tmp_path: Path) -> None:
    table = polynomial_table(tmp_path)  # h in [-4, 4]: h - h_min + 3 > 9 or h - 2 < -4 is out
    h = torch.tensor([-2.0, -2.01, 2.0, 2.01])
    frac = torch.stack([h, torch.zeros(4), torch.zeros(4)], dim=-1)
    assert interpolation_out_of_range(table, frac).tolist() == [False, True, False, True]


def test_out_of_range_switches_interpolation_off_with_nearest_value(tmp_path: Path) -> None:
    """Q28: the first out-of-range evaluation and every later one take the nearest-neighbour value."""
    table = polynomial_table(tmp_path)
    frac = torch.tensor([[0.3, 0.2, -0.4], [3.9, 0.2, -0.4], [0.3, 0.2, -0.4]], dtype=torch.float64)
    rounded = torch.ceil(frac - 0.5)
    evaluated = torch.ones(3, dtype=torch.bool)
    f = structure_factors(table, 0.0, True, frac, rounded, evaluated)
    nearest = nearest_f(table, rounded, 0.0)
    assert f[0].item() == pytest.approx(cubic(*frac[0]).item(), rel=1e-12)
    assert f[1].item() == nearest[1].item() and f[2].item() == nearest[2].item()
    # a skipped (not evaluated) out-of-range point does not switch anything off
    f = structure_factors(table, 0.0, True, frac, rounded, torch.tensor([True, False, True]))
    assert f[2].item() == pytest.approx(cubic(*frac[2]).item(), rel=1e-12)
