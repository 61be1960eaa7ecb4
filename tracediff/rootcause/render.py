"""Root causes in the reports: the headline and a grouped table for ``table``, keys for ``json``.

The comparison's own renderers stay as they are; :func:`render_report` puts the root causes in
front (table), adds ``root_causes`` and each row's ``cause`` (JSON), or writes the HTML page, when
there is a graph. Without one it is :func:`tracediff.report.render` unchanged.
"""

from __future__ import annotations

import io
import json

from rich.console import Console
from rich.table import Table

from tracediff.catalogue.graph import Graph
from tracediff.compare.result import Comparison, FieldResult
from tracediff.report import render
from tracediff.report.values import fmt_error, fmt_value
from tracediff.rootcause.classify import Analysis, root_causes


def _label(row: FieldResult) -> str:
    return row.label if row.family == "TRACE" else f"{row.family}:{row.label}"


def render_causes(analysis: Analysis, *, width: int = 200, color: bool = False) -> str:
    """The root-cause headline and the diverged rows grouped under their primary root."""
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=color, color_system="auto" if color else None)
    console.print(analysis.headline(), markup=False, highlight=False)
    table = Table(show_lines=False, expand=False)
    for name in ("cause", "field", "ref line", "reference", "candidate", "rel err", "classified as"):
        table.add_column(name, overflow="fold")
    for root in analysis.roots:
        flags = f" (reads {', '.join(root.params[:4])})" if root.params else ""
        table.add_row("[bold red]ROOT[/]", _label(root.row), str(root.row.ref_line or ""),
                      fmt_value(root.row.ref_value, 40), fmt_value(root.row.cand_value, 40),
                      fmt_error(root.row.rel_error), f"root cause{flags}")
        for row in root.attributed:
            cause = analysis.cause_of(row)
            assert cause is not None
            also = [r for r in cause.roots if r != root.node]
            kind = cause.kind + (f" (also {', '.join(also)})" if also else "")
            table.add_row("", f"  └ {_label(row)}", str(row.ref_line or ""), fmt_value(row.ref_value, 40),
                          fmt_value(row.cand_value, 40), fmt_error(row.rel_error), kind)
    console.print(table)
    return out.getvalue()


def annotate_json(document: dict, comparison: Comparison, analysis: Analysis) -> dict:
    """``root_causes`` and every row's ``cause`` (null for rows that did not diverge)."""
    document["root_causes"] = analysis.to_json()
    document["possible_root_causes"] = analysis.possible_roots
    for entry, row in zip(document["fields"], comparison.rows):
        cause = analysis.cause_of(row)
        entry["cause"] = cause.to_json() if cause else None
    return document


def render_report(comparison: Comparison, fmt: str, graph: Graph | None, **options: object) -> str:
    """The report in ``fmt`` (``table``, ``json``, ``markdown``, ``junit`` or ``html``), with root causes
    when ``graph`` is given and the comparison diverged."""
    if fmt == "html":
        from tracediff.report.html import render_html

        return render_html(comparison, graph)
    text = render(comparison, fmt, **options)
    if graph is None or not comparison.failed:
        return text
    analysis = root_causes(comparison, graph)
    if fmt == "json":
        return json.dumps(annotate_json(json.loads(text), comparison, analysis), indent=2, ensure_ascii=False)
    if fmt == "table" and analysis.roots:
        width = options.get("width", 200)
        return render_causes(analysis, width=width if isinstance(width, int) else 200,
                             color=bool(options.get("color"))) + text
    return text
