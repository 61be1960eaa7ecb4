"""How well a model run reproduces a target: per field, with one stated tolerance formula.

A field is reproduced when ``max|model - target| <= max(atol, rtol * max|target|)`` (compare's rule),
with the rtol and
atol compare judged that field with (raised to a change's own floor where the table gives one: a
float32 run is judged at float32 rounding) (so explain calls "reproduced" exactly what compare would call
"agree"). Its residual is ``max|model - target| / max|target|`` (the absolute error when the target
is all zeros). A field the change leaves unreproduced may still be a print-only unit mistake: the
printed number equals a table factor times the model's value, under the same formula.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tracediff.explain.model import Values
from tracediff.explain.table import UnitMistake
from tracediff.explain.target import FieldValue, Key, Target


FLOOR = 1e-16  #: float64 rounding: residuals below it count as equal


@dataclass(frozen=True)
class UnitError:
    """A field whose printed number is ``factor`` x the model's value (a print-only unit mistake)."""

    key: Key
    factor: float
    label: str
    residual: float


@dataclass(frozen=True)
class Score:
    """A run judged against a target's diverging and agreeing fields."""

    reproduced: tuple[Key, ...]  #: diverging fields the run reproduces as printed
    unit_errors: tuple[UnitError, ...]  #: diverging fields it reproduces up to a print-only unit factor
    unexplained: tuple[Key, ...]  #: diverging fields it prints and does not reproduce
    broken: tuple[Key, ...]  #: agreeing fields it no longer reproduces
    residuals: dict[Key, float]  #: residual of every diverging field (after its unit factor, if any)
    agreeing_residuals: dict[Key, float]  #: residual of every agreeing field the run prints
    unprinted: tuple[Key, ...] = ()  #: diverging fields the run does not print (a frame run: the detector block)

    def covered(self) -> set[Key]:
        return set(self.reproduced) | {u.key for u in self.unit_errors}


def residual(model: tuple[float, ...], target: FieldValue, factor: float = 1.0) -> float:
    """``max|factor*model - target| / max|target|`` (absolute when the target is zero)."""
    scale = max((abs(t) for t in target.numbers), default=0.0)
    err = max((abs(factor * m - t) for m, t in zip(model, target.numbers, strict=True)), default=0.0)
    return err / scale if scale > 0.0 else err


def reproduces(model: tuple[float, ...] | None, target: FieldValue, factor: float = 1.0, rtol: float = 0.0) -> bool:
    """The tolerance formula of the module docstring (``rtol``: a floor on the field's own rtol)."""
    if model is None or len(model) != len(target.numbers):
        return False
    scale = max((abs(t) for t in target.numbers), default=0.0)
    err = max((abs(factor * m - t) for m, t in zip(model, target.numbers, strict=True)), default=0.0)
    return err <= max(target.atol, max(target.rtol, rtol) * scale)


def _unit_error(key: Key, model: tuple[float, ...], target: FieldValue,
                units: tuple[UnitMistake, ...], rtol: float) -> UnitError | None:
    if not any(model):
        return None  # a zero value fits every factor: it tells nothing
    for unit in units:
        if reproduces(model, target, unit.factor, rtol):
            return UnitError(key, unit.factor, unit.label, residual(model, target, unit.factor))
    return None


def score(run: Values, target: Target, units: tuple[UnitMistake, ...], rtol: float = 0.0) -> Score:
    """Judge ``run`` against ``target`` (fields the run does not print are neither explained nor broken).

    ``rtol`` is a floor on every field's tolerance: the rounding a float32 run is judged with.
    """
    reproduced, unexplained, unit_errors, unprinted, residuals = [], [], [], [], {}
    for key, want in target.diverging.items():
        got = run.get(key)
        if got is None:
            unprinted.append(key)
            continue
        if reproduces(got, want, rtol=rtol):
            reproduced.append(key)
            residuals[key] = residual(got, want)  # type: ignore[arg-type]
            continue
        unit = _unit_error(key, got, want, units, rtol) if got is not None and len(got) == len(want.numbers) else None
        if unit is not None:
            unit_errors.append(unit)
            residuals[key] = unit.residual
        else:
            unexplained.append(key)
            residuals[key] = (residual(got, want) if got is not None and len(got) == len(want.numbers)
                              else float("inf"))
    broken = [key for key, want in target.agreeing.items() if key in run and not reproduces(run[key], want, rtol=rtol)]
    kept = {key: residual(run[key], want) for key, want in target.agreeing.items()
            if key in run and len(run[key]) == len(want.numbers)}
    return Score(tuple(reproduced), tuple(unit_errors), tuple(unexplained), tuple(broken), residuals, kept,
                 tuple(unprinted))


def digits_gained(before: dict[Key, float], after: dict[Key, float]) -> float:
    """Sum over fields of ``log10(before / after)``, each residual floored at float64 rounding (1e-16).

    A change that closes a field's gap to rounding gains ~13 digits on a 1e-3 divergence; one that only
    nudges it gains ~0; one that opens a gap on an agreeing field loses as many. Ranking by digits, not
    by counts, keeps a float32 run (which moves every field a little) from outranking the change that
    closes the gaps.
    """
    total = 0.0
    for key, b in before.items():
        a = after.get(key)
        if a is None or not math.isfinite(b) or not math.isfinite(a):
            continue
        total += math.log10(max(b, FLOOR) / max(a, FLOOR))
    return total
