"""What a comparison found: per-field rows, counts, the first divergence, the verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracediff.compare.kinds import Component
from tracediff.compare.status import Status
from tracediff.trace.record import json_number, value_to_json
from tracediff.trace.values import ParsedValue


@dataclass
class FieldResult:
    """One row of the report: a reference field, its candidate partner and the verdict."""

    family: str
    field: str
    occurrence: int
    status: Status
    ref_line: int | None
    cand_line: int | None
    ref_value: ParsedValue | None
    cand_value: ParsedValue | None
    abs_error: float | None = None
    rel_error: float | None = None
    digits: int | None = None
    rule: str = ""
    note: str = ""
    sub: str | None = None  # the divergent named sub-value
    component: int | None = None  # index of the worst divergent number in a vector or matrix
    components: list[Component] = field(default_factory=list)  # every failing number, the worst first
    rtol: float = 1e-9  # the tolerance that applied (waiver conditions use it too)
    atol: float = 0.0

    @property
    def label(self) -> str:
        name = f"{self.field}.{self.sub}" if self.sub else self.field
        return f"{name}#{self.occurrence}" if self.occurrence else name

    @property
    def qualified_label(self) -> str:
        """The label with its tag family, unless that is the plain ``TRACE`` (how reports name a row)."""
        return self.label if self.family == "TRACE" else f"{self.family}:{self.label}"

    def to_json(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "field": f"{self.field}.{self.sub}" if self.sub else self.field,
            "occurrence": self.occurrence,
            "status": self.status,
            "ref_line": self.ref_line,
            "cand_line": self.cand_line,
            "ref_value": value_to_json(self.ref_value) if self.ref_value else None,
            "cand_value": value_to_json(self.cand_value) if self.cand_value else None,
            "abs_error": None if self.abs_error is None else json_number(self.abs_error),
            "rel_error": None if self.rel_error is None else json_number(self.rel_error),
            "digits": self.digits,
            "component": self.component,
            "components": [c.to_json() for c in self.components],
            "rule": self.rule,
            "note": self.note,
        }


@dataclass
class MissingGroup:
    """Reference fields the candidate does not print, of one tag family and catalogue block."""

    family: str
    block: str | None
    count: int = 0
    first_line: int = 0
    last_line: int = 0
    names: list[str] = field(default_factory=list)

    def describe(self) -> str:
        where = f"{self.family} block {self.block}" if self.block else f"{self.family}"
        lines = f"line {self.first_line}" if self.first_line == self.last_line else f"lines {self.first_line}-{self.last_line}"
        more = ", ..." if self.count > len(self.names) else ""
        return (f"{self.count} {where} field{'s' if self.count != 1 else ''} not in the candidate, "
                f"reference {lines} ({', '.join(self.names)}{more})")

    def to_json(self) -> dict[str, Any]:
        return {"family": self.family, "block": self.block, "count": self.count, "first_line": self.first_line,
                "last_line": self.last_line, "names": self.names, "text": self.describe()}


@dataclass
class Counts:
    compared: int = 0
    diverged: int = 0
    only_in_ref: int = 0
    only_in_cand: int = 0
    waived: int = 0

    def to_json(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class Comparison:
    """The outcome of comparing a candidate log against a reference log."""

    ref_path: Path
    cand_path: Path
    counts: Counts
    first_divergence: FieldResult | None
    rows: list[FieldResult]
    rows_complete: bool
    allow_missing: bool = False
    unused_waivers: list[str] = field(default_factory=list)
    strict: bool = False
    notes: list[str] = field(default_factory=list)
    ref_lines: int = 0
    cand_lines: int = 0
    required_missing: int = 0  # rows of status MISSING_REQUIRED (the rows kept may be fewer)
    first_missing: FieldResult | None = None  # the first reference field the candidate lacks and must print
    missing: list[MissingGroup] = field(default_factory=list)  # the missing fields, grouped
    cand_truncated: bool = False  # the candidate ends mid-line (reported as a note)
    worst: FieldResult | None = None  # the judged field of largest relative error, kept even where rows are not

    @property
    def failed(self) -> bool:
        """True when the gate must fail: a divergence, a required missing field, no field
        compared at all, or (with ``strict``) a waiver that matched nothing.  A candidate cut short fails through
        the fields it lacks (and a value cut mid-number through its divergence)."""
        missing_fails = self.required_missing > 0 and Status.MISSING_REQUIRED.fails(self.allow_missing)
        nothing = self.counts.compared == 0  # a typo in --only, unrelated logs: no proof of anything
        return (
            self.counts.diverged > 0 or missing_fails or nothing
            or (self.strict and bool(self.unused_waivers))
        )

    @property
    def verdict(self) -> str:
        return "diverged" if self.failed else "match"

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "reference": str(self.ref_path),
            "candidate": str(self.cand_path),
            "first_divergence": _headline_json(self.first_divergence),
            "first_missing": _headline_json(self.first_missing),
            "missing": {"count": sum(g.count for g in self.missing), "groups": [g.to_json() for g in self.missing]},
            "counts": self.counts.to_json(),
            "fields": [row.to_json() for row in self.rows],
            "fields_complete": self.rows_complete,
            "unused_waivers": self.unused_waivers,
            "candidate_truncated": self.cand_truncated,
            "notes": self.notes,
        }


_HEADLINE_KEYS = ("family", "field", "occurrence", "ref_line", "cand_line", "ref_value", "cand_value",
                  "abs_error", "rel_error", "digits", "component", "components", "status", "note")


def _headline_json(row: FieldResult | None) -> dict[str, Any] | None:
    if row is None:
        return None
    doc = row.to_json()
    return {k: doc[k] for k in _HEADLINE_KEYS}
