"""Evaluate the identities on one trace, with tolerances that follow the print precision.

Tolerance of one identity: ``atol = terms · 10^(1 − digits) · scale``, where ``digits`` is the
fewest significant digits any of its fields is printed with (15 for ``%.15g``, 6 for the C's ``%g``
narrative), ``terms`` the printed numbers that enter and ``scale`` the largest of them: each printed
number carries up to half a unit in its last digit, and the identity adds them up. numpy.testing's
``|lhs − rhs| <= atol`` decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tracediff.check.identities import IDENTITIES, Identity, Missing, Outcome, Values
from tracediff.check.values import TraceValues, print_digits, read_values

PASS, FAIL, UNCHECKED = "pass", "FAIL", "cannot check"


@dataclass
class CheckResult:
    """One identity on one trace: pass, FAIL or cannot check (why), per occurrence worst."""

    identity: Identity
    status: str
    checked: int = 0  #: occurrences checked
    detail: str = ""
    quirk: str = ""  #: the C quirk the trace fits instead, when that decided

    def to_json(self) -> dict[str, object]:
        return {"identity": self.identity.name, "description": self.identity.description, "status": self.status,
                "occurrences": self.checked, "detail": self.detail, "quirk": self.quirk}


@dataclass
class CheckReport:
    path: Path
    results: list[CheckResult] = field(default_factory=list)

    @property
    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if r.status == FAIL]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def tolerance(identity: Identity, outcome: Outcome) -> float:
    """The absolute tolerance of one evaluation (see the module docstring)."""
    if outcome.rtol is not None:
        return outcome.rtol * outcome.scale
    digits = min(print_digits(f) for f in identity.fields)
    return outcome.terms * 10.0 ** (1 - digits) * outcome.scale


def _judge(identity: Identity, outcome: Outcome) -> tuple[bool, float, float]:
    lhs, rhs = np.ravel(outcome.lhs), np.ravel(outcome.rhs)
    if lhs.shape != rhs.shape:
        return False, float("inf"), 0.0
    error = float(np.max(np.abs(lhs - rhs))) if lhs.size else 0.0
    tol = tolerance(identity, outcome)
    return error <= tol, error, tol


def _evaluate_once(identity: Identity, values: Values) -> tuple[str, str, str]:
    """(status, detail, quirk) of one occurrence."""
    outcome = identity.formula(values)
    if outcome is None:
        return "", "", ""
    ok, error, tol = _judge(identity, outcome)
    if ok:
        return PASS, "", ""
    for name, formula in identity.quirks:
        alt = formula(values)
        if alt is not None and _judge(identity, alt)[0]:
            return PASS, "", name
    return FAIL, f"occurrence {values.occurrence}: |lhs − rhs| = {error:.3g} > tolerance {tol:.3g}", ""


def check_identity(identity: Identity, trace: TraceValues) -> CheckResult:
    absent = [f for f in identity.fields if f not in trace.values]
    if absent:
        return CheckResult(identity, UNCHECKED, detail=f"absent: {', '.join(absent)}")
    result = CheckResult(identity, PASS)
    for occurrence in range(trace.count(identity.anchor)):
        try:
            status, detail, quirk = _evaluate_once(identity, Values(trace.values, occurrence, trace.convention))
        except Missing as exc:
            return CheckResult(identity, UNCHECKED, detail=f"absent: {exc.args[0]}")
        if not status:
            continue
        result.checked += 1
        result.quirk = result.quirk or quirk
        if status == FAIL and result.status != FAIL:
            result.status, result.detail = FAIL, detail
    if result.checked == 0:
        return CheckResult(identity, UNCHECKED, detail="does not apply to this run")
    return result


def check_trace(path: str | Path) -> CheckReport:
    """Every identity on the trace at ``path`` (raises TraceDiffError for a file that is not a trace)."""
    trace = read_values(path)
    return CheckReport(Path(path), [check_identity(identity, trace) for identity in IDENTITIES])
