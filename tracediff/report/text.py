"""The terminal table (rich), the one-line summary and the JSON document."""

from __future__ import annotations

import io
import json

from rich.console import Console
from rich.table import Table

from tracediff.compare.result import Comparison, FieldResult
from tracediff.compare.status import Status
from tracediff.report.values import fmt_error, fmt_value

STATUS_STYLE = {
    Status.MATCHED: "green", Status.DIVERGED: "bold red", Status.MISSING_REQUIRED: "red",
    Status.MISSING_OPTIONAL: "dim", Status.WAIVED: "yellow", Status.EXTRA: "cyan",
}


def headline(comparison: Comparison) -> str:
    """The first divergence in one or two lines, or the agreement."""
    c = comparison.counts
    if not comparison.failed:
        extra = f", {c.waived} waived" if c.waived else ""
        return f"MATCH: {c.compared} fields agree{extra} ({comparison.ref_path} vs {comparison.cand_path})"
    fd = comparison.first_divergence
    if fd is None:
        if comparison.counts.compared == 0:
            return "FAIL: no field was compared (check --only/--ignore, or are these the right logs?)"
        if comparison.unused_waivers:
            return f"FAIL (--strict): {len(comparison.unused_waivers)} waiver(s) matched nothing"
        return "DIVERGED"
    where = f"{fd.family} {fd.label}"
    if fd.status.missing:
        return f"FIRST DIVERGENCE: {where} (reference line {fd.ref_line}) is missing from the candidate"
    comp = f" component {fd.component}" if fd.component is not None else ""
    return (
        f"FIRST DIVERGENCE: {where}{comp} at reference line {fd.ref_line}, candidate line {fd.cand_line}\n"
        f"  reference: {fmt_value(fd.ref_value, 200)}\n"
        f"  candidate: {fmt_value(fd.cand_value, 200)}\n"
        f"  abs error {fmt_error(fd.abs_error)}, rel error {fmt_error(fd.rel_error)}, "
        f"{fd.digits if fd.digits is not None else 0} significant digits agree"
        + (f"  ({fd.note})" if fd.note else "")
    )


def counts_line(comparison: Comparison) -> str:
    c = comparison.counts
    return (
        f"{c.compared} compared, {c.diverged} diverged, {c.only_in_ref} only in reference, "
        f"{c.only_in_cand} only in candidate, {c.waived} waived"
    )


def render_quiet(comparison: Comparison, **_: object) -> str:
    first = comparison.first_divergence
    where = f"; first: {first.family} {first.label} (line {first.ref_line})" if first and comparison.failed else ""
    return f"{comparison.verdict.upper()}: {counts_line(comparison)}{where}"


def _rows(comparison: Comparison, diverged_only: bool) -> list[FieldResult]:
    if diverged_only:
        return [r for r in comparison.rows if r.status is not Status.MATCHED]
    return comparison.rows


def render_table(comparison: Comparison, *, diverged_only: bool = False, width: int = 200, color: bool = False, **_: object) -> str:
    table = Table(title=None, show_lines=False, expand=False)
    for name, style in (("status", None), ("field", "bold"), ("ref line", "dim"), ("cand line", "dim"),
                        ("reference", None), ("candidate", None), ("abs err", None), ("rel err", None), ("digits", None),
                        ("decided by", "dim")):
        table.add_column(name, style=style, overflow="fold")
    for row in _rows(comparison, diverged_only):
        table.add_row(
            f"[{STATUS_STYLE[row.status]}]{row.status.label}[/]",
            f"{row.family}:{row.label}" if row.family != "TRACE" else row.label,
            str(row.ref_line or ""), str(row.cand_line or ""),
            fmt_value(row.ref_value, 48), fmt_value(row.cand_value, 48),
            fmt_error(row.abs_error), fmt_error(row.rel_error),
            "" if row.digits is None else str(row.digits),
            row.note or row.rule,
        )
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=color, color_system="auto" if color else None)
    console.print(headline(comparison), markup=False, highlight=False)
    console.print(table)
    if not comparison.rows_complete:
        console.print("(showing the fields that did not match; use --all for every row)", markup=False)
    for note in comparison.notes:
        console.print(f"note: {note}", markup=False, highlight=False)
    for waiver in comparison.unused_waivers:
        console.print(f"unused waiver: {waiver}", markup=False, highlight=False)
    console.print(counts_line(comparison), markup=False, highlight=False)
    return out.getvalue()


def render_json(comparison: Comparison, **_: object) -> str:
    return json.dumps(comparison.to_json(), indent=2, ensure_ascii=False)
