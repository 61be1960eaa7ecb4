"""One parsed trace value, as Python users and ``tracediff show`` see it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tracediff.trace.values import INT, MATRIX, NAMED, TEXT, ParsedValue


@dataclass(frozen=True, slots=True)
class Record:
    """A field of a trace log: where it was printed, under which name, and its value.

    ``occurrence`` counts the earlier records with the same field name in the same tag
    family, so repeated blocks (per sub-pixel, per phi step) line up one to one.
    """

    line: int
    tag: str
    family: str
    field: str
    occurrence: int
    value: ParsedValue
    optional: bool = False  # prose (a narrative header's key=value, a description): never required

    @property
    def unit(self) -> str | None:
        return self.value.unit

    @property
    def kind(self) -> str:
        return self.value.kind

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "tag": self.tag,
            "family": self.family,
            "field": self.field,
            "occurrence": self.occurrence,
            "kind": self.kind,
            "value": value_to_json(self.value),
            "unit": self.unit,
            "optional": self.optional,
        }


def json_number(x: float, integral: bool = False) -> float | int | str:
    """Numbers for JSON: NaN and infinities become the strings ``nan``, ``inf``, ``-inf``."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return int(x) if integral else x


def value_to_json(value: ParsedValue) -> Any:
    """The natural JSON shape of a value: number, list, nested list, object or string."""
    if value.kind == TEXT:
        return value.text
    # integers as their printed digits (beyond 2**53 too), other numbers as floats
    nums = [i if i is not None else json_number(x) for x, i in zip(value.numbers, value.integers())]
    if value.kind in (INT,) or (not value.shape and len(nums) == 1):
        return nums[0]
    if value.kind == MATRIX:
        rows, cols = value.shape
        return [nums[r * cols:(r + 1) * cols] for r in range(rows)]
    if value.kind == NAMED:
        out, pos = {}, 0
        for name, count in value.names:
            out[name] = nums[pos] if count == 1 else nums[pos:pos + count]
            pos += count
        return out
    return nums
