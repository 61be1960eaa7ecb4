"""The traced pixel's values, named and in the C's print order (spec 6.3, blocks P1-P7).

:func:`trace_records` walks the C's loops (layer, sub-pixel, source 0, phi step, domain 0) over the
values :func:`~tracediff.capture.pixel.compute_pixels` returned for the traced pixel and records
(name, value) pairs in a :class:`PixelTracer`; names and their order within each block come from the
field catalogue. :func:`write_records` hands them to the :class:`~tracediff.capture.emit.TraceWriter`.

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
from typing import TYPE_CHECKING

import numpy as np
import torch

from tracediff.capture.detector import DetectorGeometry
from tracediff.capture.emit import TraceWriter
from tracediff.capture.lattice import CrystalShape
from tracediff.capture.nanobragg_config import RTD
from tracediff.capture.pixel_setup import R_E_SQR, PixelSetup
from tracediff.catalogue import block_fields

if TYPE_CHECKING:
    from tracediff.capture.pixel import PixelValues

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


def _ints(t: torch.Tensor) -> list[int]:
    return [int(x) for x in t.tolist()]


def _geometry_values(v: PixelValues, g: DetectorGeometry, setup: PixelSetup, t: int, s: int) -> dict[str, object]:
    wavelength = setup.sources.wavelength[0]
    return {
        "pix0_vector_meters": g.pix0,
        "fdet_vec": g.fdet,
        "sdet_vec": g.sdet,
        "pixel_pos_meters": v.positions[0, t, s],
        "R_distance_meters": v.airpath[0, t, s],
        "omega_pixel_sr": v.omega[0, t, s],
        "close_distance_meters": g.close_distance,
        "obliquity_factor": v.obliquity[0, t, s],
        "diffracted_vec": v.diffracted[0, t, s],
        "incident_vec": setup.sources.incident[0],
        "lambda_meters": wavelength,
        "lambda_angstroms": wavelength * 1e10,
        "scattering_vec_A_inv": v.scattering[0, t, s, 0] * 1e-10,  # TRUE 1/Å (the C prints 1/m)
    }


def _orientation_values(v: PixelValues, t: int, s: int) -> dict[str, object]:
    cells, stars = v.cells[0, 0], v.stars[0, 0]  # phi tic 0, domain 0
    return {
        "rot_a_angstroms": cells[0] * 1e10,
        "rot_b_angstroms": cells[1] * 1e10,
        "rot_c_angstroms": cells[2] * 1e10,
        "rot_a_star_A_inv": stars[0],  # TRUE: rotated by phi and domain 0 (the C prints unrotated)
        "rot_b_star_A_inv": stars[1],
        "rot_c_star_A_inv": stars[2],
        "hkl_frac": v.frac[0, t, s, 0, 0, 0],
        "hkl_rounded": _ints(v.rounded[0, t, s, 0, 0, 0]),
    }


def _lattice_values(v: PixelValues, t: int, s: int, tic: int) -> dict[str, object]:
    at = (0, t, s, 0, tic, 0)
    return {"F_latt_a": v.lattice.a[at], "F_latt_b": v.lattice.b[at], "F_latt_c": v.lattice.c[at],
            "F_latt": v.lattice.total[at]}


def _phi_pairs(v: PixelValues, setup: PixelSetup, t: int, s: int, tic: int) -> list[tuple[str, object]]:
    at = (0, t, s, 0, tic, 0)
    return [
        ("phi_tic", tic),
        ("phi_deg", setup.phis[tic] * RTD),
        ("k_frac", float(v.frac[at + (1,)])),
        ("F_latt_b", float(v.lattice.b[at])),
        ("F_latt", float(v.lattice.total[at])),
    ]


def _source2_values(v: PixelValues, setup: PixelSetup, t: int, s: int) -> dict[str, object]:
    at = (0, t, s, 2, 0, 0)
    f_cell, f_latt = v.f_cell[at], v.lattice.total[at]
    return {
        "F_cell": f_cell,
        "F_latt": f_latt,
        "F_cell_squared": f_cell * f_cell,
        "F_latt_squared": f_latt * f_latt,
        "I_contribution": f_cell * f_cell * f_latt * f_latt,
        "polar": v.polar[0, t, s, 2],
        "cos2theta": v.cos2theta[0, t, s, 2],
        "lambda_angstroms": setup.sources.wavelength[2] * 1e10,
        "source_index": 2,
    }


def _closing_values(v: PixelValues, setup: PixelSetup) -> dict[str, object]:
    return {
        "I_before_scaling": v.intensity[0],
        "r_e_meters": math.sqrt(R_E_SQR),
        "r_e_sqr": R_E_SQR,
        "fluence_photons_per_m2": setup.fluence,
        "steps": setup.steps,
        "oversample_thick": int(setup.oversample_thick),
        "oversample_polar": int(setup.oversample_polar),
        "oversample_omega": int(setup.oversample_omega),
        "capture_fraction": v.capture_final[0],
        "polar": v.polar_final[0],
        "omega_pixel": v.omega_final[0],
        "cos_2theta": v.cos2theta_final[0],
        "I_pixel_final": v.value[0],
        "floatimage_accumulated": float(v.image[0]),
    }


def trace_records(v: PixelValues, setup: PixelSetup, geometry: DetectorGeometry) -> PixelTracer:
    """The traced pixel's (index 0) values in the C's print order (spec 6.3, P1-P7)."""
    tracer = PixelTracer()
    square = setup.shape is CrystalShape.SQUARE
    n_sources = len(setup.sources)
    for t in range(setup.thicksteps):
        for s in range(setup.oversample**2):
            tracer.block("pixel_geometry", _geometry_values(v, geometry, setup, t, s))
            if not bool(v.skipped[0, t, s, 0]):
                for tic in range(len(setup.phis)):
                    if tic == 0:
                        tracer.block("orientation", _orientation_values(v, t, s))
                        if square:
                            tracer.block("lattice", _lattice_values(v, t, s, 0))
                    if square:
                        tracer.record("PHI", _phi_pairs(v, setup, t, s, tic), style="phi")
                    if tic == 0 and bool(v.evaluated[0, t, s, 0, 0, 0]):
                        tracer.record("F_cell", v.f_cell[0, t, s, 0, 0, 0])
            if n_sources > 2 and not bool(v.skipped[0, t, s, 2]) and bool(v.evaluated[0, t, s, 2, 0, 0]):
                tracer.block("source2", _source2_values(v, setup, t, s))
    tracer.block("closing", _closing_values(v, setup))
    return tracer


def write_records(tracer: PixelTracer, writer: TraceWriter) -> None:
    """Print recorded values with the writer, in the C's line shapes."""
    for rec in tracer.records:
        if rec.style == "phi":
            writer.pairs("PHI", rec.value)  # type: ignore[arg-type]
        elif rec.style == "source2":
            writer.tagged("SOURCE2", rec.name, _plain(rec.value))  # type: ignore[arg-type]
        else:
            writer.pixel(rec.name, _plain(rec.value))


def _plain(value: object) -> object:
    """Tensors to Python numbers (0-d -> float), so the writer formats them."""
    if isinstance(value, torch.Tensor):
        return value.item() if value.dim() == 0 else value.tolist()
    if isinstance(value, np.floating):
        return float(value)
    return value
