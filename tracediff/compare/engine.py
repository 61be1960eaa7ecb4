"""Stream two logs side by side, pair their records and judge every pair.

Records are paired by ``(tag family, field name, occurrence)``.  Both files are read
chunk by chunk; records of one side wait in a pending set until their partner arrives,
so two logs in the same order cost memory for about one chunk each, whatever their
length.  What is left pending at the end is missing from the other side.  Waivers are
decided at the end, when every candidate value they may refer to has been seen.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from tracediff.compare.judge import significant_digits
from tracediff.compare.options import CompareOptions
from tracediff.compare.pending import Pending, read_in_step
from tracediff.compare.pairs import judge_pairs
from tracediff.compare.reader import read_concurrently
from tracediff.compare.result import Comparison, Counts, FieldResult
from tracediff.compare.rules import KeyRules
from tracediff.compare.status import Status
from tracediff.compare.summary import ambiguity_notes, occurrence_notes, summarise_missing
from tracediff.compare.waivers import CandidateMemory, waiver_applies
from tracediff.errors import TraceDiffError
from tracediff.trace.log import Batch, KeyTable, LogInfo, value_at
from tracediff.trace.parser import no_records_error
from tracediff.trace.segments import distinct, member
from tracediff.trace.values import ParsedValue

MAX_ROWS_WITHOUT_ALL = 1000


AUTO = "auto"


def resolve_options(options: CompareOptions | None = None, *, profile: str | None = None,
                    config: str | Path | None = AUTO, **settings: Any) -> CompareOptions:
    """The options of a comparison, found the way the CLI finds them.

    ``options``, when given, is complete: nothing else is read.  Otherwise ``config`` is
    ``"auto"`` (the default, as on the command line: the nearest ``pyproject.toml`` with
    ``[tool.tracediff]``, or ``tracediff.toml``, from the working directory), a path, or
    None (no project config); ``profile`` names a shipped profile; ``settings`` are the
    command line's options by their Python names (``rtol``, ``atol``, ``tol``,
    ``elementwise``, ``only``, ``ignore``, ``allow_missing``, ``strict``, ``keep_all``,
    ``first_only``, ``families``).
    """
    if options is not None:
        if profile is not None or config not in (AUTO, None) or settings:
            raise TypeError("pass either a complete CompareOptions or profile/config/settings, not both")
        return options
    from tracediff.config.loader import build_options

    first_only, families = settings.pop("first_only", False), settings.pop("families", None)
    built = build_options(config=None if config in (AUTO, None) else Path(config), profile=profile,
                          use_project_config=config == AUTO, **settings)
    built.first_only = first_only
    built.families.update(families or {})
    return built


def parse_family_option(text: str) -> tuple[str, str]:
    """``REF=CAND`` from ``--family``: the reference's tag family and the candidate's."""
    ref, sep, cand = text.partition("=")
    if not sep or not ref.strip() or not cand.strip():
        raise TraceDiffError(f"--family expects REF=CAND (two tag families, e.g. TRACE=TRACE_BASE), got {text!r}")
    return ref.strip(), cand.strip()


def compare_logs(reference: str | Path, candidate: str | Path, options: CompareOptions | None = None, *,
                 profile: str | None = None, config: str | Path | None = AUTO, **settings: Any) -> Comparison:
    """Compare the candidate log against the reference log (the library's entry point).

    The options are those the CLI would use (see :func:`resolve_options`): the same files
    give the same verdict from the command line, from here and from
    :func:`tracediff.testing.assert_traces_match`.
    """
    options = resolve_options(options, profile=profile, config=config, **settings)
    keys = KeyTable()
    ref_info, cand_info = LogInfo(Path(reference)), LogInfo(Path(candidate))
    stream = _Stream(keys, options, ref_info, cand_info)
    # both logs are parsed concurrently (child processes where possible); this process judges
    ref_batches = read_concurrently(reference, keys, ref_info, {})
    cand_batches = read_concurrently(candidate, keys, cand_info, {})  # aliases are paired here (rules.partner)
    try:
        steps = read_in_step(ref_batches, cand_batches, stream.pending_ref, stream.pending_cand)
        for ref_batch, cand_batch in steps:
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


def _codes(keys: np.ndarray, batch: Batch) -> np.ndarray:
    return (keys.astype(np.int64) << 32) | batch.occurrence.astype(np.int64)


def _count_occurrences(counts: np.ndarray, batch: Batch | None, n_keys: int) -> np.ndarray:
    """``counts`` (per key, records seen so far) grown to ``n_keys`` and updated with ``batch``."""
    if len(counts) < n_keys:
        counts = np.r_[counts, np.zeros(n_keys - len(counts), np.int64)]
    if batch is not None and len(batch):
        counts += np.bincount(batch.key, minlength=len(counts))[:len(counts)]
    return counts


def _value(batch: Batch, i: int, offset: np.ndarray, info: LogInfo) -> ParsedValue:
    return value_at(batch, i, offset, info.units)


class _Stream:
    def __init__(self, keys: KeyTable, options: CompareOptions, ref_info: LogInfo, cand_info: LogInfo) -> None:
        self.keys, self.options = keys, options
        self.ref_info, self.cand_info = ref_info, cand_info
        self.rules = KeyRules(keys, options)
        self.pending_ref = Pending(Batch.empty(), np.empty(0, np.int64))
        self.pending_cand = Pending(Batch.empty(), np.empty(0, np.int64))
        self.ref_seen = self.cand_seen = 0
        self.counts = Counts()
        self.rows: list[tuple[int, FieldResult]] = []  # (reference index, row)
        self.failures: list[tuple[int, FieldResult]] = []
        self.extras: list[FieldResult] = []
        self.stopped_early = False
        self.worst: FieldResult | None = None  # the judged row of largest relative error
        self.memory = CandidateMemory(options.waivers, keys)
        self.ref_count = np.zeros(0, np.int64)  # per key: how many times each side printed it
        self.cand_count = np.zeros(0, np.int64)
        self.held_back = False  # the last add left a sliver unpaired (see _worth_pairing)

    def _detail(self) -> bool:
        return self.options.keep_all or self.counts.compared <= self.options.detail_limit

    def add(self, ref_batch: Batch | None, cand_batch: Batch | None) -> None:
        self.rules.update()
        self.pending_ref.add(ref_batch, self.ref_seen)
        self.pending_cand.add(cand_batch, self.cand_seen)
        self.ref_seen += len(ref_batch) if ref_batch is not None else 0
        self.cand_seen += len(cand_batch) if cand_batch is not None else 0
        self.ref_count = _count_occurrences(self.ref_count, ref_batch, len(self.keys))
        self.cand_count = _count_occurrences(self.cand_count, cand_batch, len(self.keys))
        if cand_batch is not None:
            self.memory.remember(cand_batch, self.rules.partner)
        if self._worth_pairing():
            self._pair()

    def _worth_pairing(self) -> bool:
        """Pair now, unless one side holds less than half the other's records: then that sliver
        (what a chunk left over) is paired with the next chunk, in one call instead of two (the
        judge's cost is mostly per call).  Never twice in a row, so what waits stays about a chunk."""
        small, large = sorted((len(self.pending_ref.batch), len(self.pending_cand.batch)))
        if 0 < 2 * small < large and not self.held_back:
            self.held_back = True
            return False
        self.held_back = False
        return True

    def _pair(self) -> None:
        """Pair what waits on both sides; a reference field's own name beats an alias of it."""
        ref, cand = self.pending_ref.batch, self.pending_cand.batch
        if len(ref) == 0 or len(cand) == 0:
            return
        ref_codes, cand_codes = _codes(ref.key, ref), _codes(self.rules.partner[cand.key], cand)
        rank = self.rules.rank[cand.key]
        m = min(len(ref), len(cand))
        if not rank.any() and np.array_equal(ref_codes[:m], cand_codes[:m]):
            self._pair_in_order(ref, cand, m)  # the usual case: both logs print the same records in order
            return
        order = np.lexsort((rank, cand_codes)) if rank.any() else np.argsort(cand_codes, kind="stable")
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

    def _pair_in_order(self, ref: Batch, cand: Batch, m: int) -> None:
        """The first ``m`` records of both sides are the same fields in the same order: pair them as they are
        (each (field, occurrence) code appears once per side, so this is the pairing the search finds)."""
        both = np.arange(m)
        selected = self.rules.selected[ref.key[:m]]
        self._judge(ref, cand, both[selected], both[selected])
        self.pending_ref.drop_first(m)
        self.pending_cand.drop_first(m)

    def _judge(self, ref: Batch, cand: Batch, ri: np.ndarray, ci: np.ndarray) -> None:
        if len(ri) == 0:
            return
        verdicts = judge_pairs(ref, cand, ri, ci, self.rules, self.ref_info.units, self.cand_info.units)
        self.counts.compared += len(ri)
        detail = self._detail()
        fail = np.flatnonzero(~verdicts.ok)
        report = np.arange(len(ri)) if detail else fail
        if not detail and len(self.rows):
            self.rows = [(i, r) for i, r in self.rows if r.status is not Status.MATCHED]
        ref_offset, cand_offset = ref.offset, cand.offset
        made: dict[int, FieldResult] = {}
        for p in report.tolist():
            row = made[p] = self._judged_row(ref, cand, int(ri[p]), int(ci[p]), p, verdicts, ref_offset, cand_offset)
            index = int(self.pending_ref.index[int(ri[p])])
            (self.rows if verdicts.ok[p] else self.failures).append((index, row))
        rel = verdicts.rel_error
        if len(rel) and not np.isnan(rel).all():  # the largest error so far, kept even where rows are not
            p = int(np.nanargmax(rel))
            if self.worst is None or rel[p] > (self.worst.rel_error or 0.0):
                self.worst = made.get(p) or self._judged_row(ref, cand, int(ri[p]), int(ci[p]), p, verdicts,
                                                              ref_offset, cand_offset)

    def _judged_row(self, ref: Batch, cand: Batch, i: int, j: int, p: int, verdicts, ref_offset,
                    cand_offset) -> FieldResult:
        """The row of pair ``p`` of a judged batch: its values, verdict, errors and failing components."""
        row = self._row(ref, cand, i, j, ref_offset, cand_offset)
        row.status = Status.MATCHED if verdicts.ok[p] else Status.DIVERGED
        if not np.isnan(verdicts.rel_error[p]):
            row.abs_error = float(verdicts.abs_error[p])
            row.rel_error = float(verdicts.rel_error[p])
            row.digits = significant_digits(row.rel_error)
        row.note = verdicts.note.get(p, "")
        row.components = verdicts.components.get(p, [])
        if row.components and row.ref_value.kind != "text" and len(row.ref_value.numbers) > 1:
            row.component, row.sub = row.components[0].index, row.components[0].sub
        return row

    def _row(self, ref: Batch, cand: Batch | None, i: int, j: int, ref_offset, cand_offset) -> FieldResult:
        k = int(ref.key[i])
        return FieldResult(
            family=self.keys.families[k], field=self.keys.fields[k], occurrence=int(ref.occurrence[i]),
            status=Status.MATCHED, ref_line=int(ref.line[i]),
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
        if row.status is not Status.DIVERGED or any(w.matches(row.field, row.occurrence) for w in self.options.waivers):
            return False
        pending = self.pending_ref.index
        if len(pending) and int(pending.min()) < index:
            return False
        self.stopped_early = True
        return True

    def finish(self) -> Comparison:
        self.rules.update()
        if not self.stopped_early:
            self._pair()  # a sliver held back by the last add
        notes = [] if self.stopped_early else self._pair_across_families()
        self._add_missing()
        self._apply_waivers()
        self._add_extras()
        self.failures.sort(key=lambda item: item[0])
        notes += self._annotate()
        return self._comparison(notes)

    def _pair_across_families(self) -> list[str]:
        """Pair a candidate family the reference never prints with the reference family whose
        waiting fields share its names (``TRACE`` and ``TRACE_BASE``), and say so."""
        families, partner = self.keys.families, self.rules.partner
        ref_families = {families[k] for k in np.flatnonzero(self.ref_count).tolist()}
        seen = np.flatnonzero(self.cand_count)
        lonely = sorted({families[int(partner[k])] for k in seen.tolist()} - ref_families)
        ref, cand = self.pending_ref.batch, self.pending_cand.batch
        if not lonely or len(ref) == 0 or len(cand) == 0:
            return []
        waiting = {}
        for k in distinct(ref.key).tolist():
            waiting.setdefault(self.keys.fields[k], []).append(families[k])
        notes = []
        for family in lonely:
            names = {self.keys.fields[int(partner[k])] for k in distinct(cand.key).tolist()
                     if families[int(partner[k])] == family}
            meets = Counter(f for name in names for f in waiting.get(name, []))
            if meets:
                target, shared = meets.most_common(1)[0]
                self.rules.map_family(family, target)
                notes.append(f"the reference prints no {family} field: the candidate's {family} fields are paired by "
                             f"name with the reference's {target} fields ({shared} names meet; --family "
                             f"{target}={family} sets this by hand)")
        if notes:
            self._pair()
        return notes

    def _add_missing(self) -> None:
        """Rows for the reference fields left without a partner: required, or optional (an
        optional tag, or prose the parser flagged)."""
        ref = self.pending_ref.batch if not self.stopped_early else Batch.empty()
        offset = ref.offset
        optional_tags = [t for t, name in enumerate(self.ref_info.tags) if name in self.options.optional_tags]
        optional = member(ref.tag, optional_tags) | ref.is_optional()  # prose the parser flagged
        for i in np.flatnonzero(self.rules.selected[ref.key]).tolist():
            row = self._row(ref, None, i, -1, offset, None)
            row.status = Status.MISSING_OPTIONAL if optional[i] else Status.MISSING_REQUIRED
            row.note = "not in the candidate" + (" (optional)" if optional[i] else "")
            self.failures.append((int(self.pending_ref.index[i]), row))

    def _add_extras(self) -> None:
        cand = self.pending_cand.batch if not self.stopped_early else Batch.empty()
        extra_idx = np.flatnonzero(self.rules.selected[cand.key])
        self.counts.only_in_cand = len(extra_idx)
        cand_offset = cand.offset
        for j in extra_idx[:MAX_ROWS_WITHOUT_ALL].tolist():
            k = int(cand.key[j])
            self.extras.append(FieldResult(
                family=self.keys.families[k], field=self.keys.fields[k], occurrence=int(cand.occurrence[j]),
                status=Status.EXTRA, ref_line=None, cand_line=int(cand.line[j]), ref_value=None,
                cand_value=_value(cand, j, cand_offset, self.cand_info), note="only in the candidate",
            ))

    def _annotate(self) -> list[str]:
        """Notes on rows whose field occurs a different number of times on the two sides, or
        for which the candidate prints several names; one summary line each."""
        args = (self.keys, self.ref_count, self.cand_count, self.rules.partner)
        per_key, lines = occurrence_notes(*args, self.rules.selected)
        ambiguous, more = ambiguity_notes(*args[:1], self.cand_count, self.rules.partner, self.rules.rank, self.ref_count)
        if per_key or ambiguous:
            for _, row in self.rows + self.failures:
                k = self.keys.by_family[row.family][row.field]
                for note in (per_key.get(k), ambiguous.get(k)):
                    if note:
                        row.note = f"{row.note}; {note}" if row.note else note
        return lines + more

    def _comparison(self, notes: list[str]) -> Comparison:
        counts = self.counts
        counts.diverged = sum(r.status is Status.DIVERGED for _, r in self.failures)
        counts.waived = sum(r.status is Status.WAIVED for _, r in self.failures)
        counts.only_in_ref = sum(r.status.missing for _, r in self.failures)
        missing = [r for _, r in self.failures if r.status is Status.MISSING_REQUIRED]
        allow = self.options.allow_missing
        # the headline: the first value divergence; a missing field only when no value diverges
        first = next((r for _, r in self.failures if r.status is Status.DIVERGED), None)
        if first is None and missing and Status.MISSING_REQUIRED.fails(allow):
            first = missing[0]
        detail = self._detail()
        rows = sorted(self.rows + self.failures, key=lambda item: item[0]) if detail else self.failures
        rows_out = [r for _, r in rows][: None if detail else MAX_ROWS_WITHOUT_ALL]
        if detail:
            rows_out += self.extras
        if self.options.first_only:  # the first divergence is the whole report, for the CLI and the library
            rows_out = [first] if first is not None else []
        comparison = Comparison(
            ref_path=self.ref_info.path, cand_path=self.cand_info.path, counts=counts,
            first_divergence=first, rows=rows_out, rows_complete=detail and not self.options.first_only,
            allow_missing=allow, unused_waivers=self.unused_waivers,
            strict=self.options.strict, ref_lines=self.ref_info.lines_read,
            cand_lines=self.cand_info.lines_read, required_missing=len(missing),
            first_missing=missing[0] if missing else None, missing=summarise_missing(missing), notes=notes,
            worst=self.worst,
        )
        if self.ref_info.ends_mid_line:
            comparison.notes.append(f"{self.ref_info.path}: the reference ends mid-line (no final newline): is it complete?")
        if self.cand_info.ends_mid_line:
            comparison.cand_truncated = True
            comparison.notes.append(f"{self.cand_info.path}: ends mid-line (no final newline): was the run cut short?")
        if self.stopped_early:
            comparison.notes.append("--first: stopped at the first divergence; the counts cover the fields read so far")
        elif not detail and not self.options.first_only:
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
                    row.status = Status.WAIVED
                    row.note = f"WAIVED: {waiver.reason}"
                    used.add(n)
                    break
        unused = [w.describe() for n, w in enumerate(active) if n not in used and not w.source.startswith("profile")]
        unused += [f"{w.describe()} (expired {w.until})" for w in self.options.waivers if w.expired()]
        self.unused_waivers = unused

