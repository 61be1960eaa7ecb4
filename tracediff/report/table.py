"""The rows of a terminal report, laid out to fit its width.

Wide enough, a borderless rich table (reference over candidate in one column, so the
values get the room); narrower than :data:`MIN_TABLE_VALUE` characters of value, plain
aligned lines.  Values are pre-shortened around their diverging component, so no cell
ever wraps.  The rule that decided each row is a number into the legend below.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tracediff.compare.result import FieldResult
from tracediff.compare.status import Status
from tracediff.report.values import fmt_error, fmt_value

STATUS_STYLE = {
    Status.MATCHED: "green", Status.DIVERGED: "bold red", Status.MISSING_REQUIRED: "red",
    Status.MISSING_OPTIONAL: "dim", Status.WAIVED: "yellow", Status.EXTRA: "cyan",
}
MIN_TABLE_VALUE = 24  # below this many characters for a value, the table becomes plain lines
MAX_FIELD = 26


@dataclass(frozen=True)
class Cells:
    """One row as the short strings every layout shows."""

    status: str
    style: str
    field: str
    lines: str
    error: str
    rule: str
    row: FieldResult

    def values(self, limit: int) -> tuple[str, str]:
        r = self.row
        return fmt_value(r.ref_value, limit, r.component), fmt_value(r.cand_value, limit, r.component)



def error_text(row: FieldResult) -> str:
    if row.rel_error is not None:
        return fmt_error(row.rel_error)
    if row.status is Status.DIVERGED:
        return "differs"  # text, shape or integer mismatch: no relative error to speak of
    return ""


def cells(rows: list[FieldResult], legend: dict[str, int]) -> list[Cells]:
    out = []
    for row in rows:
        rule = str(legend[row.rule]) if row.rule in legend else ""
        out.append(Cells(row.status.label, STATUS_STYLE[row.status], row.qualified_label,
                         f"{row.ref_line or '-'}:{row.cand_line or '-'}", error_text(row), rule, row))
    return out


def _fixed_width(items: list[Cells]) -> tuple[int, int]:
    """The field column's width and the width of every column but the values (padding included)."""
    field = min(MAX_FIELD, max(len("field / lines"), *(len(c.field) for c in items), *(len(c.lines) for c in items)))
    widths = [max(len("status"), *(len(c.status) for c in items)), field,
              max(len("rel err"), *(len(c.error) for c in items)), max(len("rule"), *(len(c.rule) for c in items))]
    return field, sum(widths) + 3 * len(widths)  # each column's padding and the gap after it


def print_rows(console: Console, items: list[Cells], width: int) -> None:
    """Print ``items`` as a table when the width allows, else as aligned plain lines."""
    if not items:
        return
    field, fixed = _fixed_width(items)
    budget = width - fixed
    if budget >= MIN_TABLE_VALUE:
        console.print(_table(items, field, budget))
    else:
        _plain(console, items, width)


def _table(items: list[Cells], field: int, budget: int) -> Table:
    """Two lines a row: the field over its line numbers, the reference over the candidate."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    table.add_column("status", no_wrap=True)
    table.add_column("field / lines", no_wrap=True, max_width=field, overflow="ellipsis")
    table.add_column("reference / candidate", no_wrap=True, max_width=budget)
    table.add_column("rel err", no_wrap=True, justify="right")
    table.add_column("rule", no_wrap=True, style="dim", justify="right")
    for c in items:
        ref, cand = c.values(budget)
        both = ref if c.row.cand_value is None else f"{ref}\n{cand}"  # a missing field: its reference value only
        name = Text(c.field, style="bold")
        name.append(f"\n{c.lines}", style="dim")
        table.add_row(Text(c.status, style=c.style), name, Text(both), c.error, c.rule)
    return table


def _plain(console: Console, items: list[Cells], width: int) -> None:
    """Narrow terminals: a heading line per row, then the two values with their line numbers, aligned."""
    pad = max(len(c.status) for c in items)
    gutter = max(len(str(n)) for c in items for n in (c.row.ref_line or "-", c.row.cand_line or "-"))
    for c in items:
        head = Text(f"{c.status:<{pad}}", style=c.style)
        head.append(f" {c.field}", style="bold")
        head.append("".join(f"  {x}" for x in (c.error and f"rel err {c.error}", c.rule and f"rule {c.rule}") if x))
        console.print(head, overflow="fold")
        ref, cand = c.values(width - gutter - 9)
        console.print(Text(f"  ref  {c.row.ref_line or '-':>{gutter}}  {ref}"), overflow="fold")
        if c.row.cand_value is not None:
            console.print(Text(f"  cand {c.row.cand_line or '-':>{gutter}}  {cand}"), overflow="fold")
