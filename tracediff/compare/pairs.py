"""Judge matched record pairs of two batches: each pair goes to the judge of its kind.

Most pairs are plain numbers and are judged together, column-wise, in one call of
:func:`~tracediff.compare.kinds.judge_numbers`; only text, big integers, pairs whose
structure differs and pairs printed in different units are looked at one by one, to
route them.  A unit difference (printed, or a configured unit rule) becomes a factor on
the candidate's numbers before the one rule, so converted fields are judged like all
others (element-wise scale, the worst component).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tracediff.compare.kinds import (
    Component, Judgement, failing_components, judge_integers, judge_numbers, judge_text,
)
from tracediff.compare.rules import KeyRules
from tracediff.trace.log import Batch
from tracediff.trace.segments import Segments, member, segment_indices
from tracediff.trace.units import conversion_factor
from tracediff.trace.values import KINDS, NAMED, TEXT, ParsedValue

_TEXT = KINDS.index(TEXT)
_NAMED = KINDS.index(NAMED)


@dataclass
class PairVerdicts:
    """Per pair: passed, the worst component's errors and position, notes and failing components."""

    ok: np.ndarray
    abs_error: np.ndarray
    rel_error: np.ndarray
    element: np.ndarray  # offset of the worst failing number in the record
    note: dict[int, str] = field(default_factory=dict)  # pair position -> what decided it, beyond the rule
    components: dict[int, list[Component]] = field(default_factory=dict)  # failing pairs, worst first

    @classmethod
    def empty(cls, n: int) -> "PairVerdicts":
        return cls(np.zeros(n, bool), np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, np.int64))

    def set(self, p: int, judgement: Judgement) -> None:
        self.ok[p] = judgement.ok
        if judgement.note:
            self.note[p] = judgement.note
        if judgement.components:
            worst = judgement.components[0]
            self.components[p] = judgement.components
            self.element[p] = worst.index
            self.abs_error[p], self.rel_error[p] = worst.abs_error, worst.rel_error


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
    if (len(shape_a) == 2 or len(shape_b) == 2) and shape_a != shape_b:
        return f"shape differs: {shape_a or (int(ref.count[i]),)} vs {shape_b or (int(cand.count[j]),)}"
    return None


def _integers(batch: Batch, i: int) -> tuple[int | None, ...]:
    """Per number of record ``i``: its printed integer (all digits), or None where not printed as one."""
    extra = batch.extras.get(i)
    if extra is not None:
        return extra.integers()
    start = int(batch.offset[i])
    numbers = batch.values[start:start + int(batch.count[i])].tolist()
    return tuple(int(x) if batch.integral[i] else None for x in numbers)


def _printed_tokens(value: ParsedValue | None, batch: Batch, i: int) -> list[str | None]:
    """Per number of record ``i``: its printed text where it overflows a double on reading, else None."""
    if value is not None and value.printed is not None:
        tokens = value.printed.split()
        return [t.lower() if np.isinf(x) and "n" not in t.lower() else None for t, x in zip(tokens, value.numbers)]
    return [None] * int(batch.count[i])


def _overflow_note(ref: Batch, cand: Batch, i: int, j: int) -> str | None:
    """Why a pair with a number that overflows a double diverges (its printed text differs), or None."""
    a, b = ref.extras.get(i), cand.extras.get(j)
    if (a is None or a.printed is None) and (b is None or b.printed is None):
        return None
    ta, tb = _printed_tokens(a, ref, i), _printed_tokens(cand.extras.get(j), cand, j)
    for k, (x, y) in enumerate(zip(ta, tb)):
        if (x is not None or y is not None) and x != y:
            side = lambda t, batch, row: t if t is not None else "%.15g" % batch.values[int(batch.offset[row]) + k]
            return (f"the value overflows a double, compared by its printed text: "
                    f"{side(x, ref, i)} vs {side(y, cand, j)}")
    return None


def _judge_one(ref: Batch, cand: Batch, i: int, j: int) -> Judgement | None:
    """The judgement of a pair that is not plain numbers (text, big integers, other shapes)."""
    a, b = ref.extras.get(i), cand.extras.get(j)
    if ref.kind[i] == _TEXT and cand.kind[j] == _TEXT:
        return judge_text(a.text if a else None, b.text if b else None)
    note = _structure_note(ref, cand, i, j)
    if note is not None:
        return Judgement(False, note)
    overflow = _overflow_note(ref, cand, i, j)
    if overflow is not None:
        return Judgement(False, overflow)
    big = any(v is not None and v.text is not None and v.kind != TEXT for v in (a, b))
    if big:  # integers beyond 2**53 compare by their digits; any other number goes on to the one rule
        judgement = judge_integers(_integers(ref, i), _integers(cand, j), a)
        return None if judgement.ok else judgement
    return None


