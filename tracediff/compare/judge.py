"""Vectorised judgement of paired numbers under the tolerance formula of
:mod:`tracediff.compare.tolerance`.

Everything here works on flat float64 arrays of elements together with the segment
(record or field) each element belongs to, so a million records cost a few numpy
passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class ElementVerdicts:
    ok: np.ndarray  # bool per element
    abs_error: np.ndarray  # float64 per element (nan where one side is nan, inf for inf mismatch)
    rel_error: np.ndarray  # abs_error / scale (0 when equal)


def segment_max(values: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Per-segment maximum, repeated back onto every element of the segment."""
    if len(values) == 0:
        return values
    return np.repeat(np.maximum.reduceat(values, starts), counts)


def judge_elements(
    a: np.ndarray,
    b: np.ndarray,
    rtol: np.ndarray,
    atol: np.ndarray,
    scale_starts: np.ndarray,
    scale_counts: np.ndarray,
    exact: np.ndarray,
) -> ElementVerdicts:
    """Judge every element pair.

    ``scale_starts``/``scale_counts`` cut the elements into the segments whose largest
    finite magnitude is the scale ``s``; ``exact`` marks elements compared with ``==``.
    """
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        finite = np.isfinite(a) & np.isfinite(b)
        magnitude = np.where(finite, np.maximum(np.abs(a), np.abs(b)), 0.0)
        scale = segment_max(magnitude, scale_starts, scale_counts)
        diff = np.abs(a - b)
        tol = np.maximum(atol, rtol * scale)
        both_nan = np.isnan(a) & np.isnan(b)
        equal = (a == b) | both_nan
        ok = equal | (finite & (diff <= tol) & ~exact)
        abs_error = np.where(equal, 0.0, diff)
        rel_error = np.where(equal, 0.0, np.where(scale > 0, diff / scale, np.inf))
    return ElementVerdicts(ok, abs_error, rel_error)


def significant_digits(rel_error: float) -> int:
    """How many significant digits agree (17 when the values are identical)."""
    if rel_error == 0.0:
        return 17
    if not np.isfinite(rel_error):
        return 0
    return int(max(0, min(17, np.floor(-np.log10(rel_error)))))
