"""Root causes in the reports: the headline and a grouped table for ``table``, keys for ``json``.

The comparison's own renderers stay as they are; :func:`render_report` puts the root causes in
front (table), adds ``root_causes`` and each row's ``cause`` (JSON), or writes the HTML page, when
there is a graph. Without one it is :func:`tracediff.report.render` unchanged.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from tracediff.catalogue.graph import Graph
from tracediff.compare.result import Comparison
from tracediff.report import render
from tracediff.report.values import fmt_error, fmt_value
from tracediff.check.engine import FAIL, check_identity
from tracediff.check.identities import IDENTITIES
from tracediff.check.values import TraceValues, read_values
from tracediff.rootcause.classify import Analysis, root_causes
from tracediff.rootcause.replay import THIS_STAGE, StageReplay, replay_stages



def render_causes(analysis: Analysis, *, width: int = 200, color: bool = False) -> str:
    """The root-cause headline and the diverged rows grouped under their primary root."""
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=color, color_system="auto" if color else None)
    console.print(analysis.headline(), markup=False, highlight=False, soft_wrap=True)  # one line: greppable
    table = Table(show_lines=False, expand=False)
    for name in ("cause", "field", "ref line", "reference", "candidate", "rel err", "classified as"):
        table.add_column(name, overflow="fold")
    for root in analysis.roots:
        flags = f" (reads {', '.join(root.params[:4])})" if root.params else ""
        table.add_row("[bold red]ROOT[/]", root.row.qualified_label, str(root.row.ref_line or ""),
                      fmt_value(root.row.ref_value, 40), fmt_value(root.row.cand_value, 40),
                      fmt_error(root.row.rel_error), f"root cause{flags}")
        for row in root.attributed:
            cause = analysis.cause_of(row)
            assert cause is not None
            also = [r for r in cause.roots if r != root.node]
            kind = cause.kind + (f" (also {', '.join(also)})" if also else "")
            table.add_row("", f"  └ {row.qualified_label}", str(row.ref_line or ""), fmt_value(row.ref_value, 40),
                          fmt_value(row.cand_value, 40), fmt_error(row.rel_error), kind)
    console.print(table)
    return out.getvalue()


def self_check_hints(sides: tuple[TraceValues, TraceValues]) -> list[str]:
    """``tracediff check`` on both logs: the identities each side's own trace breaks."""
    hints = []
    for side, values in zip(("reference", "candidate"), sides):
        for identity in IDENTITIES:
            result = check_identity(identity, values)
            if result.status == FAIL:
                hints.append(f"the {side}'s own trace breaks {identity.name} ({identity.description}): {result.detail}")
    return hints


#: stage replay and self-check read both logs again: above this many lines together they are skipped
MAX_REPLAY_LINES = 200_000


@dataclass
class Extras:
    """What the reports add with a graph: stage replay and the self-consistency hints."""

    stages: list[StageReplay]
    hints: list[str]
    skipped: str = ""

    @classmethod
    def of(cls, comparison: Comparison, analysis: Analysis, paths: tuple[Path, Path] | None = None) -> "Extras":
        """``paths``: where the logs can be read again (a spooled standard input), if not their names."""
        lines = comparison.ref_lines + comparison.cand_lines
        if lines > MAX_REPLAY_LINES:
            return cls([], [], f"stage replay and self-check skipped: {lines} lines (run tracediff check on each log)")
        ref_path, cand_path = paths or (comparison.ref_path, comparison.cand_path)
        sides = (read_values(ref_path), read_values(cand_path))
        return cls(replay_stages(comparison, analysis, sides), self_check_hints(sides))

    def lines(self) -> list[str]:
        flagged = [s for s in self.stages if s.verdict == THIS_STAGE]
        return ([f"stage replay: {s.describe()}" for s in flagged] + [f"hint: {h}" for h in self.hints]
                + ([f"note: {self.skipped}"] if self.skipped else []))


def annotate_json(document: dict, comparison: Comparison, analysis: Analysis, extras: Extras | None = None) -> dict:
    """``root_causes`` and every row's ``cause`` (null for rows that did not diverge), the stage replay
    and the self-check hints."""
    document["root_causes"] = analysis.to_json()
    document["possible_root_causes"] = analysis.possible_roots
    if extras is not None:
        document["stage_replay"] = [s.to_json() for s in extras.stages]
        document["self_check"] = extras.hints
        if extras.skipped:
            document["stage_replay_skipped"] = extras.skipped
    for entry, row in zip(document["fields"], comparison.rows):
        cause = analysis.cause_of(row)
        entry["cause"] = cause.to_json() if cause else None
    return document


def render_report(comparison: Comparison, fmt: str, graph: Graph | None, *,
                  read_paths: tuple[Path, Path] | None = None, **options: object) -> str:
    """The report in ``fmt`` (``table``, ``json``, ``markdown``, ``junit`` or ``html``), with root causes
    when ``graph`` is given and the comparison diverged (``read_paths``: see :meth:`Extras.of`)."""
    if fmt == "html":
        from tracediff.report.html import render_html

        return render_html(comparison, graph)
    text = render(comparison, fmt, **options)
    if graph is None or not comparison.failed:
        return text
    analysis = root_causes(comparison, graph)
    if fmt not in ("json", "table") or not analysis.causes:
        return text
    extras = Extras.of(comparison, analysis, read_paths)
    if fmt == "json":
        document = annotate_json(json.loads(text), comparison, analysis, extras)
        return json.dumps(document, indent=2, ensure_ascii=False)
    width = options.get("width", 200)
    causes = render_causes(analysis, width=width if isinstance(width, int) else 200, color=bool(options.get("color")))
    return causes + "".join(line + "\n" for line in extras.lines()) + text
