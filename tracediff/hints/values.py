"""Detectors that read one diverged value against its partner: a unit factor, a sign or
component order, two fields swapped, an offset of half or one pixel."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterator

from tracediff.compare.result import FieldResult
from tracediff.hints.facts import Facts, Hint, close, listed, numbers
from tracediff.hints.factors import FACTOR_RTOL, UNIT_FACTORS

VALUE_RTOL = 1e-6  # two values "are the same" for a hint
PIXEL_FRACTIONS = ((0.5, "half a pixel"), (1.0, "one pixel"))
#: where a trace states the pixel size: (field, named sub-value or None, metres per unit)
PIXEL_SIZE_FIELDS = (("beam_center_m", "pixel_mm", 1e-3), ("pixel_size_m", None, 1.0), ("pixel_size_mm", None, 1e-3))
OVERSAMPLE_FIELDS = ("oversample", "Oversample")


def factor_of(ref: tuple[float, ...], cand: tuple[float, ...]) -> tuple[float, str, str] | None:
    """The unit factor with cand = ref x factor for every component (zeros on both sides allowed)."""
    if not all(map(math.isfinite, (*ref, *cand))):
        return None  # an overflowed or infinite value has no ratio to speak of
    scale = max(map(abs, ref))
    if scale == 0:
        return None
    for factor, text, meaning in UNIT_FACTORS:
        if all(close(c, r * factor, FACTOR_RTOL, scale * abs(factor)) for r, c in zip(ref, cand)):
            return factor, text, meaning
    return None


def unit_factor(facts: Facts) -> Iterator[Hint]:
    """candidate = reference x 1000 (and the other factors of the table), one hint per factor."""
    by_factor: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in facts.diverged:
        pair = numbers(row)
        found = factor_of(*pair) if pair else None
        if found:
            by_factor[found[1:]].append(row.qualified_label)
    for (text, meaning), fields in by_factor.items():
        what = "candidate = -reference" if text == "-1" else f"candidate = reference x {text}"
        yield Hint("unit-factor", f"{what} in {listed(fields)}: {meaning}",
                   f"every component of {len(fields)} diverged field(s) has the ratio {text} (to {FACTOR_RTOL:g})")


def _reordering(ref: tuple[float, ...], cand: tuple[float, ...]) -> tuple[int, ...] | None:
    """A non-identity order p with cand[i] = ref[p[i]] (vectors of up to 4 distinct components)."""
    if not 2 <= len(ref) <= 4 or len({round(x, 12) for x in ref}) < len(ref):
        return None
    scale = max(map(abs, ref))
    for order in itertools.permutations(range(len(ref))):
        if order != tuple(range(len(ref))) and all(close(c, ref[j], VALUE_RTOL, scale) for c, j in zip(cand, order)):
            return order
    return None


def _flipped(ref: tuple[float, ...], cand: tuple[float, ...]) -> list[int]:
    """The components whose sign alone differs (when some, not all, do)."""
    if len(ref) < 2:
        return []
    scale = max(map(abs, ref))
    if scale == 0 or not all(close(abs(r), abs(c), VALUE_RTOL, scale) for r, c in zip(ref, cand)):
        return []
    flips = [i for i, (r, c) in enumerate(zip(ref, cand)) if not close(r, c, VALUE_RTOL, scale)]
    return flips if 0 < len(flips) < len(ref) else []


def wrong_order_or_sign(facts: Facts) -> Iterator[Hint]:
    """The candidate holds the reference's components, permuted between axes or with some signs flipped."""
    for row in facts.diverged:
        pair = numbers(row)
        if pair is None:
            continue
        order, flips = _reordering(*pair), _flipped(*pair)
        if order:
            yield Hint("components-permuted",
                       f"{row.qualified_label}: the candidate's components are the reference's in the order {order}: "
                       "axes swapped?",
                       f"candidate[i] = reference[{order}[i]] for every i")
        elif flips:
            yield Hint("sign-flip", f"{row.qualified_label}: component(s) {flips} have the opposite sign: an axis convention?",
                       "the magnitudes agree, the signs differ only there")


def swapped_fields(facts: Facts) -> Iterator[Hint]:
    """Two fields whose values are each other's: the port assigns them the wrong way round."""
    rows = [(r, p) for r in facts.diverged[:200] if (p := numbers(r))]
    for (a, (a_ref, a_cand)), (b, (b_ref, b_cand)) in itertools.combinations(rows, 2):
        if len(a_ref) == len(b_ref) and _same(a_cand, b_ref) and _same(b_cand, a_ref):
            yield Hint("fields-swapped", f"{a.qualified_label} and {b.qualified_label} are swapped: each holds the other's reference value",
                       f"candidate {a.qualified_label} = reference {b.qualified_label} and candidate {b.qualified_label} = reference {a.qualified_label}")


def _same(x: tuple[float, ...], y: tuple[float, ...]) -> bool:
    scale = max(map(abs, (*x, *y)), default=0.0)
    return scale > 0 and all(close(a, b, VALUE_RTOL, scale) for a, b in zip(x, y))


def pixel_size_m(facts: Facts) -> float | None:
    """The pixel size the reference trace states, in metres."""
    for row in facts.comparison.rows:
        for field, sub, to_m in PIXEL_SIZE_FIELDS:
            value = row.ref_value
            if row.field != field or value is None or not value.numbers:
                continue
            if sub is None:
                return value.numbers[0] * to_m
            pos = 0
            for part, count in value.names:
                if part == sub:
                    return value.numbers[pos] * to_m
                pos += count
    return None


def _oversample(facts: Facts) -> int:
    for row in facts.comparison.rows:
        value = row.ref_value or row.cand_value
        if row.field in OVERSAMPLE_FIELDS and value is not None and value.numbers and value.numbers[0] > 1:
            return int(value.numbers[0])
    return 1


def _length_unit(row: FieldResult) -> float | None:
    """Metres per unit of a length field, read from its name (``*_meters``, ``*_m``, ``*_mm``)."""
    field = row.field.lower()
    if field.endswith("_mm"):
        return 1e-3
    if "meters" in field or field.endswith("_m"):
        return 1.0
    return None


def pixel_offset(facts: Facts) -> Iterator[Hint]:
    """A length that differs by half a pixel, one pixel or one sub-pixel along some axis."""
    pixel = pixel_size_m(facts)
    if not pixel:
        return
    n = _oversample(facts)
    steps = PIXEL_FRACTIONS + (((1 / n, f"one sub-pixel (1/{n} pixel, -oversample {n})"),) if n > 1 else ())
    for row in facts.diverged:
        pair, unit = numbers(row), _length_unit(row)
        if pair is None or unit is None:
            continue
        for i, (r, c) in enumerate(zip(*pair)):
            d = abs(c - r) * unit
            step = next((text for frac, text in steps if d and close(d, frac * pixel, 0.01)), None)
            if step:
                yield Hint("pixel-offset",
                           f"{row.qualified_label} component {i} differs by {step} ({d:.4g} m): a pixel-centre or "
                           "sub-pixel convention (+0.5, 0- or 1-based indices)?",
                           f"pixel size {pixel:g} m from the reference trace")
                break
