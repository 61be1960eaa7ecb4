"""The detector set-up and per-pixel fields, in print order, and the lookups over every field.

:data:`FIELDS` is every traced field: these blocks, the crystal narrative's
(:mod:`~tracediff.catalogue.narrative`) and ``TRACE_CONFIG``. No torch here.
"""

from __future__ import annotations

from tracediff.catalogue.narrative import CRYSTAL_SETUP
from tracediff.catalogue.schema import _F, BLOCKS, CPrint, FieldSpec

_MOSFLM_INITIAL = {"initial_fdet": "0 0 1", "initial_sdet": "0 -1 0", "initial_odet": "1 0 0"}
_C_MAPPING = "Fbeam←Ybeam_mm(+0.5px),Sbeam←Xbeam_mm(+0.5px),beam_vec=[1 0 0]"

#: The conventions whose runs print the BEAM-pivot block (quirk P1): MOSFLM, DENZO and ADXV
#: force the BEAM pivot; CUSTOM keeps the pivot asked for. XDS and DIALS force SAMPLE.
_BEAM_PIVOT_CONVENTIONS = ("MOSFLM", "DENZO", "ADXV", "CUSTOM")
_NUMBER = r"-?[0-9]+(\.[0-9]+)?(e[-+][0-9]+)?"
#: The true ``convention_mapping`` of each BEAM-pivot convention but MOSFLM (whose rule is the
#: C's constant): its beam-centre rule (spec table 2) and its beam vector.
_TRUE_MAPPINGS = "regex:" + "|".join((
    r"Fbeam←Ybeam_mm,Sbeam←Xbeam_mm,beam_vec=\[1 0 0\]",  # DENZO
    r"Fbeam←Xbeam_mm,Sbeam←detsize_s-Ybeam_mm,beam_vec=\[0 0 1\]",  # ADXV
    rf"Fbeam←Xbeam_mm,Sbeam←Ybeam_mm,beam_vec=\[{_NUMBER} {_NUMBER} {_NUMBER}\]",  # CUSTOM
))


def _angles(block: str) -> FieldSpec:
    return _F("angles_rad", block, "setup", "named", "rad",
              "detector rotations about x, y, z and the two-theta swing",
              components=("rotx", "roty", "rotz", "twotheta"))


def _general(block: str, in_beam_block: bool) -> tuple[FieldSpec, ...]:
    """The seven-line vector group (printed in C, and again inside D)."""
    out = []
    for axis in ("fdet", "sdet", "odet"):
        quirk, ids, c_print = "", (), None
        if in_beam_block:
            quirk = (f"the C prints the final post-two-theta {axis} here (its *_after_rotz in the "
                     "general block is the true pre-two-theta one); tracediff prints the true value")
            ids = ("Q5", "B4")
            # shown when two-theta != 0; the true value is the general block's copy (occurrence 0)
            c_print = CPrint("same_as", f"{axis}_after_twotheta", sound=f"field:{axis}_after_rotz#0")
        out.append(_F(f"{axis}_after_rotz", block, "setup", "vector", "1",
                      f"{axis} after rotx, roty, rotz (before two-theta)",
                      quirk=quirk, quirk_ids=ids, c_print=c_print))
    out.append(_F("twotheta_axis", block, "setup", "vector", "1", "two-theta axis t as stored",
                  quirk="never unitized: a non-unit -twotheta_axis gives a wrong rotation", quirk_ids=("Q30",)))
    for axis in ("fdet", "sdet", "odet"):
        out.append(_F(f"{axis}_after_twotheta", block, "setup", "vector", "1", f"final {axis} (after two-theta)"))
    return tuple(out)


_SAMPLE = "detector_sample"
_BEAM = "detector_beam"

