"""A Markdown report: the headline and a table, ready for a pull-request comment."""

from __future__ import annotations

from tracediff.compare.result import Comparison
from tracediff.compare.status import Status
from tracediff.report.text import counts_line, headline
from tracediff.report.values import fmt_error, fmt_value


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(comparison: Comparison, *, diverged_only: bool = False, **_: object) -> str:
    icon = "✅" if not comparison.failed else "❌"
    lines = [f"### {icon} tracediff: {comparison.verdict}", "", "```", headline(comparison), "```", "",
             f"**Counts:** {counts_line(comparison)}", ""]
    rows = [r for r in comparison.rows if not diverged_only or r.status is not Status.MATCHED]
    if rows:
        lines += ["| status | field | ref line | cand line | reference | candidate | rel err | rule / note |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in rows:
            lines.append("| " + " | ".join(_cell(x) for x in (
                r.status.label, f"{r.family}:{r.label}", str(r.ref_line or ""), str(r.cand_line or ""),
                fmt_value(r.ref_value, 60), fmt_value(r.cand_value, 60), fmt_error(r.rel_error),
                r.note or r.rule,
            )) + " |")
    if comparison.unused_waivers:
        lines += ["", "**Unused waivers:**"] + [f"- {_cell(w)}" for w in comparison.unused_waivers]
    return "\n".join(lines) + "\n"