def _printed_factor(ref_unit: str, cand_unit: str) -> tuple[float | None, str]:
    """The factor taking the candidate's printed unit to the reference's, and the note."""
    try:
        return conversion_factor(cand_unit, ref_unit), f"converted {cand_unit} to {ref_unit}"
    except (KeyError, ValueError):
        return None, f"units differ: {ref_unit} vs {cand_unit}"


def _route(ref: Batch, cand: Batch, ri: np.ndarray, ci: np.ndarray, out: PairVerdicts,
           ref_units: list[str] | None, cand_units: list[str] | None) -> tuple[np.ndarray, np.ndarray]:
    """Judge the pairs that are not plain numbers; the rest (a mask) and each one's printed-unit factor."""
    n = len(ri)
    numeric = (ref.count[ri] == cand.count[ci]) & (ref.kind[ri] != _TEXT) & (cand.kind[ci] != _TEXT)
    factor = np.ones(n)
    united = (ref.unit[ri] >= 0) & (cand.unit[ci] >= 0) if ref_units and cand_units else np.zeros(n, bool)
    if not (ref.extras or cand.extras or not numeric.all() or united.any()):
        return numeric, factor
    if united.any():  # only units that differ need a factor
        united[united] = (np.asarray(ref_units, dtype=object)[ref.unit[ri[united]]]
                          != np.asarray(cand_units, dtype=object)[cand.unit[ci[united]]])
    # records of one value template on both sides (the same names, the same shape) are plain numbers
    structures: dict = {}
    (ref_structure, ref_text), (cand_structure, cand_text) = ref.structure(structures), cand.structure(structures)
    special = ~numeric | united | (ref_structure[ri] != cand_structure[ci]) | ref_text[ri] | cand_text[ci]
    for p in np.flatnonzero(special).tolist():
        i, j = int(ri[p]), int(ci[p])
        judgement = _judge_one(ref, cand, i, j)
        if judgement is None and united[p]:
            f, note = _printed_factor(ref_units[ref.unit[i]], cand_units[cand.unit[j]])
            if f is None:
                judgement = Judgement(False, note)
            else:
                factor[p], out.note[p] = f, note
        if judgement is not None:
            numeric[p] = False
            out.set(p, judgement)
    return numeric, factor


def _rule_factors(ref: Batch, r: np.ndarray, keys: np.ndarray, counts: np.ndarray, starts: np.ndarray,
                  rules: KeyRules) -> tuple[np.ndarray, np.ndarray]:
    """Per element, the factors the configured unit rules put on each side."""
    fa = np.repeat(rules.ref_factor[keys], counts)
    fb = np.repeat(rules.cand_factor[keys], counts)
    if rules.sub_units:
        for q in np.flatnonzero((ref.kind[r] == _NAMED) & member(keys, list(rules.sub_units))).tolist():
            extra, k = ref.extras[int(r[q])], int(keys[q])
            if k in rules.sub_units:
                lo, hi = starts[q], starts[q] + counts[q]
                fa[lo:hi] = rules.sub_factors(k, extra.names, "ref")
                fb[lo:hi] = rules.sub_factors(k, extra.names, "cand")
    return fa, fb


def _declared(cand: Batch, c: np.ndarray, keys: np.ndarray, rules: KeyRules, cand_units: list[str] | None) -> np.ndarray:
    """Per pair: +1 the candidate prints the unit its rule names, -1 another unit, 0 none."""
    out = np.zeros(len(c), np.int8)
    for q in np.flatnonzero(cand.unit[c] >= 0).tolist() if cand_units else []:
        rule = rules.unit_rule.get(int(keys[q]))
        if rule is not None and rule.cand is not None:
            out[q] = 1 if cand_units[cand.unit[c[q]]] == rule.cand else -1
    return out