DETECTOR_SAMPLE: tuple[FieldSpec, ...] = (
    _F("detector_convention", _SAMPLE, "setup", "text", None, "active detector convention"),
    _angles(_SAMPLE),
    _F("beam_center_m", _SAMPLE, "setup", "named", "m",
       "Xclose, Yclose (m) and pixel size (mm, component pixel_mm)",
       components=("Xclose", "Yclose", "pixel_mm"),
       quirk="the C prints Xclose/1000 and Yclose/1000 (already metres, so km); for XDS/DIALS the "
             "SAMPLE pivot uses Fclose/Sclose, not Xclose/Yclose",
       quirk_ids=("Q1", "S1", "S2"), c_print=CPrint("scale", 0.001, ("Xclose", "Yclose"))),
    *(_F(f"initial_{a}", _SAMPLE, "setup", "vector", "1", f"initial (pre-rotation, unitized) {a}")
      for a in ("fdet", "sdet", "odet")),
    _F("Fclose_m", _SAMPLE, "setup", "scalar", "m", "fast offset of the sample's foot point used for pix0",
       quirk="Fclose₀ ((ORGX-0.5)·px or detsize_f/2) or, in CUSTOM, Xbeam", quirk_ids=("S2",)),
    _F("Sclose_m", _SAMPLE, "setup", "scalar", "m", "slow offset of the sample's foot point used for pix0"),
    _F("close_distance_m", _SAMPLE, "setup", "scalar", "m", "sample-plane distance (step 2)",
       quirk="ignores two-theta", quirk_ids=("S3",)),
    _F("ratio", _SAMPLE, "setup", "scalar", "1", "b · Rxyz(o₀)", quirk="two-theta excluded", quirk_ids=("S3",)),
    _F("distance_m", _SAMPLE, "setup", "scalar", "m", "close_distance/ratio (step 2)",
       quirk="ignores two-theta", quirk_ids=("S3",)),
    _F("term_fast_before_rot", _SAMPLE, "setup", "vector", "m", "−Fclose·f₀"),
    _F("term_slow_before_rot", _SAMPLE, "setup", "vector", "m", "−Sclose·s₀"),
    _F("term_close_before_rot", _SAMPLE, "setup", "vector", "m", "close_distance·o₀"),
    _F("pix0_before_rotation", _SAMPLE, "setup", "vector", "m", "sum of the three terms"),
    _F("pix0_after_rotz", _SAMPLE, "setup", "vector", "m", "pix0 after rotx, roty and rotz",
       quirk="after all three XYZ rotations, not rotz alone", quirk_ids=("S3",)),
    _F("pix0_after_twotheta", _SAMPLE, "setup", "vector", "m", "final pix0"),
)

DETECTOR_GENERAL: tuple[FieldSpec, ...] = _general("detector_general", in_beam_block=False)

DETECTOR_BEAM: tuple[FieldSpec, ...] = (
    _F("detector_convention", _BEAM, "setup", "text", None, "active detector convention",
       quirk="the C prints MOSFLM whatever the convention", quirk_ids=("Q2", "B1"),
       c_print=CPrint("const", "MOSFLM", sound=_BEAM_PIVOT_CONVENTIONS)),
    _angles(_BEAM),
    _F("beam_center_m", _BEAM, "setup", "named", "m",
       "Xbeam, Ybeam (m) and pixel size (mm, component pixel_mm)",
       components=("X", "Y", "pixel_mm"),
       quirk="the C prints Xbeam/1000 and Ybeam/1000 (already metres); these are the inputs, "
             "not the Fbeam/Sbeam actually used",
       quirk_ids=("Q3", "B2"), c_print=CPrint("scale", 0.001, ("X", "Y"))),
    *(_F(name, _BEAM, "setup", "vector", "1", f"initial (pre-rotation, unitized) {name[8:]}",
         quirk="the C prints the MOSFLM basis whatever the convention", quirk_ids=("Q4", "B3"),
         # the true initial vector is the one R_total turns into the general block's *_after_rotz
         c_print=CPrint("const", text, sound=f"rotated_by:R_total#0:{name[8:]}_after_rotz#0"))
      for name, text in _MOSFLM_INITIAL.items()),
    *(_F(m, _BEAM, "setup", "matrix", "1", d) for m, d in (
        ("Rx", "rotation about x by rotx"), ("Ry", "rotation about y by roty"),
        ("Rz", "rotation about z by rotz"), ("R_total", "Rz·Ry·Rx"))),
    *_general(_BEAM, in_beam_block=True),
    _F("convention_mapping", _BEAM, "setup", "text", None, "beam-centre rule of the active convention",
       quirk="the C prints the MOSFLM rule for every convention", quirk_ids=("Q6", "B5"),
       c_print=CPrint("const", _C_MAPPING, sound=_TRUE_MAPPINGS)),
    _F("Fbeam_m", _BEAM, "setup", "scalar", "m", "fast offset of the direct beam (table 2)"),
    _F("Sbeam_m", _BEAM, "setup", "scalar", "m", "slow offset of the direct beam (table 2)"),
    _F("distance_m", _BEAM, "setup", "scalar", "m", "distance used for pix0 (step 2)",
       quirk="pre-recompute value; with two-theta the final distance differs", quirk_ids=("Q7", "B6")),
    _F("term_fast", _BEAM, "setup", "vector", "m", "−Fbeam·f (final f)"),
    _F("term_slow", _BEAM, "setup", "vector", "m", "−Sbeam·s (final s)"),
    _F("term_beam", _BEAM, "setup", "vector", "m", "distance·b"),
    _F("pix0_vector", _BEAM, "setup", "vector", "m", "final pix0"),
)

