"""Pair two parsed logs field by field and judge every pair.

Pairing is by ``(tag family, field name, occurrence)`` in the reference's order; the
numbers of every numerically comparable pair are judged in one vectorised pass
(:mod:`tracediff.compare.judge`), so the cost is a few numpy operations per million
values.  Text, shape mismatches, waivers and report rows are handled per record, and
only for the records that need them.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tracediff.compare.judge import judge_elements, significant_digits
from tracediff.compare.options import CompareOptions, UnitRule, Waiver
from tracediff.compare.result import (
    DIVERGED, EXTRA, MATCH, MISSING, WAIVED, Comparison, Counts, FieldResult,
)
from tracediff.compare.waivers import waiver_applies
from tracediff.trace.log import KeyTable, TraceLog
from tracediff.trace.parser import cumcount, parse_log, segment_indices
from tracediff.trace.units import conversion_factor
from tracediff.trace.values import KINDS, NAMED, TEXT

_TEXT = KINDS.index(TEXT)
MAX_ROWS_WITHOUT_ALL = 1000


def compare_logs(reference: str | Path, candidate: str | Path, options: CompareOptions | None = None) -> Comparison:
    """Compare the candidate log against the reference log (library entry point)."""
    keys = KeyTable()
    ref = parse_log(reference, keys)
    cand = parse_log(candidate, keys)
    return compare_parsed(ref, cand, options or CompareOptions())


@dataclass
class _KeyRules:
    """Per key id: selection, tolerance, unit factors and the rule's description."""

    selected: np.ndarray
    rtol: np.ndarray
    atol: np.ndarray
    elementwise: np.ndarray
    ref_factor: np.ndarray
    cand_factor: np.ndarray
    describe: list[str]
    sub_units: dict[int, list[UnitRule]]


def _selected(name: str, options: CompareOptions) -> bool:
    if options.only and not any(fnmatch.fnmatchcase(name, p) for p in options.only):
        return False
    return not any(fnmatch.fnmatchcase(name, p) for p in options.ignore)


def _unit_factor(unit: str | None, fallback: str | None) -> float:
    if unit is None or fallback is None:
        return 1.0
    return conversion_factor(unit, fallback)


def _key_rules(keys: KeyTable, options: CompareOptions) -> _KeyRules:
    n = len(keys)
    rules = _KeyRules(
        np.zeros(n, bool), np.zeros(n), np.zeros(n), np.zeros(n, bool),
        np.ones(n), np.ones(n), [""] * n, {},
    )
    for k, name in enumerate(keys.fields):
        rules.selected[k] = _selected(name, options)
        tol, describe = options.tolerances.resolve(name)
        rules.rtol[k], rules.atol[k], rules.elementwise[k] = tol.rtol, tol.atol, tol.elementwise
        for unit in options.units:
            if fnmatch.fnmatchcase(name, unit.field):
                # both sides are expressed in the reference's unit (or the candidate's)
                target = unit.ref or unit.cand
                rules.ref_factor[k] = _unit_factor(unit.ref, target)
                rules.cand_factor[k] = _unit_factor(unit.cand, target)
                describe += f"; units ref={unit.ref} cand={unit.cand} ({unit.source})"
            elif unit.field.startswith(name + "."):
                rules.sub_units.setdefault(k, []).append(unit)
        rules.describe[k] = describe
    return rules


def _apply_aliases(cand: TraceLog, options: CompareOptions) -> None:
    """Rename candidate fields that mean a reference field, then recount occurrences."""
    if not options.aliases:
        return
    keys = cand.keys
    printed = set(np.unique(cand.key).tolist())
    remap = np.arange(len(keys), dtype=np.int32)
    for k in range(len(keys)):
        target = options.aliases.get(keys.fields[k])
        if target is None:
            continue
        target_id = keys.id(keys.families[k], target)
        if target_id not in printed:  # never shadow a field the candidate prints itself
            remap[k] = target_id
    if len(remap) < len(keys):
        remap = np.r_[remap, np.arange(len(remap), len(keys), dtype=np.int32)]
    if np.array_equal(remap, np.arange(len(remap))):
        return
    cand.key = remap[cand.key]
    cand.occurrence = cumcount(cand.key).astype(np.int32)


