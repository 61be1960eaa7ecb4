"""A compact Markdown report for a pull-request comment or a log of runs (``--append``):
the verdict, the headline, the failing rows, the counts; every row with ``show_all``."""

from __future__ import annotations

from collections.abc import Sequence

from tracediff.compare.result import Comparison
from tracediff.hints.facts import Hint
from tracediff.report.table import error_text
from tracediff.report.text import ROW_LIMIT, counts_line, headline, rule_legend, selected_rows
from tracediff.report.values import fmt_value

VALUE_LIMIT = 60


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(comparison: Comparison, *, diverged_only: bool = False, show_all: bool = False,
                    hints: Sequence[Hint] = (), **_: object) -> str:
    icon = "✅" if not comparison.failed else "❌"
    lines = [f"### {icon} tracediff: {comparison.verdict}", "", "```", headline(comparison, 120), "```", ""]
    rows = selected_rows(comparison, show_all=show_all, diverged_only=diverged_only)
    hidden = 0 if show_all else max(0, len(rows) - ROW_LIMIT)
    rows = rows[:len(rows) - hidden]
    if rows:
        legend = rule_legend(rows)
        lines += ["| status | field | lines | reference | candidate | rel err | rule |",
                  "|---|---|---|---|---|---|---|"]
        for r in rows:
            lines.append("| " + " | ".join(_cell(x) for x in (
                r.status.label, r.qualified_label, f"{r.ref_line or '-'}:{r.cand_line or '-'}",
                fmt_value(r.ref_value, VALUE_LIMIT, r.component), fmt_value(r.cand_value, VALUE_LIMIT, r.component),
                error_text(r), str(legend.get(r.rule, "")),
            )) + " |")
        lines += [f"| … | {hidden} more rows (`--all`) | | | | | |"] if hidden else []
        lines += [""] + [f"{n}. {_cell(rule)}" for rule, n in legend.items()] + [""]
        notes = sorted({r.note for r in rows if r.note})
        lines += [f"- {_cell(note)}" for note in notes] + ([""] if notes else [])
    if hints:
        lines += ["**Hints:**"] + [f"- {_cell(h.message)}" for h in hints] + [""]
    if comparison.unused_waivers:
        lines += ["**Unused waivers:**"] + [f"- {_cell(w)}" for w in comparison.unused_waivers] + [""]
    lines.append(f"**Counts:** {counts_line(comparison)}")
    return "\n".join(lines) + "\n"
