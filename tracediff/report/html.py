"""``--format html``: one self-contained page (inline SVG and CSS, no script, nothing fetched).

Three parts: the headline with the root causes; the dataflow graph over the fields the trace
prints, every node coloured by its status; and the significant digits of agreement of every row in
trace order, the catalogue's blocks shaded and each row's tolerance drawn as a line. The graph's
layers come from networkx (``topological_generations``, ``multipartite_layout``); the page draws
them as SVG itself. No torch here.
"""

from __future__ import annotations

import math
from html import escape

from tracediff.catalogue import fields_named
from tracediff.catalogue.graph import Graph
from tracediff.compare.result import Comparison, FieldResult
from tracediff.compare.status import Status
from tracediff.explain.result import ExplainResult
from tracediff.report.text import counts_line, headline
from tracediff.rootcause.classify import ROOT, Analysis, root_causes, row_node, row_role

#: node status -> fill colour (the legend prints this table)
COLOURS = {
    "match": "#8fd19e", "root": "#d62728", "inherited": "#ff9f40", "amplified": "#b35900",
    "absorbed": "#ffd8a8", "diverged": "#d62728", "waived": "#f2e34c", "missing": "#c8c8c8",
}
_CSS = """body{font-family:sans-serif;margin:1.5em;color:#222}h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.5em}
.headline{white-space:pre-wrap;font-family:monospace;background:#f6f6f6;padding:.6em}
.legend span{display:inline-block;padding:.1em .5em;margin-right:.4em;border:1px solid #888}
svg text{font-family:monospace}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}"""


def node_status(rows: list[FieldResult], analysis: Analysis | None) -> str:
    """One status per graph node: its cause's kind when it diverged, else the worst of its rows."""
    roles = {row_role(r) for r in rows}
    if "diverged" in roles:
        cause = analysis.causes.get(row_node(rows[0])) if analysis else None
        return cause.kind if cause else "diverged"
    statuses = {r.status for r in rows}
    if any(s.missing or s is Status.EXTRA for s in statuses):
        return "missing"
    return "waived" if Status.WAIVED in statuses else "match"


def render_html(comparison: Comparison, graph: Graph | None, explanations: ExplainResult | None = None) -> str:
    """The whole page (with ``explanations``, from ``compare --explain``, their ranked list)."""
    analysis = root_causes(comparison, graph) if graph is not None and comparison.failed else None
    by_node: dict[str, list[FieldResult]] = {}
    for row in comparison.rows:
        by_node.setdefault(row_node(row), []).append(row)
    status = {name: node_status(rows, analysis) for name, rows in by_node.items()}
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>tracediff: {escape(str(comparison.ref_path))} vs {escape(str(comparison.cand_path))}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>tracediff: {comparison.verdict.upper()}</h1>",
        f"<div class='headline' id='headline'>{escape(headline(comparison))}\n{escape(counts_line(comparison))}</div>",
        _causes_section(analysis),
        _extras_section(comparison, analysis),
        _explanations_section(explanations),
        _legend(),
        "<h2>Dataflow graph</h2>",
        _graph_svg(graph, by_node, status) if graph is not None else "<p>No dataflow graph for this comparison "
        "(use <code>--profile nanobragg</code> or declare <code>[tool.tracediff.graph]</code>).</p>",
        "<h2>Significant digits of agreement, in trace order</h2>",
        _digits_svg(comparison.rows, status),
        "</body></html>",
    ]
    return "\n".join(parts)


def _causes_section(analysis: Analysis | None) -> str:
    if analysis is None or not analysis.roots:
        return ""
    items = "".join(
        f"<tr class='root-cause'><td>{escape(r.node)}</td><td>{r.row.ref_line or ''}</td>"
        f"<td>{len(r.explained)}</td><td>{escape(', '.join(x.qualified_label for x in r.attributed[:12]))}"
        f"{' ...' if len(r.attributed) > 12 else ''}</td></tr>"
        for r in analysis.roots)
    return (f"<h2 id='root-cause-headline'>{escape(analysis.headline())}</h2><table id='root-causes'><tr><th>root cause</th>"
            f"<th>ref line</th><th>explains</th><th>grouped under it</th></tr>{items}</table>")


def _extras_section(comparison: Comparison, analysis: Analysis | None) -> str:
    """Stage replay (the stages that add an error) and the self-check hints, one line each."""
    if analysis is None or not analysis.causes:
        return ""
    from tracediff.rootcause.render import Extras

    lines = Extras.of(comparison, analysis).lines()
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return f"<h2>Stage replay and self-check</h2><ul id='stage-replay'>{items}</ul>" if lines else ""


def _explanations_section(explanations: ExplainResult | None) -> str:
    """What tracediff explain found for the candidate: each change, what it explains, its residual."""
    if explanations is None:
        return ""
    side = explanations.candidate_side
    if not side.explanations:
        return f"<h2>Explanations</h2><p id='explanations'>{escape(side.verdict)}</p>"
    items = "".join(
        f"<tr class='explanation'><td>{rank}</td><td>{escape(e.change)}</td>"
        f"<td>{escape(', '.join((*e.explains, *e.unit_errors)))}</td><td>{e.residual:.3g}</td>"
        f"<td>{e.confidence:.2f}</td><td>{escape(', '.join(e.unexplained))}</td></tr>"
        for rank, e in enumerate(side.explanations, 1))
    return (f"<h2>Explanations ({escape(side.verdict)})</h2><table id='explanations'><tr><th>#</th><th>change</th>"
            f"<th>explains</th><th>residual</th><th>confidence</th><th>leaves unexplained</th></tr>{items}</table>")



