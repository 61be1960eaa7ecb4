"""The explain search: compare the logs, try every table row, pair the best one, fit, rank.

Order of work (deterministic, bounded by :class:`~tracediff.explain.scenario.Budget`):

1. ``compare_logs`` says which fields diverge; each side's values of them are a target.
2. The model runs once with the given flags (the baseline) and once per applicable table row; each
   run is scored against both targets (the runs are shared; only the judging differs per side).
3. When the best single change leaves fields unexplained, it is combined with the next best ones.
4. The continuous fit moves the numeric inputs from the given values (when the flags do not already
   reproduce the side), and the moved flags are verified by a full model run.
5. Ranking: decimal digits of agreement gained on the diverging fields minus those lost on the
   agreeing ones (:func:`~tracediff.explain.scoring.digits_gained`), then confidence, residual and
   table order. Confidence = (diverging fields covered / diverging fields) x (agreeing fields kept /
   agreeing fields the run prints).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from tracediff import CompareOptions, compare_logs
from tracediff.errors import TraceDiffError
from tracediff.explain.describe import change_text, fit_moves, move_text, move_words, shift_words
from tracediff.explain.fit import fit
from tracediff.explain.model import Flags, Values
from tracediff.explain.result import (
    COMBINED, EXPLAINED, NOTHING, PARTIAL, REPRODUCED, Explanation, ExplainResult, Move, SideResult,
)
from tracediff.explain.scenario import Budget, BudgetSpent, Runner, Scenario, scenario_of
from tracediff.explain.scoring import Score, UnitError, digits_gained, residual, score
from tracediff.explain.table import Table, load_table
from tracediff.explain.target import Target, label, targets

PAIRED = 6  #: how many next-best changes the best one is combined with


@dataclass(frozen=True)
class _Candidate:
    """A change that was run: its scenario, the words of its report, and its values."""

    source: str
    change: str
    why: str
    scenario: Scenario
    values: Values
    moves: tuple[Move, ...] = ()


def _same(run: Values, other: Values) -> bool:
    """Every field ``run`` prints, ``other`` prints with the same numbers (a frame run prints fewer fields)."""
    return all(other.get(key) == numbers for key, numbers in run.items())


@dataclass
class Search:
    """The state of one search: the runner (budget), the table, the baseline's values and the runs tried."""

    runner: Runner
    table: Table
    baseline: Values = field(default_factory=dict)
    tried: list[_Candidate] = field(default_factory=list)
    spent: bool = False

    def run(self, source: str, change: str, why: str, scenario: Scenario, moves: tuple[Move, ...] = ()) -> None:
        if self.spent:
            return
        try:
            values = self.runner.run(scenario)
        except BudgetSpent:
            self.spent = True
            return
        except (ArithmeticError, ValueError, RuntimeError, TraceDiffError):
            return  # the change makes a run the model cannot do (NaN pixel, no crystal...): nothing to learn
        if _same(values, self.baseline) or any(_same(values, c.values) for c in self.tried):
            return  # changes nothing here, or the same as a change already tried (listed once, first wording)
        self.tried.append(_Candidate(source, change, why, scenario, values, moves))


def _explanation(c: _Candidate, s: Score, base: Score, target: Target) -> Explanation:
    covered = s.covered()
    new = covered - base.covered()
    kept_of = sum(1 for k in target.agreeing if k in c.values)
    kept = 1.0 - len(s.broken) / kept_of if kept_of else 1.0
    share = len(covered) / len(target.diverging) if target.diverging else 0.0
    return Explanation(
        change=c.change, source=c.source, why=c.why,
        explains=tuple(label(k) for k in s.reproduced if k in new),
        unit_errors=tuple(f"{label(u.key)}: {u.label} (x{u.factor:g})" for u in s.unit_errors),
        unexplained=tuple(label(k) for k in s.unexplained), broken=tuple(label(k) for k in s.broken),
        not_checked=tuple(label(k) for k in s.unprinted),
        residual=max((s.residuals[k] for k in covered), default=0.0), confidence=round(share * kept, 3),
        digits=round(digits_gained(base.residuals, s.residuals)
                     - digits_gained(s.agreeing_residuals, base.agreeing_residuals), 2),
        rule=f"rtol {c.scenario.rtol:g} floor ({c.scenario.dtype} rounding)" if c.scenario.rtol else "compare's tolerances",
        moves=c.moves)


def _rank_key(e: Explanation, order: int) -> tuple[float, float, float, int]:
    return (-e.digits, -e.confidence, e.residual, order)


def _unit_explanations(base: Score, target: Target, values: Values) -> list[Explanation]:
    """The print-only unit mistakes the given flags already show, one explanation per mistake."""
    groups: dict[str, list[UnitError]] = {}
    for u in base.unit_errors:
        groups.setdefault(u.label, []).append(u)
    out = []
    for text, units in groups.items():
        raw = {u.key: residual(values[u.key], target.diverging[u.key]) for u in units}
        out.append(Explanation(
            change=f"print-only unit error: {', '.join(label(u.key) for u in units)} {text} (x{units[0].factor:g})",
            source="units", why="the value is right; the printed number is in another unit than its name says",
            explains=(), unit_errors=tuple(label(u.key) for u in units),
            unexplained=tuple(label(k) for k in base.unexplained), broken=(),
            residual=max(u.residual for u in units), confidence=round(len(units) / len(target.diverging), 3),
            digits=round(digits_gained(raw, {u.key: u.residual for u in units}), 2)))
    return out


