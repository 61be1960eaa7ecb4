"""The ``tracediff explain`` command and the hint of ``compare --explain``: thin layers over
:func:`tracediff.explain.search.explain`.

nanoBragg flags come from ``--args-file`` and/or follow ``--`` (as for ``capture``). torch is
imported only when a command runs, so registering this module keeps ``tracediff --help`` fast.
Exit codes as ``compare``: 0 nothing to explain, 1 the traces diverge (explained or not), 2 input error.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from tracediff.errors import TraceDiffError

if TYPE_CHECKING:  # pragma: no cover - the result type, without importing torch at start
    from tracediff.explain.result import ExplainResult

#: click keeps nanoBragg's single-dash flags as extra arguments
CONTEXT_SETTINGS = {"allow_extra_args": True, "ignore_unknown_options": True}


class ExplainFormat(str, Enum):
    text = "text"
    json = "json"


def explain(
    ctx: typer.Context,
    reference: Path = typer.Argument(..., help="Reference log (e.g. the C program's trace)."),
    candidate: Path = typer.Argument(..., help="Candidate log (e.g. the port's trace)."),
    args_file: Optional[Path] = typer.Option(
        None, "--args-file", help="The nanoBragg flags both runs were given (e.g. a case's args.txt); "
        "flags after -- are appended."),
    max_runs: int = typer.Option(300, "--max-runs", min=1, help="Budget: model runs (captures, frame runs, fit steps)."),
    max_seconds: float = typer.Option(120.0, "--max-seconds", min=0.1, help="Budget: seconds of search."),
    no_fit: bool = typer.Option(False, "--no-fit", help="Only the discrete hypotheses, no continuous fit."),
    fmt: ExplainFormat = typer.Option(ExplainFormat.text, "--format", "-f", help="text or json."),
    top: int = typer.Option(5, "--top", min=1, help="Explanations shown per side (text)."),
) -> None:
    """Find the change of the flags (or of one decision) that makes tracediff's model print CANDIDATE's values."""
    from tracediff.explain.render import render_text

    result = run_explain(reference, candidate, args_file, list(ctx.args), max_runs, max_seconds, not no_fit)
    if fmt == ExplainFormat.json:
        sys.stdout.write(json.dumps(result.to_json(), indent=2) + "\n")
    else:
        sys.stdout.write(render_text(result, top))
    raise typer.Exit(result.exit_code)


def run_explain(reference: Path, candidate: Path, args_file: Path | None, extra: list[str], max_runs: int = 300,
                max_seconds: float = 120.0, use_fit: bool = True) -> "ExplainResult":
    """Check the inputs and run the search (an :class:`~tracediff.explain.result.ExplainResult`)."""
    if args_file is None and not extra:
        raise TraceDiffError("no nanoBragg flags: pass --args-file FILE and/or flags after --")
    for path in (reference, candidate, *([args_file] if args_file is not None else [])):
        if not path.is_file():
            raise TraceDiffError("no such file", path)
    from tracediff.explain.model import Flags
    from tracediff.explain.scenario import Budget
    from tracediff.explain.search import explain as search

    return search(reference, candidate, Flags(args_file, tuple(extra)), Budget(max_runs, max_seconds),
                  use_fit=use_fit)
