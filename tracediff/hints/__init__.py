"""Hints: what a careful colleague would say after looking at a comparison.

Each hint comes from one small detector in :data:`DETECTORS` that looks at the data (the
judged rows, the tags each log prints) and speaks only when the data fit its pattern:
a unit factor between the two values, swapped arguments, a float32 port, a missing block.
A hint never changes the verdict; it names a likely cause and what to try next::

    from tracediff import compare_logs
    from tracediff.hints import find_hints
    for hint in find_hints(compare_logs("trace_c.log", "trace_py.log")):
        print(hint.code, hint.message, hint.evidence)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tracediff.compare.result import Comparison
from tracediff.hints.facts import Facts, Hint
from tracediff.hints.logs import arguments_swapped, different_pixels, different_runs, needs_profile, phi_carry_over
from tracediff.hints.missing import block_missing, renamed_fields
from tracediff.hints.precision import float32_candidate, print_precision
from tracediff.hints.values import pixel_offset, swapped_fields, unit_factor, wrong_order_or_sign

Detector = Callable[[Facts], Iterable[Hint]]

#: Every detector, in the order their hints are reported (the likeliest root causes first).
DETECTORS: tuple[Detector, ...] = (
    arguments_swapped,
    different_pixels,
    different_runs,
    phi_carry_over,
    needs_profile,
    unit_factor,
    wrong_order_or_sign,
    swapped_fields,
    pixel_offset,
    float32_candidate,
    print_precision,
    renamed_fields,
    block_missing,
)


def find_hints(comparison: Comparison) -> list[Hint]:
    """The hints the data of ``comparison`` support (reads the first part of both logs for their tags)."""
    facts = Facts.of(comparison)
    return [hint for detector in DETECTORS for hint in detector(facts)]


__all__ = ["DETECTORS", "Facts", "Hint", "find_hints"]
