"""F: the C's crystal set-up narrative (`TRACE:` lines at %g, spec 6.2 F, C lines 2061-2310).

:data:`CRYSTAL_NARRATIVE` is the text, order and conditions of the lines, one :class:`NarrativeLine`
per printed line; :data:`CRYSTAL_SETUP` catalogues their values as fields of block ``crystal_setup``,
under the names a trace parser gives them. No torch here.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracediff.catalogue.schema import _F, FieldSpec


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


def narrative_lines(when: set[str] | frozenset[str] | tuple[str, ...] = ("always",)) -> tuple[NarrativeLine, ...]:
    """The narrative lines the C prints for these conditions (``always`` is implied), in order."""
    active = {"always", *when}
    unknown = active - set(NARRATIVE_WHEN)
    if unknown:
        raise KeyError(f"unknown narrative condition(s) {sorted(unknown)}; conditions are {NARRATIVE_WHEN}")
    return tuple(line for line in CRYSTAL_NARRATIVE if line.when in active)