def _codes(log: TraceLog) -> np.ndarray:
    return (log.key.astype(np.int64) << 32) | log.occurrence.astype(np.int64)


def _align(ref: TraceLog, cand: TraceLog) -> tuple[np.ndarray, np.ndarray]:
    """For each reference record the candidate record with the same code (or -1), and
    for each candidate record whether the reference has it."""
    ref_codes, cand_codes = _codes(ref), _codes(cand)
    order = np.argsort(cand_codes, kind="stable")
    sorted_codes = cand_codes[order]
    pos = np.searchsorted(sorted_codes, ref_codes)
    pos_clipped = np.minimum(pos, max(len(sorted_codes) - 1, 0))
    found = (pos < len(sorted_codes)) & (sorted_codes[pos_clipped] == ref_codes) if len(cand_codes) else np.zeros(len(ref_codes), bool)
    partner = np.where(found, order[pos_clipped] if len(order) else -1, -1)
    in_ref = np.isin(cand_codes, ref_codes)
    return partner, in_ref


def _same_structure(ref: TraceLog, cand: TraceLog, i: int, j: int) -> bool:
    if ref.count[i] != cand.count[j]:
        return False
    a, b = ref.extras.get(i), cand.extras.get(j)
    if a is None and b is None:
        return True
    shape_a = a.shape if a is not None else (int(ref.count[i]),)
    shape_b = b.shape if b is not None else (int(cand.count[j]),)
    names_a = a.names if a is not None and a.kind == NAMED else ()
    names_b = b.names if b is not None and b.kind == NAMED else ()
    if names_a or names_b:
        return names_a == names_b
    return len(shape_a) == len(shape_b) and shape_a == shape_b or (len(shape_a) <= 1 and len(shape_b) <= 1)


def _sub_factor(value_names: tuple[tuple[str, int], ...], field: str, rules: list[UnitRule], side: str) -> np.ndarray:
    factors = []
    for name, count in value_names:
        factor = 1.0
        for unit in rules:
            if unit.field == f"{field}.{name}":
                target = unit.ref or unit.cand
                factor = _unit_factor(getattr(unit, side), target)
        factors.extend([factor] * count)
    return np.asarray(factors)


class _Judged:
    """Element-level verdicts of the numerically comparable pairs, per record."""

    def __init__(self, ref: TraceLog, cand: TraceLog, r: np.ndarray, c: np.ndarray, rules: _KeyRules) -> None:
        self.r, self.c = r, c
        counts = ref.count[r].astype(np.int64)
        self.counts = counts
        self.starts = np.zeros(len(r), dtype=np.int64)
        if len(r):
            np.cumsum(counts[:-1], out=self.starts[1:])
        ri = segment_indices(ref.offset[r], counts)
        ci = segment_indices(cand.offset[c], counts)
        keys = ref.key[r]
        a = ref.values[ri] * np.repeat(rules.ref_factor[keys], counts)
        b = cand.values[ci] * np.repeat(rules.cand_factor[keys], counts)
        for pos, (i, j) in enumerate(zip(r.tolist(), c.tolist())):
            if int(ref.key[i]) in rules.sub_units:
                names = ref.extras[i].names if i in ref.extras else ()
                sub = rules.sub_units[int(ref.key[i])]
                lo, hi = self.starts[pos], self.starts[pos] + counts[pos]
                a[lo:hi] = ref.values[ri[lo:hi]] * _sub_factor(names, ref.field_name(i), sub, "ref")
                b[lo:hi] = cand.values[ci[lo:hi]] * _sub_factor(names, ref.field_name(i), sub, "cand")
        self.a, self.b = a, b
        per_element = rules.elementwise[keys] | np.array([i in ref.extras and ref.extras[i].kind == NAMED for i in r.tolist()], dtype=bool)
        seg_start = np.zeros(len(a), dtype=bool)
        seg_start[self.starts] = True
        seg_start |= np.repeat(per_element, counts)
        seg_starts = np.flatnonzero(seg_start)
        seg_counts = np.diff(np.r_[seg_starts, len(a)])
        exact = np.repeat(ref.integral[r] & cand.integral[c], counts)
        self.verdicts = judge_elements(
            a, b, np.repeat(rules.rtol[keys], counts), np.repeat(rules.atol[keys], counts),
            seg_starts, seg_counts, exact,
        )
        if len(r):
            self.ok = np.logical_and.reduceat(self.verdicts.ok, self.starts)
            self.abs_error = np.fmax.reduceat(self.verdicts.abs_error, self.starts)
            self.rel_error = np.fmax.reduceat(self.verdicts.rel_error, self.starts)
        else:
            self.ok = self.abs_error = self.rel_error = np.empty(0)

    def worst(self, pos: int) -> int:
        """Offset of the element that decides the verdict: the first failing one."""
        lo, hi = self.starts[pos], self.starts[pos] + self.counts[pos]
        failing = np.flatnonzero(~self.verdicts.ok[lo:hi])
        if len(failing):
            return int(failing[0])
        return int(np.argmax(np.nan_to_num(self.verdicts.rel_error[lo:hi], nan=np.inf)))


