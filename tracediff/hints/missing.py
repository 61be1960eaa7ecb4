"""Detectors of fields one side lacks: a whole block missing, a field renamed."""

from __future__ import annotations

from collections.abc import Iterator

from tracediff.compare.result import FieldResult
from tracediff.hints.facts import Facts, Hint, listed, name, shown

MIN_BLOCK = 4  # this many consecutive reference lines of missing fields make a block
TRIVIAL = {0.0, 1.0, -1.0}


def _runs(rows: list[FieldResult], all_rows: list[FieldResult]) -> list[list[FieldResult]]:
    """The missing rows in runs of reference neighbours (no present field between them)."""
    missing = {id(r) for r in rows}
    runs: list[list[FieldResult]] = [[]]
    for row in sorted((r for r in all_rows if r.ref_line is not None), key=lambda r: r.ref_line or 0):
        if id(row) in missing:
            runs[-1].append(row)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if len({r.ref_line for r in run}) >= MIN_BLOCK]


def _block_name(run: list[FieldResult]) -> str | None:
    from tracediff.catalogue.fields import fields_named

    blocks = {spec.block for r in run for spec in fields_named(r.field)}
    return blocks.pop() if len(blocks) == 1 else None


def block_missing(facts: Facts) -> Iterator[Hint]:
    """A run of reference fields the candidate does not print at all."""
    for run in _runs(facts.missing, facts.comparison.rows):
        block = _block_name(run)
        what = f"the block {block}" if block else f"{len(run)} consecutive fields"
        advice = "" if facts.comparison.allow_missing else "; --allow-missing passes it, or add the trace lines"
        yield Hint("block-missing",
                   f"the candidate does not print {what} (reference lines {run[0].ref_line}-{run[-1].ref_line}: "
                   f"{listed([name(r) for r in run])}){advice}",
                   f"{len(run)} reference fields in a row have no partner")


def _signature(row: FieldResult, side: str) -> tuple | None:
    """What identifies a value across a renaming: its numbers (non-trivial ones) or its text."""
    value = row.ref_value if side == "ref" else row.cand_value
    if value is None:
        return None
    if value.numbers:
        if set(value.numbers) <= TRIVIAL:
            return None
        return tuple(float(f"{x:.9g}") for x in value.numbers)
    text = (value.text or "").strip()
    return (text,) if len(text) >= 3 else None


def renamed_fields(facts: Facts) -> Iterator[Hint]:
    """A reference field missing and a candidate field extra with the same value: an alias."""
    extra: dict[tuple, list[FieldResult]] = {}
    for row in facts.extra:
        if (sig := _signature(row, "cand")) is not None:
            extra.setdefault(sig, []).append(row)
    said: set[tuple[str, str]] = set()
    for row in facts.missing:
        partners = extra.get(_signature(row, "ref") or ())
        other = partners[0] if partners and len(partners) == 1 else None
        if other is not None and other.field != row.field and (row.field, other.field) not in said:
            said.add((row.field, other.field))
            yield Hint("renamed-field",
                       f"reference {row.field} and candidate {other.field} print the same value: renamed? "
                       f'alias it with [tool.tracediff.aliases] "{other.field}" = "{row.field}"',
                       f"both {shown(row.ref_value)} (reference line {row.ref_line}, candidate line {other.cand_line})")
