"""The hypothesis table (``hypotheses.toml``) read into typed rows: the one source of what explain tries.

Why a data file: the decision points of nanoBragg and the known ways ports get them wrong grow with
every port; adding one is a new row, not new code. The kinds a row may have are the only code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from tracediff.errors import TraceDiffError

KINDS = ("flags", "frame", "shift", "swap", "scale", "dtype")
AXES = ("fast", "slow")


@dataclass(frozen=True)
class Hypothesis:
    """One row: a change of the flags or of one decision of the model."""

    id: str
    kind: str
    why: str
    change: str = ""  #: the change in the program's terms ("" for shifts: worded from the case's flags)
    words: tuple[str, ...] = ()  #: flags: appended words
    pivot: str | None = None  #: frame
    beam: tuple[float, float, float] | None = None  #: frame
    twotheta_axis: tuple[float, float, float] | None = None  #: frame
    rotation_order: str = "xyz"  #: frame
    pix0: str | None = None  #: frame: "given"
    axis: str = "fast"  #: shift
    pixels: float = 0.0  #: shift
    parameter: str = ""  #: scale
    factor: float = 1.0  #: scale
    dtype: str = "float64"  #: dtype
    rtol: float = 0.0  #: dtype: the rounding its runs are judged with (0: compare's tolerance)


@dataclass(frozen=True)
class UnitMistake:
    """A print-only unit error: the printed number is ``factor`` x the value its name promises."""

    factor: float
    label: str


@dataclass(frozen=True)
class BeamCentreFlags:
    """Which flags move the pivot's fast and slow beam-centre offsets, and with which sign."""

    convention: str
    pivot: str
    fast: str
    fast_sign: float
    slow: str
    slow_sign: float


@dataclass(frozen=True)
class Table:
    hypotheses: tuple[Hypothesis, ...]
    units: tuple[UnitMistake, ...]
    beam_centre: tuple[BeamCentreFlags, ...]

    def centre_flags(self, convention: str, pivot: str) -> BeamCentreFlags | None:
        for row in self.beam_centre:
            if (row.convention, row.pivot) == (convention, pivot):
                return row
        return None


def _vector(row: dict[str, object], key: str) -> tuple[float, float, float] | None:
    value = row.get(key)
    return None if value is None else tuple(float(x) for x in value)  # type: ignore[union-attr,return-value]


def _hypothesis(row: dict[str, object]) -> Hypothesis:
    if row.get("kind") not in KINDS or row.get("axis", "fast") not in AXES:
        raise TraceDiffError(f"hypothesis {row.get('id')!r}: kind must be one of {KINDS}, axis one of {AXES}")
    plain = {k: v for k, v in row.items() if k not in ("beam", "twotheta_axis", "words")}
    return Hypothesis(**plain, words=tuple(row.get("words", ())),  # type: ignore[arg-type]
                      beam=_vector(row, "beam"), twotheta_axis=_vector(row, "twotheta_axis"))


@cache
def load_table() -> Table:
    """The shipped table, read once."""
    text = resources.files("tracediff.explain").joinpath("hypotheses.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return Table(
        hypotheses=tuple(_hypothesis(row) for row in data["hypothesis"]),
        units=tuple(UnitMistake(**row) for row in data["unit"]),
        beam_centre=tuple(BeamCentreFlags(**row) for row in data["beam_centre"]),
    )
