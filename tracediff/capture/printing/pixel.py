"""The traced pixel's values, named and in the C's print order (spec 6.3, blocks P1-P7).

:func:`trace_records` walks the C's loops (layer, sub-pixel, source 0, phi step, domain 0) over the
values :func:`~tracediff.capture.physics.pixel.chain.compute_pixels` returned for one pixel and records
(name, value) pairs in a :class:`PixelTracer`; names and their order within each block come from the
field catalogue. :func:`write_records` hands them to the :class:`~tracediff.capture.printing.writer.TraceWriter`.

Where the C prints something other than its label, the TRUE value is recorded under the C's name
(the comparison knows the C's transformation):

* ``scattering_vec_A_inv``: S in 1/Å, as labelled (the C prints 1/m: C value = ours x 1e10; Q8, G3);
* ``rot_a_star_A_inv``, ``rot_b_star_A_inv``, ``rot_c_star_A_inv``: the reciprocal vectors rotated by
  phi (tic 0) and mosaic domain 0 (the identity), as the label says (the C prints the unrotated
  phi = 0 vectors: equal only when phi0 == 0; Q9, G2);
* ``floatimage_accumulated``: the float32 rounding of the accumulated value, read back as a double;
  that is what the C does too, and it is kept.

Everything else is what the C's variables hold at the print, including its "compute once" values
(``omega_pixel_sr``, closing ``polar``/``omega_pixel``/``capture_fraction``, ``cos_2theta`` of the last
sub-pixel: Q10-Q13) and the SOURCE2 block's unweighted contribution (Q17).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from tracediff.capture.config import RTD, NanoBraggConfig
from tracediff.capture.physics.crystal.lattice import CrystalShape
from tracediff.capture.physics.detector.geometry import DetectorGeometry
from tracediff.capture.physics.pixel.chain import PixelValues, compute_pixels
from tracediff.capture.physics.pixel.setup import R_E_SQR, PixelSetup, prepare
from tracediff.capture.pixels import outside_reason
from tracediff.capture.printing.writer import TraceWriter
from tracediff.catalogue import block_fields
from tracediff.tracer import record
from tracediff.tracer import tracer as trace_session


@dataclass
class TraceRecord:
    style: str  #: catalogue style: pixel | phi | source2
    name: str
    value: object  #: tensor, number, list of numbers, or (key, value) pairs for phi lines


@dataclass
class PixelTracer:
    """Records named values in the order the C prints them; knows nothing about text."""

    records: list[TraceRecord] = field(default_factory=list)

    def record(self, name: str, value: object, style: str = "pixel") -> None:
        self.records.append(TraceRecord(style, name, value))

    def block(self, block: str, values: dict[str, object]) -> None:
        """Record a catalogue block's fields in catalogue order; the values must name exactly those fields."""
        specs = block_fields(block)
        names = [spec.name for spec in specs]
        if sorted(names) != sorted(values):
            raise KeyError(f"{block}: values for {sorted(values)}, catalogue lists {names}")
        for spec in specs:
            self.record(spec.name, values[spec.name], spec.style)

    def names(self) -> list[str]:
        return [r.name for r in self.records]


@dataclass(frozen=True)
class At:
    """Where in the chain's arrays one printed value sits: pixel ``p``, layer ``t``, sub-pixel ``s``."""

    p: int
    t: int
    s: int


def _ints(t: torch.Tensor) -> list[int]:
    return [int(x) for x in t.tolist()]


def _geometry_values(v: PixelValues, g: DetectorGeometry, setup: PixelSetup, at: At) -> dict[str, object]:
    wavelength = setup.sources.wavelength[0]
    sub = v.geometry
    return {
        "pix0_vector_meters": g.pix0,
        "fdet_vec": g.fdet,
        "sdet_vec": g.sdet,
        "pixel_pos_meters": sub.positions[at.p, at.t, at.s],
        "R_distance_meters": sub.airpath[at.p, at.t, at.s],
        "omega_pixel_sr": sub.omega[at.p, at.t, at.s],
        "close_distance_meters": g.close_distance,
        "obliquity_factor": sub.obliquity[at.p, at.t, at.s],
        "diffracted_vec": sub.diffracted[at.p, at.t, at.s],
        "incident_vec": setup.sources.incident[0],
        "lambda_meters": wavelength,
        "lambda_angstroms": wavelength * 1e10,
        "scattering_vec_A_inv": v.scattering.vectors[at.p, at.t, at.s, 0] * 1e-10,  # TRUE 1/Å (the C prints 1/m)
    }


