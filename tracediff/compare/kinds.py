"""One judge per kind of value, each giving the verdict, the failing components and the worst.

* number arrays (scalars, vectors, matrices, named sub-values): :func:`judge_numbers`,
  vectorised over every pair of a batch, field scale or element-wise scale (named
  sub-values are each their own scale), after any unit factor;
* exact integers, including those a double cannot hold: :func:`judge_integers`;
* text: :func:`judge_text`.

All numbers go through the one rule, :func:`tracediff.compare.judge.judge_elements`.
The worst component is the one with the largest error relative to its tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tracediff.compare.judge import ElementVerdicts, judge_elements
from tracediff.trace.segments import Segments
from tracediff.trace.values import NAMED, ParsedValue


@dataclass(frozen=True)
class Component:
    """One failing number of a value: where it sits, both sides and its errors."""

    index: int  # position among the value's numbers
    sub: str | None  # the named sub-value holding it
    ref: float | int
    cand: float | int
    abs_error: float
    rel_error: float
    excess: float  # abs_error in units of the tolerance it was held to (inf: no tolerance)

    def to_json(self) -> dict[str, object]:
        from tracediff.trace.record import json_number

        def number(x: float | int) -> object:
            return x if isinstance(x, int) else json_number(x)

        return {"component": self.index, "sub": self.sub, "ref": number(self.ref), "cand": number(self.cand),
                "abs_error": json_number(self.abs_error), "rel_error": json_number(self.rel_error)}


@dataclass
class Judgement:
    """The verdict on one pair: passed, why not, and every failing component (worst first)."""

    ok: bool
    note: str = ""
    components: list[Component] = field(default_factory=list)

    @property
    def worst(self) -> Component | None:
        return self.components[0] if self.components else None


def sub_name(value: ParsedValue | None, element: int) -> str | None:
    """The named sub-value holding number ``element`` (None for other kinds)."""
    if value is None or value.kind != NAMED:
        return None
    pos = 0
    for name, count in value.names:
        if element < pos + count:
            return name
        pos += count
    return None


def judge_text(ref: str | None, cand: str | None) -> Judgement:
    ok = ref == cand
    return Judgement(ok, "" if ok else "text differs")


def judge_integers(ref: tuple[int | None, ...], cand: tuple[int | None, ...],
                   names: ParsedValue | None = None) -> Judgement:
    """Integers compare exactly, by their digits (also beyond 2**53, where doubles round);
    positions printed as an integer on only one side (None on the other) are left out."""
    components = []
    for index, (a, b) in enumerate(zip(ref, cand)):
        if a is not None and b is not None and a != b:
            diff = abs(a - b)
            components.append(Component(index, sub_name(names, index), a, b, float(diff),
                                         diff / max(abs(a), abs(b)), float("inf")))
    components.sort(key=lambda c: -c.rel_error)
    return Judgement(not components, "" if not components else "integers differ", components)


@dataclass
class NumberVerdicts:
    """Per pair of a batch: passed, and the worst component's position and errors."""

    ok: np.ndarray
    abs_error: np.ndarray
    rel_error: np.ndarray
    worst: np.ndarray  # worst element of each failing pair (0 for passing ones)
    elements: ElementVerdicts
    starts: np.ndarray  # where each pair's elements start in ``elements``

    def worst_excess(self) -> np.ndarray:
        """Each pair's worst error in tolerances (0 for a pass)."""
        out = np.zeros(len(self.ok))
        for q in np.flatnonzero(~self.ok).tolist():
            lo = int(self.starts[q])
            out[q] = float(self.elements.excess(lo + int(self.worst[q]), lo + int(self.worst[q]) + 1)[0])
        return out


def _scale_segments(pairs: Segments, per_element: np.ndarray) -> Segments:
    """Segments sharing a scale: a whole pair, or each element of the pairs ``per_element``."""
    if not per_element.any():
        return pairs
    seg_start = pairs.spread(per_element)
    seg_start[pairs.starts] = True
    seg_starts = np.flatnonzero(seg_start)
    return Segments.of(np.diff(np.r_[seg_starts, len(seg_start)]))


def _per_element(values: np.ndarray | float, pairs: Segments) -> np.ndarray | float:
    """A per-pair setting spread onto the elements; one number where all pairs share it."""
    if np.ndim(values) == 0 or len(values) == 0:
        return values
    first = values[0]
    return float(first) if (values == first).all() else pairs.spread(values)


def judge_numbers(
    a: np.ndarray, b: np.ndarray, counts: np.ndarray | Segments,
    rtol: np.ndarray, atol: np.ndarray, per_element: np.ndarray, exact: np.ndarray,
) -> NumberVerdicts:
    """Judge pairs of number arrays laid end to end (``counts`` numbers each, ``a`` and ``b``
    already in one unit); ``rtol``/``atol``/``per_element`` are given per pair, ``exact``
    (printed as an integer on both sides: compared with ``==``) per element."""
    pairs = counts if isinstance(counts, Segments) else Segments.of(counts)
    counts, starts = pairs.counts, pairs.starts
    v = judge_elements(a, b, _per_element(rtol, pairs), _per_element(atol, pairs), _scale_segments(pairs, per_element),
                       exact)
    if len(a):
        ok, abs_error, rel_error = (pairs.reduce(np.logical_and, v.ok), pairs.reduce(np.fmax, v.abs_error),
                                    pairs.reduce(np.fmax, v.rel_error))
    else:
        ok, abs_error, rel_error = np.ones(len(counts), bool), np.zeros(len(counts)), np.zeros(len(counts))
    worst = np.zeros(len(counts), np.int64)
    for q in np.flatnonzero(~ok).tolist():
        lo, hi = int(starts[q]), int(starts[q] + counts[q])
        excess = v.excess(lo, hi)
        k = int(np.lexsort((np.nan_to_num(v.rel_error[lo:hi], nan=np.inf), excess))[-1])
        worst[q] = k
        abs_error[q], rel_error[q] = v.abs_error[lo + k], v.rel_error[lo + k]
    return NumberVerdicts(ok, abs_error, rel_error, worst, v, starts)


def _as_printed(x: float, integer: bool) -> float | int:
    return int(x) if integer and np.isfinite(x) else float(x)


def failing_components(v: NumberVerdicts, q: int, a: np.ndarray, b: np.ndarray, names: ParsedValue | None,
                       exact: np.ndarray) -> list[Component]:
    """Every failing number of pair ``q``, the worst first, then in order; numbers compared
    exactly (``exact``, per element) are reported as the integers they were printed as."""
    lo = int(v.starts[q])
    hi = lo + (int(v.starts[q + 1]) - lo if q + 1 < len(v.starts) else len(a) - lo)
    excess = v.elements.excess(lo, hi)
    bad = np.flatnonzero(~v.elements.ok[lo:hi]).tolist()
    worst = int(v.worst[q])
    order = [worst] + [k for k in bad if k != worst]
    e = v.elements
    return [Component(k, sub_name(names, k), _as_printed(a[lo + k], exact[lo + k]),
                      _as_printed(b[lo + k], exact[lo + k]), float(e.abs_error[lo + k]),
                      float(e.rel_error[lo + k]), float(excess[k])) for k in order]
