"""Text forms of an :class:`~tracediff.explain.result.ExplainResult`: the report and the one-line hint."""

from __future__ import annotations

from collections.abc import Sequence

from tracediff.explain.result import NOTHING, REPRODUCED, Explanation, ExplainResult, SideResult
from tracediff.hints.facts import Hint

SHOWN_FIELDS = 8  #: field names listed per line before "and N more"


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:SHOWN_FIELDS])
    return shown + (f" and {len(names) - SHOWN_FIELDS} more" if len(names) > SHOWN_FIELDS else "")


def _explanation(rank: int, e: Explanation) -> list[str]:
    lines = [f"  {rank}. {e.change}   [{e.source}]",
             f"     residual {e.residual:.3g}, confidence {e.confidence:.2f}, {e.digits:g} digits gained ({e.rule})"]
    if e.explains:
        lines.append(f"     explains {len(e.explains)}: {_names(e.explains)}")
    if e.unit_errors:
        lines.append(f"     print-only unit errors: {_names(e.unit_errors)}")
    if e.unexplained:
        lines.append(f"     leaves unexplained {len(e.unexplained)}: {_names(e.unexplained)}")
    if e.not_checked:
        lines.append(f"     not printed by its run (not checked) {len(e.not_checked)}: {_names(e.not_checked)}")
    if e.broken:
        lines.append(f"     breaks {len(e.broken)} agreeing: {_names(e.broken)}")
    return lines


def _side(side: SideResult, top: int) -> list[str]:
    lines = [f"{side.side}: {side.verdict}"]
    if side.verdict in (NOTHING, REPRODUCED):
        return lines
    for rank, e in enumerate(side.explanations[:top], 1):
        lines += _explanation(rank, e)
    if len(side.explanations) > top:
        lines.append(f"  ({len(side.explanations) - top} more; --top to show them)")
    return lines


def render_text(result: ExplainResult, top: int = 5) -> str:
    """The ranked explanations of both sides and what the search cost."""
    n = len(result.candidate_side.diverging)
    lines = [f"tracediff explain: {result.candidate} against {result.reference}: "
             + (NOTHING if result.nothing_to_explain else f"{n} field(s) diverge")]
    if not result.nothing_to_explain:
        lines += _side(result.candidate_side, top) + _side(result.reference_side, top)
    stop = " (stopped at the budget: the list may be incomplete)" if result.budget_spent else ""
    lines.append(f"search: {result.runs} model run(s) in {result.seconds:.1f} s "
                 f"(budget {result.max_runs} runs, {result.max_seconds:g} s){stop}")
    return "\n".join(lines) + "\n"


def render_hint(result: ExplainResult) -> str:
    """One line for ``compare --explain``: the candidate's top explanation, or why there is none."""
    side = result.candidate_side
    if result.nothing_to_explain:
        return "hint: explain: nothing to explain\n"
    if side.top is None:
        return f"hint: explain: {side.verdict}; no change in the table or the fit reproduces any diverging field\n"
    e = side.top
    covered = len(e.explains) + len(e.unit_errors)
    return (f"hint: explain: {e.change} reproduces {covered} of {len(side.diverging)} diverging field(s) "
            f"(residual {e.residual:.3g}, confidence {e.confidence:.2f}; {side.verdict}); "
            "`tracediff explain` ranks the others\n")


def explain_as_hint(result: ExplainResult) -> Hint:
    """The top explanation as one of compare's hints (text, Markdown and JSON list it)."""
    side = result.candidate_side
    evidence = (f"{result.runs} model run(s) in {result.seconds:.1f} s; "
                + (f"{len(side.explanations)} explanation(s) ranked" if side.explanations else side.verdict))
    return Hint("explain", render_hint(result).removeprefix("hint: ").strip(), evidence)
