"""The process entry of ``tracediff`` and its one error boundary.

:mod:`tracediff.cli` defines the commands; here any exception that ends one becomes a
line on stderr and an exit code (:data:`FAILURES`), and the console script leaves
without the interpreter's teardown (:func:`run`).
"""

from __future__ import annotations

import contextlib
import difflib
import os
import sys
import traceback
from collections.abc import Callable

import typer

from tracediff.cli import app
from tracediff.errors import TraceDiffError


def _suggestion(exc: BaseException) -> str:
    """``--profle``: name the one option it was meant to be, not every loosely similar one."""
    name, ctx = getattr(exc, "option_name", ""), getattr(exc, "ctx", None)
    params = ctx.command.params if ctx is not None else []
    options = [o for p in params for o in (*p.opts, *p.secondary_opts) if o.startswith("--")]
    if not name or not options:
        return ""
    scores = {o: difflib.SequenceMatcher(None, name, o).ratio() for o in options}
    best = max(scores.values())
    close = sorted(o for o, score in scores.items() if score >= max(best - 0.05, 0.7))
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def _usage_message(exc: BaseException) -> str:
    option = getattr(exc, "option_name", None)  # click's NoSuchOption
    if option and getattr(exc, "possibilities", None) is not None:
        return f"no such option: {option}{_suggestion(exc)}"
    return " ".join(str(getattr(exc, "format_message")()).split())


def _os_message(exc: BaseException) -> str:
    assert isinstance(exc, OSError)
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


def _internal_message(exc: BaseException) -> str:
    if os.environ.get("TRACEDIFF_DEBUG"):
        traceback.print_exception(exc)
    return f"internal error ({type(exc).__name__}: {exc}); set TRACEDIFF_DEBUG=1 for the traceback"


#: The error boundary: how an exception that ends any command is reported, first match wins.
#: (exception type, the message after ``tracediff: error: `` or None for silence, exit code)
FAILURES: tuple[tuple[type[BaseException], Callable[[BaseException], str | None], int], ...] = (
    (TraceDiffError, str, 2),
    (BrokenPipeError, lambda exc: None, 0),  # `tracediff show log | head`: the reader has seen enough
    (KeyboardInterrupt, lambda exc: "interrupted", 130),
    (typer.Abort, lambda exc: "interrupted", 130),
    (typer.TyperException, _usage_message, 2),  # click's usage errors
    (OSError, _os_message, 2),
    (Exception, _internal_message, 2),  # a bug: one line, and never 1, which means "diverged"
)


def _quiet_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's final flush stays silent."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def main(argv: list[str] | None = None) -> None:
    """Run the CLI.  The one place where an exception becomes a line on stderr and an exit code."""
    command = typer.main.get_command(app)
    args = sys.argv[1:] if argv is None else list(argv)
    try:  # click's context, not typer's main(): that one would swallow interrupts and broken pipes
        with command.make_context("tracediff", args) as ctx:
            code = command.invoke(ctx)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except BaseException as exc:
        if isinstance(exc, SystemExit):
            raise
        describe, exit_code = next((d, c) for kind, d, c in FAILURES if isinstance(exc, kind))
        message = describe(exc)
        if message:
            sys.stderr.write(f"tracediff: error: {message}\n")
        elif exit_code == 0:
            _quiet_stdout()
        sys.exit(exit_code)
    sys.exit(code if isinstance(code, int) else 0)


def run() -> None:
    """The console script (and ``python -m tracediff``): :func:`main`, then leave at once.

    Tearing the interpreter down (numpy, the modules a compare loaded) costs 0.1-0.16 s
    at exit on the machines measured: a quarter of a small compare.  By the time
    :func:`main` returns every report is written and closed and no worker is left, so
    only the standard streams need flushing.  Called as a library, :func:`main` exits
    the usual way.
    """
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):
        sys.stderr.write(f"{code}\n")  # what sys.exit does with a message
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can reach it
            pass
    os._exit(code or 0)

