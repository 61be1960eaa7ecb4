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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import torch

from tracediff.capture.detector import DetectorGeometry, pixel_position
from tracediff.capture.emit import TraceWriter
from tracediff.capture.hkl import HklTable, interpolated_f, interpolation_out_of_range, nearest_f
from tracediff.capture.lattice import LatticeFactors, lattice_factor, round_half_down
from tracediff.capture.nanobragg_config import NanoBraggConfig
from tracediff.capture.pixel_setup import R_E_SQR, PixelSetup, prepare
from tracediff.capture.pixel_trace import PixelTracer, trace_records, write_records
from tracediff.capture.rotations import cross, dot, magnitude, rotate_axis, rotate_umat, unitize

# ====================================================================================================
# geometry of the sub-pixels (5.1 - 5.4)


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


# ----------------------------------------------------------------------------------------------------
# "compute once" variables (omega, capture, polar): the value the C's variable holds at each iteration


def omega_variable(omega: torch.Tensor, oversample_omega: bool) -> torch.Tensor:
    """The omega variable at each (P, T, S): first sub-pixel of the first layer unless oversampled."""
    if oversample_omega:
        return omega
    return omega[:, :1, :1].expand_as(omega)


def capture_variable(capture: torch.Tensor, setup: PixelSetup) -> torch.Tensor:
    """The capture variable at each (P, T, S): reset per layer, computed at its first sub-pixel."""
    if setup.oversample_thick:
        return capture
    if setup.thickness == 0.0:
        return torch.ones_like(capture)
    return capture[:, :, :1].expand_as(capture)


def _last_true_index(mask: torch.Tensor) -> torch.Tensor:
    """Index of the last True at or before each position along the last axis (-1 if none)."""
    idx = torch.arange(mask.shape[-1], device=mask.device).expand_as(mask)
    return torch.cummax(torch.where(mask, idx, torch.full_like(idx, -1)), dim=-1).values


def polar_variable(polar: torch.Tensor, computed: torch.Tensor, setup: PixelSetup) -> torch.Tensor:
    """The polar variable at each (P, T, S, N) iteration.

    Reset per pixel to 0 (1 with -nopolar); computed at the first non-skipped source of the pixel, or
    at every one with -oversample_polar (which ignores -nopolar, Q24).
    """
    shape = polar.shape
    flat = polar.reshape(shape[0], -1)
    mask = computed.reshape(shape[0], -1)
    initial = 1.0 if setup.nopolar else 0.0
    if not setup.oversample_polar:
        if setup.nopolar:
            return torch.ones_like(polar)
        first = torch.cumsum(mask.to(torch.int64), dim=-1)
        mask = mask & (first == 1)
    source_index = _last_true_index(mask)
    picked = torch.gather(flat, 1, source_index.clamp(min=0))
    value = torch.where(source_index >= 0, picked, torch.full_like(picked, initial))
    return value.reshape(shape)


# ====================================================================================================
# beam, polarization, orientation, indices (5.5 - 5.8)


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


# ====================================================================================================
# structure factor and accumulation (5.9, 5.10)


def structure_factors(
    hkl: HklTable | None,
    default_f: float,
    interpolate: bool,
    frac: torch.Tensor,
    rounded: torch.Tensor,
    evaluated: torch.Tensor,
) -> torch.Tensor:
    """F_cell for every iteration (C order along the flattened axes): nearest neighbour, or tricubic.

    Interpolation is a run-wide switch in the C: the first evaluated out-of-range neighbourhood turns it
    off for good, and that evaluation already takes the nearest-neighbour value (Q28).
    """
    nearest = nearest_f(hkl, rounded, default_f).to(frac.dtype)
    if not interpolate or hkl is None:
        return nearest
    out = interpolation_out_of_range(hkl, frac) & evaluated
    switched_off = (torch.cumsum(out.reshape(-1).to(torch.int64), dim=0) > 0).reshape(out.shape)
    return torch.where(switched_off, nearest, interpolated_f(hkl, frac))


def accumulate(
    i_start: float,
    terms: torch.Tensor,
    evaluated: torch.Tensor,
    factors: Iterable[torch.Tensor],
) -> torch.Tensor:
    """Sequential I <- (I + term) x factors..., over the iterations (last axis) in C order.

    ``terms``, ``evaluated`` and each factor: (P, K). Skipped iterations change nothing.
    """
    factor_list = list(factors)
    total = torch.full(terms.shape[:1], float(i_start), dtype=terms.dtype, device=terms.device)
    for k in range(terms.shape[1]):
        step = total + terms[:, k]
        for factor in factor_list:
            step = step * factor[:, k]
        total = torch.where(evaluated[:, k], step, total)
    return total


def final_value(
    setup: PixelSetup, intensity: torch.Tensor, capture: torch.Tensor, polar: torch.Tensor, omega: torch.Tensor
) -> torch.Tensor:
    """r_e^2 fluence I / steps, times the capture, polar and omega variables not applied in the loop."""
    value = R_E_SQR * setup.fluence * intensity / setup.steps
    if not setup.oversample_thick:
        value = value * capture
    if not setup.oversample_polar:
        value = value * polar
    if not setup.oversample_omega:
        value = value * omega
    return value


def float_image(value: torch.Tensor) -> torch.Tensor:
    """The C's float image cell after ``+=`` on a zero-initialised float: float32 rounding."""
    return value.to(torch.float32)


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
