"""The Numerical-Recipes ran1 generator and the mosaic domain matrices built from it."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from tracediff.capture.physics.crystal.mosaic import (
    AM,
    IM,
    NDIV,
    NTAB,
    RNMX,
    Ran1,
    _lcg_step,
    mosaic_matrices,
    mosaic_rotation_umat,
    umat_to_misset,
)
from tracediff.capture.physics.rotations import rotate_xyz

# Park & Miller's minimal standard sequence from seed 1 (published test values)
PARK_MILLER = [16807, 282475249, 1622650073, 984943658, 1144108930, 470211272, 101027544, 1457850878]


def lcg_sequence(seed: int, count: int) -> list[int]:
    """x_{n+1} = 16807 x_n mod (2^31 - 1), by plain big-integer arithmetic (no Schrage trick)."""
    out, x = [], seed
    for _ in range(count):
        x = (16807 * x) % IM
        out.append(x)
    return out


def test_lcg_step_is_the_minimal_standard_generator() -> None:
    x, seen = 1, []
    for _ in range(len(PARK_MILLER)):
        x = _lcg_step(x)
        seen.append(x)
    assert seen == PARK_MILLER == lcg_sequence(1, len(PARK_MILLER))
    x = 1
    for _ in range(10000):
        x = _lcg_step(x)
    assert x == 1043618065  # Park & Miller's check value


def test_first_ran1_values_follow_from_the_shuffle_table() -> None:
    """Seed -1: 8 warm-up draws, 32 table entries (iv[j] = draw 40 - j), iy = iv[0]; then each call
    draws once, outputs iv[iy // NDIV] * AM and stores the draw there."""
    draws = lcg_sequence(1, 43)
    iv = {j: draws[39 - j] for j in range(NTAB)}  # draws[39] is the 40th value
    iy = iv[0]
    rng = Ran1(-1)
    for call in range(3):
        j = iy // NDIV
        iy = iv[j]
        iv[j] = draws[40 + call]
        value = rng.next()
        assert isinstance(value, np.float32)
        assert value == np.float32(AM * iy)
    assert float(Ran1(-1).next()) == pytest.approx(0.41599935, abs=1e-8)  # the well-known first value


def test_ran1_caps_at_one_minus_eps() -> None:
    rng = Ran1(-5)
    rng.next()
    rng.iv = [IM - 1] * NTAB  # every table entry now maps to AM*(IM-1) > RNMX
    assert rng.next() == np.float32(RNMX)


def test_positive_seed_after_use_does_not_reinitialise() -> None:
    a, b = Ran1(-12345678), Ran1(-12345678)
    assert [a.next() for _ in range(5)] == [b.next() for _ in range(5)]
    assert a.idum > 0


def test_domain_zero_is_the_identity_and_all_are_rotations() -> None:
    spread = 0.5 / (180 / math.pi)
    mats = mosaic_matrices(spread, 6, -12345678)
    assert mats.shape == (6, 3, 3)
    assert torch.equal(mats[0], torch.eye(3, dtype=torch.float64))
    for u in mats:
        assert torch.allclose(u @ u.T, torch.eye(3, dtype=torch.float64), atol=1e-14)
        assert torch.linalg.det(u).item() == pytest.approx(1.0, abs=1e-14)
        angle = math.acos(max(-1.0, min(1.0, (u.trace().item() - 1) / 2)))
        assert angle <= spread * (1 + 1e-6)
    assert not torch.equal(mats[1], mats[2])


def test_domain_zero_consumes_a_triple() -> None:
    """Domain 1 is the second draw of three deviates, not the first."""
    rng = Ran1(-12345678)
    first = mosaic_rotation_umat(0.01, rng)
    second = mosaic_rotation_umat(0.01, rng)
    mats = mosaic_matrices(0.01, 2, -12345678)
    assert mats[1].reshape(-1).tolist() == second != first


def test_umat_to_misset_recovers_xyz_angles() -> None:
    angles = (0.1, -0.25, 0.4)
    basis = torch.eye(3, dtype=torch.float64)
    columns = rotate_xyz(basis, *angles)  # rows are the images of x, y, z
    umat = columns.T.reshape(-1).tolist()  # row-major matrix with those images as columns
    assert umat_to_misset(umat) == pytest.approx(angles, abs=1e-12)
