"""How nanoBragg reads the words after a flag: C number parsing and unit readers.

The C reads values with ``atof``/``atoi`` and converts units with one exact operation
(``atof(v)/1000.0`` for mm, ``atof(v)/RTD`` for degrees...); the traced numbers depend
on that exact arithmetic, so the readers spell it out. A reader takes
``(word, strict, flag, state)``: ``strict`` (the word's own flag) demands a whole
number, a side-effect match keeps the C's lenient reading. Kept apart from the flag
table so the table reads as data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from tracediff.capture.config import RTD
from tracediff.capture.cmdline.state import ParseState
from tracediff.errors import TraceDiffError

# ---------------------------------------------------------------------------
# C number reading
# ---------------------------------------------------------------------------

_FLOAT_BODY = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_FLOAT_FULL = re.compile(rf"\s*{_FLOAT_BODY}\s*")
_FLOAT_PREFIX = re.compile(rf"\s*({_FLOAT_BODY}|[+-]?inf(?:inity)?|[+-]?nan)", re.IGNORECASE)
_INT_PREFIX = re.compile(r"\s*([+-]?\d+)")


def c_atof(text: str) -> float:
    """C ``atof``: the longest numeric prefix, 0.0 when there is none."""
    m = _FLOAT_PREFIX.match(text)
    return float(m.group(1)) if m else 0.0


def c_atoi(text: str) -> int:
    """C ``atoi``: the leading integer digits, 0 when there are none (``"2.5"`` -> 2)."""
    m = _INT_PREFIX.match(text)
    return int(m.group(1)) if m else 0


def is_number(text: str) -> bool:
    """True when the whole word is a decimal number the C would read in full."""
    return _FLOAT_FULL.fullmatch(text) is not None


# ---------------------------------------------------------------------------
# Value readers: (word, strict, flag) -> value
# ---------------------------------------------------------------------------

Reader = Callable[[str, bool, str, ParseState], object]


def strict_atof(word: str, strict: bool, flag: str) -> float:
    """``atof``; with ``strict``, the whole word must be a number (else an error naming ``flag``)."""
    if strict and not is_number(word):
        raise TraceDiffError(f"{flag} needs a number, got {word!r}")
    return c_atof(word)


def strict_atoi(word: str, strict: bool, flag: str) -> int:
    """``atoi``; with ``strict``, the whole word must be a number (else an error naming ``flag``)."""
    if strict and not is_number(word):
        raise TraceDiffError(f"{flag} needs an integer, got {word!r}")
    return c_atoi(word)


def _scaled(op: str, k: float) -> Reader:
    """A float reader applying the C's exact operation (``atof(v)/k`` or ``atof(v)*k``)."""

    def read(word: str, strict: bool, flag: str, st: ParseState) -> float:
        v = strict_atof(word, strict, flag)
        return v / k if op == "/" else v * k

    return read


FLOAT = _scaled("*", 1.0)
MM = _scaled("/", 1000.0)  # mm -> m, atof(v)/1000.0
DEG = _scaled("/", RTD)  # deg -> rad, atof(v)/RTD
MRAD = _scaled("/", 1000.0)  # mrad -> rad
ANGSTROM = _scaled("/", 1.0e10)  # Å -> m, atof(v)/1.0e10
UM = _scaled("*", 1e-6)  # µm -> m, atof(v)*1e-6 (-detector_thick)
UM_DIV = _scaled("/", 1e6)  # µm -> m, atof(v)/1e6 (-water)
PERCENT = _scaled("/", 100.0)
MEGA = _scaled("*", 1e6)  # g/cm^3 -> g/m^3
DMIN = _scaled("*", 1e-10)  # Å -> m, atof(v)*1e-10 (-dmin)


def INT(word: str, strict: bool, flag: str, st: ParseState) -> int:
    return strict_atoi(word, strict, flag)


def NEG_INT(word: str, strict: bool, flag: str, st: ParseState) -> int:
    """Seeds: the C stores ``-atoi(v)``."""
    return -strict_atoi(word, strict, flag)


def ENERGY(word: str, strict: bool, flag: str, st: ParseState) -> float:
    """eV -> m, as the C: (12398.42/atof(v))/1.0e10; 0 eV would be an infinite wavelength."""
    ev = strict_atof(word, strict, flag)
    if ev == 0.0:
        raise TraceDiffError(f"{flag}: must not be 0 (eV): nanoBragg divides 12398.42 by it")
    return (12398.42 / ev) / 1.0e10


def PATH(word: str, strict: bool, flag: str, st: ParseState) -> Path:
    """An input file, relative to the args file's folder; must be readable."""
    path = Path(word)
    if not path.is_absolute() and st.base_dir is not None:
        path = st.base_dir / path
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise TraceDiffError(f"{flag}: cannot read {word!r} ({exc.strerror or exc})", path=st.args_file) from None
    return path

