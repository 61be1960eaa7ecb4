"""The ``nanobragg`` profile's quirk rules, generated from the field catalogue.

The catalogue (:mod:`tracediff.catalogue`) is the only record of what the C prints wrongly:
each field's ``c_print``. This module turns every such entry into the config rule that
explains it, in the config's own schema (so the rules pass the same checks as a user's
and ``tracediff profile show`` prints them as TOML):

==================================  ==================================================
``c_print``                          rule
==================================  ==================================================
``scale`` k of the whole field       unit rule: the C prints the field in the unit k
                                     times smaller (``[units.NAME] ref = ..., cand = ...``)
``scale`` k of named components      waiver ``when_ref_equals = {COMP = k, ...}``
``const`` text                       waiver ``when_ref_equals = "text"``
``same_as`` other field              waiver ``when_ref_equals = "field:OTHER"``
``unrotated``                        waiver ``when_ref_equals = "same_norm"``
==================================  ==================================================

A waiver also takes the entry's ``sound`` as ``when_cand_equals`` (what the true value must
be) and its ``shown_when`` as ``when_cand_fields`` (when the C shows the quirk at all), and
its reason cites the quirk codes (:mod:`tracediff.catalogue.quirks`). Where one name is
printed by two blocks of a run (the BEAM block's second ``*_after_rotz``), the waiver
holds for that block's occurrence only.
"""

from __future__ import annotations

import math
from typing import Any

from tracediff.catalogue import FIELDS, FieldSpec, detector_blocks, quirky_fields
from tracediff.catalogue.quirks import cite
from tracediff.trace.units import UNIT_FACTORS


def quirk_table() -> dict[str, Any]:
    """``{"units": {...}, "waive": [...]}``: every catalogued quirk as a config rule."""
    units: dict[str, dict[str, str]] = {}
    waivers: list[dict[str, Any]] = []
    for spec in quirky_fields():
        cp = spec.c_print
        assert cp is not None
        if cp.op == "scale" and cp.components is None:
            units[spec.name] = {"ref": _scaled_unit(spec, float(cp.arg)), "cand": str(spec.unit)}
        else:
            waivers.append(_waiver(spec))
    return {"units": units, "waive": waivers}


def _waiver(spec: FieldSpec) -> dict[str, Any]:
    cp = spec.c_print
    assert cp is not None
    ref_condition: Any = {
        "scale": lambda: {name: cp.arg for name in cp.components or ()},
        "const": lambda: cp.arg,
        "same_as": lambda: f"field:{cp.arg}",
        "unrotated": lambda: "same_norm",
    }[cp.op]()
    entry: dict[str, Any] = {"field": spec.name}
    occurrence = _occurrence(spec)
    if occurrence is not None:
        entry["occurrence"] = occurrence
    entry["when_ref_equals"] = ref_condition
    if cp.sound is not None:
        entry["when_cand_equals"] = list(cp.sound) if isinstance(cp.sound, tuple) else cp.sound
    if cp.shown_when:
        entry["when_cand_fields"] = dict(cp.shown_when)
    entry["reason"] = f"{spec.quirk} ({cite(spec.quirk_ids)})"
    return entry


def _occurrence(spec: FieldSpec) -> int | None:
    """The occurrence of the field in a run that prints its name from several blocks, else None."""
    for pivot in ("BEAM", "SAMPLE"):
        blocks = [b for b in detector_blocks(pivot) if any(f.key == (b, spec.name) for f in FIELDS)]
        if spec.block in blocks and len(blocks) > 1:
            return blocks.index(spec.block)
    return None


def _scaled_unit(spec: FieldSpec, factor: float) -> str:
    """The unit in which the true value times ``factor`` is the same quantity (1/Å x 1e10 -> 1/m)."""
    dimension, si = UNIT_FACTORS[str(spec.unit)]
    for name, (dim, unit_si) in UNIT_FACTORS.items():
        if dim == dimension and math.isclose(unit_si, si / factor, rel_tol=1e-12):
            return name
    raise ValueError(f"catalogue: {spec.block}.{spec.name}: no unit is {factor} x {spec.unit}")