def _orientation_values(v: PixelValues, at: At) -> dict[str, object]:
    cells, stars = v.orientation.cells[0, 0], v.orientation.stars[0, 0]  # phi tic 0, domain 0
    return {
        "rot_a_angstroms": cells[0] * 1e10,
        "rot_b_angstroms": cells[1] * 1e10,
        "rot_c_angstroms": cells[2] * 1e10,
        "rot_a_star_A_inv": stars[0],  # TRUE: rotated by phi and domain 0 (the C prints unrotated)
        "rot_b_star_A_inv": stars[1],
        "rot_c_star_A_inv": stars[2],
        "hkl_frac": v.diffraction.frac[at.p, at.t, at.s, 0, 0, 0],
        "hkl_rounded": _ints(v.diffraction.rounded[at.p, at.t, at.s, 0, 0, 0]),
    }


def _lattice_values(v: PixelValues, at: At, tic: int) -> dict[str, object]:
    lattice, i = v.diffraction.lattice, (at.p, at.t, at.s, 0, tic, 0)
    return {"F_latt_a": lattice.a[i], "F_latt_b": lattice.b[i], "F_latt_c": lattice.c[i], "F_latt": lattice.total[i]}


def _phi_pairs(v: PixelValues, setup: PixelSetup, at: At, tic: int) -> list[tuple[str, object]]:
    i = (at.p, at.t, at.s, 0, tic, 0)
    return [
        ("phi_tic", tic),
        ("phi_deg", setup.phis[tic] * RTD),
        ("k_frac", float(v.diffraction.frac[i + (1,)])),
        ("F_latt_b", float(v.diffraction.lattice.b[i])),
        ("F_latt", float(v.diffraction.lattice.total[i])),
    ]


def _source2_values(v: PixelValues, setup: PixelSetup, at: At) -> dict[str, object]:
    i = (at.p, at.t, at.s, 2, 0, 0)
    f_cell, f_latt = v.diffraction.f_cell[i], v.diffraction.lattice.total[i]
    return {
        "F_cell": f_cell,
        "F_latt": f_latt,
        "F_cell_squared": f_cell * f_cell,
        "F_latt_squared": f_latt * f_latt,
        "I_contribution": f_cell * f_cell * f_latt * f_latt,
        "polar": v.scattering.polar[at.p, at.t, at.s, 2],
        "cos2theta": v.scattering.cos2theta[at.p, at.t, at.s, 2],
        "lambda_angstroms": setup.sources.wavelength[2] * 1e10,
        "source_index": 2,
    }


def _closing_values(v: PixelValues, setup: PixelSetup, p: int) -> dict[str, object]:
    totals = v.totals
    return {
        "I_before_scaling": totals.intensity[p],
        "r_e_meters": math.sqrt(R_E_SQR),
        "r_e_sqr": R_E_SQR,
        "fluence_photons_per_m2": setup.fluence,
        "steps": setup.steps,
        "oversample_thick": int(setup.oversample_thick),
        "oversample_polar": int(setup.oversample_polar),
        "oversample_omega": int(setup.oversample_omega),
        "capture_fraction": totals.capture[p],
        "polar": totals.polar[p],
        "omega_pixel": totals.omega[p],
        "cos_2theta": totals.cos2theta[p],
        "I_pixel_final": totals.value[p],
        "floatimage_accumulated": float(totals.image[p]),
    }


