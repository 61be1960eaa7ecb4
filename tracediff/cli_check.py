"""The ``tracediff check LOG`` command: a thin typer layer over :mod:`tracediff.check`.

Exit codes: 0 every identity that applies holds, 1 at least one fails, 2 the file is not a trace
(one line on stderr). Never imports torch.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer


class CheckFormat(str, Enum):
    table = "table"
    json = "json"


def check(
    log: Annotated[Path, typer.Argument(help="A trace log (any dialect) to check on its own.")],
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f", help="table or json.")] = CheckFormat.table,
) -> None:
    """Check the identities one trace must satisfy (pix0 = sum of its terms, ...); exit 0 hold, 1 fail, 2 error."""
    from tracediff.check.engine import check_trace  # numpy loads when the command runs, not for --help
    from tracediff.check.render import render_check

    report = check_trace(log)
    sys.stdout.write(render_check(report, fmt.value))
    if fmt is CheckFormat.json:
        sys.stdout.write("\n")
    raise typer.Exit(report.exit_code)
