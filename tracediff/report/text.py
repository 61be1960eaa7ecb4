"""The text reports: the headline, the counts, the one-line summary, the terminal
report and the JSON document."""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tracediff.compare.result import Comparison, FieldResult
from tracediff.compare.status import Status
from tracediff.hints.facts import Hint
from tracediff.report.table import cells, print_rows
from tracediff.report.values import fmt_error, fmt_value

SUMMARY_LINES = 4  # rules and waiver reasons listed in a passing run's summary
ROW_LIMIT = 30  # failing rows a terminal report shows without --all


def _gate_headline(comparison: Comparison) -> str:
    """Why a run without a first divergence failed."""
    if comparison.counts.compared == 0:
        return "FAIL: no field was compared (check --only/--ignore, or are these the right logs?)"
    if comparison.unused_waivers:
        return f"FAIL (--strict): {len(comparison.unused_waivers)} waiver(s) matched nothing"
    return "DIVERGED"


def _error_line(fd: FieldResult) -> str:
    if fd.abs_error is None and fd.rel_error is None:
        return "  the values differ" + (f" ({fd.note})" if fd.note else "")
    digits = fd.digits if fd.digits is not None else 0
    return (f"  abs err {fmt_error(fd.abs_error)}, rel err {fmt_error(fd.rel_error)}, "
            f"{digits} digit{'s' if digits != 1 else ''} agree" + (f" ({fd.note})" if fd.note else ""))


def headline(comparison: Comparison, width: int = 200) -> str:
    """The agreement in one line, or the first divergence in a few short lines: where, both
    values (the diverging component always whole) and the errors."""
    c = comparison.counts
    if not comparison.failed:
        extra = f", {c.waived} waived" if c.waived else ""
        return f"MATCH: {c.compared} fields agree{extra}"
    fd = comparison.first_divergence
    if fd is None:
        return _gate_headline(comparison)
    where = f"{fd.family} {fd.label}"
    missing = "".join(f"\n  missing: {group.describe()}" for group in comparison.missing[:3])
    if fd.status.missing:
        return (f"FIRST DIVERGENCE: {where} is missing from the candidate\n"
                f"  reference line {fd.ref_line}: {fmt_value(fd.ref_value, max(20, width - 24))}" + missing)
    comp = f" component {fd.component}" if fd.component is not None else ""
    if len(fd.components) > 1:
        failing = [str(c.sub or c.index) for c in fd.components]
        comp += f" (worst of {len(failing)} failing: {', '.join(failing[:6])}{', ...' if len(failing) > 6 else ''})"
    lines = (str(fd.ref_line or "-"), str(fd.cand_line or "-"))
    pad = max(map(len, lines))
    room = max(20, width - pad - 19)
    return (
        f"FIRST DIVERGENCE: {where}{comp}\n"
        f"  reference line {lines[0]:>{pad}}: {fmt_value(fd.ref_value, room, fd.component)}\n"
        f"  candidate line {lines[1]:>{pad}}: {fmt_value(fd.cand_value, room, fd.component)}\n"
        + _error_line(fd) + missing
    )


def counts_line(comparison: Comparison) -> str:
    """The counts in one short line (fits 60 columns)."""
    c = comparison.counts
    return (f"{c.compared} compared, {c.diverged} diverged, {c.only_in_ref} missing, "
            f"{c.only_in_cand} extra, {c.waived} waived")


def render_quiet(comparison: Comparison, **_: object) -> str:
    first = comparison.first_divergence
    where = f"; first: {first.family} {first.label} (line {first.ref_line})" if first and comparison.failed else ""
    nothing = "nothing was compared; " if comparison.counts.compared == 0 else ""
    return f"{comparison.verdict.upper()}: {nothing}{counts_line(comparison)}{where}"


def selected_rows(comparison: Comparison, *, show_all: bool = False, diverged_only: bool = False) -> list[FieldResult]:
    """The rows a report shows: the failing ones (diverged values before missing fields);
    every one with ``show_all``; with ``diverged_only`` the diverged and missing ones (never EXTRA)."""
    if diverged_only:
        return [r for r in comparison.rows if r.status is Status.DIVERGED or r.status.missing]
    if show_all:
        return comparison.rows
    failing = [r for r in comparison.rows if r.status.fails(comparison.allow_missing)]
    return sorted(failing, key=lambda r: r.status is not Status.DIVERGED)  # values first; missing are summarised


