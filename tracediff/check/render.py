"""The report of ``tracediff check``: a table (rich) or JSON."""

from __future__ import annotations

import io
import json

from tracediff.check.engine import FAIL, PASS, CheckReport

STYLE = {PASS: "green", FAIL: "bold red"}


def render_check(report: CheckReport, fmt: str = "table", width: int = 160) -> str:
    """The report as a table (rich) or JSON."""
    if fmt == "json":
        return json.dumps({"log": str(report.path), "failed": len(report.failed),
                           "identities": [r.to_json() for r in report.results]}, indent=2, ensure_ascii=False)
    from rich.console import Console
    from rich.table import Table

    table = Table(expand=False)
    for name in ("status", "identity", "checked", "detail"):
        table.add_column(name, overflow="fold")
    for r in report.results:
        detail = r.detail or (f"passes as the C quirk {r.quirk}" if r.quirk else r.identity.description)
        table.add_row(f"[{STYLE.get(r.status, 'yellow')}]{r.status}[/]", r.identity.name, str(r.checked or ""), detail)
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None)
    counts = {s: sum(r.status == s for r in report.results) for s in (PASS, FAIL)}
    unchecked = len(report.results) - counts[PASS] - counts[FAIL]
    verdict = "FAIL" if report.failed else "OK"
    console.print(f"{verdict}: {counts[PASS]} identities hold, {counts[FAIL]} fail, {unchecked} cannot be checked "
                  f"({report.path})", markup=False, highlight=False)
    console.print(table)
    return out.getvalue()
