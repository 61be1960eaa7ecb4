"""The field catalogue: every value nanoBragg traces, as data (spec 6.2, 6.3 and section 7).

One :class:`FieldSpec` per (block, name): the block it is printed in, the line style,
the value kind, the unit the C prints it in, and what the C gets wrong about it. Capture
prints in this order; compare reads units, blocks and quirks from here. No torch here.

Line styles (``<TAG>`` is ``TRACE_C`` for the C and ``TRACE_PY`` for tracediff):

============  ==========================================  ==========================
style         line shape                                   used by
============  ==========================================  ==========================
``setup``     ``<TAG>:name=v1 v2 v3`` / ``=[a b c; ...]``   detector set-up (B, C, D)
``plain``     ``DETECTOR_NAME x y z`` (no tag)             every build (E)
``pixel``     ``<TAG>: name v1 v2``                        per-pixel blocks P1-P3, P5, P7
``phi``       ``<TAG>_PHI k=v k=v``                        P4, one line per phi step
``source2``   ``<TAG>_SOURCE2: name v``                    P6
``tap5``      ``<TAG>_TAP5: name v``                       P8
``tap5_hkl``  ``<TAG>_TAP5_HKL: k=v k=v``                  P5 with ``TRACE_C_TAP5_HKL``
``narrative`` ``TRACE: free text = [x, y, z] |x| = v``     crystal set-up (F), ``%g``
``config``    ``TRACE_CONFIG: tracing pixel (...)``        after the run summary (G)
============  ==========================================  ==========================

The ``narrative`` and ``config`` lines carry the bare family tag (``TRACE``, ``TRACE_CONFIG``)
on both sides. The narrative's text, order and conditions are data too
(:data:`CRYSTAL_NARRATIVE`, one :class:`NarrativeLine` per printed line); its values are
catalogued as fields of block ``crystal_setup`` under the names a trace parser gives them
(the text before `` = ``: ``a_star (raw)``, ``V_star``, ``|a_star|``, ...).

``c_print`` says how the C's printed value relates to the true value tracediff prints
under the same name, where the C prints something other than its label says:

* ``CPrint("scale", k, components)``: C value = true value × k (on those named components);
* ``CPrint("const", text)``: the C prints this constant text whatever the truth;
* ``CPrint("same_as", other)``: the C prints the value of field ``other`` of the same block;
* ``CPrint("unrotated", text)``: the C prints the phi = 0, mosaic-free vector, not rotated by
  phi (tic 0) and mosaic domain 0 as tracediff's is: same norm, equal when phi0 == 0.

``None`` means the C prints the true quantity (possibly in a surprising unit: see ``unit``
and ``quirk``).
"""

from __future__ import annotations

from dataclasses import dataclass

BLOCKS = (
    "detector_sample",  # B: SAMPLE-pivot set-up (printed before C)
    "detector_general",  # C: always
    "detector_beam",  # D: BEAM-pivot set-up (printed after C)
    "detector_axes",  # DETECTOR_FAST/SLOW/NORMAL_AXIS (every build), after C
    "detector_pix0",  # E: DETECTOR_PIX0_VECTOR (every build), after B/D
    "pixel_geometry",  # P1: per sub-pixel and layer
    "orientation",  # P2
    "lattice",  # P3
    "phi",  # P4: per phi step
    "structure_factor",  # P5
    "source2",  # P6
    "closing",  # P7: once per pixel
    "tap5",  # P8
    "crystal_setup",  # F: the C's `TRACE:` crystal narrative (printed after E, before G)
    "trace_config",  # G: `TRACE_CONFIG:` after the run summary, before P1
)

STYLES = ("setup", "plain", "pixel", "phi", "source2", "tap5", "tap5_hkl", "narrative", "config")
KINDS = ("scalar", "vector", "matrix", "named", "text", "int", "int_vector", "pairs")

