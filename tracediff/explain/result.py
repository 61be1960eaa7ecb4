"""What explain found, as typed values with a JSON form (the CLI and ``compare --explain`` render these)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

NOTHING = "nothing to explain"
EXPLAINED = "explained by one change"
COMBINED = "explained by a combination of changes"
PARTIAL = "no single change explains it"
REPRODUCED = "the given flags reproduce it"


@dataclass(frozen=True)
class Move:
    """One numeric input the continuous fit moved, in the program's terms."""

    parameter: str  #: the model's name (distance, fbeam, rotx...)
    flag: str  #: the nanoBragg flag that sets it
    start: float  #: in the flag's unit
    end: float
    unit: str

    @property
    def delta(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Explanation:
    """One change and what it does to the target's diverging fields."""

    change: str  #: in the program's terms: a flag and value, a decision, a dtype, a unit mistake
    source: str  #: table:<id>, fit, units, or a + between table ids
    why: str
    explains: tuple[str, ...]  #: diverging fields this change reproduces (that the given flags did not)
    unit_errors: tuple[str, ...]  #: fields reproduced up to a print-only unit factor on top of the change
    unexplained: tuple[str, ...]
    broken: tuple[str, ...]  #: agreeing fields the change no longer reproduces
    residual: float  #: largest relative residual over the fields it explains
    confidence: float  #: explained share x kept share (see README)
    digits: float = 0.0  #: decimal digits of agreement gained over the given flags (the ranking score)
    rule: str = "compare's tolerances"  #: the tolerance that decided "reproduced"
    moves: tuple[Move, ...] = ()
    not_checked: tuple[str, ...] = ()  #: diverging fields this change's run does not print

    def summary(self) -> str:
        n = len(self.explains) + len(self.unit_errors)
        return f"{self.change} (explains {n} field(s), residual {self.residual:.3g}, confidence {self.confidence:.2f})"


@dataclass(frozen=True)
class SideResult:
    """The search for one side: which change makes the model print what this side printed."""

    side: str  #: candidate | reference
    verdict: str
    diverging: tuple[str, ...]
    explanations: tuple[Explanation, ...]

    @property
    def top(self) -> Explanation | None:
        return self.explanations[0] if self.explanations else None


@dataclass(frozen=True)
class ExplainResult:
    reference: Path
    candidate: Path
    candidate_side: SideResult
    reference_side: SideResult
    runs: int  #: model runs used (captures, frame runs, fit steps)
    seconds: float
    max_runs: int
    max_seconds: float
    budget_spent: bool  #: the search stopped at its budget (the list may be incomplete)

    @property
    def nothing_to_explain(self) -> bool:
        return self.candidate_side.verdict == NOTHING

    @property
    def exit_code(self) -> int:
        """0 when the traces agree (nothing to explain), 1 when they diverge (as ``compare``)."""
        return 0 if self.nothing_to_explain else 1

    def to_json(self) -> dict[str, Any]:
        def clean(value: Any) -> Any:
            if isinstance(value, float) and not math.isfinite(value):
                return str(value)
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return [clean(v) for v in value]
            return str(value) if isinstance(value, Path) else value

        return clean(asdict(self))
