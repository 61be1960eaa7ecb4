"""The identities a nanoBragg trace satisfies on its own, one :class:`Identity` per row.

Each formula reads the values it needs through a :class:`Values` view of one occurrence and returns
an :class:`Outcome`: the printed left-hand side, the right-hand side recomputed from other printed
fields, the magnitude the rounding errors scale with and how many printed numbers enter. The engine
turns that into a tolerance from the print precision (:mod:`tracediff.check.engine`). A formula
returns ``None`` where the identity does not apply (e.g. the ``-oversample_*`` switches change what
``I_pixel_final`` is a product of). ``quirks`` are the C's known departures, tried when the identity
fails, each named after its spec code: a trace that fits one passes with that name on the row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


class Missing(LookupError):
    """A field the identity needs is not in the trace."""


class Values:
    """One occurrence of an identity: field -> value (fields printed fewer times give their last)."""

    def __init__(self, data: dict[str, list[np.ndarray]], occurrence: int, convention: str = "") -> None:
        self.data, self.occurrence, self.convention = data, occurrence, convention

    def custom_axes(self) -> bool:
        """CUSTOM convention: the detector axes are the user's vectors, unitized but not orthogonalized."""
        return self.convention == "CUSTOM"

    def __call__(self, node: str) -> np.ndarray:
        found = self.data.get(node)
        if not found:
            raise Missing(node)
        return found[min(self.occurrence, len(found) - 1)]

    def last(self, node: str) -> np.ndarray:
        found = self.data.get(node)
        if not found:
            raise Missing(node)
        return found[-1]

    def scalar(self, node: str) -> float:
        return float(self(node)[0])


@dataclass(frozen=True)
class Outcome:
    lhs: np.ndarray
    rhs: np.ndarray
    scale: float  #: magnitude the print rounding scales with (the largest term)
    terms: int  #: printed numbers entering each side's rounding
    rtol: float | None = None  #: a fixed relative tolerance instead of the print precision


Formula = Callable[[Values], "Outcome | None"]


@dataclass(frozen=True)
class Identity:
    name: str
    description: str
    anchor: str  #: the field whose occurrences the identity is checked for
    fields: tuple[str, ...]  #: every field it reads (for "cannot check: absent")
    formula: Formula
    quirks: tuple[tuple[str, Formula], ...] = ()  #: (spec code and meaning, formula the C fits instead)


def _a(x: object) -> np.ndarray:
    return np.atleast_1d(np.asarray(x, dtype=np.float64))


def _sum(lhs: str, *terms: str) -> Formula:
    def formula(v: Values) -> Outcome:
        parts = [v(t) for t in terms]
        return Outcome(v(lhs), np.sum(parts, axis=0), max(float(np.max(np.abs(p))) for p in parts), len(parts))
    return formula


def _scaled_axis(lhs: str, factor: str, axis: str) -> Formula:
    return lambda v: Outcome(v(lhs), -v.scalar(factor) * v.last(axis), abs(v.scalar(factor)), 2)


def _unit(*axes: str) -> Formula:
    return lambda v: Outcome(_a([np.linalg.norm(v(a)) for a in axes]), np.ones(len(axes)), 1.0, 3)


def _orthogonal(*axes: str) -> Formula:
    def formula(v: Values) -> Outcome | None:
        if v.custom_axes():
            return None
        vecs = [v(a) for a in axes]
        dots = [float(vecs[i] @ vecs[j]) for i in range(len(vecs)) for j in range(i + 1, len(vecs))]
        return Outcome(_a(dots), np.zeros(len(dots)), 1.0, 6)
    return formula


def _r_total(v: Values) -> Outcome:
    m = [v(n).reshape(3, 3) for n in ("Rz", "Ry", "Rx")]
    return Outcome(v("R_total"), (m[0] @ m[1] @ m[2]).ravel(), 1.0, 9)


def _setup_pix0(v: Values) -> Outcome:
    for name in ("pix0_vector", "pix0_after_twotheta"):
        if name in v.data:
            return Outcome(v("pix0_vector_meters"), v.last(name), float(np.max(np.abs(v.last(name)))), 1)
    raise Missing("pix0_vector")


def _norm(lhs: str, vector: str) -> Formula:
    return lambda v: Outcome(v(lhs), _a(np.linalg.norm(v(vector))), float(np.linalg.norm(v(vector))), 3)


def _direction(v: Values) -> Outcome:
    r = v.scalar("R_distance_meters")
    return Outcome(v("diffracted_vec"), v("pixel_pos_meters") / r, 1.0, 3)


def _ratio(lhs: str, num: str, den: str) -> Formula:
    return lambda v: Outcome(v(lhs), _a(v.scalar(num) / v.scalar(den)), abs(v.scalar(num) / v.scalar(den)), 2)


def _close_distance(v: Values) -> Outcome:
    pix0, odet = v("pix0_vector_meters"), v.last("odet_after_twotheta")
    return Outcome(v("close_distance_meters"), _a(pix0 @ odet), float(np.max(np.abs(pix0))), 4)