#: line prefix per style, for the C (``TRACE_PY`` replaces ``TRACE_C`` in tracediff's output)
STYLE_PREFIX = {
    "setup": "TRACE_C:",
    "plain": "DETECTOR_",
    "pixel": "TRACE_C: ",
    "phi": "TRACE_C_PHI ",
    "source2": "TRACE_C_SOURCE2: ",
    "tap5": "TRACE_C_TAP5: ",
    "tap5_hkl": "TRACE_C_TAP5_HKL: ",
    "narrative": "TRACE: ",  # both sides: the bare family tag
    "config": "TRACE_CONFIG: ",
}

#: c_print ops (see the module docstring)
C_PRINT_OPS = ("scale", "const", "same_as", "unrotated")


@dataclass(frozen=True)
class CPrint:
    """How the C's printed value departs from the true value (see module docstring)."""

    op: str  #: one of :data:`C_PRINT_OPS`
    arg: object
    components: tuple[str, ...] | None = None  #: named sub-values the op applies to


@dataclass(frozen=True)
class FieldSpec:
    """One traced value."""

    name: str  #: the key as printed
    block: str  #: one of :data:`BLOCKS`
    style: str  #: one of :data:`STYLES`
    kind: str  #: one of :data:`KINDS`
    unit: str | None  #: unit of the printed number(s) ("1" = dimensionless, None = text)
    description: str
    quirk: str = ""  #: where the C prints something other than the label says
    quirk_ids: tuple[str, ...] = ()  #: spec section 7 / INDEX.md legend codes
    c_print: CPrint | None = None
    components: tuple[str, ...] = ()  #: sub-value names of ``named``/``pairs`` kinds
    condition: str = ""  #: when the line is printed at all
    repeats: str = "once"  #: once | per_subpixel | per_phi | per_pixel

    @property
    def key(self) -> tuple[str, str]:
        return (self.block, self.name)


_MOSFLM_INITIAL = {"initial_fdet": "0 0 1", "initial_sdet": "0 -1 0", "initial_odet": "1 0 0"}
_C_MAPPING = "Fbeam←Ybeam_mm(+0.5px),Sbeam←Xbeam_mm(+0.5px),beam_vec=[1 0 0]"


def _F(name: str, block: str, style: str, kind: str, unit: str | None, description: str, **kw: object) -> FieldSpec:
    return FieldSpec(name=name, block=block, style=style, kind=kind, unit=unit, description=description, **kw)  # type: ignore[arg-type]


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
            ids, c_print = ("Q5", "B4"), CPrint("same_as", f"{axis}_after_twotheta")
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
       c_print=CPrint("const", "MOSFLM")),
    _angles(_BEAM),
    _F("beam_center_m", _BEAM, "setup", "named", "m",
       "Xbeam, Ybeam (m) and pixel size (mm, component pixel_mm)",
       components=("X", "Y", "pixel_mm"),
       quirk="the C prints Xbeam/1000 and Ybeam/1000 (already metres); these are the inputs, "
             "not the Fbeam/Sbeam actually used",
       quirk_ids=("Q3", "B2"), c_print=CPrint("scale", 0.001, ("X", "Y"))),
    *(_F(name, _BEAM, "setup", "vector", "1", f"initial (pre-rotation, unitized) {name[8:]}",
         quirk="the C prints the MOSFLM basis whatever the convention", quirk_ids=("Q4", "B3"),
         c_print=CPrint("const", text)) for name, text in _MOSFLM_INITIAL.items()),
    *(_F(m, _BEAM, "setup", "matrix", "1", d) for m, d in (
        ("Rx", "rotation about x by rotx"), ("Ry", "rotation about y by roty"),
        ("Rz", "rotation about z by rotz"), ("R_total", "Rz·Ry·Rx"))),
    *_general(_BEAM, in_beam_block=True),
    _F("convention_mapping", _BEAM, "setup", "text", None, "beam-centre rule of the active convention",
       quirk="the C prints the MOSFLM rule for every convention", quirk_ids=("Q6", "B5"),
       c_print=CPrint("const", _C_MAPPING)),
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

