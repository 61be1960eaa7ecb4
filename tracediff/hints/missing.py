"""Detectors of fields one side lacks: a whole block missing, a field renamed."""

from __future__ import annotations

from collections.abc import Iterator

from tracediff.compare.result import FieldResult
from tracediff.hints.facts import Facts, Hint, listed, shown

MIN_BLOCK = 4  # a group of this many missing reference fields is a block the candidate does not print
TRIVIAL = {0.0, 1.0, -1.0}


def block_missing(facts: Facts) -> Iterator[Hint]:
    """Whole groups of reference fields (the comparison's missing summary) the candidate does not print."""
    comparison = facts.comparison
    groups = [g for g in comparison.missing if g.count >= MIN_BLOCK]
    if not groups:
        return
    names = [f"{g.family} {g.block}" if g.block else g.family for g in groups]
    advice = "" if comparison.allow_missing else ": --allow-missing passes them, or the candidate must print them"
    yield Hint("block-missing",
               f"the candidate does not print {len(groups)} whole block(s) ({listed(names)}){advice}",
               "; ".join(g.describe() for g in groups[:3]))


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
