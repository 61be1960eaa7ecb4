"""Short, faithful text for values and errors in reports."""

from __future__ import annotations

from tracediff.trace.values import MATRIX, NAMED, TEXT, ParsedValue


def fmt_number(x: float) -> str:
    return "%.15g" % x


def fmt_value(value: ParsedValue | None, limit: int = 80) -> str:
    """A value as its log would print it (``%.15g``), shortened past ``limit`` characters."""
    if value is None:
        return "—"
    if value.kind == TEXT:
        text = value.text or ""
    elif value.kind == MATRIX:
        rows, cols = value.shape
        nums = [fmt_number(x) for x in value.numbers]
        text = "[" + "; ".join(" ".join(nums[r * cols:(r + 1) * cols]) for r in range(rows)) + "]"
    elif value.kind == NAMED:
        parts, pos = [], 0
        for name, count in value.names:
            chunk = " ".join(fmt_number(x) for x in value.numbers[pos:pos + count])
            parts.append(f"{name}:{chunk if count == 1 else '[' + chunk + ']'}")
            pos += count
        text = " ".join(parts)
    else:
        text = " ".join(fmt_number(x) for x in value.numbers)
    if value.unit:
        text += f" {value.unit}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fmt_error(x: float | None) -> str:
    return "" if x is None else f"{x:.3g}"
