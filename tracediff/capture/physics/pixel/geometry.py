"""Where each sub-pixel is, as the per-pixel chain sees it (spec 5.1 - 5.4).

In-plane coordinates of every sub-pixel, the sensor layer depths, lab positions (curved detector
included), the airpath R and the diffracted direction, the solid angle, the obliquity and the
capture fraction of each layer. Axes as in :mod:`~tracediff.capture.physics.pixel.chain`: (P, T, S).
"""

from __future__ import annotations

import torch

from tracediff.capture.physics.detector.geometry import DetectorGeometry, pixel_position
from tracediff.capture.physics.rotations import dot, rotate_axis, unitize


def subpixel_coordinates(
    spixel: torch.Tensor, fpixel: torch.Tensor, oversample: int, pixel_size: float, dtype: torch.dtype
) -> tuple[torch.Tensor, torch.Tensor]:
    """In-plane (Fdet, Sdet) of every sub-pixel centre, (P, S) each, slow sub-pixel outer.

    ``sub*(pixel*os + subF) + sub/2`` with integer pixel arithmetic, as the C.
    """
    sub = pixel_size / oversample
    sub_s, sub_f = torch.meshgrid(
        torch.arange(oversample, device=spixel.device), torch.arange(oversample, device=spixel.device), indexing="ij"
    )
    f_index = fpixel[:, None] * oversample + sub_f.reshape(1, -1)
    s_index = spixel[:, None] * oversample + sub_s.reshape(1, -1)
    fdet = sub * f_index.to(dtype) + sub / 2.0
    sdet = sub * s_index.to(dtype) + sub / 2.0
    return fdet, sdet


def layer_depths(thicksteps: int, thickstep: float, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
    """Odet of each sensor layer (T,): t x thickstep (the front of the layer)."""
    return torch.arange(thicksteps, device=device).to(dtype) * thickstep


def subpixel_positions(
    geometry: DetectorGeometry, fdet: torch.Tensor, sdet: torch.Tensor, odet: torch.Tensor
) -> torch.Tensor:
    """Lab positions (P, T, S, 3) of every sub-pixel in every layer."""
    return pixel_position(geometry, fdet[:, None, :], sdet[:, None, :], odet[None, :, None])


def curve_positions(geometry: DetectorGeometry, pos: torch.Tensor) -> torch.Tensor:
    """``-curved_det``: swing distance*b about s by P_y/distance, then about f by P_z/distance."""
    distance = geometry.distance
    start = distance * geometry.beam
    swung = rotate_axis(start, geometry.sdet, pos[..., 1] / distance)
    return rotate_axis(swung, geometry.fdet, pos[..., 2] / distance)


def airpath_and_direction(pos: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(R = |P|, d = P/R): distance to the sub-pixel and the diffracted unit vector."""
    d, r = unitize(pos)
    return r, d


def solid_angle(r: torch.Tensor, close_distance: torch.Tensor, pixel_size: float, point_pixel: bool) -> torch.Tensor:
    """omega = px^2/R^2 close/R (sr), evaluated left to right; 1/R^2 with -point_pixel."""
    if point_pixel:
        return 1.0 / r / r
    return pixel_size * pixel_size / r / r * close_distance / r


def obliquity(r: torch.Tensor, close_distance: torch.Tensor) -> torch.Tensor:
    """close_distance/R (printed; the solid angle already contains it)."""
    return close_distance / r


def capture_fractions(
    d: torch.Tensor, odet: torch.Tensor, thicksteps: int, thickstep: float, mu: float
) -> torch.Tensor:
    """Fraction absorbed in each layer (P, T, S): exp(-t dt mu/rho) - exp(-(t+1) dt mu/rho), rho = d.o."""
    parallax = dot(d, odet)
    tics = torch.arange(thicksteps, device=d.device).to(d.dtype)[None, :, None]
    return torch.exp(-tics * thickstep * mu / parallax) - torch.exp(-(tics + 1) * thickstep * mu / parallax)
