"""Lattice (shape) factor of a finite crystal, as nanoBragg computes it (spec 5.8).

Why these exact forms:

* ``sincg`` tests ``x == 0`` on the *product* ``pi*h`` and then evaluates ``sin(x*N)/sin(x)``: the
  C computes ``x = M_PI*h`` first and multiplies by ``N`` afterwards. Writing ``sin(pi*N*h)`` instead
  changes the last bits, and near a zero of ``sin(N x)`` the relative change is amplified enough to
  show up at 1e-9.
* Miller indices are rounded with ``ceil(x - 0.5)`` (ties go *down*: 0.5 -> 0, -0.5 -> -1).
  ``torch.round`` rounds half to even and is not equivalent.
* Each axis factor is applied only when its N > 1; otherwise it is exactly 1 (and the C prints 1).
* The SQUARE factor uses the full fractional index, not ``h - h0``.

The ROUND/GAUSS/TOPHAT shapes are cheap, so they are here too (no per-axis trace lines exist for them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

import torch

# The constant the C uses to match the volume of a sphere to that of the parallelepiped (ROUND shape).
ROUND_SHAPE_SCALE = 0.723601254558268


class CrystalShape(str, Enum):
    SQUARE = "square"
    ROUND = "round"
    GAUSS = "gauss"
    TOPHAT = "tophat"


def sincg(x: torch.Tensor, n: float) -> torch.Tensor:
    """Fourier transform of a 1-D grating of ``n`` slits: ``n`` at exactly 0, else sin(n x)/sin(x)."""
    safe = torch.where(x == 0.0, torch.ones_like(x), x)
    return torch.where(x == 0.0, torch.full_like(x, float(n)), torch.sin(safe * n) / torch.sin(safe))


def sinc3(x: torch.Tensor) -> torch.Tensor:
    """Fourier transform of a sphere: 3 (sin x / x - cos x) / x^2, 1 at exactly 0."""
    safe = torch.where(x == 0.0, torch.ones_like(x), x)
    value = 3.0 * (torch.sin(safe) / safe - torch.cos(safe)) / (safe * safe)
    return torch.where(x == 0.0, torch.ones_like(x), value)


def round_half_down(x: torch.Tensor) -> torch.Tensor:
    """Nearest integer with ties rounded down: ``ceil(x - 0.5)`` (the C's rounding of Miller indices)."""
    return torch.ceil(x - 0.5)


def axis_factor(frac: torch.Tensor, n: float) -> torch.Tensor:
    """F_latt of one axis: sincg(pi*frac, n) if n > 1, else exactly 1."""
    if n > 1:
        return sincg(math.pi * frac, n)
    return torch.ones_like(frac)


@dataclass(frozen=True)
class LatticeFactors:
    """Per-axis and total lattice factors (the per-axis ones are 1 for non-SQUARE shapes)."""

    a: torch.Tensor
    b: torch.Tensor
    c: torch.Tensor
    total: torch.Tensor


def square_lattice_factor(
    h: torch.Tensor, k: torch.Tensor, l: torch.Tensor, na: float, nb: float, nc: float
) -> LatticeFactors:
    """Parallelepiped crystal: product of the three grating factors, accumulated a, then b, then c."""
    fa, fb, fc = axis_factor(h, na), axis_factor(k, nb), axis_factor(l, nc)
    return LatticeFactors(fa, fb, fc, (fa * fb) * fc)


def round_lattice_factor(
    frac: torch.Tensor, rounded: torch.Tensor, n: tuple[float, float, float], fudge: float = 1.0
) -> torch.Tensor:
    """Ellipsoidal crystal: sinc3 of the hkl-space distance to the nearest node (``frac``: (..., 3))."""
    na, nb, nc = n
    d = frac - rounded
    hrad_sqr = (d[..., 0] * d[..., 0] * na * na + d[..., 1] * d[..., 1] * nb * nb) + d[..., 2] * d[..., 2] * nc * nc
    return na * nb * nc * ROUND_SHAPE_SCALE * sinc3(math.pi * torch.sqrt(hrad_sqr * fudge))


def reciprocal_distance_sqr(
    frac: torch.Tensor, rounded: torch.Tensor, stars: torch.Tensor, n: tuple[float, float, float]
) -> torch.Tensor:
    """|dh a* + dk b* + dl c*|^2 (Na Nb Nc)^2 with the *unrotated* reciprocal vectors ``stars`` (3, 3)."""
    na, nb, nc = n
    d = frac - rounded
    comps = [
        (d[..., 0] * stars[0, i] + d[..., 1] * stars[1, i]) + d[..., 2] * stars[2, i] for i in range(3)
    ]
    dist = (comps[0] * comps[0] + comps[1] * comps[1]) + comps[2] * comps[2]
    return dist * na * na * nb * nb * nc * nc


def gauss_lattice_factor(
    rad_star_sqr: torch.Tensor, n: tuple[float, float, float], fudge: float = 1.0
) -> torch.Tensor:
    na, nb, nc = n
    return na * nb * nc * torch.exp(-(rad_star_sqr / 0.63 * fudge))


def tophat_lattice_factor(
    rad_star_sqr: torch.Tensor, n: tuple[float, float, float], fudge: float = 1.0
) -> torch.Tensor:
    na, nb, nc = n
    return na * nb * nc * (rad_star_sqr * fudge < 0.3969).to(rad_star_sqr.dtype)


def lattice_factor(
    shape: CrystalShape,
    frac: torch.Tensor,
    n: tuple[float, float, float],
    stars: torch.Tensor | None = None,
    fudge: float = 1.0,
) -> LatticeFactors:
    """Dispatch on the crystal shape; ``frac`` holds (h, k, l) in its last dimension."""
    h, k, l = frac[..., 0], frac[..., 1], frac[..., 2]
    if shape is CrystalShape.SQUARE:
        return square_lattice_factor(h, k, l, *n)
    rounded = round_half_down(frac)
    one = torch.ones_like(h)
    if shape is CrystalShape.ROUND:
        total = round_lattice_factor(frac, rounded, n, fudge)
    else:
        if stars is None:
            raise ValueError("GAUSS and TOPHAT shapes need the reciprocal vectors")
        rad = reciprocal_distance_sqr(frac, rounded, stars, n)
        total = (gauss_lattice_factor if shape is CrystalShape.GAUSS else tophat_lattice_factor)(rad, n, fudge)
    return LatticeFactors(one, one, one, total)