def _scattering(per_metre: bool) -> Formula:
    def formula(v: Values) -> Outcome:
        lam = v.scalar("lambda_meters") if per_metre else v.scalar("lambda_angstroms")
        rhs = (v("diffracted_vec") - v("incident_vec")) / lam
        return Outcome(v("scattering_vec_A_inv"), rhs, float(np.max(np.abs(v("diffracted_vec")))) / lam, 3)
    return formula


def _hkl(s_scale: float) -> Formula:
    def formula(v: Values) -> Outcome:
        s = v("scattering_vec_A_inv") * s_scale
        axes = [v(f"rot_{x}_angstroms") for x in "abc"]
        scale = max(float(np.linalg.norm(a)) for a in axes) * float(np.linalg.norm(s))
        return Outcome(v("hkl_frac"), _a([a @ s for a in axes]), scale, 6)
    return formula


def _rounded(v: Values) -> Outcome:
    return Outcome(v("hkl_rounded"), np.ceil(v("hkl_frac") - 0.5), 0.0, 1)


def _product(lhs: str, *factors: str) -> Formula:
    def formula(v: Values) -> Outcome:
        rhs = float(np.prod([v.scalar(f) for f in factors]))
        return Outcome(v(lhs), _a(rhs), abs(rhs), len(factors) + 1)
    return formula


_FINAL_FACTORS = ("r_e_sqr", "fluence_photons_per_m2", "I_before_scaling")


def _final(v: Values) -> Outcome:
    """I_pixel_final = r_e² · fluence · I · [capture · polar · omega, those not already inside I] / steps."""
    factors = [v.scalar(f) for f in _FINAL_FACTORS]
    for switch, factor in (("oversample_thick", "capture_fraction"), ("oversample_polar", "polar"),
                           ("oversample_omega", "omega_pixel")):
        if v.scalar(switch) == 0:
            factors.append(v.scalar(factor))
    rhs = float(np.prod(factors)) / v.scalar("steps")
    return Outcome(v("I_pixel_final"), _a(rhs), abs(rhs), len(factors) + 2)


def _float32(v: Values) -> Outcome:
    final = v.scalar("I_pixel_final")
    return Outcome(v("floatimage_accumulated"), _a(np.float32(final)), abs(final), 1, rtol=1e-7)


def _omega_once(v: Values) -> Outcome | None:
    if v.scalar("oversample_omega") != 0:
        return None
    return Outcome(v("omega_pixel"), v.data["omega_pixel_sr"][0], abs(v.data["omega_pixel_sr"][0][0]), 1)


def _cos2theta(v: Values) -> Outcome:
    rhs = float(v.last("incident_vec") @ v.last("diffracted_vec"))
    return Outcome(v("cos_2theta"), _a(rhs), 1.0, 6)


def _phi_tic0(v: Values) -> Outcome | None:
    """The phi line of tic 0 repeats the orientation block's k (same phi step, same domain)."""
    tics = v.data["PHI.phi_tic"]
    zero = [i for i, t in enumerate(tics) if t[0] == 0]
    if v.occurrence >= len(zero):
        return None
    k = v.data["PHI.k_frac"][zero[v.occurrence]]
    return Outcome(k, v("hkl_frac")[1:2], abs(float(k[0])) or 1.0, 1)


def _volumes(v: Values) -> Outcome:
    return Outcome(v("Direct-space cell volume: V_cell") * v.last("V_star"), np.ones(1), 1.0, 2)


_AXES = ("fdet_after_twotheta", "sdet_after_twotheta", "odet_after_twotheta")
_Q8 = "Q8/G3: the C prints the scattering vector in 1/m under its 1/Å label"