DETECTOR_AXES: tuple[FieldSpec, ...] = (
    _F("DETECTOR_FAST_AXIS", "detector_axes", "plain", "vector", "1", "final f"),
    _F("DETECTOR_SLOW_AXIS", "detector_axes", "plain", "vector", "1", "final s"),
    _F("DETECTOR_NORMAL_AXIS", "detector_axes", "plain", "vector", "1", "final o"),
)

DETECTOR_PIX0: tuple[FieldSpec, ...] = (
    _F("DETECTOR_PIX0_VECTOR", "detector_pix0", "plain", "vector", "m", "final pix0"),
)

_SUB = dict(repeats="per_subpixel", condition="traced pixel, source 0")
_SUB0 = dict(repeats="per_subpixel", condition="traced pixel, source 0, phi step 0, mosaic domain 0")

PIXEL_GEOMETRY: tuple[FieldSpec, ...] = tuple(_F(n, "pixel_geometry", "pixel", k, u, d, **{**_SUB, **kw}) for n, k, u, d, kw in (
    ("pix0_vector_meters", "vector", "m", "pix0", {}),
    ("fdet_vec", "vector", "1", "final f", {}),
    ("sdet_vec", "vector", "1", "final s", {}),
    ("pixel_pos_meters", "vector", "m", "position of this sub-pixel (and layer)", {}),
    ("R_distance_meters", "scalar", "m", "|P|", {}),
    ("omega_pixel_sr", "scalar", "sr", "solid angle variable",
     dict(quirk="first-subpixel value unless -oversample_omega; with -point_pixel it is 1/R² (1/m²)",
          quirk_ids=("Q10", "C3"))),
    ("close_distance_meters", "scalar", "m", "final close_distance", {}),
    ("obliquity_factor", "scalar", "1", "close_distance/R of this sub-pixel",
     dict(quirk="printed even when -point_pixel means it is unused", quirk_ids=("Q11",))),
    ("diffracted_vec", "vector", "1", "unit vector to the sub-pixel", {}),
    ("incident_vec", "vector", "1", "incident direction of source 0", {}),
    ("lambda_meters", "scalar", "m", "wavelength of source 0", {}),
    ("lambda_angstroms", "scalar", "Å", "wavelength of source 0", {}),
    ("scattering_vec_A_inv", "vector", "1/Å", "S = (d − i)/λ",
     dict(quirk="the C prints S in 1/m despite the 1/Å label (λ in metres); tracediff prints 1/Å",
          quirk_ids=("Q8", "G3"), c_print=CPrint("scale", 1e10))),
))

_CROSS = {"a": "rot_b_angstroms,rot_c_angstroms", "b": "rot_c_angstroms,rot_a_angstroms",
          "c": "rot_a_angstroms,rot_b_angstroms"}  # a* points along b × c, and so on

ORIENTATION: tuple[FieldSpec, ...] = tuple(_F(n, "orientation", "pixel", k, u, d, **{**_SUB0, **kw}) for n, k, u, d, kw in (
    *((f"rot_{x}_angstroms", "vector", "Å", f"real-space {x} for phi step 0, domain 0",
       dict(quirk="with phi0 = 0 and several phi steps the C reuses the previous pixel's last "
                  "orientation (carry-over)", quirk_ids=("Q14", "C1"))) for x in "abc"),
    *((f"rot_{x}_star_A_inv", "vector", "1/Å", f"reciprocal {x}* for phi step 0, domain 0",
       dict(quirk="the C prints the phi = 0, mosaic-free vectors (misset included), never rotated; "
                  "tracediff rotates them as labelled", quirk_ids=("Q9", "G2"),
            # shown when phi0 != 0 (mosaic domain 0, the traced one, is the identity: C4); the
            # true x* is perpendicular to the other two rotated real-space vectors, which the C
            # prints truthfully, and its length is the C's (same_norm)
            c_print=CPrint("unrotated", "C prints the phi = 0 unrotated vector (same norm)",
                           sound=f"along:{_CROSS[x]}",
                           shown_when=(("phi_deg#0", "nonzero"),))))
      for x in "abc"),
    ("hkl_frac", "vector", "1", "fractional Miller indices h, k, l", {}),
    ("hkl_rounded", "int_vector", "1", "nearest integers, ceil(x − 0.5)", {}),
))