def compare_parsed(ref: TraceLog, cand: TraceLog, options: CompareOptions) -> Comparison:
    """Compare two logs parsed with the same :class:`KeyTable`."""
    _apply_aliases(cand, options)
    rules = _key_rules(ref.keys, options)
    partner, cand_in_ref = _align(ref, cand)
    ref_selected = rules.selected[ref.key]
    paired = ref_selected & (partner >= 0)
    ref_text = ref.kind == _TEXT
    cand_text = np.zeros(len(ref), bool)
    cand_text[paired] = cand.kind[partner[paired]] == _TEXT

    numeric = paired & ~ref_text & ~cand_text
    idx = np.flatnonzero(numeric)
    comparable = np.array(
        [_same_structure(ref, cand, int(i), int(partner[i])) for i in idx] if len(idx) < 50_000 or ref.extras or cand.extras
        else ref.count[idx] == cand.count[partner[idx]], dtype=bool,
    ).reshape(-1)
    judged_idx = idx[comparable] if len(idx) else idx
    judged = _Judged(ref, cand, judged_idx, partner[judged_idx], rules)

    status = np.full(len(ref), "", dtype=object)
    status[ref_selected] = MISSING
    status[paired] = DIVERGED  # shape or kind mismatches stay diverged
    pos_of = {}
    status[judged_idx] = np.where(judged.ok, MATCH, DIVERGED)
    for i in np.flatnonzero(paired & ref_text & cand_text):
        same = ref.extras[int(i)].text == cand.extras[int(partner[i])].text
        status[i] = MATCH if same else DIVERGED
    notes_of: dict[int, str] = {}
    for i in np.flatnonzero(paired & (ref_text != cand_text)):
        notes_of[int(i)] = "text on one side, numbers on the other"
    for i in idx[~comparable] if len(idx) else []:
        notes_of[int(i)] = f"shape differs: {ref.parsed_value(int(i)).shape or ()} vs {cand.parsed_value(int(partner[i])).shape or ()}"

    optional = np.zeros(len(ref), bool)
    if options.optional_tags:
        optional_tag_ids = [t for t, name in enumerate(ref.info.tags) if name in options.optional_tags]
        optional = np.isin(ref.tag, optional_tag_ids)

    waived_by, unused = _apply_waivers(ref, cand, partner, status, judged, judged_idx, options)

    counts = Counts(
        compared=int(np.count_nonzero(paired)),
        diverged=int(np.count_nonzero(status == DIVERGED)),
        only_in_ref=int(np.count_nonzero(status == MISSING)),
        only_in_cand=int(np.count_nonzero(rules.selected[cand.key] & ~cand_in_ref)),
        waived=int(np.count_nonzero(status == WAIVED)),
    )
    required_missing = (status == MISSING) & ~optional
    failing = (status == DIVERGED) | (required_missing & (not options.allow_missing))
    first = int(np.argmax(failing)) if failing.any() else None

    pos_of = {int(i): p for p, i in enumerate(judged_idx.tolist())}
    builder = _RowBuilder(ref, cand, partner, status, judged, pos_of, rules, notes_of, waived_by)
    detail = options.keep_all or int(np.count_nonzero(ref_selected)) <= options.detail_limit
    if detail:
        row_idx = np.flatnonzero(ref_selected)
    else:
        row_idx = np.flatnonzero(ref_selected & (status != MATCH))[:MAX_ROWS_WITHOUT_ALL]
    rows = [builder.row(int(i)) for i in row_idx]
    if detail:
        extra = np.flatnonzero(rules.selected[cand.key] & ~cand_in_ref)
        rows.extend(builder.extra_row(int(j)) for j in extra[:MAX_ROWS_WITHOUT_ALL])
    comparison = Comparison(
        ref_path=ref.path, cand_path=cand.path, counts=counts,
        first_divergence=builder.row(first) if first is not None else None,
        rows=rows, rows_complete=detail, allow_missing=options.allow_missing,
        unused_waivers=unused, strict=options.strict,
        ref_lines=ref.info.lines_read, cand_lines=cand.info.lines_read,
        required_missing=int(np.count_nonzero(required_missing)),
    )
    if cand.info.ends_mid_line:
        comparison.notes.append(f"{cand.path}: the last line has no newline; the run may have been cut short")
    return comparison