#: the identities, in trace order
IDENTITIES: tuple[Identity, ...] = (
    Identity("R_total", "R_total = Rz·Ry·Rx", "R_total", ("R_total", "Rx", "Ry", "Rz"), _r_total),
    Identity("axes_unit", "the final detector axes have unit length", "fdet_after_twotheta", _AXES, _unit(*_AXES)),
    Identity("axes_orthogonal", "the final detector axes are orthogonal (not for CUSTOM axes: the user's "
             "vectors are used as given)", "fdet_after_twotheta", _AXES,
             _orthogonal(*_AXES)),
    Identity("pix0_sample_sum", "pix0_before_rotation = the sum of its three terms", "pix0_before_rotation",
             ("pix0_before_rotation", "term_fast_before_rot", "term_slow_before_rot", "term_close_before_rot"),
             _sum("pix0_before_rotation", "term_fast_before_rot", "term_slow_before_rot", "term_close_before_rot")),
    Identity("term_fast", "term_fast = −Fbeam·f", "term_fast", ("term_fast", "Fbeam_m", "fdet_after_twotheta"),
             _scaled_axis("term_fast", "Fbeam_m", "fdet_after_twotheta")),
    Identity("term_slow", "term_slow = −Sbeam·s", "term_slow", ("term_slow", "Sbeam_m", "sdet_after_twotheta"),
             _scaled_axis("term_slow", "Sbeam_m", "sdet_after_twotheta")),
    Identity("pix0_sum", "pix0_vector = term_fast + term_slow + term_beam", "pix0_vector",
             ("pix0_vector", "term_fast", "term_slow", "term_beam"),
             _sum("pix0_vector", "term_fast", "term_slow", "term_beam")),
    Identity("cell_volume", "V_cell · V_star = 1", "Direct-space cell volume: V_cell",
             ("Direct-space cell volume: V_cell", "V_star"), _volumes),
    Identity("pixel_pix0", "the pixel block's pix0 is the set-up's final pix0", "pix0_vector_meters",
             ("pix0_vector_meters",), _setup_pix0),
    Identity("pixel_axes_unit", "fdet_vec and sdet_vec have unit length", "fdet_vec", ("fdet_vec", "sdet_vec"),
             _unit("fdet_vec", "sdet_vec")),
    Identity("pixel_axes_orthogonal", "fdet_vec and sdet_vec are orthogonal", "fdet_vec", ("fdet_vec", "sdet_vec"),
             _orthogonal("fdet_vec", "sdet_vec")),
    Identity("R_distance", "R_distance_meters = |pixel_pos_meters|", "R_distance_meters",
             ("R_distance_meters", "pixel_pos_meters"), _norm("R_distance_meters", "pixel_pos_meters")),
    Identity("close_distance", "close_distance_meters = pix0 · odet", "close_distance_meters",
             ("close_distance_meters", "pix0_vector_meters", "odet_after_twotheta"), _close_distance),
    Identity("obliquity", "obliquity_factor = close_distance / R", "obliquity_factor",
             ("obliquity_factor", "close_distance_meters", "R_distance_meters"),
             _ratio("obliquity_factor", "close_distance_meters", "R_distance_meters")),
    Identity("diffracted", "diffracted_vec = pixel_pos / R", "diffracted_vec",
             ("diffracted_vec", "pixel_pos_meters", "R_distance_meters"), _direction),
    Identity("lambda", "lambda_angstroms = 1e10 · lambda_meters", "lambda_angstroms",
             ("lambda_angstroms", "lambda_meters"),
             lambda v: Outcome(v("lambda_angstroms"), v("lambda_meters") * 1e10, v.scalar("lambda_angstroms"), 2)),
    Identity("scattering", "scattering_vec_A_inv = (diffracted − incident)/λ (1/Å)", "scattering_vec_A_inv",
             ("scattering_vec_A_inv", "diffracted_vec", "incident_vec", "lambda_angstroms", "lambda_meters"),
             _scattering(per_metre=False), quirks=((_Q8, _scattering(per_metre=True)),)),
    Identity("hkl_frac", "hkl_frac = (a·S, b·S, c·S)", "hkl_frac",
             ("hkl_frac", "scattering_vec_A_inv", "rot_a_angstroms", "rot_b_angstroms", "rot_c_angstroms"),
             _hkl(1.0), quirks=((_Q8, _hkl(1e-10)),)),
    Identity("hkl_rounded", "hkl_rounded = ceil(hkl_frac − 0.5), the C's rounding", "hkl_rounded",
             ("hkl_rounded", "hkl_frac"), _rounded),
    Identity("F_latt", "F_latt = F_latt_a · F_latt_b · F_latt_c", "F_latt",
             ("F_latt", "F_latt_a", "F_latt_b", "F_latt_c"), _product("F_latt", "F_latt_a", "F_latt_b", "F_latt_c")),
    Identity("phi_tic0", "the tic-0 phi line's k_frac is hkl_frac's k", "hkl_frac",
             ("PHI.k_frac", "PHI.phi_tic", "hkl_frac"), _phi_tic0),
    Identity("r_e_sqr", "r_e_sqr = r_e_meters²", "r_e_sqr", ("r_e_sqr", "r_e_meters"),
             lambda v: Outcome(v("r_e_sqr"), v("r_e_meters") ** 2, v.scalar("r_e_sqr"), 3)),
    Identity("omega_once", "omega_pixel is the first sub-pixel's omega (without -oversample_omega; Q10)",
             "omega_pixel", ("omega_pixel", "omega_pixel_sr", "oversample_omega"), _omega_once),
    Identity("cos_2theta", "cos_2theta = incident · diffracted of the last sub-pixel", "cos_2theta",
             ("cos_2theta", "incident_vec", "diffracted_vec"), _cos2theta),
    Identity("I_pixel_final", "I_pixel_final = r_e²·fluence·I·capture·polar·omega/steps", "I_pixel_final",
             ("I_pixel_final", *_FINAL_FACTORS, "steps", "capture_fraction", "polar", "omega_pixel",
              "oversample_thick", "oversample_polar", "oversample_omega"), _final),
    Identity("floatimage", "floatimage_accumulated is I_pixel_final rounded to float32 (G4)",
             "floatimage_accumulated", ("floatimage_accumulated", "I_pixel_final"), _float32),
)
