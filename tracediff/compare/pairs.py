"""Judge matched record pairs of two batches, vectorised over every number at once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tracediff.compare.judge import judge_elements
from tracediff.compare.rules import KeyRules
from tracediff.trace.log import Batch
from tracediff.trace.segments import segment_indices
from tracediff.trace.units import conversion_factor
from tracediff.trace.values import KINDS, NAMED, TEXT

_TEXT = KINDS.index(TEXT)
_NAMED = KINDS.index(NAMED)


@dataclass
class PairVerdicts:
    """Per pair: passed, the worst errors, the deciding element, and why if not comparable."""

    ok: np.ndarray
    abs_error: np.ndarray
    rel_error: np.ndarray
    element: np.ndarray  # offset of the first failing (or worst) number in the record
    note: dict[int, str]  # pair position -> reason it could not be compared number by number


def _structure_note(ref: Batch, cand: Batch, i: int, j: int) -> str | None:
    """Why two records cannot be compared number by number, or None."""
    a, b = ref.extras.get(i), cand.extras.get(j)
    if (ref.kind[i] == _TEXT) != (cand.kind[j] == _TEXT):
        return "text on one side, numbers on the other"
    if ref.kind[i] == _TEXT:
        return None
    if ref.count[i] != cand.count[j]:
        return f"shape differs: {ref.count[i]} numbers vs {cand.count[j]}"
    names_a = a.names if a is not None and a.kind == NAMED else ()
    names_b = b.names if b is not None and b.kind == NAMED else ()
    if names_a != names_b:
        return f"named sub-values differ: {[n for n, _ in names_a]} vs {[n for n, _ in names_b]}"
    shape_a = a.shape if a is not None else ()
    shape_b = b.shape if b is not None else ()
    if len(shape_a) == 2 and len(shape_b) == 2 and shape_a != shape_b:
        return f"shape differs: {shape_a} vs {shape_b}"
    return None


def _numbers_of(batch: Batch, i: int) -> np.ndarray:
    start = int(batch.offset[i])
    return batch.values[start:start + int(batch.count[i])]


def _exact(batch: Batch, i: int, extra) -> tuple[int, ...]:
    if extra is not None and extra.text is not None:
        return tuple(int(t) for t in extra.text.split())
    return tuple(int(x) for x in _numbers_of(batch, i))


def _unit_mismatch(ref_unit: str, cand_unit: str) -> tuple[float | None, str]:
    """The factor taking the candidate's printed unit to the reference's, or why there is none."""
    try:
        return conversion_factor(cand_unit, ref_unit), ""
    except (KeyError, ValueError):
        return None, f"units differ: {ref_unit} vs {cand_unit}"


def judge_pairs(
    ref: Batch, cand: Batch, ri: np.ndarray, ci: np.ndarray, rules: KeyRules,
    ref_units: list[str] | None = None, cand_units: list[str] | None = None,
) -> PairVerdicts:
    """Verdicts for the pairs ``(ref[ri[p]], cand[ci[p]])``.

    Values printed with different units on the two sides (``1 m`` vs ``1000 mm``) are
    converted to the reference's unit before judging, or diverge when no conversion exists.
    """
    n = len(ri)
    ok = np.zeros(n, bool)
    abs_error = np.full(n, np.nan)
    rel_error = np.full(n, np.nan)
    element = np.zeros(n, np.int64)
    notes: dict[int, str] = {}
    comparable = (ref.count[ri] == cand.count[ci]) & (ref.kind[ri] != _TEXT) & (cand.kind[ci] != _TEXT)
    united = (ref.unit[ri] >= 0) & (cand.unit[ci] >= 0) & bool(ref_units) & bool(cand_units)
    structures: dict = {}
    (ref_structure, ref_text), (cand_structure, cand_text) = ref.structure(structures), cand.structure(structures)
    looked_at = (ref_structure[ri] != cand_structure[ci]) | ref_text[ri] | cand_text[ci]
    unit_differs = united.copy()
    if united.any():
        unit_differs[united] = (np.asarray(ref_units, dtype=object)[ref.unit[ri[united]]]
                                != np.asarray(cand_units, dtype=object)[cand.unit[ci[united]]])
    special = np.flatnonzero(~comparable | looked_at | unit_differs)
    for p in special.tolist():
        i, j = int(ri[p]), int(ci[p])
        note = _structure_note(ref, cand, i, j)
        a, b = ref.extras.get(i), cand.extras.get(j)
        big = (a is not None and a.text is not None and a.kind != TEXT) or (b is not None and b.text is not None and b.kind != TEXT)
        if big and note is None and ref.integral[i] and cand.integral[j]:
            ok[p] = _exact(ref, i, a) == _exact(cand, j, b)  # integers beyond 2**53: digits decide
            comparable[p] = False
            if not ok[p]:
                notes[p] = "integers differ"
        elif ref.kind[i] == _TEXT and cand.kind[j] == _TEXT:
            ok[p] = ref.extras[i].text == cand.extras[j].text
            comparable[p] = False
            if not ok[p]:
                notes[p] = "text differs"
        elif note is not None:
            comparable[p] = False
            notes[p] = note
        elif united[p] and ref_units[ref.unit[i]] != cand_units[cand.unit[j]]:
            factor, why = _unit_mismatch(ref_units[ref.unit[i]], cand_units[cand.unit[j]])
            comparable[p] = False
            if factor is None:
                notes[p] = why
                continue
            a_n, b_n = _numbers_of(ref, i), _numbers_of(cand, j) * factor
            k = int(ref.key[i])
            one = judge_elements(a_n, b_n, np.full(len(a_n), rules.rtol[k]), np.full(len(a_n), rules.atol[k]),
                                 np.array([0]), np.array([len(a_n)]), np.zeros(len(a_n), bool))
            ok[p] = bool(one.ok.all())
            abs_error[p], rel_error[p] = float(one.abs_error.max()), float(one.rel_error.max())
            notes[p] = f"converted {cand_units[cand.unit[j]]} to {ref_units[ref.unit[i]]}"
    idx = np.flatnonzero(comparable)
    if len(idx):
        r, c = ri[idx], ci[idx]
        counts = ref.count[r].astype(np.int64)
        starts = np.zeros(len(idx), np.int64)
        np.cumsum(counts[:-1], out=starts[1:])
        keys = ref.key[r]
        a = ref.values[segment_indices(ref.offset[r], counts)] * np.repeat(rules.ref_factor[keys], counts)
        b = cand.values[segment_indices(cand.offset[c], counts)] * np.repeat(rules.cand_factor[keys], counts)
        named = ref.kind[r] == _NAMED
        if rules.sub_units:
            for q in np.flatnonzero(named & np.isin(keys, list(rules.sub_units))).tolist():
                extra = ref.extras[int(r[q])]
                k = int(keys[q])
                if k in rules.sub_units:
                    lo, hi = starts[q], starts[q] + counts[q]
                    a[lo:hi] *= rules.sub_factors(k, extra.names, "ref") / rules.ref_factor[k]
                    b[lo:hi] *= rules.sub_factors(k, extra.names, "cand") / rules.cand_factor[k]
        per_element = np.repeat(rules.elementwise[keys] | named, counts)
        seg_start = per_element.copy()
        seg_start[starts] = True
        seg_starts = np.flatnonzero(seg_start)
        seg_counts = np.diff(np.r_[seg_starts, len(a)])
        verdicts = judge_elements(
            a, b,
            np.repeat(rules.rtol[keys], counts), np.repeat(rules.atol[keys], counts),
            seg_starts, seg_counts,
            np.repeat(ref.integral[r] & cand.integral[c], counts),
        )
        ok[idx] = np.logical_and.reduceat(verdicts.ok, starts)
        abs_error[idx] = np.fmax.reduceat(verdicts.abs_error, starts)
        rel_error[idx] = np.fmax.reduceat(verdicts.rel_error, starts)
        for q in np.flatnonzero(~ok[idx]).tolist():  # the deciding element of each failure
            lo, hi = starts[q], starts[q] + counts[q]
            first_bad = int(np.argmin(verdicts.ok[lo:hi]))
            element[idx[q]] = first_bad
            abs_error[idx[q]] = verdicts.abs_error[lo + first_bad]
            rel_error[idx[q]] = verdicts.rel_error[lo + first_bad]
    return PairVerdicts(ok, abs_error, rel_error, element, notes)
