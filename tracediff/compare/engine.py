"""Stream two logs side by side, pair their records and judge every pair.

Records are paired by ``(tag family, field name, occurrence)``.  Both files are read
chunk by chunk; records of one side wait in a pending set until their partner arrives,
so two logs in the same order cost memory for about one chunk each, whatever their
length.  What is left pending at the end is missing from the other side.  Waivers are
decided at the end, when every candidate value they may refer to has been seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

import numpy as np

from tracediff.compare.judge import significant_digits
from tracediff.compare.options import CompareOptions
from tracediff.compare.pairs import judge_pairs
from tracediff.compare.reader import read_concurrently
from tracediff.compare.result import (
    DIVERGED, EXTRA, MATCH, MISSING, WAIVED, Comparison, Counts, FieldResult,
)
from tracediff.compare.rules import KeyRules
from tracediff.compare.waivers import CandidateMemory, waiver_applies
from tracediff.trace.log import Batch, KeyTable, LogInfo, value_at
from tracediff.trace.parser import no_records_error
from tracediff.trace.values import NAMED, ParsedValue

MAX_ROWS_WITHOUT_ALL = 1000


def compare_logs(reference: str | Path, candidate: str | Path, options: CompareOptions | None = None) -> Comparison:
    """Compare the candidate log against the reference log (the library's entry point)."""
    options = options or CompareOptions()
    keys = KeyTable()
    ref_info, cand_info = LogInfo(Path(reference)), LogInfo(Path(candidate))
    stream = _Stream(keys, options, ref_info, cand_info)
    # both logs are parsed concurrently (child processes where possible); this process judges
    ref_batches = read_concurrently(reference, keys, ref_info, {})
    cand_batches = read_concurrently(candidate, keys, cand_info, options.aliases)
    try:
        for ref_batch, cand_batch in zip_longest(ref_batches, cand_batches):
            stream.add(ref_batch, cand_batch)
            if stream.settled_first():
                break  # --first: nothing read later can come before this divergence
    finally:  # stop the readers at once, also on errors
        ref_batches.close()
        cand_batches.close()
    for info, seen in ((ref_info, stream.ref_seen), (cand_info, stream.cand_seen)):
        if seen == 0:
            raise no_records_error(info)
    return stream.finish()


@dataclass
class _Pending:
    """Records of one side waiting for a partner, with their index in their own log."""

    batch: Batch
    index: np.ndarray  # int64, record number in the log (reference order for the reference)

    def add(self, batch: Batch | None, first_index: int) -> None:
        if batch is None or len(batch) == 0:
            return
        index = np.arange(first_index, first_index + len(batch), dtype=np.int64)
        if len(self.batch) == 0:
            self.batch, self.index = batch, index
        else:
            self.batch = Batch.concat(self.batch, batch)
            self.index = np.concatenate([self.index, index])

    def keep(self, mask: np.ndarray) -> None:
        if mask.all():
            return
        idx = np.flatnonzero(mask)
        self.batch, self.index = self.batch.take(idx), self.index[idx]


def _codes(batch: Batch) -> np.ndarray:
    return (batch.key.astype(np.int64) << 32) | batch.occurrence.astype(np.int64)


def _value(batch: Batch, i: int, offset: np.ndarray, info: LogInfo) -> ParsedValue:
    return value_at(batch, i, offset, info.units)


class _Stream:
    def __init__(self, keys: KeyTable, options: CompareOptions, ref_info: LogInfo, cand_info: LogInfo) -> None:
        self.keys, self.options = keys, options
        self.ref_info, self.cand_info = ref_info, cand_info
        self.rules = KeyRules(keys, options)
        self.pending_ref = _Pending(Batch.empty(), np.empty(0, np.int64))
        self.pending_cand = _Pending(Batch.empty(), np.empty(0, np.int64))
        self.ref_seen = self.cand_seen = 0
        self.counts = Counts()
        self.rows: list[tuple[int, FieldResult]] = []  # (reference index, row)
        self.failures: list[tuple[int, FieldResult]] = []
        self.extras: list[FieldResult] = []
        self.stopped_early = False
        self.memory = CandidateMemory(options.waivers, keys)

    def _detail(self) -> bool:
        return self.options.keep_all or self.counts.compared <= self.options.detail_limit

    def add(self, ref_batch: Batch | None, cand_batch: Batch | None) -> None:
        self.rules.update()
        self.pending_ref.add(ref_batch, self.ref_seen)
        self.pending_cand.add(cand_batch, self.cand_seen)
        self.ref_seen += len(ref_batch) if ref_batch is not None else 0
        self.cand_seen += len(cand_batch) if cand_batch is not None else 0
        if cand_batch is not None:
            self.memory.remember(cand_batch)
        ref, cand = self.pending_ref.batch, self.pending_cand.batch
        if len(ref) == 0 or len(cand) == 0:
            return
        ref_codes, cand_codes = _codes(ref), _codes(cand)
        order = np.argsort(cand_codes, kind="stable")
        sorted_codes = cand_codes[order]
        pos = np.minimum(np.searchsorted(sorted_codes, ref_codes), len(sorted_codes) - 1)
        found = sorted_codes[pos] == ref_codes
        ri = np.flatnonzero(found)
        ci = order[pos[found]]
        selected = self.rules.selected[ref.key[ri]]
        self._judge(ref, cand, ri[selected], ci[selected])
        ref_keep = ~found
        cand_keep = np.ones(len(cand), bool)
        cand_keep[ci] = False
        self.pending_ref.keep(ref_keep)
        self.pending_cand.keep(cand_keep)

    def _judge(self, ref: Batch, cand: Batch, ri: np.ndarray, ci: np.ndarray) -> None:
        if len(ri) == 0:
            return
        verdicts = judge_pairs(ref, cand, ri, ci, self.rules, self.ref_info.units, self.cand_info.units)
        self.counts.compared += len(ri)
        detail = self._detail()
        fail = np.flatnonzero(~verdicts.ok)
        report = np.arange(len(ri)) if detail else fail
        if not detail and len(self.rows):
            self.rows = [(i, r) for i, r in self.rows if r.status != MATCH]
        ref_offset, cand_offset = ref.offset, cand.offset
        for p in report.tolist():
            i, j = int(ri[p]), int(ci[p])
            row = self._row(ref, cand, i, j, ref_offset, cand_offset)
            row.status = MATCH if verdicts.ok[p] else DIVERGED
            if not np.isnan(verdicts.rel_error[p]):
                row.abs_error = float(verdicts.abs_error[p])
                row.rel_error = float(verdicts.rel_error[p])
                row.digits = significant_digits(row.rel_error)
            row.note = verdicts.note.get(p, "")
            if not verdicts.ok[p] and row.ref_value.kind != "text" and len(row.ref_value.numbers) > 1:
                element = int(verdicts.element[p])
                row.component = element
                row.sub = _sub_name(row.ref_value, element)
            index = int(self.pending_ref.index[i])
            if verdicts.ok[p]:
                self.rows.append((index, row))
            else:
                self.failures.append((index, row))

    def _row(self, ref: Batch, cand: Batch | None, i: int, j: int, ref_offset, cand_offset) -> FieldResult:
        k = int(ref.key[i])
        return FieldResult(
            family=self.keys.families[k], field=self.keys.fields[k], occurrence=int(ref.occurrence[i]),
            status="", ref_line=int(ref.line[i]),
            cand_line=int(cand.line[j]) if cand is not None else None,
            ref_value=_value(ref, i, ref_offset, self.ref_info),
            cand_value=_value(cand, j, cand_offset, self.cand_info) if cand is not None else None,
            rule=self.rules.describe[k], rtol=float(self.rules.rtol[k]), atol=float(self.rules.atol[k]),
        )

    def settled_first(self) -> bool:
        """With ``first_only``: a divergence no later record can precede or waive."""
        if not self.options.first_only or not self.failures:
            return False
        index, row = min(self.failures, key=lambda item: item[0])
        if row.status != DIVERGED or any(w.matches(row.field, row.occurrence) for w in self.options.waivers):
            return False
        pending = self.pending_ref.index
        if len(pending) and int(pending.min()) < index:
            return False
        self.stopped_early = True
        return True

    def finish(self) -> Comparison:
        self.rules.update()
        ref = self.pending_ref.batch if not self.stopped_early else Batch.empty()
        offset = ref.offset
        optional_tags = {t for t, name in enumerate(self.ref_info.tags) if name in self.options.optional_tags}
        for i in np.flatnonzero(self.rules.selected[ref.key]).tolist():
            row = self._row(ref, None, i, -1, offset, None)
            row.status = MISSING
            row.optional = int(ref.tag[i]) in optional_tags
            row.note = "not in the candidate" + (" (optional)" if row.optional else "")
            self.failures.append((int(self.pending_ref.index[i]), row))
        self._apply_waivers()
        cand = self.pending_cand.batch if not self.stopped_early else Batch.empty()
        extra_idx = np.flatnonzero(self.rules.selected[cand.key])
        self.counts.only_in_cand = len(extra_idx)
        cand_offset = cand.offset
        for j in extra_idx[:MAX_ROWS_WITHOUT_ALL].tolist():
            k = int(cand.key[j])
            self.extras.append(FieldResult(
                family=self.keys.families[k], field=self.keys.fields[k], occurrence=int(cand.occurrence[j]),
                status=EXTRA, ref_line=None, cand_line=int(cand.line[j]), ref_value=None,
                cand_value=_value(cand, j, cand_offset, self.cand_info), note="only in the candidate",
            ))
        self.failures.sort(key=lambda item: item[0])
        counts = self.counts
        counts.diverged = sum(r.status == DIVERGED for _, r in self.failures)
        counts.waived = sum(r.status == WAIVED for _, r in self.failures)
        counts.only_in_ref = sum(r.status == MISSING for _, r in self.failures)
        required_missing = sum(r.status == MISSING and not r.optional for _, r in self.failures)
        first = next(
            (r for _, r in self.failures
             if r.status == DIVERGED or (r.status == MISSING and not r.optional and not self.options.allow_missing)),
            None,
        )
        detail = self._detail()
        rows = sorted(self.rows + self.failures, key=lambda item: item[0]) if detail else self.failures
        rows_out = [r for _, r in rows][: None if detail else MAX_ROWS_WITHOUT_ALL]
        if detail:
            rows_out += self.extras
        comparison = Comparison(
            ref_path=self.ref_info.path, cand_path=self.cand_info.path, counts=counts,
            first_divergence=first, rows=rows_out, rows_complete=detail,
            allow_missing=self.options.allow_missing, unused_waivers=self.unused_waivers,
            strict=self.options.strict, ref_lines=self.ref_info.lines_read,
            cand_lines=self.cand_info.lines_read, required_missing=required_missing,
        )
        if self.ref_info.ends_mid_line:
            comparison.notes.append(f"{self.ref_info.path}: the reference ends mid-line (no final newline): is it complete?")
        if self.cand_info.ends_mid_line:
            comparison.cand_truncated = True
            comparison.notes.append(f"{self.cand_info.path}: ends mid-line (no final newline): was the run cut short?")
        if self.stopped_early:
            comparison.notes.append("--first: stopped at the first divergence; the counts cover the fields read so far")
        elif not detail:
            shown = min(len(self.failures), MAX_ROWS_WITHOUT_ALL)
            comparison.notes.append(
                f"{counts.compared} fields compared; {shown} of the {len(self.failures)} that did not match "
                "are listed (use --all for every row)"
            )
        return comparison

    def _apply_waivers(self) -> None:
        active = [w for w in self.options.waivers if not w.expired()]
        used: set[int] = set()
        for _, row in self.failures:
            for n, waiver in enumerate(active):
                if waiver.matches(row.field, row.occurrence) and waiver_applies(waiver, row, self.memory):
                    row.status = WAIVED
                    row.note = f"WAIVED: {waiver.reason}"
                    used.add(n)
                    break
        unused = [w.describe() for n, w in enumerate(active) if n not in used and not w.source.startswith("profile")]
        unused += [f"{w.describe()} (expired {w.until})" for w in self.options.waivers if w.expired()]
        self.unused_waivers = unused


def _sub_name(value: ParsedValue, element: int) -> str | None:
    """The named sub-value holding number ``element`` (None for other kinds)."""
    if value.kind != NAMED:
        return None
    pos = 0
    for name, count in value.names:
        if element < pos + count:
            return name
        pos += count
    return None
