"""Classify every diverged field as a root cause or a consequence, through the dataflow graph.

A diverged field is a **root** when every input the trace prints agrees (or it has none), and
**inherited** when at least one input diverged; an inherited field whose relative error is more
than :data:`GROWTH` times its diverged inputs' largest is **amplified**, less than 1/GROWTH times
**absorbed**. Waived fields count as agreeing (the waiver explains them). A field that only one side
prints where the other must print it too (the candidate's extra lines, a required field missing)
differs as much as a diverged one: a ``-misset`` the candidate has and the reference lacks shows as
``misset angles`` printed by one side only. Fields the candidate need not print (optional missing)
are looked through, like fields the trace never prints. Every inherited field is attributed to the
root causes it descends from; its *primary* root is the first of them in trace order.

A table lookup (``F_cell`` indexed by ``hkl_rounded``) whose only diverged inputs are its index is
ambiguous from two traces: another entry of the same table, or another table. It is classified as
inherited (a root is never invented) and listed as a *possible* root cause.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from tracediff.catalogue.graph import Graph, node_name
from tracediff.compare.result import Comparison, FieldResult
from tracediff.compare.status import Status
from tracediff.trace.record import json_number

#: error growth across one stage that makes an inherited field amplified (or, inverted, absorbed)
GROWTH = 10.0

ROOT, INHERITED, AMPLIFIED, ABSORBED = "root", "inherited", "amplified", "absorbed"

#: what each row status means here: a one-sided row the other side must print differs
_STATUS_ROLE = {
    Status.MATCHED: "agree", Status.WAIVED: "agree", Status.DIVERGED: "diverged",
    Status.MISSING_REQUIRED: "diverged", Status.EXTRA: "diverged", Status.MISSING_OPTIONAL: "absent",
}


def row_role(row: FieldResult) -> str:
    """``agree``, ``diverged`` or ``absent``: how a row enters the walk."""
    return _STATUS_ROLE[row.status]


def row_node(row: FieldResult) -> str:
    return node_name(row.family, row.field)


def _graph_role(row: FieldResult, graph: Graph) -> str:
    """:func:`row_role`, where a one-sided row counts as diverged only if the graph knows its field: a
    port's own extra lines (``TRICUBIC[...]``, ``r_e^2``) are not the program's dataflow, so they are
    looked through, never made root causes."""
    one_sided = row.status in (Status.EXTRA, Status.MISSING_REQUIRED)
    return "absent" if one_sided and row_node(row) not in graph else row_role(row)


@dataclass
class Cause:
    """Why one diverged field diverged."""

    node: str
    kind: str  #: root | inherited | amplified | absorbed
    roots: tuple[str, ...]  #: the root causes it descends from, in trace order (itself for a root)
    diverged_inputs: tuple[str, ...] = ()
    growth: float | None = None  #: its relative error over its diverged inputs' largest
    possible_root: bool = False  #: a table lookup whose only diverged inputs are its index

    @property
    def primary(self) -> str:
        return self.roots[0]

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "root": self.primary, "roots": list(self.roots),
                "diverged_inputs": list(self.diverged_inputs),
                "growth": None if self.growth is None or not math.isfinite(self.growth) else self.growth,
                "possible_root": self.possible_root}


@dataclass
class RootCause:
    """One root cause, the diverged rows it explains (it is one of their roots) and those attributed to
    it (it is their primary root: the table groups them under it)."""

    node: str
    row: FieldResult  #: its first diverged row
    explained: list[FieldResult] = field(default_factory=list)
    attributed: list[FieldResult] = field(default_factory=list)
    params: tuple[str, ...] = ()  #: the flags it reads directly (candidates for the cause)

    def to_json(self) -> dict[str, Any]:
        return {"field": self.node, "label": self.row.label, "family": self.row.family,
                "ref_line": self.row.ref_line, "cand_line": self.row.cand_line,
                "rel_error": None if self.row.rel_error is None else json_number(self.row.rel_error),
                "explains": len(self.explained),
                "explained": [r.qualified_label for r in self.explained],
                "reads_flags": list(self.params)}


@dataclass
class Analysis:
    """The root causes of a comparison, in trace order, and the cause of every diverged node."""

    graph: Graph
    roots: list[RootCause]
    causes: dict[str, Cause]
    complete: bool = True  #: every compared row was kept (else agreeing inputs may be unseen: use --all)

    @property
    def possible_roots(self) -> list[str]:
        """Inherited table lookups that may be root causes of their own (see the module docstring)."""
        return [name for name, cause in self.causes.items() if cause.possible_root]

    def cause_of(self, row: FieldResult) -> Cause | None:
        return self.causes.get(row_node(row)) if row_role(row) == "diverged" else None

    def headline(self) -> str:
        if not self.roots:
            return ""
        parts = [f"{r.node} (explains {len(r.explained)} downstream field{'s' if len(r.explained) != 1 else ''})"
                 for r in self.roots]
        n = len(self.roots)
        maybe = self.possible_roots
        also = f"; possibly also {', '.join(maybe)} (a table lookup whose index moved)" if maybe else ""
        partial = "" if self.complete else " [only the rows that did not match were kept: rerun with --all]"
        return f"ROOT CAUSE{'S' if n != 1 else ''} ({n}): " + ", ".join(parts) + also + partial

    def to_json(self) -> list[dict[str, Any]]:
        return [r.to_json() for r in self.roots]


def _node_rows(comparison: Comparison) -> dict[str, list[FieldResult]]:
    out: dict[str, list[FieldResult]] = {}
    for row in comparison.rows:
        out.setdefault(row_node(row), []).append(row)
    return out


def _node_error(rows: list[FieldResult]) -> float:
    errors = [r.rel_error for r in rows if row_role(r) == "diverged" and r.rel_error is not None]
    return max(errors) if errors else math.inf


def root_causes(comparison: Comparison, graph: Graph) -> Analysis:
    """Classify every diverged row of ``comparison`` through ``graph`` (see the module docstring)."""
    by_node = _node_rows(comparison)
    order = {name: i for i, name in enumerate(by_node)}  # trace order of first appearance
    present = {n for n, rows in by_node.items() if any(_graph_role(r, graph) != "absent" for r in rows)}
    diverged = {n for n, rows in by_node.items() if any(_graph_role(r, graph) == "diverged" for r in rows)}
    causes: dict[str, Cause] = {}

    def classify(name: str) -> Cause:
        if name in causes:
            return causes[name]
        bad = sorted(graph.effective_inputs(name, present) & diverged, key=order.__getitem__)
        if not bad:
            cause = Cause(name, ROOT, (name,))
        else:
            roots = sorted({r for i in bad for r in classify(i).roots}, key=order.__getitem__)
            inputs_error = max(_node_error(by_node[i]) for i in bad)
            growth = _node_error(by_node[name]) / inputs_error if inputs_error not in (0.0, math.inf) else None
            kind = INHERITED
            if growth is not None and math.isfinite(growth):
                kind = AMPLIFIED if growth > GROWTH else ABSORBED if growth < 1 / GROWTH else INHERITED
            lookup = set(bad) <= set(graph.selectors(name))
            cause = Cause(name, kind, tuple(roots), tuple(bad), growth, possible_root=lookup)
        causes[name] = cause
        return cause

    for name in sorted(diverged, key=order.__getitem__):
        classify(name)
    roots = {n: RootCause(n, _first_diverged(by_node[n]), params=graph.params(n))
             for n in sorted(diverged, key=order.__getitem__) if causes[n].kind == ROOT}
    for row in comparison.rows:
        cause = causes.get(row_node(row)) if row_role(row) == "diverged" else None
        if cause is not None and cause.kind != ROOT:
            roots[cause.primary].attributed.append(row)
            for root in cause.roots:
                roots[root].explained.append(row)
    return Analysis(graph, list(roots.values()), causes, complete=comparison.rows_complete)


def _first_diverged(rows: list[FieldResult]) -> FieldResult:
    return next(r for r in rows if row_role(r) == "diverged")