ORIENTATION: tuple[FieldSpec, ...] = tuple(_F(n, "orientation", "pixel", k, u, d, **{**_SUB0, **kw}) for n, k, u, d, kw in (
    *((f"rot_{x}_angstroms", "vector", "Å", f"real-space {x} for phi step 0, domain 0",
       dict(quirk="with phi0 = 0 and several phi steps the C reuses the previous pixel's last "
                  "orientation (carry-over)", quirk_ids=("Q14", "C1"))) for x in "abc"),
    *((f"rot_{x}_star_A_inv", "vector", "1/Å", f"reciprocal {x}* for phi step 0, domain 0",
       dict(quirk="the C prints the phi = 0, mosaic-free vectors (misset included), never rotated; "
                  "tracediff rotates them as labelled", quirk_ids=("Q9", "G2"),
            c_print=CPrint("unrotated", "C prints the phi = 0 unrotated vector (same norm)")))
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

# --- F: the crystal set-up narrative (`TRACE:` lines at %g, spec 6.2 F, C lines 2061-2310) ---------------


@dataclass(frozen=True)
class NarrativeLine:
    """One `TRACE:` line of the C's crystal set-up narrative.

    ``text`` is the line after ``TRACE: `` with ``{}`` where the C prints a number (``%g``) or a
    vector (``[%g, %g, %g]``); ``fields`` name those values as a trace parser reads them (one per
    ``{}``, catalogued in block ``crystal_setup``) and ``units`` give each one's printed unit.
    ``key`` identifies the line (the capture looks its values up by it); ``when`` says when the C
    prints it: ``always``, ``matrix`` (``-mat``) or ``misset`` (``-misset``, given or random).
    """

    key: str
    text: str
    fields: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    when: str = "always"


NARRATIVE_WHEN = ("always", "matrix", "misset")
_ABC = (("a", "a_star"), ("b", "b_star"), ("c", "c_star"))


def _n(key: str, text: str, *fields_units: tuple[str, str], when: str = "always") -> NarrativeLine:
    return NarrativeLine(key, text, tuple(f for f, _ in fields_units), tuple(u for _, u in fields_units), when)


def _stars(prefix: str, when: str) -> tuple[NarrativeLine, ...]:
    """``  a_star = [..] |a_star| = ..`` for a*, b*, c*."""
    return tuple(_n(f"{prefix}.{x}", f"  {star} = {{}} |{star}| = {{}}", (star, "1/Å"), (f"|{star}|", "1/Å"),
                    when=when) for x, star in _ABC)


CRYSTAL_NARRATIVE: tuple[NarrativeLine, ...] = (
    # -mat: the A matrix as read, then divided by lambda
    _n("matrix.header", "Raw matrix values from file:", when="matrix"),
    *(_n(f"matrix.raw.{x}", f"  {star} (raw) = {{}}", (f"{star} (raw)", "1"), when="matrix") for x, star in _ABC),
    _n("matrix.lambda0", "  lambda0 = {} Angstroms", ("lambda0", "Å"), when="matrix"),
    _n("matrix.scale", "  scaling factor = 1e-10/lambda0 = {}", ("scaling factor", "1/Å"), when="matrix"),
    _n("matrix.after", "After wavelength correction:", when="matrix"),
    *_stars("matrix.scaled", "matrix"),
    # -misset
    _n("misset.before", "Before misset rotation:", when="misset"),
    *_stars("misset.before", "misset"),
    _n("misset.angles", "  misset angles = {} degrees", ("misset angles", "deg"), when="misset"),
    _n("misset.after", "After misset rotation:", when="misset"),
    *_stars("misset.after", "misset"),
    # always: cross products, volumes, real space
    _n("cross.header", "Computing cross products of reciprocal vectors:"),
    _n("cross.inputs", "  Input vectors for cross products:"),
    *(_n(f"cross.input.{x}", f"    {star} = {{}}", (star, "1/Å")) for x, star in _ABC),
    _n("cross.results", "  Cross product results:"),
    *(_n(f"cross.{key}", f"    {name} = {{}}", (name, "1/Å^2"))
      for key, name in (("axb", "a_star x b_star"), ("bxc", "b_star x c_star"), ("cxa", "c_star x a_star"))),
    _n("volume.header", "Reciprocal cell volume calculation:"),
    _n("volume.v_star", "  V_star = a_star . (b_star x c_star) = {}", ("V_star", "1/Å^3")),
    _n("volume.v_cell", "Direct-space cell volume: V_cell = 1/V_star = {}",
       ("Direct-space cell volume: V_cell", "Å^3")),
    _n("real.before", "Before computing real-space vectors:"),
    *(_n(f"real.{name}", f"  {name} = {{}}", (name, "1/Å^2"))
      for name in ("b_star_cross_c_star", "c_star_cross_a_star", "a_star_cross_b_star")),
    _n("real.volumes", "  V_cell = {}, V_star = {}", ("V_cell", "Å^3"), ("V_star", "1/Å^3")),
    _n("real.after", "After computing real-space vectors:"),
    *(_n(f"real.{x}", f"  {x} = {{}} |{x}| = {{}}", (x, "Å"), (f"|{x}|", "Å")) for x, _ in _ABC),
    # re-generated reciprocal vectors
    _n("regen.header", "Re-generating reciprocal vectors from real-space vectors:"),
    *(_n(f"regen.before.{x}", f"  Before re-generation: {star} = {{}} |{star}| = {{}}",
         (f"Before re-generation: {star}", "1/Å"), (f"|{star}|", "1/Å")) for x, star in _ABC),
    *(_n(f"regen.{name}", f"  Cross products: {name} = {{}}", (f"Cross products: {name}", "Å^2"))
      for name in ("b_cross_c", "c_cross_a", "a_cross_b")),
    *(_n(f"regen.after.{x}", f"  After re-generation: {star} = {{}} |{star}| = {{}}",
         (f"After re-generation: {star}", "1/Å"), (f"|{star}|", "1/Å")) for x, star in _ABC),
    # (the C prints `Unit Cell:`, `Recp Cell:`, `volume = ` and two vector tables here, untagged)
    _n("convert.header", "Converting real-space vectors from Angstroms to meters:"),
    *(_n(f"convert.before.{x}", f"  Before conversion: {x} = {{}} |{x}| = {{}} Angstroms",
         (f"Before conversion: {x}", "Å"), (f"|{x}|", "Å")) for x, _ in _ABC),
    *(_n(f"convert.after.{x}", f"  After conversion: {x} = {{}} |{x}| = {{}} meters",
         (f"After conversion: {x}", "m"), (f"|{x}|", "m")) for x, _ in _ABC),
    _n("copy.reference", "Copying vectors to a0, b0, c0 (phi=0 mosaic=0 reference):"),
    *(_n(f"copy.{x}0", f"  {x}0 = {{}} |{x}0| = {{}} meters", (f"{x}0", "m"), (f"|{x}0|", "m")) for x, _ in _ABC),
    _n("copy.working", "Copying vectors to ap, bp, cp (phi=0 working copy):"),
    *(_n(f"copy.{x}p", f"  {x}p = {{}} |{x}p| = {{}} meters", (f"{x}p", "m"), (f"|{x}p|", "m")) for x, _ in _ABC),
)

_CS = "crystal_setup"
_MAT = dict(condition="-mat")
_MIS = dict(condition="-misset (given or random)")
_SLOT_QUIRK = ("the C's length slot, not the printed vector's own length: the -cell formula length (or "
               "the magnitude after the -mat scaling); a misset rotation leaves it unchanged, and it is "
               "printed again before the re-generation; only the re-generated line prints a fresh magnitude")


def _per_axis(template: str, kind: str, unit: str, description: str, **kw: object) -> tuple[FieldSpec, ...]:
    return tuple(_F(template.format(x=x, star=star), _CS, "narrative", kind, unit,
                    description.format(x=x, star=star), **kw) for x, star in _ABC)


CRYSTAL_SETUP: tuple[FieldSpec, ...] = (
    *_per_axis("{star} (raw)", "vector", "1", "{x}* as read from the -mat file (a column: includes λ in Å)", **_MAT),
    _F("lambda0", _CS, "narrative", "scalar", "Å", "the final wavelength", **_MAT),
    _F("scaling factor", _CS, "narrative", "scalar", "1/Å", "1e-10/λ (λ in m): the -mat scale", **_MAT),
    *_per_axis("{star}", "vector", "1/Å", "{x}* after the -mat scaling, before/after the misset, and as it "
               "enters the cross products", repeats="up to 4 lines"),
    *_per_axis("|{star}|", "scalar", "1/Å", "|{x}*| as stored (slot)", quirk=_SLOT_QUIRK,
               repeats="up to 4 lines"),
    _F("misset angles", _CS, "narrative", "vector", "deg", "the -misset rotation about x, y, z", **_MIS),
    _F("a_star x b_star", _CS, "narrative", "vector", "1/Å^2", "a* × b*, before any -cell rescaling"),
    _F("b_star x c_star", _CS, "narrative", "vector", "1/Å^2", "b* × c*, before any -cell rescaling"),
    _F("c_star x a_star", _CS, "narrative", "vector", "1/Å^2", "c* × a*, before any -cell rescaling"),
    _F("V_star", _CS, "narrative", "scalar", "1/Å^3", "reciprocal cell volume", repeats="2 lines",
       quirk="first line: a*·(b*×c*) as computed; second line: after the -cell override (1/V of the cell)"),
    _F("Direct-space cell volume: V_cell", _CS, "narrative", "scalar", "Å^3", "V_cell = 1/V* (after the override)"),
    _F("b_star_cross_c_star", _CS, "narrative", "vector", "1/Å^2", "b* × c* used for a (rescaled to a/V with -cell)"),
    _F("c_star_cross_a_star", _CS, "narrative", "vector", "1/Å^2", "c* × a* used for b (rescaled to b/V with -cell)"),
    _F("a_star_cross_b_star", _CS, "narrative", "vector", "1/Å^2", "a* × b* used for c (rescaled to c/V with -cell)"),
    _F("V_cell", _CS, "narrative", "scalar", "Å^3", "V_cell used for the real-space vectors"),
    *_per_axis("{x}", "vector", "Å", "real-space {x} = V_cell · (cross product)"),
    *_per_axis("|{x}|", "scalar", "Å", "|{x}| (Å on the first two lines, m after the conversion)",
               repeats="3 lines"),
    *_per_axis("Before re-generation: {star}", "vector", "1/Å", "{x}* before it is re-generated from a, b, c"),
    _F("Cross products: b_cross_c", _CS, "narrative", "vector", "Å^2", "b × c"),
    _F("Cross products: c_cross_a", _CS, "narrative", "vector", "Å^2", "c × a"),
    _F("Cross products: a_cross_b", _CS, "narrative", "vector", "Å^2", "a × b"),
    *_per_axis("After re-generation: {star}", "vector", "1/Å",
               "{x}* = V* (cross product): the vector the C prints as rot_{x}_star_A_inv"),
    *_per_axis("Before conversion: {x}", "vector", "Å", "{x} before the conversion to metres"),
    *_per_axis("After conversion: {x}", "vector", "m", "{x} in metres"),
    *_per_axis("{x}0", "vector", "m", "{x}0: the phi = 0, mosaic = 0 reference"),
    *_per_axis("|{x}0|", "scalar", "m", "|{x}0|"),
    *_per_axis("{x}p", "vector", "m", "{x}p: the phi = 0 working copy"),
    *_per_axis("|{x}p|", "scalar", "m", "|{x}p|"),
)

TRACE_CONFIG: tuple[FieldSpec, ...] = (
    _F("tracing", "trace_config", "config", "text", None,
       "the traced pixel: `TRACE_CONFIG: tracing pixel (spixel=S, fpixel=F)`",
       condition="-trace_pixel with both indices >= 0"),
)


def narrative_lines(when: set[str] | frozenset[str] | tuple[str, ...] = ("always",)) -> tuple[NarrativeLine, ...]:
    """The narrative lines the C prints for these conditions (``always`` is implied), in order."""
    active = {"always", *when}
    unknown = active - set(NARRATIVE_WHEN)
    if unknown:
        raise KeyError(f"unknown narrative condition(s) {sorted(unknown)}; conditions are {NARRATIVE_WHEN}")
    return tuple(line for line in CRYSTAL_NARRATIVE if line.when in active)


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
