"""Turn the text of one traced value into numbers, a shape and a unit.

A value is one of six kinds, told apart by shape alone:

=========  =================================================  =====================
kind       example text                                       numbers / shape
=========  =================================================  =====================
scalar     ``0.1``, ``1e-10 m``, ``-nan``                     1 number, shape ()
int        ``3``                                              1 number, exact
vector     ``0 0 1``, ``[a, b, c]``, ``(a, b, c)``            n numbers, shape (n,)
matrix     ``[a b c; d e f; g h i]``                          shape (rows, cols)
named      ``rotx:0 roty:0``, ``a:[1 2 3] b:[4 5 6]``,        numbers of every sub-value
           ``rxx=1 rxz=0``                                    in order, with names
text       ``MOSFLM``, ``Fbeam←Ybeam_mm(+0.5px),...``         no numbers
=========  =================================================  =====================

``nan``, ``-nan``, ``inf``, ``Inf``, ``-infinity`` are read case-insensitively.  A
printed unit after the value (``(m)``, ``m``, ``Å^-1``, ``Angstroms``) is split off.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import re

from tracediff.trace.units import canonical_unit

SCALAR, INT, VECTOR, MATRIX, NAMED, TEXT = "scalar", "int", "vector", "matrix", "named", "text"
KINDS = (SCALAR, INT, VECTOR, MATRIX, NAMED, TEXT)

# possessive quantifiers: no backtracking, so a 30,000-digit word costs linear time
NUMBER = r"[-+]?(?:(?:\d++(?:\.\d*+)?|\.\d++)(?:[eE][-+]?\d++)?|(?i:nan|inf(?:inity)?))"
_NUMBER_RE = re.compile(rf"^{NUMBER}$")
_INT_RE = re.compile(r"^[-+]?\d+$")
_SPLIT_RE = re.compile(r"[\s,]+")
_NAMED_RE = re.compile(
    r"(?<![\w|])(?P<name>[A-Za-z_|][\w|]*+)\s*+[:=]\s*+(?P<value>\[[^\]]*+\]|\([^)]*+\)|\S++)"
)


@dataclass(frozen=True, slots=True)
class ParsedValue:
    """The numbers of one value with enough structure to compare it."""

    kind: str
    numbers: tuple[float, ...] = ()
    shape: tuple[int, ...] = ()
    names: tuple[tuple[str, int], ...] = ()  # named kind: (sub-name, how many numbers)
    text: str | None = None  # the text of a text value; the digits of integers beyond 2**53
    unit: str | None = None
    integral: bool = False  # every number printed as an integer: compared exactly
    printed: str | None = None  # the printed numbers, kept where one overflows a double (1e999)


def _numbers(tokens: list[str]) -> list[float] | None:
    if not tokens or not all(_NUMBER_RE.match(t) for t in tokens):
        return None
    return [float(t) for t in tokens]


def _split_unit(text: str) -> tuple[str, str | None]:
    """Split a trailing printed unit off ``text``."""
    stripped = text.rstrip()
    if stripped.endswith(")"):
        start = stripped.rfind("(")
        if start > 0:
            unit = canonical_unit(stripped[start:])
            if unit is not None:
                return stripped[:start].rstrip(), unit
    head, _, last = stripped.rpartition(" ")
    if head:
        unit = canonical_unit(last)
        if unit is not None:
            return head.rstrip(), unit
    return stripped, None


def _bracketed(text: str) -> str | None:
    if len(text) >= 2 and text[0] + text[-1] in ("[]", "()"):
        return text[1:-1].strip()
    return None


def _tokens(text: str) -> list[str]:
    return [t for t in _SPLIT_RE.split(text.strip()) if t]


def _plain_numbers(text: str) -> list[float] | None:
    inner = _bracketed(text)
    return _numbers(_tokens(inner if inner is not None else text))


def _matrix(text: str) -> ParsedValue | None:
    inner = _bracketed(text)
    if inner is None or ";" not in inner:
        return None
    rows = [_numbers(_tokens(row)) for row in inner.split(";")]
    if any(row is None for row in rows) or len({len(row) for row in rows}) != 1:
        return None
    flat = tuple(x for row in rows for x in row)
    return ParsedValue(MATRIX, flat, (len(rows), len(rows[0])))


def _named(text: str) -> ParsedValue | None:
    pos, names, numbers = 0, [], []
    for match in _NAMED_RE.finditer(text):
        if text[pos:match.start()].strip():
            return None
        sub = _plain_numbers(match["value"])
        if sub is None:
            return None
        names.append((match["name"], len(sub)))
        numbers.extend(sub)
        pos = match.end()
    if not names or text[pos:].strip():
        return None
    return ParsedValue(NAMED, tuple(numbers), (len(numbers),), tuple(names))


def parse_value(raw: str) -> ParsedValue:
    """Read one value's text.  Never raises: what is not numeric is text."""
    text, unit = _split_unit(raw.strip())
    tokens = _tokens(_bracketed(text) or text) if text else []
    numbers = _numbers(tokens)
    if numbers is not None:
        integral = all(_INT_RE.match(t) for t in tokens)
        # integers a double cannot hold exactly keep their digits, to compare exactly
        exact = " ".join(str(int(t)) for t in tokens) if integral and any(abs(x) >= 2**53 for x in numbers) else None
        printed = " ".join(tokens) if any(math.isinf(x) and "n" not in t.lower() for x, t in zip(numbers, tokens)) else None
        if len(numbers) == 1 and _bracketed(text) is None:
            return ParsedValue(INT if integral else SCALAR, tuple(numbers), (), text=exact, unit=unit,
                               integral=integral, printed=printed)
        return ParsedValue(VECTOR, tuple(numbers), (len(numbers),), text=exact, unit=unit, integral=integral,
                           printed=printed)
    for reader in (_matrix, _named):
        value = reader(text)
        if value is not None:
            return ParsedValue(value.kind, value.numbers, value.shape, value.names, unit=unit)
    return ParsedValue(TEXT, text=" ".join(raw.split()))

