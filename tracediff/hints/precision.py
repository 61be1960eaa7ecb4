"""Detectors of precision: a float32 candidate, a candidate printing fewer digits."""

from __future__ import annotations

import math
import statistics
import struct
from collections.abc import Iterator

from tracediff.hints.facts import Facts, Hint

FLOAT32_SHARE = 0.8  # this share of the candidate's fractional numbers are float32 values (float64: almost none)
FLOAT32_ERRORS = (5e-10, 2e-6)  # the median relative error of a float32 port lies in here
FLOAT32_DIGITS = 9  # a float32 value needs 9 significant digits to print exactly
MIN_NUMBERS = 12
MIN_ERRORS = 5
DIGIT_GAP = 3  # the candidate prints at least this many digits fewer than the reference


def _is_float32(x: float) -> bool:
    """``x`` is (to the printed digits) a float32 number."""
    try:
        y = struct.unpack("f", struct.pack("f", x))[0]
    except OverflowError:
        return False
    return abs(y - x) <= 1e-14 * abs(x)


SAMPLE = 5_000  # numbers looked at: enough to judge, bounded on a million-row --all run


def _fractional(values: list[tuple[float, ...]]) -> list[float]:
    """The first :data:`SAMPLE` non-integral finite numbers (integers say nothing about precision)."""
    out = [x for v in values[:SAMPLE] for x in v if math.isfinite(x) and x != int(x) and abs(x) < 3e38]
    return out[:SAMPLE]


def float32_candidate(facts: Facts) -> Iterator[Hint]:
    """The candidate's numbers are float32 values, or its errors sit at float32 level."""
    if not facts.diverged:
        return
    cand = _fractional([r.cand_value.numbers for r in facts.judged if r.cand_value is not None])
    share = sum(map(_is_float32, cand)) / len(cand) if len(cand) >= MIN_NUMBERS else 0.0
    errors = [r.rel_error for r in facts.judged if r.rel_error]
    median = statistics.median(errors) if len(errors) >= MIN_ERRORS else None
    # errors at float32 level mean float32 only where the candidate prints the digits to show it
    level = (median is not None and FLOAT32_ERRORS[0] <= median <= FLOAT32_ERRORS[1]
             and bool(cand) and max(map(printed_digits, cand)) >= FLOAT32_DIGITS)
    if share >= FLOAT32_SHARE or level:
        evidence = []
        if share >= FLOAT32_SHARE:
            evidence.append(f"{share:.0%} of the candidate's {len(cand)} fractional numbers are float32 values")
        if median is not None:
            evidence.append(f"median relative error {median:.2g} over {len(errors)} fields")
        yield Hint("float32", "the candidate looks like float32: run the port in float64 (e.g. torch.float64) "
                   "or compare with a float32 tolerance (--rtol 1e-6)", "; ".join(evidence))


def printed_digits(x: float) -> int:
    """The fewest significant digits that print ``x`` back exactly (what the log printed, at most)."""
    for digits in range(1, 18):
        if float(f"{x:.{digits}g}") == x:
            return digits
    return 17


def print_precision(facts: Facts) -> Iterator[Hint]:
    """The candidate prints fewer digits than the reference: differences below that cannot be judged."""
    ref = _fractional([r.ref_value.numbers for r in facts.judged if r.ref_value is not None])
    cand = _fractional([r.cand_value.numbers for r in facts.judged if r.cand_value is not None])
    if len(ref) < MIN_NUMBERS or len(cand) < MIN_NUMBERS or not facts.diverged:
        return
    ref_digits, cand_digits = max(map(printed_digits, ref)), max(map(printed_digits, cand))
    if cand_digits + DIGIT_GAP > ref_digits:
        return
    rtol = 0.5 * 10.0 ** (1 - cand_digits)
    within = [r for r in facts.diverged if r.rel_error is not None and r.rel_error <= rtol]
    if within:
        yield Hint("print-precision",
                   f"the candidate prints {cand_digits} significant digits, the reference {ref_digits}: "
                   f"differences below {rtol:g} (relative) cannot be judged; --rtol {rtol:g} judges at the "
                   "candidate's print precision",
                   f"{len(within)} of {len(facts.diverged)} divergences are within that precision")
