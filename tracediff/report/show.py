"""``tracediff show``: what the parser read from one log, streamed.

Small logs get a rich table; long ones plain aligned lines, so a million records print
in seconds without building a million table rows.  JSON is written record by record.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

from rich.console import Console
from rich.table import Table

from tracediff.report.values import fmt_value
from tracediff.trace.log import TraceLog

TABLE_LIMIT = 2000


def render_show(log: TraceLog, fmt: str = "table") -> Iterator[str]:
    """The report of ``log`` as a sequence of text pieces (join them, or write them out)."""
    if fmt == "json":
        yield from _json(log)
    elif len(log) <= TABLE_LIMIT:
        yield _table(log)
    else:
        yield from _lines(log)


def _summary(log: TraceLog) -> str:
    return f"{len(log)} records from {log.info.lines_read} lines ({log.info.skipped} non-trace lines skipped)\n"


def _json(log: TraceLog) -> Iterator[str]:
    yield '{"records": ['
    for i, record in enumerate(log.records()):
        yield ("\n " if i == 0 else ",\n ") + json.dumps(record.to_json(), ensure_ascii=False)
    yield f'\n], "lines": {log.info.lines_read}, "skipped": {log.info.skipped}}}\n'


def _table(log: TraceLog) -> str:
    table = Table()
    for name in ("line", "family", "field", "occ", "kind", "value", "unit"):
        table.add_column(name, overflow="fold")
    for r in log.records():
        table.add_row(str(r.line), r.family, r.field, str(r.occurrence), r.kind, fmt_value(r.value, 70), r.unit or "")
    out = io.StringIO()
    console = Console(file=out, width=160, color_system=None)
    console.print(table)
    return out.getvalue() + _summary(log)


def _lines(log: TraceLog) -> Iterator[str]:
    yield f"{'line':>9}  {'family':<12} {'field':<32} {'occ':>6}  {'kind':<7} value\n"
    batch = []
    for r in log.records():
        batch.append(
            f"{r.line:>9}  {r.family:<12} {r.field:<32} {r.occurrence:>6}  {r.kind:<7} "
            f"{fmt_value(r.value, 100)}{' ' + r.unit if r.unit and not r.value.unit else ''}\n"
        )
        if len(batch) == 10_000:
            yield "".join(batch)
            batch = []
    yield "".join(batch)
    yield _summary(log)
