"""Tolerance rules: which rtol/atol applies to which field, and why.

A value passes when ``a == b`` or ``|a - b| <= max(atol, rtol * s)``, where

* for a scalar, ``s = max(|a|, |b|)`` (symmetric: C and PyTorch are peers);
* for a vector or matrix, by default ``s`` is the largest finite magnitude in either
  side's whole field, so a rotated component of ``6e-17`` against ``0`` is not a
  divergence; with ``elementwise`` each component uses its own ``max(|a_i|, |b_i|)``;
* named sub-values (``rotx:0 roty:0.1``) are separate quantities: each is its own scale.

NaN equals NaN and never a number; ``inf`` equals only the same-signed ``inf``; ``-0``
equals ``0``; values printed as integers on both sides, and text, compare exactly.
Defaults: ``rtol = 1e-9``, ``atol = 0``.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

from tracediff.errors import TraceDiffError

DEFAULT_RTOL = 1e-9
DEFAULT_ATOL = 0.0


@dataclass(frozen=True, slots=True)
class Tolerance:
    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL
    elementwise: bool = False

    def __post_init__(self) -> None:
        for name in ("rtol", "atol"):
            value = getattr(self, name)
            if not (value >= 0.0) or value != value or value == float("inf"):
                raise TraceDiffError(f"{name} must be a finite number >= 0, got {value!r}")


@dataclass(frozen=True, slots=True)
class FieldRule:
    """A tolerance for fields whose name matches ``pattern`` (a glob)."""

    pattern: str
    rtol: float | None = None
    atol: float | None = None
    elementwise: bool | None = None
    source: str = "--tol"

    def matches(self, name: str) -> bool:
        return fnmatch.fnmatchcase(name, self.pattern)


@dataclass
class ToleranceRules:
    """The default tolerance plus per-field rules; the last matching rule wins."""

    default: Tolerance = field(default_factory=Tolerance)
    default_source: str = "default"
    rules: list[FieldRule] = field(default_factory=list)

    def resolve(self, name: str) -> tuple[Tolerance, str]:
        """The tolerance for field ``name`` and a description of the rule that decided it."""
        tol, source = self.default, f"{self.default_source} rtol={self.default.rtol:g} atol={self.default.atol:g}"
        for rule in self.rules:
            if rule.matches(name):
                tol = Tolerance(
                    rtol=tol.rtol if rule.rtol is None else rule.rtol,
                    atol=tol.atol if rule.atol is None else rule.atol,
                    elementwise=tol.elementwise if rule.elementwise is None else rule.elementwise,
                )
                source = f"{rule.source} {rule.pattern}: rtol={tol.rtol:g} atol={tol.atol:g}"
        if tol.elementwise:
            source += " elementwise"
        return tol, source


def parse_tol_option(text: str) -> FieldRule:
    """``FIELD=RTOL[,ATOL]`` from ``--tol``."""
    pattern, sep, numbers = text.partition("=")
    if not sep or not pattern:
        raise TraceDiffError(f"--tol expects FIELD=RTOL[,ATOL], got {text!r}")
    parts = numbers.split(",")
    if len(parts) > 2:
        raise TraceDiffError(f"--tol expects FIELD=RTOL[,ATOL], got {text!r}")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise TraceDiffError(f"--tol {text!r}: tolerances must be numbers") from None
    Tolerance(*values)  # validates
    return FieldRule(pattern, rtol=values[0], atol=values[1] if len(values) > 1 else None)
