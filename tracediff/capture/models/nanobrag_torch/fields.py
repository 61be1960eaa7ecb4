"""What the nanobrag_torch adapter traces, as a table: C name, line kind, unit, and where
the value comes from (a production attribute or method, or a one-line composition of them).

:data:`TRACED` drives both the trace and ``capture --list-fields``; every catalogue field
absent from it is listed as not exposed by the port (:func:`field_support`), with the
reason from :data:`NOT_EXPOSED` where one is known.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch

from tracediff.capture.models.interface import FieldSupport
from tracediff.capture.models.nanobrag_torch.probe import Probe
from tracediff.catalogue import FIELDS


@dataclass(frozen=True)
class Traced:
    """One field the adapter records."""

    name: str
    block: str
    kind: str  #: tracer line kind: setup, plain, pixel, step
    unit: str | None
    source: str  #: "production" or "derived"
    via: str
    value: Callable[[Probe], Any]
    dims: tuple[str, ...] = ()  #: batch dimensions of the value (the tracer selects the pixel)
    when: str = "always"  #: "always", or the pivot ("BEAM"/"SAMPLE") whose block prints it


def _t(name: str, block: str, kind: str, unit: str | None, source: str, via: str, value: Callable[[Probe], Any],
       **kw: Any) -> Traced:
    return Traced(name, block, kind, unit, source, via, value, **kw)


_P, _D = "production", "derived"
_AXES = (("fdet", "fdet_vec"), ("sdet", "sdet_vec"), ("odet", "odet_vec"))

TRACED: tuple[Traced, ...] = (
    # detector set-up, by the pivot the PORT resolved
    _t("close_distance_m", "detector_sample", "setup", "m", _P, "Detector.close_distance", lambda p: p.det.close_distance,
       when="SAMPLE"),
    _t("ratio", "detector_sample", "setup", None, _P, "Detector.get_r_factor()", lambda p: p.det.get_r_factor(),
       when="SAMPLE"),
    _t("distance_m", "detector_sample", "setup", "m", _P, "Detector.distance", lambda p: p.det.distance, when="SAMPLE"),
    _t("pix0_after_twotheta", "detector_sample", "setup", "m", _P, "Detector.pix0_vector",
       lambda p: p.det.pix0_vector, when="SAMPLE"),
    *(_t(f"{a}_after_twotheta", "detector_general", "setup", None, _P, f"Detector.{attr}",
         (lambda attr: lambda p: getattr(p.det, attr))(attr)) for a, attr in _AXES),
    _t("distance_m", "detector_beam", "setup", "m", _P, "Detector.distance", lambda p: p.det.distance, when="BEAM"),
    _t("pix0_vector", "detector_beam", "setup", "m", _P, "Detector.pix0_vector", lambda p: p.det.pix0_vector,
       when="BEAM"),
    *(_t(f"DETECTOR_{axis}_AXIS", "detector_axes", "plain", None, _P, f"Detector.{attr}",
         (lambda attr: lambda p: getattr(p.det, attr))(attr))
      for axis, attr in (("FAST", "fdet_vec"), ("SLOW", "sdet_vec"), ("NORMAL", "odet_vec"))),
    _t("DETECTOR_PIX0_VECTOR", "detector_pix0", "plain", "m", _P, "Detector.pix0_vector", lambda p: p.det.pix0_vector),
    # per pixel: geometry
    _t("pix0_vector_meters", "pixel_geometry", "pixel", "m", _P, "Detector.pix0_vector", lambda p: p.det.pix0_vector),
    _t("fdet_vec", "pixel_geometry", "pixel", None, _P, "Detector.fdet_vec", lambda p: p.det.fdet_vec),
    _t("sdet_vec", "pixel_geometry", "pixel", None, _P, "Detector.sdet_vec", lambda p: p.det.sdet_vec),
    _t("pixel_pos_meters", "pixel_geometry", "pixel", "m", _P, "Detector.get_pixel_coords() (pixel centre)",
       lambda p: p.coords, dims=("slow", "fast")),
    _t("R_distance_meters", "pixel_geometry", "pixel", "m", _D, "|get_pixel_coords()|", lambda p: p.distance),
    _t("omega_pixel_sr", "pixel_geometry", "pixel", "sr", _P, "Detector.get_solid_angle()", lambda p: p.solid_angle,
       dims=("slow", "fast")),
    _t("close_distance_meters", "pixel_geometry", "pixel", "m", _P, "Detector.close_distance",
       lambda p: p.det.close_distance),
    _t("obliquity_factor", "pixel_geometry", "pixel", None, _D, "close_distance / R",
       lambda p: p.det.close_distance / p.distance),
    _t("diffracted_vec", "pixel_geometry", "pixel", None, _D, "pixel position / R", lambda p: p.diffracted),
    _t("incident_vec", "pixel_geometry", "pixel", None, _P, "Simulator.incident_beam_direction (= Detector.beam_vector)",
       lambda p: p.incident),
    _t("lambda_meters", "pixel_geometry", "pixel", "Å", _P, "Simulator.wavelength (Å, converted to m)",
       lambda p: p.simulator.wavelength),
    _t("lambda_angstroms", "pixel_geometry", "pixel", "Å", _P, "Simulator.wavelength", lambda p: p.simulator.wavelength),
    _t("scattering_vec_A_inv", "pixel_geometry", "pixel", "1/Å", _D, "(diffracted - incident) / wavelength",
       lambda p: p.scattering),
    # per pixel: orientation, lattice, structure factor (phi step 0, mosaic domain 0)
    *(_t(f"rot_{x}_angstroms", "orientation", "pixel", "Å", _P, "Crystal.get_rotated_real_vectors() [phi 0, domain 0]",
         (lambda i: lambda p: p.real(i))(i)) for i, x in enumerate("abc")),
    *(_t(f"rot_{x}_star_A_inv", "orientation", "pixel", "1/Å", _P,
         "Crystal.get_rotated_real_vectors() reciprocal [phi 0, domain 0]",
         (lambda i: lambda p: p.reciprocal(i))(i)) for i, x in enumerate("abc")),
    _t("hkl_frac", "orientation", "pixel", None, _D, "S · rot_a, rot_b, rot_c", lambda p: p.hkl),
    _t("hkl_rounded", "orientation", "pixel", None, _D, "ceil(hkl_frac - 0.5)", lambda p: p.hkl_rounded),
    *(_t(f"F_latt_{x}", "lattice", "pixel", None, _P, f"nanobrag_torch sincg(π·{h}, N{x})",
         (lambda i: lambda p: p.lattice_per_phi[0, i])(i)) for i, (x, h) in enumerate(zip("abc", "hkl"))),
    _t("F_latt", "lattice", "pixel", None, _D, "F_latt_a · F_latt_b · F_latt_c", lambda p: p.lattice_per_phi[0].prod()),
    _t("phi_tic", "phi", "step", None, _D, "the phi step index", lambda p: torch.arange(len(p.phi_deg)), dims=("phi",)),
    _t("phi_deg", "phi", "step", "deg", _P, "CrystalConfig phi_start_deg + tic · osc_range_deg / phi_steps",
       lambda p: p.phi_deg, dims=("phi",)),
    _t("k_frac", "phi", "step", None, _D, "S · rot_b per phi step", lambda p: p.hkl_per_phi[:, 1], dims=("phi",)),
    _t("F_latt_b", "phi", "step", None, _P, "nanobrag_torch sincg per phi step", lambda p: p.lattice_per_phi[:, 1],
       dims=("phi",)),
    _t("F_latt", "phi", "step", None, _D, "product of the three sincg per phi step", lambda p: p.lattice_per_phi.prod(-1),
       dims=("phi",)),
    _t("F_cell", "structure_factor", "pixel", None, _P, "Crystal.get_structure_factor(hkl_rounded)",
       lambda p: p.structure_factor),
    # closing
    _t("r_e_sqr", "closing", "pixel", "m^2", _P, "Simulator.r_e_sqr", lambda p: p.simulator.r_e_sqr),
    _t("r_e_meters", "closing", "pixel", "m", _D, "sqrt(Simulator.r_e_sqr)", lambda p: p.simulator.r_e_sqr.sqrt()),
    _t("fluence_photons_per_m2", "closing", "pixel", None, _P, "Simulator.fluence", lambda p: p.simulator.fluence),
    *(_t(f"oversample_{x}", "closing", "pixel", None, _P, f"DetectorConfig.oversample_{x}",
         (lambda x: lambda p: int(bool(getattr(p.det.config, f"oversample_{x}"))))(x)) for x in ("thick", "polar", "omega")),
    _t("polar", "closing", "pixel", None, _P, "nanobrag_torch polarization_factor(Simulator.kahn_factor, ...)",
       lambda p: p.polarization),
    _t("omega_pixel", "closing", "pixel", "sr", _P, "Detector.get_solid_angle()", lambda p: p.solid_angle,
       dims=("slow", "fast")),
    _t("cos_2theta", "closing", "pixel", None, _D, "incident · diffracted", lambda p: (p.incident * p.diffracted).sum()),
    _t("I_pixel_final", "closing", "pixel", None, _P, "Simulator.run() image", lambda p: p.image, dims=("slow", "fast")),
    _t("floatimage_accumulated", "closing", "pixel", None, _P, "Simulator.run() image", lambda p: p.image,
       dims=("slow", "fast")),
)

#: catalogue fields the port has no value for, and why
NOT_EXPOSED: dict[str, str] = {
    "I_before_scaling": "the port sums F_cell²·F_latt² inside run() and returns only the scaled image",
    "steps": "the port resolves the step count (and auto oversample) inside run()",
    "capture_fraction": "computed inside run() (detector absorption); not exposed",
    "Fbeam_m": "the port keeps beam centres in DetectorConfig (mm), not the C's Fbeam",
    "Sbeam_m": "the port keeps beam centres in DetectorConfig (mm), not the C's Sbeam",
}
_GENERIC = "the port exposes no object or function holding this value"


def field_support() -> tuple[FieldSupport, ...]:
    """Every catalogue field: traced (production/derived, and from where) or missing (why)."""
    traced = {(t.block, t.name): t for t in TRACED}
    out = []
    for spec in FIELDS:
        entry = traced.get(spec.key)
        if entry is not None:
            out.append(FieldSupport(spec.name, spec.block, entry.source, entry.via))
        else:
            out.append(FieldSupport(spec.name, spec.block, "missing", NOT_EXPOSED.get(spec.name, _GENERIC)))
    return tuple(out)


#: blocks the adapter does not trace at all (said once, not field by field)
UNTRACED_BLOCKS = ("crystal_setup", "source2", "tap5", "trace_config")


def missing_summary() -> list[str]:
    """Header lines naming what the trace lacks: fields by name, whole blocks by block."""
    traced = {t.name for t in TRACED}
    names = [f.name for f in field_support() if f.source == "missing" and f.name not in traced
             and f.block not in UNTRACED_BLOCKS]
    return ["not exposed by the port, not traced: " + ", ".join(dict.fromkeys(names)),
            "blocks not traced: " + ", ".join(UNTRACED_BLOCKS)]
