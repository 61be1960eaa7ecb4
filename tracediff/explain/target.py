"""What a change must reproduce: one side's values of the fields that diverge, and of those that agree.

Read from ``compare``'s rows (its alignment by name and occurrence and its tolerances decide what
diverges), never from the logs directly: explain judges the same fields compare judged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

Key = tuple[str, int]
SIDES = ("candidate", "reference")


class _Value(Protocol):
    numbers: tuple[float, ...]


class Row(Protocol):
    """What explain reads of a row of ``compare_logs``' result (its status may be a str or a str enum)."""

    field: str
    occurrence: int
    status: object
    ref_value: _Value | None
    cand_value: _Value | None
    rtol: float
    atol: float


@dataclass(frozen=True)
class FieldValue:
    """One side's numbers of a field and the tolerance compare judged it with."""

    numbers: tuple[float, ...]
    rtol: float
    atol: float


@dataclass(frozen=True)
class Target:
    """The values one side printed: ``diverging`` must be reproduced, ``agreeing`` must stay reproduced."""

    side: str  #: candidate | reference
    path: Path
    diverging: dict[Key, FieldValue]
    agreeing: dict[Key, FieldValue]


def _status(row: Row) -> str:
    return str(getattr(row.status, "value", row.status))


def label(key: Key) -> str:
    """``name`` or ``name#occurrence`` for a repeated field."""
    return key[0] if key[1] == 0 else f"{key[0]}#{key[1]}"


def targets(rows: Iterable[Row], reference: Path, candidate: Path) -> tuple[Target, Target]:
    """The candidate's and the reference's targets from compare's rows (a comparison keeping every row)."""
    sides: dict[str, tuple[dict[Key, FieldValue], dict[Key, FieldValue]]] = {s: ({}, {}) for s in SIDES}
    for row in rows:
        status = _status(row)
        if status not in ("diverged", "match") or row.ref_value is None or row.cand_value is None:
            continue
        if not row.ref_value.numbers or len(row.ref_value.numbers) != len(row.cand_value.numbers):
            continue  # text values, or a shape change no numeric change can explain
        key = (row.field, row.occurrence)
        for side, value in (("candidate", row.cand_value), ("reference", row.ref_value)):
            bucket = sides[side][0 if status == "diverged" else 1]
            bucket[key] = FieldValue(tuple(float(x) for x in value.numbers), row.rtol, row.atol)
    cand = Target("candidate", candidate, *sides["candidate"])
    ref = Target("reference", reference, *sides["reference"])
    return cand, ref
