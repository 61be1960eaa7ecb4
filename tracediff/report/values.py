"""Short, faithful text for values and errors in reports.

A value too long for its cell is shortened around the number that matters: the
diverging component is always printed in full (``%.15g``), its neighbours as room
allows, and what is left out becomes ``…``.
"""

from __future__ import annotations

from tracediff.trace.values import MATRIX, NAMED, TEXT, ParsedValue

ELLIPSIS = "…"


def fmt_number(x: float) -> str:
    return "%.15g" % x


def _matrix_tokens(value: ParsedValue) -> list[str]:
    rows, cols = value.shape
    tokens = [fmt_number(x) for x in value.numbers]
    for r in range(rows):
        tokens[r * cols] = ("[" if r == 0 else "") + tokens[r * cols]
        tokens[r * cols + cols - 1] += ";" if r < rows - 1 else "]"
    return tokens


def _named_tokens(value: ParsedValue) -> list[str]:
    tokens, pos = [], 0
    for name, count in value.names:
        chunk = [fmt_number(x) for x in value.numbers[pos:pos + count]]
        if count == 1:
            chunk[0] = f"{name}:{chunk[0]}"
        elif chunk:
            chunk[0], chunk[-1] = f"{name}:[{chunk[0]}", chunk[-1] + "]"
        tokens += chunk
        pos += count
    return tokens


def number_tokens(value: ParsedValue) -> list[str]:
    """One piece of text per number of ``value`` (with its brackets and names), in order."""
    if value.kind == MATRIX and len(value.shape) == 2:
        return _matrix_tokens(value)
    if value.kind == NAMED:
        return _named_tokens(value)
    return [fmt_number(x) for x in value.numbers]


def _shorten_around(tokens: list[str], focus: int, limit: int) -> str:
    """The tokens joined by blanks, within ``limit``, always keeping ``tokens[focus]`` whole."""
    lo = hi = focus
    grown = True
    while grown:
        grown = False
        for step_lo, step_hi in ((0, 1), (-1, 0)):  # one more to the right, then one to the left
            a, b = lo + step_lo, hi + step_hi
            if 0 <= a and b < len(tokens) and len(_elided(tokens, a, b)) <= limit:
                lo, hi, grown = a, b, True
    return _elided(tokens, lo, hi)


def _elided(tokens: list[str], lo: int, hi: int) -> str:
    head = [ELLIPSIS] if lo > 0 else []
    tail = [ELLIPSIS] if hi < len(tokens) - 1 else []
    return " ".join(head + tokens[lo:hi + 1] + tail)


def fmt_value(value: ParsedValue | None, limit: int = 80, focus: int | None = None) -> str:
    """A value as its log would print it (``%.15g``), shortened past ``limit`` characters.

    ``focus`` (the index of a number, e.g. the diverging component) stays whole when
    shortened, even if that alone exceeds ``limit``.
    """
    if value is None:
        return "—"
    unit = f" {value.unit}" if value.unit else ""
    if value.kind == TEXT:
        text = (value.text or "") + unit
        return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS
    tokens = number_tokens(value)
    text = " ".join(tokens) + unit
    if len(text) <= limit:
        return text
    if focus is not None and 0 <= focus < len(tokens):
        return _shorten_around(tokens, focus, limit - len(unit)) + unit
    return text[: limit - 1] + ELLIPSIS


def fmt_error(x: float | None) -> str:
    return "" if x is None else f"{x:.3g}"
