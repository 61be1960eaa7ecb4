"""The C's variables while argv is walked: :class:`ParseState`.

Shared by the flag table (whose branches write it), the argv walk and the post-parse
rules (which read the C's raw "unset" sentinels from it and freeze it into a
:class:`NanoBraggConfig`). Its own module so that none of them imports another for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from tracediff.capture.nanobragg_config import NanoBraggConfig


@dataclass
class ParseState:
    """Parsed values by config field name, plus what the walk saw and the raw C sentinels."""

    values: dict[str, object]
    given: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    base_dir: Path | None = None
    args_file: Path | None = None
    # raw C sentinels that the post-parse rules need
    raw: dict[str, object] = field(default_factory=dict)

    def set(self, name: str, value: object) -> None:
        self.values[name] = value


def initial_state(base_dir: Path | None, args_file: Path | None) -> ParseState:
    defaults = {f.name: f.default for f in fields(NanoBraggConfig)}
    st = ParseState(values=dict(defaults), base_dir=base_dir, args_file=args_file)
    # C sentinels (-1 = unset) for the step rules, 0 pixels = take from detsize
    st.raw.update(
        fpixels=0, spixels=0, phistep=-1.0, osc=-1.0, phisteps=-1,
        hdivrange=-1.0, hdivstep=-1.0, hdivsteps=-1, vdivrange=-1.0, vdivstep=-1.0, vdivsteps=-1,
        dispersion=0.0, dispstep=-1.0, dispsteps=-1,
        detector_thick=0.0, detector_thickstep=-1.0, detector_thicksteps=-1, detector_mu=-1.0,
        mosaic_spread=-1.0, mosaic_domains=-1, roi=(-1, -1, -1, -1), interpolate=2,
        cell=[0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    )
    return st
