"""``tracediff show``: what the parser read from one log."""

from __future__ import annotations

import io
import json

from rich.console import Console
from rich.table import Table

from tracediff.report.values import fmt_value
from tracediff.trace.log import TraceLog


def render_show(log: TraceLog, fmt: str = "table") -> str:
    if fmt == "json":
        doc = {
            "records": [r.to_json() for r in log.records()],
            "lines": log.info.lines_read,
            "skipped": log.info.skipped,
        }
        return json.dumps(doc, indent=1, ensure_ascii=False)
    table = Table()
    for name in ("line", "family", "field", "occ", "kind", "value", "unit"):
        table.add_column(name, overflow="fold")
    for r in log.records():
        table.add_row(str(r.line), r.family, r.field, str(r.occurrence), r.kind, fmt_value(r.value, 70), r.unit or "")
    out = io.StringIO()
    console = Console(file=out, width=160, color_system=None)
    console.print(table)
    console.print(f"{len(log)} records from {log.info.lines_read} lines ({log.info.skipped} non-trace lines skipped)")
    return out.getvalue()
