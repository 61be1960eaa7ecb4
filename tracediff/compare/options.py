"""Everything that shapes a comparison, in one typed object (CLI flags, config, profile)."""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass, field

from tracediff.compare.tolerance import ToleranceRules


@dataclass(frozen=True)
class Waiver:
    """A known, explained divergence that must not fail the gate.

    ``when_ref_equals`` narrows it to the quirk it explains: the waiver applies only when
    the reference prints exactly that text or value (a literal), or equals the
    candidate's value of another field (``"field:NAME"``), or has the candidate's norm
    (``"same_norm"``, a rotated vector), or prints named sub-values scaled by the given
    factors (``{X = 1e-3, Y = 1e-3}``: reference = factor x candidate, others equal).
    ``when_cand_equals`` checks the candidate the same way (also ``"unit_norm"``, a list of
    allowed texts, ``"field:NAME#OCC"``, ``"rotated_by:MATRIX#OCC:NAME#OCC"`` (the candidate's
    matrix field times the value is its field NAME) or ``"along:B,C"`` (the value points along
    the cross product of the candidate's fields B and C)), so a broken candidate is never waived.
    ``when_cand_fields`` states when the reference shows the quirk at all, by other fields of
    the candidate (``{"phi_deg#0" = "nonzero"}``).  A real change of the value is then still caught.
    """

    field: str
    reason: str
    occurrence: int | None = None
    until: dt.date | None = None
    when_ref_equals: object = None
    when_cand_equals: object = None  # the same kinds of condition, on the candidate's value
    when_cand_fields: tuple[tuple[str, str], ...] = ()  # (NAME#OCC, "nonzero"): the quirk's context
    source: str = "config"

    def expired(self, today: dt.date | None = None) -> bool:
        return self.until is not None and (today or dt.date.today()) > self.until

    def matches(self, name: str, occurrence: int) -> bool:
        return fnmatch.fnmatchcase(name, self.field) and (
            self.occurrence is None or self.occurrence == occurrence
        )

    def describe(self) -> str:
        occ = f"#{self.occurrence}" if self.occurrence is not None else ""
        return f"{self.field}{occ} ({self.source}): {self.reason}"


@dataclass(frozen=True)
class UnitRule:
    """The units each side prints a field (or a named sub-value ``field.sub``) in."""

    field: str
    ref: str | None = None
    cand: str | None = None
    source: str = "config"


@dataclass
class CompareOptions:
    tolerances: ToleranceRules = field(default_factory=ToleranceRules)
    only: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    allow_missing: bool = False
    optional_tags: list[str] = field(default_factory=list)  # ref tags the candidate need not print
    aliases: dict[str, str] = field(default_factory=dict)  # candidate name -> reference name
    families: dict[str, str] = field(default_factory=dict)  # reference family -> candidate family (--family)
    units: list[UnitRule] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    strict: bool = False
    keep_all: bool = False
    detail_limit: int = 2_000
    first_only: bool = False
