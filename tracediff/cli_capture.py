"""The ``tracediff capture`` command: thin typer layer over :mod:`tracediff.capture`.

nanoBragg flags follow ``--`` and pass through untouched (``-mat``, ``-N``, negative
numbers...). Register with::

    app.command("capture", context_settings=CONTEXT_SETTINGS)(capture)

Every input problem is raised as :class:`~tracediff.errors.TraceDiffError` naming the flag or
file; ``tracediff.cli_main.main`` turns it into one line ``tracediff: error: ...`` and exit code 2, as
for every command. torch loads when the command runs, not when the CLI starts.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from tracediff.errors import TraceDiffError

#: click must keep nanoBragg's single-dash flags as extra arguments.
CONTEXT_SETTINGS = {"allow_extra_args": True, "ignore_unknown_options": True}


def capture(
    ctx: typer.Context,
    args_file: Optional[Path] = typer.Option(
        None, "--args-file", help="File holding nanoBragg flags (e.g. a reference case's args.txt); its "
        "relative file names resolve against its folder. Flags after -- are appended."),
    out: Optional[Path] = typer.Option(
        None, "--out", help="Write a reproducibility bundle (trace_py.log, trace_py.stderr, command.txt, "
        "env_snapshot.txt, git_context.txt, manifest.json) to this directory instead of stdout."),
    force: bool = typer.Option(False, "--force", help="Replace a non-empty --out directory."),
    trace_pixels: Optional[str] = typer.Option(
        None, "--trace-pixels", metavar="PIXELS", help="Trace many pixels in one run (needs --out): S,F pixels "
        "and Smin-Smax,Fmin-Fmax regions (slow, fast; inclusive), separated by ';' or blanks. Each pixel's trace goes "
        "to DIR/pixel_sS_fF.log, exactly as a -trace_pixel S F capture prints it."),
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
        raise TraceDiffError("no nanoBragg flags: pass --args-file FILE and/or flags after --")
    from tracediff.capture.pixels import parse_pixel_selection  # not for --help or compare

    pixels = parse_pixel_selection(trace_pixels) if trace_pixels is not None else None
    if pixels is not None and out is None:
        raise TraceDiffError("--trace-pixels writes one file per pixel: give --out DIR")
    # deferred on purpose: the capture library loads torch, and `tracediff compare` must start without it
    from tracediff.capture.bundle import write_bundle
    from tracediff.capture.runner import capture as run_capture

    if out is not None:
        result = write_bundle(out, flags, args_file=args_file, force=force, device=device, dtype=dtype,
                              pixels=pixels)
        print(f"tracediff: bundle written to {result.out}", file=sys.stderr)
    else:
        run_capture(flags, args_file=args_file, device=device, dtype=dtype)
        sys.stdout.flush()
