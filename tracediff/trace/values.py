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
from dataclasses import dataclass, replace

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
    exact: tuple[bool, ...] = ()  # matrix, named, mixed vector: per number, printed as an integer (empty: ``integral``)

    def exact_mask(self) -> tuple[bool, ...]:
        """Per number: printed as an integer, so compared exactly."""
        return self.exact or (self.integral,) * len(self.numbers)

    def integers(self) -> tuple[int | None, ...]:
        """Per number: its integer value where printed as one (digits beyond 2**53 kept), else None."""
        mask = self.exact_mask()
        if self.text is not None and self.kind != TEXT:
            tokens = self.text.split()
            return tuple(int(t) if m else None for t, m in zip(tokens, mask))
        return tuple(int(x) if m else None for x, m in zip(self.numbers, mask))


def _is_int(token: str) -> bool:
    return _INT_RE.match(token) is not None


def _overflow(tokens: list[str], numbers: list[float]) -> str | None:
    """The printed tokens, kept where one overflows a double on reading (``1e999``)."""
    if not any(math.isinf(x) and "n" not in t.lower() for x, t in zip(numbers, tokens)):
        return None
    return " ".join(tokens)


def _digits(tokens: list[str], numbers: list[float]) -> str | None:
    """The printed tokens (integers as their digits), kept where an integer exceeds 2**53."""
    if not any(_is_int(t) and abs(x) >= 2**53 for t, x in zip(tokens, numbers)):
        return None
    return " ".join(str(int(t)) if _is_int(t) else t for t in tokens)


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


def _matrix(text: str) -> ParsedValue | None:
    inner = _bracketed(text)
    if inner is None or ";" not in inner:
        return None
    token_rows = [_tokens(row) for row in inner.split(";")]
    rows = [_numbers(row) for row in token_rows]
    if any(row is None for row in rows) or len({len(row) for row in rows}) != 1:
        return None
    flat = [x for row in rows for x in row]
    tokens = [t for row in token_rows for t in row]
    return ParsedValue(MATRIX, tuple(flat), (len(rows), len(rows[0])), text=_digits(tokens, flat),
                       printed=_overflow(tokens, flat),
                       exact=tuple(_is_int(t) for t in tokens))


def _named(text: str) -> ParsedValue | None:
    pos, names, numbers, tokens = 0, [], [], []
    for match in _NAMED_RE.finditer(text):
        if text[pos:match.start()].strip():
            return None
        inner = _bracketed(match["value"])
        sub_tokens = _tokens(inner if inner is not None else match["value"])
        sub = _numbers(sub_tokens)
        if sub is None:
            return None
        names.append((match["name"], len(sub)))
        numbers.extend(sub)
        tokens.extend(sub_tokens)
        pos = match.end()
    if not names or text[pos:].strip():
        return None
    return ParsedValue(NAMED, tuple(numbers), (len(numbers),), tuple(names), text=_digits(tokens, numbers),
                       printed=_overflow(tokens, numbers),
                       exact=tuple(_is_int(t) for t in tokens))


def parse_value(raw: str) -> ParsedValue:
    """Read one value's text.  Never raises: what is not numeric is text."""
    text, unit = _split_unit(raw.strip())
    tokens = _tokens(_bracketed(text) or text) if text else []
    numbers = _numbers(tokens)
    if numbers is not None:
        integral = all(_INT_RE.match(t) for t in tokens)
        # integers a double cannot hold exactly keep their digits, to compare exactly
        exact = " ".join(str(int(t)) for t in tokens) if integral and any(abs(x) >= 2**53 for x in numbers) else None
        printed = _overflow(tokens, numbers)
        if len(numbers) == 1 and _bracketed(text) is None:
            return ParsedValue(INT if integral else SCALAR, tuple(numbers), (), text=exact, unit=unit,
                               integral=integral, printed=printed)
        # a vector mixing integers and other numbers: its integers are still compared exactly
        mixed = () if integral else tuple(bool(_INT_RE.match(t)) for t in tokens)
        return ParsedValue(VECTOR, tuple(numbers), (len(numbers),), text=exact, unit=unit, integral=integral,
                           printed=printed, exact=mixed if any(mixed) else ())
    for reader in (_matrix, _named):
        value = reader(text)
        if value is not None:
            return replace(value, unit=unit)
    return ParsedValue(TEXT, text=" ".join(raw.split()))

