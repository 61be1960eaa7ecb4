"""The one tolerance rule of :mod:`tracediff.compare.tolerance`, vectorised.

Everything here works on flat float64 arrays of elements together with the segments
whose largest finite magnitude is the scale, so a million records cost a few numpy
passes.  Every judgement of numbers in tracediff (paired values, converted units,
waiver conditions) goes through :func:`judge_elements`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tracediff.trace.segments import Segments


@dataclass
class ElementVerdicts:
    ok: np.ndarray  # bool per element
    abs_error: np.ndarray  # float64 per element (nan where one side is nan, inf for inf mismatch)
    rel_error: np.ndarray  # abs_error / scale (0 when equal)
    tol: np.ndarray  # the tolerance max(atol, rtol * s) each element was held to

    def excess(self, lo: int = 0, hi: int | None = None) -> np.ndarray:
        """How many tolerances each element of ``[lo, hi)`` is off (inf: off with no tolerance,
        or NaN against a number); the worst component is the one with the largest."""
        ok, diff, tol = self.ok[lo:hi], self.abs_error[lo:hi], self.tol[lo:hi]
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(tol > 0, diff / tol, np.inf)
        return np.where(ok, 0.0, np.where(np.isnan(ratio), np.inf, ratio))


def judge_elements(
    a: np.ndarray,
    b: np.ndarray,
    rtol: np.ndarray | float,
    atol: np.ndarray | float,
    scale: Segments,
    exact: np.ndarray | bool = False,
) -> ElementVerdicts:
    """Judge every element pair: ``a == b`` or ``|a - b| <= max(atol, rtol * s)``.

    ``scale`` cuts the elements into the segments whose largest finite magnitude is the
    scale ``s``; ``exact`` marks elements compared with ``==``.
    """
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        finite = np.isfinite(a) & np.isfinite(b)
        magnitude = np.where(finite, np.maximum(np.abs(a), np.abs(b)), 0.0)
        s = scale.spread(scale.reduce(np.maximum, magnitude)) if len(a) else magnitude
        diff = np.abs(a - b)
        tol = np.maximum(atol, rtol * s)
        equal = a == b
        if not finite.all():
            equal |= np.isnan(a) & np.isnan(b)
        ok = equal | (finite & (diff <= tol) & ~exact)
        abs_error = np.where(equal, 0.0, diff)
        rel_error = np.where(equal, 0.0, np.where(s > 0, diff / s, np.inf))
    return ElementVerdicts(ok, abs_error, rel_error, tol)


def close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float, elementwise: bool = False) -> bool:
    """Whether two whole values agree under the rule (field scale unless ``elementwise``)."""
    a, b = np.atleast_1d(np.asarray(a, float)), np.atleast_1d(np.asarray(b, float))
    if a.shape != b.shape:
        return False
    if len(a) == 0:
        return True
    n = len(a)
    scale = Segments.of(np.ones(n, np.int64) if elementwise else np.array([n]))
    return bool(judge_elements(a, b, rtol, atol, scale).ok.all())


def significant_digits(rel_error: float) -> int:
    """How many significant digits agree (17 when the values are identical)."""
    if rel_error == 0.0:
        return 17
    if not np.isfinite(rel_error):
        return 0
    return int(max(0, min(17, np.floor(-np.log10(rel_error)))))