def ranked(search: Search, target: Target) -> tuple[Score, list[Explanation]]:
    """The baseline's score and every run tried that explains something, best first (unit mistakes too)."""
    base = score(search.baseline, target, search.table.units)
    found = []
    for order, c in enumerate(search.tried):
        s = score(c.values, target, search.table.units, c.scenario.rtol)
        e = _explanation(c, s, base, target)
        if e.explains or len(e.unit_errors) > len(base.unit_errors):
            found.append((_rank_key(e, order), e))
    found.sort(key=lambda item: item[0])
    return base, sorted([e for _, e in found] + _unit_explanations(base, target, search.baseline),
                        key=lambda e: -e.digits)


def _pair_best(search: Search, target: Target) -> None:
    """Combine the best single change with the next best ones, where it leaves fields unexplained.

    Singles are ordered by digits gained, whether or not they reproduce a field on their own: a beam
    shift in a float32 port closes its gaps only to float32 rounding, and needs the float32 row beside it.
    """
    _, found = ranked(search, target)
    if found and not found[0].unexplained:
        return
    base = score(search.baseline, target, search.table.units)
    singles = [c for c in search.tried if c.source.startswith("table:") and "+" not in c.source]
    gains = [digits_gained(base.residuals, score(c.values, target, search.table.units, c.scenario.rtol).residuals)
             for c in singles]
    order = sorted(range(len(singles)), key=lambda i: (-gains[i], i))
    if not order or gains[order[0]] <= 0.0:
        return
    first = singles[order[0]]
    for i in order[1:1 + PAIRED]:
        second = singles[i]
        search.run(f"{first.source}+{second.source[6:]}", f"{first.change} + {second.change}",
                   f"{first.why}; and {second.why}", first.scenario.plus(second.scenario))


def _fit(search: Search, target: Target, base: Score) -> None:
    """The continuous fit from the given values, verified by a full run of the moved flags."""
    if search.spent:
        return
    skip = {u.key for u in base.unit_errors}
    wanted = {k: v for k, v in {**target.agreeing, **target.diverging}.items() if k not in skip}
    try:
        model = search.runner.base()
        result = fit(search.runner, model, wanted)
    except BudgetSpent:
        search.spent = True
        return
    moves = fit_moves(model, search.table, result) if result.plausible else ()
    if moves:
        search.run("fit", "; ".join(move_text(m) for m in moves),
                   "numeric inputs moved by the continuous fit (Levenberg-Marquardt, autograd Jacobian)",
                   Scenario(words=move_words(model, moves)), moves)


def _verdict(base: Score, found: list[Explanation], target: Target) -> str:
    if not target.diverging:
        return NOTHING
    if len(base.covered()) == len(target.diverging):  # the reference's own print quirks are no change
        return EXPLAINED if base.unit_errors and target.side == "candidate" else REPRODUCED
    top = found[0] if found else None
    if top is not None and not top.unexplained and not top.broken:
        return COMBINED if "+" in top.source else EXPLAINED
    return PARTIAL


def _side(search: Search, target: Target, use_fit: bool) -> SideResult:
    base, _ = ranked(search, target)
    if target.diverging and len(base.covered()) < len(target.diverging):
        _pair_best(search, target)
        if use_fit:
            _fit(search, target, base)
    base, found = ranked(search, target)
    verdict = _verdict(base, found, target)
    if target.diverging and len(base.covered()) == len(target.diverging):  # up to print-only unit mistakes
        found = [e for e in found if e.source == "units"] + [Explanation(
            "no change: the given flags", "baseline", "tracediff's model prints these values",
            tuple(label(k) for k in base.reproduced),
            tuple(f"{label(u.key)}: {u.label} (x{u.factor:g})" for u in base.unit_errors), (), (),
            max(base.residuals.values(), default=0.0), 1.0)]
    return SideResult(target.side, verdict, tuple(label(k) for k in target.diverging), tuple(found))


def try_table(search: Search) -> None:
    """Run every table row that changes something on this case (in table order)."""
    base = search.runner.base()
    for row in search.table.hypotheses:
        scenario = scenario_of(row, base)
        words = shift_words(row, base, search.table) if row.kind == "shift" else ()
        if words:  # a shift the flags can make: a full run (every field) in the C's own arithmetic
            scenario = Scenario(words=words)
        if scenario is not None:
            search.run(f"table:{row.id}", change_text(row, base, search.table), row.why, scenario)


def explain(reference: str | Path, candidate: str | Path, flags: Flags, budget: Budget = Budget(), *,
            use_fit: bool = True, options: CompareOptions | None = None) -> ExplainResult:
    """Which change of ``flags`` makes tracediff's model print the candidate's (and the reference's) values."""
    search = Search(Runner(flags, budget), load_table())  # the clock starts before the comparison
    options = replace(options or CompareOptions(), keep_all=True, first_only=False)
    comparison = compare_logs(reference, candidate, options)
    cand_target, ref_target = targets(comparison.rows, Path(reference), Path(candidate))
    if cand_target.diverging:
        search.baseline = search.runner.run(Scenario())
        try_table(search)
    sides = [_side(search, t, use_fit) for t in (cand_target, ref_target)]
    return ExplainResult(Path(reference), Path(candidate), sides[0], sides[1], search.runner.runs,
                         round(search.runner.seconds, 3), budget.max_runs, budget.max_seconds, search.spent)
