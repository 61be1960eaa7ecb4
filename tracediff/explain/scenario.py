"""A change to try (a table row, or several composed), and running the model with it, within a budget.

A :class:`Scenario` is the union of what the hypothesis kinds change: words appended to the flags,
the dtype, one decision of the detector frame, and edits of the frame's numeric inputs (shifts,
scales, the fast/slow swap), and the tolerance its runs are judged with (float32 rounding for float32). Without frame changes the whole capture runs (every field); with them
the traced pixel is recomputed on the rebuilt frame (the pixel fields and pix0).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from tracediff.explain.model import (
    Baseline, Flags, FrameEdit, Values, load, pix0_given, run_frame, run_full, start_parameters,
)
from tracediff.explain.table import Hypothesis


class BudgetSpent(Exception):
    """The search used its stated number of model runs or seconds."""


@dataclass(frozen=True)
class Budget:
    """How much model work one explain may do (each capture, frame run or fit step counts as one run)."""

    max_runs: int = 300
    max_seconds: float = 120.0


@dataclass(frozen=True)
class Scenario:
    words: tuple[str, ...] = ()
    dtype: str = "float64"
    frame: FrameEdit = FrameEdit()
    shifts: tuple[tuple[str, float], ...] = ()  #: (parameter, metres added)
    scales: tuple[tuple[str, float], ...] = ()  #: (parameter, factor)
    swap: bool = False
    rtol: float = 0.0  #: a floor on the tolerance its runs are judged with (0: compare's own)

    @property
    def uses_frame(self) -> bool:
        return self.frame != FrameEdit() or bool(self.shifts or self.scales or self.swap)

    def plus(self, other: "Scenario") -> "Scenario":
        """Both changes at once (the second one's decisions win where both make one)."""
        frame = FrameEdit(**{k: (getattr(other.frame, k) if getattr(other.frame, k) != getattr(FrameEdit(), k)
                                 else getattr(self.frame, k)) for k in FrameEdit.__dataclass_fields__})
        both = Scenario(self.words + other.words, other.dtype if other.dtype != "float64" else self.dtype, frame,
                        self.shifts + other.shifts, self.scales + other.scales, self.swap != other.swap,
                        max(self.rtol, other.rtol))
        return both


def _as_tuple(v: object) -> tuple[float, ...]:
    return tuple(float(x) for x in v.tolist())  # type: ignore[attr-defined]


def scenario_of(row: Hypothesis, base: Baseline) -> Scenario | None:
    """The change a table row makes on this case, or None where it changes nothing here."""
    g = base.geometry
    if row.kind == "flags":
        return Scenario(words=row.words)
    if row.kind == "dtype":
        return Scenario(dtype=row.dtype, rtol=row.rtol)
    if row.kind == "swap":
        return Scenario(swap=True)
    if row.kind == "shift":
        name = ("f" if row.axis == "fast" else "s") + ("close" if g.pivot == "SAMPLE" else "beam")
        return Scenario(shifts=((name, row.pixels * base.config.pixel_size),))
    if row.kind == "scale":
        start = float(start_parameters(base)[row.parameter])
        return Scenario(scales=((row.parameter, row.factor),)) if start != 0.0 else None
    pix0 = pix0_given(base) if row.pix0 == "given" else None
    if row.pix0 == "given" and pix0 is None:
        return None
    if row.twotheta_axis is not None and (g.twotheta == 0.0 or row.twotheta_axis == _as_tuple(g.twotheta_axis)):
        return None
    if row.pivot == g.pivot or (row.beam is not None and row.beam == _as_tuple(g.beam)):
        return None  # the decision the C made already
    if row.rotation_order != "xyz" and sum(a != 0.0 for a in (g.rotx, g.roty, g.rotz)) < 2:
        return None
    return Scenario(frame=FrameEdit(pivot=row.pivot, beam=row.beam, twotheta_axis=row.twotheta_axis,
                                    rotation_order=row.rotation_order, pix0=pix0))


@dataclass
class Runner:
    """Runs scenarios on one case's flags, counting runs and seconds against the budget."""

    flags: Flags
    budget: Budget = Budget()
    runs: int = 0
    started: float = field(default_factory=time.perf_counter)
    _bases: dict[tuple[tuple[str, ...], str], Baseline] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def spend(self) -> None:
        """Count one model run, or raise :class:`BudgetSpent` when none is left.

        A run is not started when the runs so far, at their average length, say it would end past
        ``max_seconds``: the budget is kept, not overshot by the last run.
        """
        elapsed = self.seconds
        average = elapsed / self.runs if self.runs else 0.0
        if self.runs >= self.budget.max_runs or elapsed + average >= self.budget.max_seconds:
            raise BudgetSpent(f"{self.runs} runs, {elapsed:.1f} s")
        self.runs += 1

    def base(self, words: tuple[str, ...] = (), dtype: str = "float64") -> Baseline:
        if (words, dtype) not in self._bases:
            self._bases[words, dtype] = load(self.flags.plus(words), dtype)
        return self._bases[words, dtype]

    def run(self, scenario: Scenario) -> Values:
        self.spend()
        if not scenario.uses_frame:
            return run_full(self.flags.plus(scenario.words), scenario.dtype)
        base = self.base(scenario.words, scenario.dtype)
        params = dict(start_parameters(base))
        if scenario.swap:
            for f, s in (("fbeam", "sbeam"), ("fclose", "sclose")):
                params[f], params[s] = params[s], params[f]
        for name, delta in scenario.shifts:
            params[name] = params[name] + delta
        for name, factor in scenario.scales:
            params[name] = params[name] * factor
        return run_frame(base, params, scenario.frame)