def _legend() -> str:
    spans = "".join(f"<span style='background:{c}'>{k}</span>" for k, c in COLOURS.items() if k != "diverged")
    return f"<p class='legend'>{spans}</p>"


def _layers(graph: Graph, present: list[str]) -> tuple[dict[str, tuple[float, float]], list[tuple[str, str]]]:
    """Positions (x = layer, y = place in it) and edges of the graph contracted to the printed nodes."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(present)
    keep = set(present)
    edges = [(i, n) for n in present for i in sorted(graph.effective_inputs(n, keep))]
    g.add_edges_from(edges)
    for depth, layer in enumerate(nx.topological_generations(g)):
        for name in layer:
            g.nodes[name]["layer"] = depth
    pos = nx.multipartite_layout(g, subset_key="layer", align="vertical", scale=1.0)
    return {n: (float(p[0]), float(p[1])) for n, p in pos.items()}, edges


def _graph_svg(graph: Graph, by_node: dict[str, list[FieldResult]], status: dict[str, str]) -> str:
    names = list(by_node)
    pos, edges = _layers(graph, names)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    layers = len(set(round(x, 6) for x in xs)) or 1
    per_layer = max((sum(1 for x in xs if round(x, 6) == round(v, 6)) for v in set(xs)), default=1)
    width, height = 170 * layers + 40, 22 * per_layer + 40

    def at(name: str) -> tuple[float, float]:
        x, y = pos[name]
        span_x = (max(xs) - min(xs)) or 1.0
        span_y = (max(ys) - min(ys)) or 1.0
        return 20 + (x - min(xs)) / span_x * (width - 190), 20 + (y - min(ys)) / span_y * (height - 40)

    out = [f"<svg id='graph' xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
           f"viewBox='0 0 {width} {height}'>"]
    for src, dst in edges:
        (x1, y1), (x2, y2) = at(src), at(dst)
        out.append(f"<line x1='{x1 + 150:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' y2='{y2:.1f}' stroke='#999' "
                   f"stroke-width='0.6'/>")
    for name in names:
        x, y = at(name)
        kind = status[name]
        out.append(f"<g class='node' data-field='{escape(name, quote=True)}' data-status='{kind}'>"
                   f"<title>{escape(name)}: {kind}</title><rect x='{x:.1f}' y='{y - 8:.1f}' width='150' height='16' "
                   f"rx='3' fill='{COLOURS[kind]}' stroke='#555' stroke-width='{1.8 if kind == ROOT else 0.5}'/>"
                   f"<text x='{x + 4:.1f}' y='{y + 4:.1f}' font-size='10'>{escape(name[:22])}</text></g>")
    out.append("</svg>")
    return "".join(out)


def _block(row: FieldResult) -> str:
    found = fields_named(row.field)
    wanted = {"TRACE_PHI": "phi", "TRACE_SOURCE2": "source2", "TRACE_TAP5": "tap5"}.get(row.family)
    for spec in found:
        if wanted is None or spec.block == wanted:
            return spec.block
    return "other"


_STEP, _HEIGHT, _TOP = 6, 220, 20  # chart: bar width, height and margin (px)


def _y(digits: float) -> float:
    """The chart's vertical scale: 17 digits (identical) at the top, 0 at the bottom."""
    return _TOP + (17 - digits) / 17 * (_HEIGHT - 2 * _TOP)


def _bands(rows: list[FieldResult]) -> list[str]:
    """One shaded band per run of rows of the same catalogue block."""
    out, start = [], 0
    blocks = [_block(r) for r in rows]
    for i in range(1, len(blocks) + 1):
        if i == len(blocks) or blocks[i] != blocks[start]:
            shade = "#e8e8e8" if len(out) % 2 == 0 else "#f8f8f8"
            out.append(f"<rect class='block' data-block='{blocks[start]}' x='{40 + start * _STEP}' y='{_TOP}' "
                       f"width='{(i - start) * _STEP}' height='{_HEIGHT - 2 * _TOP}' fill='{shade}'>"
                       f"<title>{blocks[start]}</title></rect>")
            start = i
    return out


def _digits_svg(rows: list[FieldResult], status: dict[str, str]) -> str:
    """One bar per row: digits of agreement (17 = identical); grey bands: blocks; line: the tolerance."""
    width = max(200, _STEP * len(rows) + 60)
    out = [f"<svg id='digits' xmlns='http://www.w3.org/2000/svg' width='{width}' height='{_HEIGHT + 20}'>",
           *_bands(rows)]
    tolerance = []
    for i, row in enumerate(rows):
        digits = 17 if row.digits is None and row_role(row) != "diverged" else (row.digits or 0)
        kind = status.get(row_node(row), "match")
        y, x = _y(digits), 40 + i * _STEP
        out.append(f"<rect class='bar' data-field='{escape(row.qualified_label, quote=True)}' x='{x}' y='{y:.1f}' "
                   f"width='{_STEP - 1}' height='{_HEIGHT - _TOP - y:.1f}' fill='{COLOURS.get(kind, '#888')}'>"
                   f"<title>{escape(row.qualified_label)}: {digits} digits ({kind})</title></rect>")
        required = _y(min(17.0, -math.log10(row.rtol))) if row.rtol > 0 else _y(17)
        tolerance.append(f"{x},{required:.1f} {x + _STEP},{required:.1f}")
    out.append(f"<polyline id='tolerance' points='{' '.join(tolerance)}' fill='none' stroke='#1f77b4' "
               f"stroke-width='1.2'><title>tolerance (digits the rule requires)</title></polyline>")
    out += [f"<text x='2' y='{_y(d) + 4:.1f}' font-size='10'>{d}</text>" for d in (0, 5, 10, 15, 17)]
    out.append("</svg>")
    return "".join(out)
