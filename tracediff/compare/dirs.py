"""Compare two directories of trace logs, pair by pair, across the machine's cores.

``tracediff capture --trace-pixels ... --out DIR`` writes one log per pixel; a port's
tracer can do the same.  The files of the two directories are paired by their path
relative to the directory; each pair is judged by :func:`compare_logs` with the same
options, in a bounded pool of worker processes (one per core), and only a small summary
of each pair travels back.  A file the candidate lacks fails the run, as a field the
candidate lacks fails a pair; a file only the candidate has is listed, not failed.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tracediff.compare.engine import AUTO, compare_logs, resolve_options
from tracediff.compare.options import CompareOptions
from tracediff.errors import TraceDiffError
from tracediff.report.text import headline

WORST_SHOWN = 10  # pairs named in the text summary's "worst" list
LOG_PATTERN = "*.log"  # a capture's folder also holds its provenance (command.txt, manifest.json, ...)


@dataclass
class PairResult:
    """The verdict of one pair of logs, small enough to travel between processes."""

    name: str  # the path relative to both directories
    verdict: str  # "match", "diverged" or "error"
    compared: int = 0
    diverged: int = 0
    worst_rel_error: float | None = None  # the largest relative error of any judged field
    worst_field: str | None = None
    headline: str = ""  # the pair's first divergence (or its error), as the text report says it

    @property
    def failed(self) -> bool:
        return self.verdict != "match"

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class DirComparison:
    """The outcome of comparing a candidate directory against a reference directory."""

    ref_dir: Path
    cand_dir: Path
    pairs: list[PairResult]  # in the order of their names
    only_in_ref: list[str] = field(default_factory=list)  # fails: the candidate did not write them
    only_in_cand: list[str] = field(default_factory=list)  # listed only
    workers: int = 1

    @property
    def agreeing(self) -> int:
        return sum(not p.failed for p in self.pairs)

    @property
    def failing(self) -> list[PairResult]:
        return [p for p in self.pairs if p.failed]

    def worst(self, count: int = WORST_SHOWN) -> list[PairResult]:
        """The pairs with the largest relative error, the worst first."""
        judged = [p for p in self.pairs if p.worst_rel_error is not None and p.worst_rel_error > 0]
        return sorted(judged, key=lambda p: (-(p.worst_rel_error or 0.0), p.name))[:count]

    @property
    def exit_code(self) -> int:
        """2 when a pair could not be read, 1 when one diverged or the candidate lacks a file, else 0."""
        if any(p.verdict == "error" for p in self.pairs):
            return 2
        return 1 if self.failing or self.only_in_ref else 0

    @property
    def verdict(self) -> str:
        return {0: "match", 1: "diverged", 2: "error"}[self.exit_code]

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "reference": str(self.ref_dir),
            "candidate": str(self.cand_dir),
            "pairs_compared": len(self.pairs),
            "pairs_agreeing": self.agreeing,
            "only_in_reference": self.only_in_ref,
            "only_in_candidate": self.only_in_cand,
            "worst": [p.name for p in self.worst()],
            "pairs": [p.to_json() for p in self.pairs],
        }


def log_files(folder: Path, pattern: str = LOG_PATTERN) -> dict[str, Path]:
    """The regular files under ``folder`` whose name matches ``pattern``, by their path
    relative to it (``/``-separated)."""
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob(pattern)) if p.is_file()}


def _judge_pair(job: tuple[str, Path, Path, CompareOptions]) -> PairResult:
    """One pair, in a worker: the verdict and the figures the summary needs, nothing more."""
    name, ref, cand, options = job
    try:
        result = compare_logs(ref, cand, options)
    except TraceDiffError as exc:
        return PairResult(name, "error", headline=str(exc))
    worst = result.worst
    return PairResult(name, result.verdict, result.counts.compared, result.counts.diverged,
                      worst.rel_error if worst else None, worst.label if worst else None,
                      headline(result, width=120) if result.failed else "")


def compare_dirs(ref_dir: str | Path, cand_dir: str | Path, options: CompareOptions | None = None, *,
                 profile: str | None = None, config: str | Path | None = AUTO, workers: int | None = None,
                 pattern: str = LOG_PATTERN, **settings: Any) -> DirComparison:
    """Compare every log of ``cand_dir`` against its namesake in ``ref_dir``.

    The options are those of :func:`compare_logs` (resolved once, here, and shared by every
    pair); ``workers`` bounds the pool (default: the number of cores); ``pattern`` picks
    the files to pair (default ``*.log``, in every subdirectory).
    """
    ref_dir, cand_dir = Path(ref_dir), Path(cand_dir)
    for folder in (ref_dir, cand_dir):
        if not folder.is_dir():
            raise TraceDiffError("is not a directory", folder)
    # a summary needs the failing rows and the worst error, not a row per field
    options = replace(resolve_options(options, profile=profile, config=config, **settings), detail_limit=0)
    refs, cands = log_files(ref_dir, pattern), log_files(cand_dir, pattern)
    names = sorted(refs.keys() & cands.keys())
    if not names:
        raise TraceDiffError(f"no {pattern} file name is common to both directories (reference {ref_dir})",
                             cand_dir)
    jobs = [(name, refs[name], cands[name], options) for name in names]
    count = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    if count == 1:
        pairs = [_judge_pair(job) for job in jobs]
    else:
        with ProcessPoolExecutor(max_workers=count) as pool:
            pairs = list(pool.map(_judge_pair, jobs, chunksize=max(1, len(jobs) // (count * 8))))
    return DirComparison(ref_dir, cand_dir, pairs, sorted(refs.keys() - cands.keys()),
                         sorted(cands.keys() - refs.keys()), count)


def render_dirs(result: DirComparison, fmt: str) -> str:
    """The directory summary: one JSON object (``fmt == "json"``) or a few text lines."""
    if fmt == "json":
        import json

        return json.dumps(result.to_json(), indent=2, ensure_ascii=False)
    lines = [f"{result.verdict.upper()}: {result.agreeing} of {len(result.pairs)} pairs agree "
             f"({result.ref_dir} against {result.cand_dir}, {result.workers} worker(s))"]
    lines += [f"  only in the reference (missing from the candidate): {name}" for name in result.only_in_ref]
    lines += [f"  only in the candidate: {name}" for name in result.only_in_cand]
    worst = result.worst()
    if worst:
        lines.append("worst pairs by relative error:")
        lines += [f"  {p.name}: {p.worst_field} rel err {p.worst_rel_error:.3g}" for p in worst]
    for pair in result.failing:
        lines.append(f"{pair.name}: " + pair.headline.replace("\n", "\n  "))
    return "\n".join(lines)
