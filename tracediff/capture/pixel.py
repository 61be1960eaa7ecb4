"""The per-pixel chain of nanoBragg (spec section 5) and its trace (spec 6.3).

Physics is a pipeline of small vectorised functions over pixels; the traced pixel is the case of one
pixel. Tensor axes, in the C's loop order (which is also the order the trace is printed in):

    P pixels  x  T thickness layers  x  S sub-pixels (slow outer, fast inner)
              x  N sources  x  F phi steps  x  M mosaic domains

:func:`compute_pixels` returns every intermediate value (:class:`PixelValues`);
:func:`~tracediff.capture.pixel_trace.trace_records` picks the traced pixel's values in print order;
:func:`emit_pixel_trace` (the entry point ``runner.capture`` calls after the set-up trace) prints
them through the :class:`~tracediff.capture.emit.TraceWriter`. Physics code never formats text. The
set-up (crystal, sources, phi, mosaic, F table) lives in :mod:`~tracediff.capture.pixel_setup`.

This module assembles the chain and holds the entry point; the steps live beside it:
:mod:`~tracediff.capture.pixel_geometry` (sub-pixel positions, airpath, solid angle, capture, 5.1-5.4),
:mod:`~tracediff.capture.pixel_scattering` (scattering vector, polarization, orientation per phi step
and mosaic domain, Miller indices, structure factor, 5.5-5.9; the lattice factor is
:mod:`~tracediff.capture.lattice`) and :mod:`~tracediff.capture.pixel_accumulate` ("compute once"
variables, the running sum and the final scaling, 5.9-5.10). Their names are re-exported here, so
``from tracediff.capture.pixel import ...`` keeps working.

Where the C *prints* something other than its label (``scattering_vec_A_inv`` in 1/m,
``rot_*_star_A_inv`` never rotated), the trace holds the true value under the C's name: the list is
in :mod:`~tracediff.capture.pixel_trace`.

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

from tracediff.capture.detector import DetectorGeometry
from tracediff.capture.emit import TraceWriter
from tracediff.capture.lattice import LatticeFactors, lattice_factor, round_half_down
from tracediff.capture.nanobragg_config import NanoBraggConfig
from tracediff.capture.pixel_accumulate import (
    accumulate, capture_variable, final_value, float_image, omega_variable, polar_variable,
)
from tracediff.capture.pixel_geometry import (
    airpath_and_direction, capture_fractions, curve_positions, layer_depths, obliquity, solid_angle,
    subpixel_coordinates, subpixel_positions,
)
from tracediff.capture.pixel_scattering import (
    dmin_skipped, miller_indices, mosaic_orientations, polarization_factor, scattering_vectors,
    spindle_orientations, structure_factors,
)
from tracediff.capture.pixel_setup import PixelSetup, prepare
from tracediff.capture.pixel_trace import PixelTracer, trace_records, write_records
from tracediff.capture.rotations import dot, unitize

__all__ = [  # everything defined here before the split, plus prepare (tests import it from here)
    "PixelTraceResult", "PixelValues", "accumulate", "airpath_and_direction", "capture_fractions",
    "capture_variable", "compute_pixels", "curve_positions", "dmin_skipped", "emit_pixel_trace", "final_value",
    "float_image", "layer_depths", "miller_indices", "mosaic_orientations", "obliquity", "omega_variable",
    "polar_variable", "polarization_factor", "prepare", "scattering_vectors", "solid_angle",
    "spindle_orientations", "structure_factors", "subpixel_coordinates", "subpixel_positions",
    "traced_pixel_inside",
]


# ====================================================================================================
# the whole chain


@dataclass
class PixelValues:
    """Every intermediate of the chain for P pixels (axes as in the module docstring)."""

    fdet: torch.Tensor
    sdet: torch.Tensor
    positions: torch.Tensor  # (P, T, S, 3)
    airpath: torch.Tensor  # (P, T, S)
    diffracted: torch.Tensor  # (P, T, S, 3)
    omega: torch.Tensor  # variable value (P, T, S)
    obliquity: torch.Tensor  # (P, T, S)
    capture: torch.Tensor  # variable value (P, T, S)
    scattering: torch.Tensor  # (P, T, S, N, 3), 1/m
    skipped: torch.Tensor  # (P, T, S, N) dmin cut
    polar: torch.Tensor  # variable value (P, T, S, N)
    cos2theta: torch.Tensor  # (P, T, S, N)
    cells: torch.Tensor  # (F, M, 3, 3) real-space a, b, c (m)
    stars: torch.Tensor  # (F, M, 3, 3) reciprocal vectors rotated the same way (1/Å)
    frac: torch.Tensor  # (P, T, S, N, F, M, 3)
    rounded: torch.Tensor  # same
    lattice: LatticeFactors  # each (P, T, S, N, F, M)
    evaluated: torch.Tensor  # (P, T, S, N, F, M): F_cell computed and accumulated
    f_cell: torch.Tensor  # (P, T, S, N, F, M)
    intensity: torch.Tensor  # (P,) I_before_scaling
    capture_final: torch.Tensor  # (P,)
    polar_final: torch.Tensor
    omega_final: torch.Tensor
    cos2theta_final: torch.Tensor
    value: torch.Tensor  # (P,) I_pixel_final
    image: torch.Tensor  # (P,) float32


def compute_pixels(
    setup: PixelSetup, geometry: DetectorGeometry, spixel: torch.Tensor, fpixel: torch.Tensor
) -> PixelValues:
    """Run the per-pixel chain for the pixels (spixel[i], fpixel[i]), given in C processing order."""
    dtype, device = geometry.dtype, geometry.device
    px = float(geometry.pixel_size)
    close = geometry.close_distance

    fdet, sdet = subpixel_coordinates(spixel, fpixel, setup.oversample, px, dtype)
    depths = layer_depths(setup.thicksteps, setup.thickstep, device, dtype)
    positions = subpixel_positions(geometry, fdet, sdet, depths)
    if setup.curved_detector:
        positions = curve_positions(geometry, positions)
    airpath, diffracted = airpath_and_direction(positions)
    omega = omega_variable(solid_angle(airpath, close, px, setup.point_pixel), setup.oversample_omega)
    capture = capture_variable(
        capture_fractions(diffracted, geometry.odet, setup.thicksteps, setup.thickstep, setup.mu), setup
    )

    incident, wavelength = setup.sources.incident, setup.sources.wavelength
    scattering = scattering_vectors(diffracted, incident, wavelength)
    skipped = dmin_skipped(scattering, setup.dmin)
    polar_raw, cos2theta = polarization_factor(incident, diffracted, geometry.polar, setup.kahn)
    polar = polar_variable(polar_raw, ~skipped, setup)

    oriented = spindle_orientations(setup.crystal.real, geometry.spindle, setup.phis)
    cells = mosaic_orientations(oriented, setup.mosaic, setup.use_mosaic)
    stars = mosaic_orientations(
        spindle_orientations(setup.crystal.reciprocal, geometry.spindle, setup.phis), setup.mosaic, setup.use_mosaic
    )
    frac = miller_indices(cells, scattering)
    rounded = round_half_down(frac)
    lattice = lattice_factor(setup.shape, frac, setup.crystal.n_cells, setup.crystal.reciprocal, setup.fudge)
    evaluated = ~skipped[..., None, None].expand_as(lattice.total)
    if setup.water_size == 0.0:
        evaluated = evaluated & (lattice.total != 0.0)
    f_cell = structure_factors(setup.hkl, setup.default_f, setup.interpolate, frac, rounded, evaluated)
    terms = f_cell * f_cell * lattice.total * lattice.total

    p = spixel.shape[0]
    shape = lattice.total.shape
    factors = []
    if setup.oversample_thick:
        factors.append(capture[:, :, :, None, None, None].expand(shape).reshape(p, -1))
    if setup.oversample_polar:
        factors.append(polar[..., None, None].expand(shape).reshape(p, -1))
    if setup.oversample_omega:
        factors.append(omega[:, :, :, None, None, None].expand(shape).reshape(p, -1))
    intensity = accumulate(setup.i_background, terms.reshape(p, -1), evaluated.reshape(p, -1), factors)

    capture_final = capture[:, -1, -1]
    polar_final = polar.reshape(p, -1)[:, -1]
    omega_final = omega[:, -1, -1]
    last_incident, _ = unitize(incident[-1])
    cos2theta_final = dot(last_incident, diffracted[:, -1, -1])
    value = final_value(setup, intensity, capture_final, polar_final, omega_final)
    return PixelValues(
        fdet=fdet, sdet=sdet, positions=positions, airpath=airpath, diffracted=diffracted, omega=omega,
        obliquity=obliquity(airpath, close), capture=capture, scattering=scattering, skipped=skipped,
        polar=polar, cos2theta=cos2theta, cells=cells, stars=stars, frac=frac, rounded=rounded,
        lattice=lattice, evaluated=evaluated, f_cell=f_cell, intensity=intensity,
        capture_final=capture_final, polar_final=polar_final, omega_final=omega_final,
        cos2theta_final=cos2theta_final, value=value, image=float_image(value),
    )


# ====================================================================================================
# entry point


@dataclass
class PixelTraceResult:
    """What :func:`emit_pixel_trace` computed, for callers that want numbers rather than text."""

    pixel: tuple[int, int] | None  #: (slow, fast)
    traced: bool  #: False when the pixel is outside the ROI or the detector (the C prints nothing)
    setup: PixelSetup | None = None
    values: PixelValues | None = None
    tracer: PixelTracer | None = None


def traced_pixel_inside(config: NanoBraggConfig) -> bool:
    """The C prints the pixel block only for a pixel inside the detector and the (inclusive) ROI."""
    if config.trace_pixel is None:
        return False
    spixel, fpixel = config.trace_pixel
    xmin, xmax, ymin, ymax = config.roi
    return (
        0 <= spixel < config.spixels
        and 0 <= fpixel < config.fpixels
        and xmin <= fpixel <= xmax
        and ymin <= spixel <= ymax
    )


def emit_pixel_trace(
    config: NanoBraggConfig,
    geometry: DetectorGeometry,
    writer: TraceWriter,
    *,
    device: torch.device | str | None = None,
    dtype: torch.dtype | None = None,
    setup: PixelSetup | None = None,
) -> PixelTraceResult:
    """Compute the traced pixel of ``-trace_pixel S F`` and print its trace (after the detector block).

    ``setup``: the :func:`~tracediff.capture.pixel_setup.prepare` result when the caller already has it
    (the runner prepares before printing anything, so that a bad input file leaves no partial trace).
    """
    dev = torch.device(device) if device is not None else geometry.device
    dt = dtype if dtype is not None else geometry.dtype
    if not traced_pixel_inside(config):
        return PixelTraceResult(pixel=config.trace_pixel, traced=False, setup=setup)
    if setup is None:
        setup = prepare(config, geometry, device=dev, dtype=dt)
    spixel, fpixel = config.trace_pixel  # type: ignore[misc]
    values = compute_pixels(
        setup,
        geometry,
        torch.tensor([spixel], device=dev),
        torch.tensor([fpixel], device=dev),
    )
    tracer = trace_records(values, setup, geometry)
    write_records(tracer, writer)
    return PixelTraceResult(pixel=(spixel, fpixel), traced=True, setup=setup, values=values, tracer=tracer)