def _apply_waivers(ref, cand, partner, status, judged, judged_idx, options: CompareOptions):
    """Turn explained divergences into WAIVED; return which waiver decided each, and the unused."""
    waived_by: dict[int, Waiver] = {}
    active = [w for w in options.waivers if not w.expired()]
    used: set[int] = set()
    if active:
        for i in np.flatnonzero((status == DIVERGED) | (status == MISSING)):
            i = int(i)
            name, occ = ref.field_name(i), int(ref.occurrence[i])
            for n, waiver in enumerate(active):
                if waiver.matches(name, occ) and waiver_applies(waiver, ref, cand, i, int(partner[i]), options):
                    status[i] = WAIVED
                    waived_by[i] = waiver
                    used.add(n)
                    break
    # a profile's waivers are conditional by design: only the project's own unused ones count
    unused = [w.describe() for n, w in enumerate(active) if n not in used and not w.source.startswith("profile")]
    unused += [f"{w.describe()} (expired {w.until})" for w in options.waivers if w.expired()]
    return waived_by, unused


class _RowBuilder:
    def __init__(self, ref, cand, partner, status, judged, pos_of, rules, notes_of, waived_by):
        self.ref, self.cand, self.partner, self.status = ref, cand, partner, status
        self.judged, self.pos_of, self.rules = judged, pos_of, rules
        self.notes_of, self.waived_by = notes_of, waived_by

    def row(self, i: int) -> FieldResult:
        ref, cand = self.ref, self.cand
        j = int(self.partner[i])
        key = int(ref.key[i])
        row = FieldResult(
            family=ref.family(i), field=ref.field_name(i), occurrence=int(ref.occurrence[i]),
            status=str(self.status[i]), ref_line=int(ref.line[i]),
            cand_line=int(cand.line[j]) if j >= 0 else None,
            ref_value=ref.parsed_value(i), cand_value=cand.parsed_value(j) if j >= 0 else None,
            rule=self.rules.describe[key], note=self.notes_of.get(i, ""),
        )
        pos = self.pos_of.get(i)
        if pos is not None:
            judged = self.judged
            row.abs_error = float(judged.abs_error[pos])
            row.rel_error = float(judged.rel_error[pos])
            row.digits = significant_digits(row.rel_error)
            if row.status != MATCH:
                worst = judged.worst(pos)
                row.sub = _component_name(row.ref_value, worst)
                row.component = worst if len(row.ref_value.numbers) > 1 else None
                lo = judged.starts[pos] + worst
                row.abs_error = float(judged.verdicts.abs_error[lo])
                row.rel_error = float(judged.verdicts.rel_error[lo])
                row.digits = significant_digits(row.rel_error)
        if i in self.waived_by:
            row.note = f"WAIVED: {self.waived_by[i].reason}"
        elif row.status == MISSING:
            row.note = "not in the candidate"
        return row

    def extra_row(self, j: int) -> FieldResult:
        cand = self.cand
        return FieldResult(
            family=cand.family(j), field=cand.field_name(j), occurrence=int(cand.occurrence[j]),
            status=EXTRA, ref_line=None, cand_line=int(cand.line[j]), ref_value=None,
            cand_value=cand.parsed_value(j), note="only in the candidate",
        )


def _component_name(value, element: int) -> str | None:
    """The divergent named sub-value (``twotheta``), or None for other kinds."""
    if value is None or value.kind != NAMED:
        return None
    pos = 0
    for name, count in value.names:
        if element < pos + count:
            return name
        pos += count
    return None
