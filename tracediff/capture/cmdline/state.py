"""The C's variables while argv is walked: :class:`ParseState`.

Shared by the flag table (whose branches write it), the argv walk and the post-parse
rules (which read the C's raw "unset" sentinels from it and freeze it into a
:class:`NanoBraggConfig`). Its own module so that none of them imports another for it.

Two kinds of variables: config fields the branches store as they are (``values``, by
field name, checked against :class:`NanoBraggConfig` when frozen), and the C's raw
sentinels (:class:`Sentinels`, typed) that only the post-parse rules turn into config
fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from tracediff.capture.config import NanoBraggConfig


@dataclass
class Sentinels:
    """The C's raw values before its post-parse rules: -1 = unset, 0 pixels = take from detsize."""

    fpixels: int = 0
    spixels: int = 0
    phistep: float = -1.0
    osc: float = -1.0
    phisteps: int = -1
    hdivrange: float = -1.0
    hdivstep: float = -1.0
    hdivsteps: int = -1
    vdivrange: float = -1.0
    vdivstep: float = -1.0
    vdivsteps: int = -1
    dispersion: float = 0.0
    dispstep: float = -1.0
    dispsteps: int = -1
    detector_thick: float = 0.0
    detector_thickstep: float = -1.0
    detector_thicksteps: int = -1
    detector_mu: float = -1.0
    mosaic_spread: float = -1.0
    mosaic_domains: int = -1
    roi: tuple[int, int, int, int] = (-1, -1, -1, -1)
    interpolate: int = 2  #: 2 = automatic, 1 = -interpolate, 0 = -nointerpolate
    cell: list[float] = field(default_factory=lambda: [0.0] * 6)  #: a b c (Å) alpha beta gamma (rad)


SENTINEL_NAMES = frozenset(f.name for f in fields(Sentinels))
CONFIG_FIELDS = frozenset(f.name for f in fields(NanoBraggConfig))


@dataclass
class ParseState:
    """Parsed config values by field name, plus what the walk saw and the raw C sentinels."""

    values: dict[str, object]
    given: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    base_dir: Path | None = None
    args_file: Path | None = None
    raw: Sentinels = field(default_factory=Sentinels)

    def set(self, name: str, value: object) -> None:
        """Store a config field (a branch of the flag table)."""
        if name not in CONFIG_FIELDS:
            raise KeyError(f"{name!r} is not a NanoBraggConfig field")
        self.values[name] = value

    def set_raw(self, name: str, value: object) -> None:
        """Store a C sentinel (a branch whose value the post-parse rules resolve)."""
        if name not in SENTINEL_NAMES:
            raise KeyError(f"{name!r} is not a sentinel")
        setattr(self.raw, name, value)


def initial_state(base_dir: Path | None, args_file: Path | None) -> ParseState:
    defaults = {f.name: f.default for f in fields(NanoBraggConfig)}
    return ParseState(values=defaults, base_dir=base_dir, args_file=args_file)
