"""CLI of the port tools: ``tracediff triage`` and the ``capture --model``/``--list-fields`` path.

Thin typer layers over :mod:`tracediff.triage` and :mod:`tracediff.capture.models`. Register with::

    app.command("triage")(triage)

Every input problem is one line ``tracediff: error: ...`` on stderr and exit code 2.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Optional

import typer

from tracediff.errors import TraceDiffError


def _fail(message: str) -> typer.Exit:
    print(f"tracediff: error: {message}", file=sys.stderr)
    return typer.Exit(code=2)


def _guarded(action: str, run: Callable[[], int]) -> int:
    """Run ``run()``; a TraceDiffError or a crash becomes one line and exit code 2."""
    try:
        return int(run())
    except TraceDiffError as exc:
        raise _fail(str(exc)) from None
    except Exception as exc:  # a bug or the port's own failure: one line, never a traceback
        if os.environ.get("TRACEDIFF_DEBUG"):
            traceback.print_exc()
        raise _fail(f"{action} failed ({type(exc).__name__}: {exc}); set TRACEDIFF_DEBUG=1 for the traceback") from None


def capture_other_model(model: str, flags: list[str], args_file: Optional[Path], source: Optional[Path], dtype: str,
                        device: str, list_fields: bool, out: Optional[Path]) -> int:
    """``tracediff capture --model NAME`` / ``--list-fields``: the exit code."""
    from tracediff.capture.models import get_model
    from tracediff.capture.models.run import capture_model, list_fields as print_fields

    if list_fields:
        return _guarded("--list-fields", lambda: print_fields(get_model(model), sys.stdout))
    if args_file is None and not flags:
        raise _fail("no nanoBragg flags: pass --args-file FILE and/or flags after --")
    if out is not None:
        from tracediff.capture.models.bundle import write_model_bundle

        def bundle() -> int:
            result = write_model_bundle(out, model, flags, args_file=args_file, source=source, dtype=dtype,
                                        device=device)
            print(f"tracediff: bundle written to {result}", file=sys.stderr)
            return 0

        return _guarded(f"capture --model {model}", bundle)
    def trace() -> int:
        capture_model(model, flags, args_file=args_file, source=source, dtype=dtype, device=device)
        sys.stdout.flush()
        return 0

    return _guarded(f"capture --model {model}", trace)


def triage(
    c_log: Path = typer.Argument(..., help="The C's trace (TRACE_C log)."),
    port_log: Optional[Path] = typer.Argument(None, help="The port's own trace; omit it to capture --model."),
    args_file: Path = typer.Option(..., "--args-file", help="The nanoBragg flags both programs ran with."),
    model: Optional[str] = typer.Option(None, "--model", help="Capture the port with this model (e.g. "
                                        "nanobrag_torch); with PORT_LOG it supplies the production values."),
    source: Optional[Path] = typer.Option(None, "--source", help="The port's source tree (default: src/ of the git root)."),
    dtype: str = typer.Option("float64", "--dtype", help="float64 (default) or float32, for the captures."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
    keep: Optional[Path] = typer.Option(None, "--keep", help="Keep the captured logs in this folder."),
) -> None:
    """Who is wrong, field by field: the C, the port, or neither (tracediff's model as the third witness).

    Exit 0 when every difference is explained (C quirk, trace-print error, field the port does
    not print), 1 when a port bug or an unexplained difference remains, 2 for bad input.
    """
    from tracediff.triage.engine import triage as run_triage
    from tracediff.triage.report import text_report

    if fmt not in ("text", "json"):
        raise _fail(f"--format {fmt}: use text or json")
    for path, what in ((c_log, "C_LOG"), (args_file, "--args-file"), (port_log, "PORT_LOG")):
        if path is not None and not path.is_file():
            raise _fail(f"{what} {path}: no such file")
    def run() -> int:
        result = run_triage(args_file, c_log, port_log, model=model, source=source, dtype=dtype, workdir=keep)
        sys.stdout.write(json.dumps(result.to_json(), indent=2) + "\n" if fmt == "json" else text_report(result))
        return result.exit_code

    raise typer.Exit(code=_guarded("triage", run))