def rule_legend(rows: list[FieldResult]) -> dict[str, int]:
    """Each rule that decided one of ``rows``, numbered in order of first use."""
    legend: dict[str, int] = {}
    for row in rows:
        if row.rule and row.rule not in legend:
            legend[row.rule] = len(legend) + 1
    return legend


def _console(width: int, color: bool) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=color, color_system="standard" if color else None,
                      highlight=False, soft_wrap=False, emoji=False)
    return console, out


def _say(console: Console, text: str, style: str | None = None) -> None:
    console.print(Text(text, style=style or ""), overflow="fold")


def _say_whole(console: Console, line: str) -> None:
    """A line of text printed whole (the terminal wraps it if it must): it stays one line to grep."""
    console.print(Text(line), soft_wrap=True)


def _match_summary(console: Console, comparison: Comparison) -> None:
    """What a passing run proved: both logs, the rules that judged, what was waived."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(overflow="fold")
    grid.add_row("  reference", Text(f"{comparison.ref_path} ({comparison.ref_lines} lines)"))
    grid.add_row("  candidate", Text(f"{comparison.cand_path} ({comparison.cand_lines} lines)"))
    rules = Counter(r.rule for r in comparison.rows if r.rule and r.status is not Status.WAIVED)
    for i, (rule, n) in enumerate(rules.most_common(SUMMARY_LINES)):
        grid.add_row("  rules" if i == 0 else "", Text(f"{rule} ({n} field{'s' if n != 1 else ''})"))
    reasons = Counter(r.note.removeprefix("WAIVED: ") for r in comparison.rows if r.status is Status.WAIVED)
    for i, (reason, n) in enumerate(reasons.most_common(SUMMARY_LINES)):
        grid.add_row("  waived" if i == 0 else "", Text(f"{n} x {reason}"))
    hidden = max(0, len(rules) - SUMMARY_LINES) + max(0, len(reasons) - SUMMARY_LINES)
    if hidden:
        grid.add_row("", f"... {hidden} more (--all)")
    console.print(grid)


def _hints(console: Console, hints: Sequence[Hint]) -> None:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="bold yellow")
    grid.add_column(overflow="fold")
    for hint in hints:
        grid.add_row("hint:", Text(hint.message))
    console.print(grid)


def _rows(console: Console, rows: list[FieldResult], show_all: bool, width: int) -> None:
    """The rows (at most :data:`ROW_LIMIT` without ``show_all``), then the legend of their rules."""
    if not rows:
        return
    shown = rows if show_all else rows[:ROW_LIMIT]
    legend = rule_legend(shown)
    console.print()
    print_rows(console, cells(shown, legend), width)
    if len(shown) < len(rows):
        _say(console, f"... {len(rows) - len(shown)} more rows (--all, or --format json)")
    for rule, number in legend.items():
        _say(console, f"rule {number}: {rule}", "dim")


def render_table(comparison: Comparison, *, diverged_only: bool = False, show_all: bool = False, width: int = 100,
                 color: bool = False, hints: Sequence[Hint] = (), **_: object) -> str:
    """The terminal report: the headline, the failing rows (every one with ``show_all``),
    the legend of rules, notes and the counts; a passing run gets a short summary instead."""
    console, out = _console(width, color)
    style = "bold red" if comparison.failed else "bold green"
    lines = headline(comparison, width).splitlines()
    _say(console, lines[0], style)
    for line in lines[1:]:
        _say_whole(console, line)
    if not comparison.failed and not show_all and not diverged_only:
        _match_summary(console, comparison)
    else:
        _rows(console, selected_rows(comparison, show_all=show_all, diverged_only=diverged_only), show_all, width)
    _hints(console, hints)
    for note in comparison.notes:
        _say(console, f"note: {note}")
    for waiver in comparison.unused_waivers:
        _say(console, f"unused waiver: {waiver}")
    _say(console, counts_line(comparison))
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())  # rich pads grids to the width


def render_json(comparison: Comparison, *, hints: Sequence[Hint] = (), **_: object) -> str:
    """The comparison as one JSON object, with the ``hints`` (code, message, evidence)."""
    return json.dumps({**comparison.to_json(), "hints": [h.to_json() for h in hints]}, indent=2, ensure_ascii=False)
