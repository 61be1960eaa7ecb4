"""The ``tracediff check LOG`` command: a thin typer layer over :mod:`tracediff.check`.

Exit codes: 0 every identity that applies holds, 1 at least one fails, 2 the file is not a trace
(one line on stderr). Never imports torch.
"""

from __future__ import annotations

import io
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from tracediff.check.engine import FAIL, PASS, CheckReport, check_trace

STYLE = {PASS: "green", FAIL: "bold red"}


class CheckFormat(str, Enum):
    table = "table"
    json = "json"


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


def check(
    log: Annotated[Path, typer.Argument(help="A trace log (any dialect) to check on its own.")],
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f", help="table or json.")] = CheckFormat.table,
) -> None:
    """Check the identities one trace must satisfy (pix0 = sum of its terms, ...); exit 0 hold, 1 fail, 2 error."""
    report = check_trace(log)
    sys.stdout.write(render_check(report, fmt.value))
    if fmt is CheckFormat.json:
        sys.stdout.write("\n")
    raise typer.Exit(report.exit_code)
