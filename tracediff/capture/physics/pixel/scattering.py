"""What each sub-pixel sees of the beam and the crystal (spec 5.5 - 5.9).

The scattering vector per source and its -dmin cut, the polarization factor, the crystal's
orientation at every phi step and mosaic domain, the fractional Miller indices and the structure
factor (the lattice factor is :mod:`~tracediff.capture.physics.crystal.lattice`). Axes as in
:mod:`~tracediff.capture.physics.pixel.chain`: (P, T, S, N, F, M).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from tracediff.capture.physics.crystal.hkl import HklTable, interpolated_f, interpolation_out_of_range, nearest_f
from tracediff.capture.physics.rotations import cross, dot, magnitude, rotate_axis, rotate_umat, unitize


def scattering_vectors(d: torch.Tensor, incident: torch.Tensor, wavelength: torch.Tensor) -> torch.Tensor:
    """S = (d - i)/lambda (1/m), (P, T, S, N, 3)."""
    return (d[..., None, :] - incident) / wavelength[:, None]


def dmin_skipped(scattering: torch.Tensor, dmin: float) -> torch.Tensor:
    """Sources skipped by the -dmin cut: stol = |S|/2 > 0 and dmin > 0.5/stol."""
    if dmin <= 0.0:
        return torch.zeros(scattering.shape[:-1], dtype=torch.bool, device=scattering.device)
    stol = 0.5 * magnitude(scattering)
    return (stol > 0.0) & (dmin > 0.5 / stol)


def polarization_factor(
    incident: torch.Tensor, d: torch.Tensor, axis: torch.Tensor, kahn: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """(polarization factor, cos 2theta) with the Kahn factor, as the C's ``polarization_factor``.

    ``incident`` (N, 3), ``d`` (..., 3) -> (..., N).
    """
    i_unit, _ = unitize(incident)
    d_unit, _ = unitize(d[..., None, :])
    axis_unit, _ = unitize(axis)
    cos2theta = dot(i_unit, d_unit)
    cos2theta_sqr = cos2theta * cos2theta
    sin2theta_sqr = 1 - cos2theta_sqr
    if kahn != 0.0:
        b_in, _ = unitize(cross(axis_unit, i_unit))
        e_in, _ = unitize(cross(i_unit, b_in))
        psi = -torch.atan2(dot(d_unit, b_in), dot(d_unit, e_in))
    else:
        psi = torch.zeros_like(cos2theta)
    return 0.5 * (1.0 + cos2theta_sqr - kahn * torch.cos(2 * psi) * sin2theta_sqr), cos2theta


def spindle_orientations(real: torch.Tensor, spindle: torch.Tensor, phis: Sequence[float]) -> torch.Tensor:
    """a, b, c at every phi step (F, 3, 3): rotated from a0, b0, c0 every time (no carry-over, Q14)."""
    return torch.stack([real if phi == 0.0 else rotate_axis(real, spindle, phi) for phi in phis])


def mosaic_orientations(oriented: torch.Tensor, mosaic: torch.Tensor, use_mosaic: bool) -> torch.Tensor:
    """U_k applied to a, b, c for every domain (F, M, 3, 3); a plain copy without mosaic spread."""
    if not use_mosaic:
        return oriented[:, None].expand(-1, mosaic.shape[0], -1, -1)
    return rotate_umat(oriented[:, None, :, :], mosaic[None, :, None, :, :])


def miller_indices(cells: torch.Tensor, scattering: torch.Tensor) -> torch.Tensor:
    """Fractional (h, k, l) = (a.S, b.S, c.S): (P, T, S, N, F, M, 3)."""
    s = scattering[..., None, None, None, :]  # (P, T, S, N, 1, 1, 1, 3)
    return dot(cells, s)


def structure_factors(
    hkl: HklTable | None,
    default_f: float,
    interpolate: bool,
    frac: torch.Tensor,
    rounded: torch.Tensor,
    evaluated: torch.Tensor,
    *,
    switch_per_row: bool = False,
) -> torch.Tensor:
    """F_cell for every iteration (C order along the flattened axes): nearest neighbour, or tricubic.

    Interpolation is a run-wide switch in the C: the first evaluated out-of-range neighbourhood turns it
    off for good, and that evaluation already takes the nearest-neighbour value (Q28). With
    ``switch_per_row`` each index of the first axis (a pixel) starts with the switch on, as when that
    pixel is traced alone.
    """
    nearest = nearest_f(hkl, rounded, default_f).to(frac.dtype)
    if not interpolate or hkl is None:
        return nearest
    out = interpolation_out_of_range(hkl, frac) & evaluated
    rows = out.reshape(out.shape[0], -1) if switch_per_row else out.reshape(1, -1)
    switched_off = (torch.cumsum(rows.to(torch.int64), dim=1) > 0).reshape(out.shape)
    return torch.where(switched_off, nearest, interpolated_f(hkl, frac))
