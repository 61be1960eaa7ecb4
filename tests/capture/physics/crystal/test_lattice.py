"""Lattice factor: sincg with the C's exact branches, the per-axis N > 1 gate, ceil(x - 0.5) rounding."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from tracediff.capture.physics.crystal.lattice import (
    CrystalShape,
    axis_factor,
    lattice_factor,
    round_half_down,
    sinc3,
    sincg,
    square_lattice_factor,
)


def t(*values: float) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


def test_sincg_is_n_exactly_at_zero() -> None:
    assert sincg(t(0.0, -0.0), 5.0).tolist() == [5.0, 5.0]


def test_sincg_small_argument_takes_the_ratio_branch() -> None:
    """Only x == 0 is special: a tiny x goes through sin(N x)/sin(x), which is N to rounding."""
    x = t(1e-300, 1e-12, -1e-9)
    assert torch.allclose(sincg(x, 7.0), t(7.0, 7.0, 7.0), rtol=1e-15, atol=0)
    assert bool((sincg(x, 7.0) == torch.sin(x * 7.0) / torch.sin(x)).all())


def test_sincg_multiplies_pi_h_by_n_afterwards() -> None:
    """x = pi*h first, then sin(x*N): the C's order, bit for bit (scalar libm values)."""
    for h in (0.2137, -1.24989844987625, 3.5, 0.00812400989970146):
        x = math.pi * h
        expected = math.sin(x * 5.0) / math.sin(x)
        assert axis_factor(t(h), 5.0).item() == pytest.approx(expected, rel=1e-15)


def test_sincg_at_a_reciprocal_lattice_node_is_plus_or_minus_n() -> None:
    """sin(N pi k)/sin(pi k) -> (-1)^(k(N-1)) N at integer k (pi*k is not exactly a multiple of pi)."""
    assert axis_factor(t(1.0), 5.0).item() == pytest.approx(5.0, rel=1e-12)
    assert axis_factor(t(1.0), 4.0).item() == pytest.approx(-4.0, rel=1e-12)
    assert axis_factor(t(2.0), 4.0).item() == pytest.approx(4.0, rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(h=st.floats(-20, 20).filter(lambda h: abs(h - round(h)) > 1e-3), n=st.integers(2, 40))
def test_sincg_equals_the_cosine_sum(h: float, n: int) -> None:
    """sin(N x)/sin(x) = sum_j cos((N-1-2j) x): an independent form of the grating factor."""
    x = math.pi * h
    expected = sum(math.cos((n - 1 - 2 * j) * x) for j in range(n))
    assert sincg(t(x), float(n)).item() == pytest.approx(expected, rel=1e-8, abs=1e-9)


def test_axis_factor_is_one_when_n_is_at_most_one() -> None:
    h = t(0.3, 1.7, -2.2)
    assert axis_factor(h, 1.0).tolist() == [1.0, 1.0, 1.0]
    assert axis_factor(h, 0.0).tolist() == [1.0, 1.0, 1.0]


def test_rounding_ties_go_down_unlike_torch_round() -> None:
    x = t(0.5, -0.5, 1.5, 2.5, -1.5, 0.49999999999999994, 2.7, -2.7)
    assert round_half_down(x).tolist() == [0.0, -1.0, 1.0, 2.0, -2.0, 0.0, 3.0, -3.0]
    assert torch.round(t(0.5, 1.5, 2.5)).tolist() == [0.0, 2.0, 2.0]  # half to even: not the C


def test_square_factor_of_the_worked_example() -> None:
    """Spec section 8: h, k, l of pixel (20, 30) with N = 5 (values printed by the C)."""
    h, k, l = t(-0.00812400989970146), t(1.24989844987625), t(-0.249979689975251)
    f = square_lattice_factor(h, k, l, 5.0, 5.0, 5.0)
    assert f.a.item() == pytest.approx(4.9869818280684, rel=1e-12)
    assert f.b.item() == pytest.approx(-0.998722255122583, rel=1e-12)
    assert f.c.item() == pytest.approx(-0.999744711563578, rel=1e-12)
    assert f.total.item() == pytest.approx(4.97933824551147, rel=1e-12)
    assert f.total.item() == (f.a * f.b * f.c).item()


def test_square_factor_uses_the_full_fractional_index() -> None:
    """sincg(pi h) and sincg(pi (h - h0)) differ by (-1)^(h0 (N-1)): the C uses the full h."""
    full = axis_factor(t(1.2), 4.0).item()
    reduced = axis_factor(t(0.2), 4.0).item()
    assert full == pytest.approx(-reduced, rel=1e-12)


def test_other_shapes_peak_at_nodes() -> None:
    frac = torch.tensor([[1.0, 2.0, -3.0], [1.5, 2.0, -3.0]], dtype=torch.float64)
    stars = torch.eye(3, dtype=torch.float64) * 0.01
    n = (5.0, 5.0, 5.0)
    rnd = lattice_factor(CrystalShape.ROUND, frac, n).total
    assert rnd[0].item() == pytest.approx(125 * 0.723601254558268)
    assert abs(rnd[1].item()) < rnd[0].item()
    gauss = lattice_factor(CrystalShape.GAUSS, frac, n, stars).total
    assert gauss[0].item() == 125.0 and 0 < gauss[1].item() < 125.0
    tophat = lattice_factor(CrystalShape.TOPHAT, frac, n, stars).total
    assert tophat.tolist() == [125.0, 125.0]  # |dh a*| = 0.005 is inside the top hat
    assert sinc3(t(0.0)).item() == 1.0