def _record_subpixel(tracer: PixelTracer, v: PixelValues, setup: PixelSetup, geometry: DetectorGeometry,
                     at: At) -> None:
    """One sub-pixel of one layer: geometry, then (tic by tic) orientation, lattice, PHI, F_cell, then SOURCE2."""
    square = setup.shape is CrystalShape.SQUARE
    tracer.block("pixel_geometry", _geometry_values(v, geometry, setup, at))
    if not bool(v.scattering.skipped[at.p, at.t, at.s, 0]):
        for tic in range(len(setup.phis)):
            if tic == 0:
                tracer.block("orientation", _orientation_values(v, at))
                if square:
                    tracer.block("lattice", _lattice_values(v, at, 0))
            if square:
                tracer.record("PHI", _phi_pairs(v, setup, at, tic), style="phi")
            if tic == 0 and bool(v.diffraction.evaluated[at.p, at.t, at.s, 0, 0, 0]):
                tracer.record("F_cell", v.diffraction.f_cell[at.p, at.t, at.s, 0, 0, 0])
    if (len(setup.sources) > 2 and not bool(v.scattering.skipped[at.p, at.t, at.s, 2])
            and bool(v.diffraction.evaluated[at.p, at.t, at.s, 2, 0, 0])):
        tracer.block("source2", _source2_values(v, setup, at))


def trace_records(v: PixelValues, setup: PixelSetup, geometry: DetectorGeometry, pixel: int = 0) -> PixelTracer:
    """Pixel ``pixel``'s values (an index into ``v``) in the C's print order (spec 6.3, P1-P7)."""
    tracer = PixelTracer()
    for t in range(setup.thicksteps):
        for s in range(setup.oversample**2):
            _record_subpixel(tracer, v, setup, geometry, At(pixel, t, s))
    tracer.block("closing", _closing_values(v, setup, pixel))
    return tracer


def write_records(tracer: PixelTracer, writer: TraceWriter) -> None:
    """Print recorded values through a tracer session (the public tracer's recording path) into
    the writer's stream, in the C's order and line shapes."""
    with trace_session(out=writer, tag=writer.tag, dtype=None, order="recorded"):
        for rec in tracer.records:
            if rec.style == "phi":
                assert isinstance(rec.value, list)
                record(rec.name, [(key, _plain_number(value)) for key, value in rec.value], kind="pairs")
            else:
                record(rec.name, _plain(rec.value), kind="pixel", suffix="SOURCE2" if rec.style == "source2" else None)


def _plain(value: object) -> list[float | int] | float | int:
    """Tensors to Python numbers (0-d -> float), so the writer formats them."""
    if isinstance(value, torch.Tensor):
        return value.item() if value.dim() == 0 else value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain_number(x) for x in value]
    return _plain_number(value)


def _plain_number(value: object) -> float | int:
    if isinstance(value, torch.Tensor):
        return value.item()
    if isinstance(value, (bool, int)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    raise TypeError(f"cannot print {type(value).__name__} as a number")


@dataclass
class PixelTraceResult:
    """What :func:`emit_pixel_trace` computed, for callers that want numbers rather than text."""

    pixel: tuple[int, int] | None  #: (slow, fast)
    traced: bool  #: False when the pixel is outside the ROI or the detector (the C prints nothing)
    setup: PixelSetup | None = None
    values: PixelValues | None = None
    tracer: PixelTracer | None = None


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

    ``setup``: the :func:`~tracediff.capture.physics.pixel.setup.prepare` result when the caller already has it
    (the runner prepares before printing anything, so that a bad input file leaves no partial trace).
    A pixel outside the detector or the ROI prints nothing, as in the C (the runner refuses it first).
    """
    pixel = config.trace_pixel
    if pixel is None or outside_reason(config, pixel) is not None:
        return PixelTraceResult(pixel=pixel, traced=False, setup=setup)
    dev = torch.device(device) if device is not None else geometry.device
    if setup is None:
        setup = prepare(config, geometry, device=dev, dtype=dtype if dtype is not None else geometry.dtype)
    values = compute_pixels(setup, geometry, torch.tensor([pixel[0]], device=dev), torch.tensor([pixel[1]], device=dev))
    tracer = trace_records(values, setup, geometry)
    write_records(tracer, writer)
    return PixelTraceResult(pixel=pixel, traced=True, setup=setup, values=values, tracer=tracer)
