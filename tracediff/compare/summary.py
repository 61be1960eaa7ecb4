"""What the rows alone do not say: missing fields as groups, occurrence counts that differ,
candidate names that compete for one reference field.

The catalogue (:mod:`tracediff.catalogue`) names each field's block and how often the C
prints it, so a group of missing fields reads "block detector_beam: 24 fields" and an
occurrence mismatch names its likely cause (once per sub-pixel, per phi step, ...).
"""

from __future__ import annotations

import numpy as np

from tracediff.compare.result import FieldResult, MissingGroup
from tracediff.trace.log import KeyTable

SHOWN_NAMES = 5

#: catalogue ``repeats`` -> why the C prints a field that many times
REPEAT_CAUSES = {
    "per_subpixel": "the C prints it once per sub-pixel (oversample) and source",
    "per_phi": "the C prints it once per phi step",
    "per_pixel": "the C prints it once per traced pixel",
}


def _catalogue_field(name: str):  # noqa: ANN202 - a FieldSpec or None
    from tracediff.catalogue import fields_named

    found = fields_named(name)
    return found[0] if len({f.block for f in found}) == 1 else None


def _block_of(name: str, previous: str | None) -> str | None:
    """The catalogue block of ``name``; where it occurs in several, the previous row's if it is one."""
    from tracediff.catalogue import fields_named

    blocks = [f.block for f in fields_named(name)]
    if previous in blocks:
        return previous
    return blocks[0] if blocks else None


def summarise_missing(rows: list[FieldResult]) -> list[MissingGroup]:
    """Group missing rows (in reference order) by family and catalogue block."""
    groups: dict[tuple[str, str | None], MissingGroup] = {}
    block = None
    for row in rows:
        block = _block_of(row.field, block)
        key = (row.family, block)
        group = groups.setdefault(key, MissingGroup(*key, first_line=row.ref_line or 0))
        group.count += 1
        group.last_line = row.ref_line or group.last_line
        if len(group.names) < SHOWN_NAMES and row.label not in group.names:
            group.names.append(row.label)
    return list(groups.values())


def occurrence_notes(keys: KeyTable, ref_count: np.ndarray, cand_count: np.ndarray,
                     partner: np.ndarray, selected: np.ndarray) -> tuple[dict[int, str], list[str]]:
    """Per reference key whose count differs on the two sides, a note; and one line per cause."""
    n = len(ref_count)
    cand_for_ref = np.zeros(n, np.int64)
    seen = np.flatnonzero(cand_count)
    np.maximum.at(cand_for_ref, partner[seen][partner[seen] < n], cand_count[seen][partner[seen] < n])
    differ = np.flatnonzero((ref_count > 0) & (cand_for_ref[:n] > 0) & (ref_count != cand_for_ref[:n]) & selected[:n])
    per_key: dict[int, str] = {}
    by_cause: dict[tuple[int, int, str], list[str]] = {}
    for k in differ.tolist():
        spec = _catalogue_field(keys.fields[k])
        cause = REPEAT_CAUSES.get(spec.repeats, "") if spec is not None else ""
        r, c = int(ref_count[k]), int(cand_for_ref[k])
        per_key[k] = f"printed {r} times in the reference, {c} in the candidate" + (f": {cause}" if cause else "")
        by_cause.setdefault((r, c, cause), []).append(keys.fields[k])
    lines = []
    for (r, c, cause), names in by_cause.items():
        shown = ", ".join(names[:SHOWN_NAMES]) + (f" and {len(names) - SHOWN_NAMES} more" if len(names) > SHOWN_NAMES else "")
        lines.append(f"occurrences differ: {shown} printed {r} times in the reference, {c} in the candidate"
                     + (f" ({cause}); only the first {min(r, c)} are paired" if cause else f"; only the first {min(r, c)} are paired"))
    return per_key, lines


def ambiguity_notes(keys: KeyTable, cand_count: np.ndarray, partner: np.ndarray, rank: np.ndarray,
                    ref_count: np.ndarray) -> tuple[dict[int, str], list[str]]:
    """Reference fields for which the candidate prints several names (its own and aliases)."""
    seen = np.flatnonzero(cand_count)
    by_partner: dict[int, list[int]] = {}
    for k in seen.tolist():
        p = int(partner[k])
        if p < len(ref_count) and ref_count[p] > 0:
            by_partner.setdefault(p, []).append(k)
    per_key: dict[int, str] = {}
    lines = []
    for p, names in by_partner.items():
        if len(names) < 2:
            continue
        names.sort(key=lambda k: int(rank[k]))
        printed = " and ".join(keys.fields[k] for k in names)
        note = (f"the candidate prints {printed} for {keys.fields[p]}: paired with {keys.fields[names[0]]} "
                "(the reference's own name first, then aliases in the order listed)")
        per_key[p] = note
        lines.append(f"ambiguous alias: {note}")
    return per_key, lines
