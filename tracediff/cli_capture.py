"""The ``tracediff capture`` command: thin typer layer over :mod:`tracediff.capture`.

nanoBragg flags follow ``--`` and pass through untouched (``-mat``, ``-N``, negative
numbers...). Register with::

    app.command("capture", context_settings=CONTEXT_SETTINGS)(capture)

Every input problem becomes one line ``tracediff: error: ...`` on stderr and exit code 2;
no traceback reaches the user (set ``TRACEDIFF_DEBUG=1`` to see one for internal errors).
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Optional

import typer

from tracediff.errors import TraceDiffError

#: click must keep nanoBragg's single-dash flags as extra arguments.
CONTEXT_SETTINGS = {"allow_extra_args": True, "ignore_unknown_options": True}

EXIT_USAGE = 2
EXIT_INTERNAL = 2  # the documented codes are 0, 1 and 2: an impossible run is an input error


def _fail(message: str, code: int) -> "typer.Exit":
    print(f"tracediff: error: {message}", file=sys.stderr)
    return typer.Exit(code=code)


def capture(
    ctx: typer.Context,
    args_file: Optional[Path] = typer.Option(
        None, "--args-file", help="File holding nanoBragg flags (e.g. a reference case's args.txt); its "
        "relative file names resolve against its folder. Flags after -- are appended."),
    out: Optional[Path] = typer.Option(
        None, "--out", help="Write a reproducibility bundle (trace_py.log, trace_py.stderr, command.txt, "
        "env_snapshot.txt, git_context.txt, manifest.json) to this directory instead of stdout."),
    force: bool = typer.Option(False, "--force", help="Replace a non-empty --out directory."),
    device: str = typer.Option("cpu", "--device", help="torch device, e.g. cpu or cuda (errors if absent)."),
    dtype: str = typer.Option("float64", "--dtype", help="float64 (default, as the C) or float32."),
    model: str = typer.Option("tracediff", "--model", help="Model to trace: tracediff (its own model) or "
                              "nanobrag_torch (the user's port, from --source)."),
    source: Optional[Path] = typer.Option(None, "--source", help="The port's source tree (default: src/ of "
                                          "the git root)."),
    list_fields: bool = typer.Option(False, "--list-fields", help="Print what --model can and cannot trace."),
) -> None:
    """Trace nanoBragg's computation in PyTorch: `tracediff capture [OPTIONS] -- <nanoBragg flags>`.

    Prints TRACE_PY lines in the C's order and format (%.15g), to be compared with a
    TRACE_C log. Notes (C quirks that fired, where tracediff was imported from) go to stderr.
    """
    flags = [a for a in ctx.args]
    if model != "tracediff" or list_fields:
        from tracediff.cli_triage import capture_other_model

        raise typer.Exit(code=capture_other_model(model, flags, args_file, source, dtype, device, list_fields, out))
    if args_file is None and not flags:
        raise _fail("no nanoBragg flags: pass --args-file FILE and/or flags after --", EXIT_USAGE)
    try:
        if out is not None:
            from tracediff.capture.bundle import write_bundle

            result = write_bundle(out, flags, args_file=args_file, force=force, device=device, dtype=dtype)
            print(f"tracediff: bundle written to {result.out}", file=sys.stderr)
        else:
            from tracediff.capture.runner import capture as run_capture

            run_capture(flags, args_file=args_file, device=device, dtype=dtype)
            sys.stdout.flush()
    except TraceDiffError as exc:
        raise _fail(str(exc), EXIT_USAGE) from None
    except KeyboardInterrupt:
        raise _fail("interrupted", 130) from None
    except BrokenPipeError:
        raise typer.Exit(code=0) from None
    except Exception as exc:  # a bug: say so in one line
        if os.environ.get("TRACEDIFF_DEBUG"):
            traceback.print_exc()
        raise _fail(f"these flags cannot be simulated ({type(exc).__name__}: {exc}); set TRACEDIFF_DEBUG=1 for the traceback",
                    EXIT_INTERNAL) from None
