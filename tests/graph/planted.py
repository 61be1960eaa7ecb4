"""Plant independent faults in a capture of a reference case and find the root causes against the C."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracediff.catalogue.graph import NANOBRAGG_GRAPH
from tracediff.compare.engine import compare_logs
from tracediff.compare.status import Status
from tracediff.config.loader import build_options
from tracediff.rootcause.classify import Analysis, root_causes

from tests.graph.capture_chain import capture_text

#: fault name -> (the flag words appended to the case's flags, the flag that carries the fault)
FAULTS: dict[str, tuple[list[str], str]] = {
    "geometry": (["-distance", "111"], "-distance"),
    "structure factor": (["-default_F", "123"], "-default_F"),
    "orientation": (["-misset", "10", "20", "31"], "-misset"),
}


@dataclass
class Planted:
    case: str
    faults: tuple[str, ...]
    analysis: Analysis
    diverged_rows: int
    unexplained: list[str]  #: diverged rows without a cause (must stay empty)

    @property
    def found(self) -> list[str]:
        """The root causes, then the possible ones (table lookups whose index moved)."""
        return [r.node for r in self.analysis.roots] + self.analysis.possible_roots

    def roots_by_fault(self) -> dict[str, list[str]]:
        """Each planted fault with the root causes (certain or possible) that read its flag."""
        graph = self.analysis.graph
        return {f: [n for n in self.found if FAULTS[f][1] in graph.params(n)] for f in self.faults}


def plant(case: Path, faults: tuple[str, ...], work: Path) -> Planted:
    extra = [w for f in faults for w in FAULTS[f][0]]
    cand = work / f"{case.name}-{len(faults)}.log"
    cand.write_text(capture_text(case / "args.txt", extra))
    options = build_options(profile="nanobragg", use_project_config=False, keep_all=True)
    result = compare_logs(case / "trace_c.log", cand, options)
    analysis = root_causes(result, NANOBRAGG_GRAPH)
    diverged = [r for r in result.rows if analysis.cause_of(r) is not None]
    unexplained = [r.label for r in result.rows if r.status is Status.DIVERGED and analysis.cause_of(r) is None]
    return Planted(case.name, faults, analysis, len(diverged), unexplained)