LATTICE: tuple[FieldSpec, ...] = tuple(_F(n, "lattice", "pixel", "scalar", "1", d, **{**_SUB0, **kw}) for n, d, kw in (
    ("F_latt_a", "sincg(π·h, Na), 1 when Na ≤ 1", dict(quirk="SQUARE shape only", quirk_ids=("Q15",))),
    ("F_latt_b", "sincg(π·k, Nb), 1 when Nb ≤ 1", dict(quirk="SQUARE shape only", quirk_ids=("Q15",))),
    ("F_latt_c", "sincg(π·l, Nc), 1 when Nc ≤ 1", dict(quirk="SQUARE shape only", quirk_ids=("Q15",))),
    ("F_latt", "F_latt_a·F_latt_b·F_latt_c", dict(quirk="SQUARE shape only", quirk_ids=("Q15",))),
))

PHI: tuple[FieldSpec, ...] = tuple(
    _F(n, "phi", "phi", k, u, d, repeats="per_phi", condition="traced pixel, source 0, domain 0, SQUARE shape",
       **kw) for n, k, u, d, kw in (
        ("phi_tic", "int", "1", "phi step index", {}),
        ("phi_deg", "scalar", "deg", "phi of this step", {}),
        ("k_frac", "scalar", "1", "fractional k", dict(quirk="step 0 may carry over (Q14)", quirk_ids=("Q14",))),
        ("F_latt_b", "scalar", "1", "F_latt_b of this step", {}),
        ("F_latt", "scalar", "1", "F_latt of this step", {}),
    ))

STRUCTURE_FACTOR: tuple[FieldSpec, ...] = (
    _F("F_cell", "structure_factor", "pixel", "scalar", "e", "structure factor used",
       quirk="interpolated (tricubic) when interpolation is on; skipped when F_latt == 0 and no water",
       quirk_ids=("C6", "Q28"), **_SUB0),
    _F("TAP5_HKL", "structure_factor", "tap5_hkl", "pairs", None,
       "per sub-pixel hkl lookup (only when the TRACE_C_TAP5_HKL environment variable exists)",
       components=("subpixel", "hkl_frac", "h0", "k0", "l0", "F_cell", "out_of_bounds"),
       quirk="enabled by the mere presence of the environment variable", quirk_ids=("Q23",), **_SUB0),
)

SOURCE2: tuple[FieldSpec, ...] = tuple(
    _F(n, "source2", "source2", k, u, d, repeats="per_subpixel",
       condition="traced pixel, source 2, phi step 0, domain 0 (3+ sources)", **kw) for n, k, u, d, kw in (
        ("F_cell", "scalar", "e", "F_cell for source 2", {}),
        ("F_latt", "scalar", "1", "F_latt for source 2", {}),
        ("F_cell_squared", "scalar", "e^2", "F_cell²", {}),
        ("F_latt_squared", "scalar", "1", "F_latt²", {}),
        ("I_contribution", "scalar", "e^2", "F_cell²·F_latt²",
         dict(quirk="unweighted, no polarization or solid angle", quirk_ids=("Q17",))),
        ("polar", "scalar", "1", "the pixel's polarization variable",
         dict(quirk="source 0's value, not source 2's", quirk_ids=("Q17",))),
        ("cos2theta", "scalar", "1", "i·d for source 2", {}),
        ("lambda_angstroms", "scalar", "Å", "wavelength of source 2", {}),
        ("source_index", "int", "1", "always 2", {}),
    ))

_END = dict(repeats="per_pixel", condition="traced pixel")

