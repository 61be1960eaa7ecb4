"""The per-pixel chain of nanoBragg (spec section 5), vectorised over pixels.

Physics is a pipeline of small vectorised functions over pixels; the traced pixel is the case of one
pixel. Tensor axes, in the C's loop order (which is also the order the trace is printed in):

    P pixels  x  T thickness layers  x  S sub-pixels (slow outer, fast inner)
              x  N sources  x  F phi steps  x  M mosaic domains

:func:`compute_pixels` returns every intermediate value (:class:`PixelValues`);
:func:`~tracediff.capture.printing.pixel.trace_records` picks the traced pixel's values in print order;
:func:`~tracediff.capture.printing.pixel.emit_pixel_trace` prints them through the
:class:`~tracediff.capture.printing.writer.TraceWriter`. Physics code never formats text. The
set-up (crystal, sources, phi, mosaic, F table) lives in :mod:`~tracediff.capture.physics.pixel.setup`.

This module runs the chain as five stages, each returning a frozen record (:class:`SubpixelGeometry`,
:class:`Scattering`, :class:`Orientation`, :class:`Diffraction`, :class:`PixelTotals`); the steps live
beside it:
:mod:`~tracediff.capture.physics.pixel.geometry` (sub-pixel positions, airpath, solid angle, capture, 5.1-5.4),
:mod:`~tracediff.capture.physics.pixel.scattering` (scattering vector, polarization, orientation per phi step
and mosaic domain, Miller indices, structure factor, 5.5-5.9; the lattice factor is
:mod:`~tracediff.capture.physics.crystal.lattice`) and :mod:`~tracediff.capture.physics.pixel.accumulate` ("compute once"
variables, the running sum and the final scaling, 5.9-5.10).

Where the C *prints* something other than its label (``scattering_vec_A_inv`` in 1/m,
``rot_*_star_A_inv`` never rotated), the trace holds the true value under the C's name: the list is
in :mod:`~tracediff.capture.printing.pixel`.

Where the C's *physics* has a defect, tracediff computes the correct physics and lets the comparison
show the divergence:

* phi carry-over (Q14/C1): with phi == 0 the C does not rotate and reuses the orientation left by the
  previous pixel's last phi step; here every phi step rotates from a0, b0, c0 (phi == 0 means "not
  rotated"). With ``-phi 0`` and several phi steps the C's ``rot_*_angstroms``, ``hkl_frac`` and the
  tic-0 ``k_frac`` therefore differ from ours.

C behaviour that is reproduced (it is the C's semantics, not a print quirk):

* omega, polar and capture are "compute once, at the first sub-pixel" variables unless the matching
  ``-oversample_*`` flag is set, in which case the running sum I is multiplied after every term (5.9);
  the final scaling uses the values left in those variables (Q10, Q12, Q13); ``cos_2theta`` is i.d of
  the last source and sub-pixel;
* ``-oversample_polar`` re-enables polarization under ``-nopolar`` (Q24); ``-oversample_thick`` without
  a thickness zeroes the pixel (Q25);
* a (phi, domain) iteration with F_latt == 0 and no water is skipped (no F_cell, no multiplication);
* tricubic interpolation is switched off for the rest of the run by the first out-of-range
  neighbourhood, and that very evaluation already takes the nearest-neighbour value (Q28). The switch
  is followed in C order within the computed pixels; pixels the C processed before them are unknown
  here (as for the carry-over).

Not mirrored (last-bit effects only): the C's ``polarization_factor`` re-unitizes the diffracted and
incident vectors *in place*, so later sources of the same sub-pixel and the closing ``cos_2theta`` see
a vector that may differ from ours by one ulp. The hard-wired ``TRACE:`` lines of pixel (512, 512) (Q16)
and the ``TRACE_C_TAP5*`` taps (Q23, environment-variable switched C debugging aids) are not printed.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from tracediff.capture.physics.detector.geometry import DetectorGeometry
from tracediff.capture.physics.crystal.lattice import LatticeFactors, lattice_factor, round_half_down
from tracediff.capture.physics.pixel.accumulate import (
    accumulate, capture_variable, final_value, float_image, omega_variable, polar_variable,
)
from tracediff.capture.physics.pixel.geometry import (
    airpath_and_direction, capture_fractions, curve_positions, layer_depths, obliquity, solid_angle,
    subpixel_coordinates, subpixel_positions,
)
from tracediff.capture.physics.pixel.scattering import (
    dmin_skipped, miller_indices, mosaic_orientations, polarization_factor, scattering_vectors,
    spindle_orientations, structure_factors,
)
from tracediff.capture.physics.pixel.setup import PixelSetup
from tracediff.capture.physics.rotations import dot, unitize

# ====================================================================================================
# the stages, each a frozen record


@dataclass(frozen=True)
class SubpixelGeometry:
    """Where each sub-pixel is and what it subtends (5.1-5.4), axes (P, T, S)."""

    fdet: torch.Tensor  # in-plane fast coordinate
    sdet: torch.Tensor  # in-plane slow coordinate
    positions: torch.Tensor  # (P, T, S, 3)
    airpath: torch.Tensor  # (P, T, S)
    diffracted: torch.Tensor  # (P, T, S, 3)
    omega: torch.Tensor  # the C's omega variable (P, T, S)
    obliquity: torch.Tensor  # (P, T, S)
    capture: torch.Tensor  # the C's capture variable (P, T, S)


@dataclass(frozen=True)
class Scattering:
    """Scattering vector, -dmin cut and polarization per source (5.5-5.6), axes (P, T, S, N)."""

    vectors: torch.Tensor  # (P, T, S, N, 3), 1/m
    skipped: torch.Tensor  # (P, T, S, N) dmin cut
    polar: torch.Tensor  # the C's polar variable (P, T, S, N)
    cos2theta: torch.Tensor  # (P, T, S, N)


@dataclass(frozen=True)
class Orientation:
    """The crystal at every phi step and mosaic domain (5.7)."""

    cells: torch.Tensor  # (F, M, 3, 3) real-space a, b, c (m)
    stars: torch.Tensor  # (F, M, 3, 3) reciprocal vectors rotated the same way (1/Å)


@dataclass(frozen=True)
class Diffraction:
    """Miller indices, lattice and structure factors (5.8-5.9), axes (P, T, S, N, F, M)."""

    frac: torch.Tensor  # (..., 3)
    rounded: torch.Tensor  # (..., 3)
    lattice: LatticeFactors
    evaluated: torch.Tensor  # F_cell computed and accumulated
    f_cell: torch.Tensor


@dataclass(frozen=True)
class PixelTotals:
    """The running sum and the values the final scaling reads (5.9-5.10), axes (P,)."""

    intensity: torch.Tensor  # I_before_scaling
    capture: torch.Tensor  # capture variable left after the loops
    polar: torch.Tensor
    omega: torch.Tensor
    cos2theta: torch.Tensor  # of the last source and sub-pixel
    value: torch.Tensor  # I_pixel_final
    image: torch.Tensor  # float32 image cell


@dataclass(frozen=True)
class PixelValues:
    """Every intermediate of the chain for P pixels (axes as in the module docstring), by stage."""

    geometry: SubpixelGeometry
    scattering: Scattering
    orientation: Orientation
    diffraction: Diffraction
    totals: PixelTotals


def subpixel_geometry(
    setup: PixelSetup, geometry: DetectorGeometry, spixel: torch.Tensor, fpixel: torch.Tensor
) -> SubpixelGeometry:
    """Sub-pixel positions, airpath, direction, solid angle, obliquity and capture (5.1-5.4)."""
    px = float(geometry.pixel_size)
    close = geometry.close_distance
    fdet, sdet = subpixel_coordinates(spixel, fpixel, setup.oversample, px, geometry.dtype)
    depths = layer_depths(setup.thicksteps, setup.thickstep, geometry.device, geometry.dtype)
    positions = subpixel_positions(geometry, fdet, sdet, depths)
    if setup.curved_detector:
        positions = curve_positions(geometry, positions)
    airpath, diffracted = airpath_and_direction(positions)
    omega = omega_variable(solid_angle(airpath, close, px, setup.point_pixel), setup.oversample_omega)
    capture = capture_variable(
        capture_fractions(diffracted, geometry.odet, setup.thicksteps, setup.thickstep, setup.mu), setup
    )
    return SubpixelGeometry(fdet=fdet, sdet=sdet, positions=positions, airpath=airpath, diffracted=diffracted,
                            omega=omega, obliquity=obliquity(airpath, close), capture=capture)


def scattering(setup: PixelSetup, geometry: DetectorGeometry, diffracted: torch.Tensor) -> Scattering:
    """Scattering vectors per source, the -dmin cut and the polar variable (5.5-5.6)."""
    incident = setup.sources.incident
    vectors = scattering_vectors(diffracted, incident, setup.sources.wavelength)
    skipped = dmin_skipped(vectors, setup.dmin)
    polar_raw, cos2theta = polarization_factor(incident, diffracted, geometry.polar, setup.kahn)
    return Scattering(vectors=vectors, skipped=skipped, polar=polar_variable(polar_raw, ~skipped, setup),
                      cos2theta=cos2theta)


def orientation(setup: PixelSetup, geometry: DetectorGeometry) -> Orientation:
    """a, b, c and a*, b*, c* at every phi step and mosaic domain (5.7)."""
    def rotated(vectors: torch.Tensor) -> torch.Tensor:
        return mosaic_orientations(spindle_orientations(vectors, geometry.spindle, setup.phis), setup.mosaic,
                                   setup.use_mosaic)

    return Orientation(cells=rotated(setup.crystal.real), stars=rotated(setup.crystal.reciprocal))


def diffraction(setup: PixelSetup, cells: torch.Tensor, scattered: Scattering, *,
                independent: bool = False) -> Diffraction:
    """Miller indices, lattice factor and structure factor of every iteration (5.8-5.9)."""
    frac = miller_indices(cells, scattered.vectors)
    rounded = round_half_down(frac)
    lattice = lattice_factor(setup.shape, frac, setup.crystal.n_cells, setup.crystal.reciprocal, setup.fudge)
    evaluated = ~scattered.skipped[..., None, None].expand_as(lattice.total)
    if setup.water_size == 0.0:
        evaluated = evaluated & (lattice.total != 0.0)
    f_cell = structure_factors(setup.hkl, setup.default_f, setup.interpolate, frac, rounded, evaluated,
                               switch_per_row=independent)
    return Diffraction(frac=frac, rounded=rounded, lattice=lattice, evaluated=evaluated, f_cell=f_cell)


def totals(setup: PixelSetup, sub: SubpixelGeometry, scattered: Scattering, diffracted: Diffraction) -> PixelTotals:
    """The C's running sum in loop order, then the final scaling with the variables it left (5.9-5.10)."""
    lattice = diffracted.lattice.total
    terms = diffracted.f_cell * diffracted.f_cell * lattice * lattice
    p = terms.shape[0]
    shape = lattice.shape
    factors = []
    if setup.oversample_thick:
        factors.append(sub.capture[:, :, :, None, None, None].expand(shape).reshape(p, -1))
    if setup.oversample_polar:
        factors.append(scattered.polar[..., None, None].expand(shape).reshape(p, -1))
    if setup.oversample_omega:
        factors.append(sub.omega[:, :, :, None, None, None].expand(shape).reshape(p, -1))
    intensity = accumulate(setup.i_background, terms.reshape(p, -1), diffracted.evaluated.reshape(p, -1), factors)
    capture_final = sub.capture[:, -1, -1]
    polar_final = scattered.polar.reshape(p, -1)[:, -1]
    omega_final = sub.omega[:, -1, -1]
    last_incident, _ = unitize(setup.sources.incident[-1])
    value = final_value(setup, intensity, capture_final, polar_final, omega_final)
    return PixelTotals(intensity=intensity, capture=capture_final, polar=polar_final, omega=omega_final,
                       cos2theta=dot(last_incident, sub.diffracted[:, -1, -1]), value=value,
                       image=float_image(value))


def compute_pixels(
    setup: PixelSetup, geometry: DetectorGeometry, spixel: torch.Tensor, fpixel: torch.Tensor, *,
    independent: bool = False,
) -> PixelValues:
    """Run the per-pixel chain for the pixels (spixel[i], fpixel[i]), given in C processing order.

    The C's one stateful switch (tricubic interpolation off after the first out-of-range neighbourhood,
    Q28) is followed across the pixels in that order; with ``independent`` every pixel starts afresh,
    giving each pixel exactly what a capture of that pixel alone gives.
    """
    sub = subpixel_geometry(setup, geometry, spixel, fpixel)
    scattered = scattering(setup, geometry, sub.diffracted)
    oriented = orientation(setup, geometry)
    diffracted = diffraction(setup, oriented.cells, scattered, independent=independent)
    return PixelValues(geometry=sub, scattering=scattered, orientation=oriented, diffraction=diffracted,
                       totals=totals(setup, sub, scattered, diffracted))