def _fitting_rules(a: np.ndarray, b: np.ndarray, fa: np.ndarray, fb: np.ndarray, ruled: np.ndarray,
                   declared: np.ndarray, counts: np.ndarray, starts: np.ndarray, tol: tuple) -> np.ndarray:
    """Per ruled pair: apply its unit rule?  Yes where the candidate declares the rule's unit,
    or where the rule makes the sides agree better than the values as printed."""
    q = np.flatnonzero(ruled)
    idx = segment_indices(starts[q], counts[q])
    args = (counts[q], tol[0][q], tol[1][q], tol[2][q], np.zeros(len(idx), bool))
    printed = judge_numbers(a[idx], b[idx], *args)
    converted = judge_numbers(a[idx] * fa[idx], b[idx] * fb[idx], *args)
    better = converted.ok & ~printed.ok
    both_fail = ~converted.ok & ~printed.ok
    better |= both_fail & (converted.worst_excess() < printed.worst_excess())
    better |= converted.ok & printed.ok  # no difference to the verdict: the rule stands
    apply = np.where(declared[q] != 0, declared[q] > 0, better)
    out = np.zeros(len(ruled), bool)
    out[q] = apply
    return out


def _element_exact(batch: Batch, rows: np.ndarray, pairs: Segments) -> np.ndarray:
    """Per number of the records ``rows``: printed as an integer.  The per-record flag, refined
    per number by the value template of matrices and named values (one per line skeleton)."""
    counts, starts = pairs.counts, pairs.starts
    out = pairs.spread(batch.integral[rows])
    layout = batch.layout[rows]
    if not batch.layouts or not (layout >= 0).any():
        return out
    lengths = np.array([len(t.exact) for t in batch.layouts], np.int64)
    masks = np.fromiter((x for t in batch.layouts for x in t.exact), bool, count=int(lengths.sum()))
    first = np.zeros(len(lengths), np.int64)
    np.cumsum(lengths[:-1], out=first[1:])
    q = np.flatnonzero(layout >= 0)
    q = q[(lengths[layout[q]] == counts[q]) & (counts[q] > 0)]
    out[segment_indices(starts[q], counts[q])] = masks[segment_indices(first[layout[q]], counts[q])]
    return out


def _judge_numeric(ref: Batch, cand: Batch, r: np.ndarray, c: np.ndarray, idx: np.ndarray, printed: np.ndarray,
                   rules: KeyRules, out: PairVerdicts, cand_units: list[str] | None) -> None:
    """Judge plain-number pairs column-wise, after their unit factors, and fill ``out`` at ``idx``."""
    pairs = Segments.of(ref.count[r])
    counts, starts = pairs.counts, pairs.starts
    keys = ref.key[r]
    a = ref.values[pairs.gather(ref.offset[r])]
    b = cand.values[pairs.gather(cand.offset[c])]
    scaled = printed != 1.0
    if scaled.any():
        b = b * pairs.spread(printed)
    named = ref.kind[r] == _NAMED
    tol = (rules.rtol[keys], rules.atol[keys], rules.elementwise[keys] | named)
    ruled = rules.has_unit_rule(keys) & ~scaled  # units printed on both sides decide alone
    if ruled.any():
        fa, fb = _rule_factors(ref, r, keys, counts, starts, rules)
        apply = _fitting_rules(a, b, fa, fb, ruled, _declared(cand, c, keys, rules, cand_units), counts, starts, tol)
        on = pairs.spread(apply)
        a, b = np.where(on, a * fa, a), np.where(on, b * fb, b)
        scaled |= apply
        for q in np.flatnonzero(ruled & ~apply).tolist():
            out.note[int(idx[q])] = "unit rule did not apply: the values agree better as printed"
    exact = _element_exact(ref, r, pairs) & _element_exact(cand, c, pairs)
    if scaled.any():
        exact &= ~pairs.spread(scaled)
    v = judge_numbers(a, b, pairs, *tol, exact)
    out.ok[idx], out.abs_error[idx], out.rel_error[idx], out.element[idx] = v.ok, v.abs_error, v.rel_error, v.worst
    for q in np.flatnonzero(~v.ok).tolist():
        out.components[int(idx[q])] = failing_components(v, q, a, b, ref.extras.get(int(r[q])), exact)


def judge_pairs(
    ref: Batch, cand: Batch, ri: np.ndarray, ci: np.ndarray, rules: KeyRules,
    ref_units: list[str] | None = None, cand_units: list[str] | None = None,
) -> PairVerdicts:
    """Verdicts for the pairs ``(ref[ri[p]], cand[ci[p]])``.

    Values printed with different units on the two sides (``1 m`` vs ``1000 mm``) are
    converted to the reference's unit before judging, or diverge when no conversion exists.
    """
    out = PairVerdicts.empty(len(ri))
    numeric, printed = _route(ref, cand, ri, ci, out, ref_units, cand_units)
    idx = np.flatnonzero(numeric)
    if len(idx):
        _judge_numeric(ref, cand, ri[idx], ci[idx], idx, printed[idx], rules, out, cand_units)
    return out