CLOSING: tuple[FieldSpec, ...] = tuple(_F(n, "closing", "pixel", k, u, d, **{**_END, **kw}) for n, k, u, d, kw in (
    ("I_before_scaling", "scalar", "e^2", "accumulated F_cell²·F_latt² (plus water background)",
     dict(quirk="water background already holds r_e²·fluence and is scaled again", quirk_ids=("Q29",))),
    ("r_e_meters", "scalar", "m", "classical electron radius", {}),
    ("r_e_sqr", "scalar", "m^2", "r_e²", {}),
    ("fluence_photons_per_m2", "scalar", "1/m^2", "incident fluence", {}),
    ("steps", "int", "1", "sources × domains × phi steps × oversample²",
     dict(quirk="detector thickness layers are not counted", quirk_ids=("Q27",))),
    ("oversample_thick", "int", "1", "-oversample_thick switch", {}),
    ("oversample_polar", "int", "1", "-oversample_polar switch", {}),
    ("oversample_omega", "int", "1", "-oversample_omega switch", {}),
    ("capture_fraction", "scalar", "1", "detector capture fraction",
     dict(quirk="last layer's first-subpixel value", quirk_ids=("Q13",))),
    ("polar", "scalar", "1", "polarization factor",
     dict(quirk="first-subpixel value (unless -oversample_polar); does not match the printed cos_2theta",
          quirk_ids=("Q12", "C3"))),
    ("omega_pixel", "scalar", "sr", "solid angle",
     dict(quirk="first-subpixel value (unless -oversample_omega); 1/m² with -point_pixel",
          quirk_ids=("Q10", "C3"))),
    ("cos_2theta", "scalar", "1", "i·d", dict(quirk="from the last sub-pixel/layer/source", quirk_ids=("Q12", "C3"))),
    ("I_pixel_final", "scalar", "photons", "value added to the image (double)", {}),
    ("floatimage_accumulated", "scalar", "photons", "image cell after the addition",
     dict(quirk="read back from the float32 image: agrees with I_pixel_final to ~7 digits", quirk_ids=("G4",))),
))

TAP5: tuple[FieldSpec, ...] = tuple(
    _F(n, "tap5", "tap5", k, u, d, repeats="per_pixel",
       condition="traced pixel, environment variable TRACE_C_TAP5 exists (Q23)") for n, k, u, d in (
        ("pixel", "int_vector", "1", "spixel, fpixel"),
        ("I_before_scaling", "scalar", "e^2", "as in the closing block"),
        ("steps", "int", "1", "as in the closing block"),
        ("omega_pixel", "scalar", "sr", "as in the closing block"),
        ("capture_fraction", "scalar", "1", "as in the closing block"),
        ("polar", "scalar", "1", "as in the closing block"),
        ("I_pixel_final", "scalar", "photons", "as in the closing block"),
    ))

TRACE_CONFIG: tuple[FieldSpec, ...] = (
    _F("tracing", "trace_config", "config", "text", None,
       "the traced pixel: `TRACE_CONFIG: tracing pixel (spixel=S, fpixel=F)`",
       condition="-trace_pixel with both indices >= 0"),
)


#: Every traced field, in print order within each block.
FIELDS: tuple[FieldSpec, ...] = (
    DETECTOR_SAMPLE + DETECTOR_GENERAL + DETECTOR_BEAM + DETECTOR_AXES + DETECTOR_PIX0 + PIXEL_GEOMETRY + ORIENTATION
    + LATTICE + PHI + STRUCTURE_FACTOR + SOURCE2 + CLOSING + TAP5 + CRYSTAL_SETUP + TRACE_CONFIG
)

_BY_KEY = {f.key: f for f in FIELDS}
assert len(_BY_KEY) == len(FIELDS), "duplicate (block, name) in the catalogue"


def block_fields(block: str) -> tuple[FieldSpec, ...]:
    """The fields of one block, in the C's print order."""
    if block not in BLOCKS:
        raise KeyError(f"unknown block {block!r}; blocks are {', '.join(BLOCKS)}")
    return tuple(f for f in FIELDS if f.block == block)


def fields_named(name: str) -> tuple[FieldSpec, ...]:
    """All fields with this printed name (some names occur in several blocks)."""
    return tuple(f for f in FIELDS if f.name == name)


def field(name: str, block: str | None = None) -> FieldSpec:
    """The field ``name`` (in ``block`` when the name occurs in several blocks)."""
    if block is not None:
        try:
            return _BY_KEY[(block, name)]
        except KeyError:
            raise KeyError(f"no field {name!r} in block {block!r}") from None
    found = fields_named(name)
    if not found:
        raise KeyError(f"no traced field named {name!r}")
    if len(found) > 1:
        blocks = ", ".join(f.block for f in found)
        raise KeyError(f"field {name!r} occurs in several blocks ({blocks}); pass block=")
    return found[0]


def detector_blocks(pivot: str) -> tuple[str, ...]:
    """The detector blocks the C prints for a pivot, in order (spec 6.2)."""
    if pivot.upper() == "SAMPLE":
        return ("detector_sample", "detector_general", "detector_axes", "detector_pix0")
    return ("detector_general", "detector_axes", "detector_beam", "detector_pix0")


def quirky_fields() -> tuple[FieldSpec, ...]:
    """Fields the C prints as something other than the true value (``c_print`` set)."""
    return tuple(f for f in FIELDS if f.c_print is not None)
