"""The ``tracediff`` command: a thin layer over the library.

Exit codes: 0 the traces agree, 1 they diverge, 2 usage or input error (one line on
stderr naming the file, line and reason; never a traceback).  ``compare``, ``show``
and ``profile`` never import torch.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from tracediff.errors import TraceDiffError

app = typer.Typer(
    name="tracediff",
    help="Parallel-trace capture and comparison for porting numerical C programs to PyTorch.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
profile_app = typer.Typer(help="Shipped comparison profiles.", no_args_is_help=True)
app.add_typer(profile_app, name="profile")


class Format(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    junit = "junit"


class ShowFormat(str, Enum):
    table = "table"
    json = "json"


def _refuse_overwriting(inputs: list[Path], *outputs: Path | None) -> None:
    """A report must never replace or extend one of the logs it reads."""
    resolved = {p.resolve() for p in inputs if p.exists()}
    for out in outputs:
        if out is not None and out.resolve() in resolved:
            raise TraceDiffError("is an input of this command; the report would overwrite it", out)


def _emit(text: str | Iterable[str], output: Path | None) -> None:
    """Write a report (a string, or pieces of one streamed in order) to stdout or a file."""
    from tracediff.output import write_atomic

    if isinstance(text, str) and not text.endswith("\n"):
        text += "\n"
    if output is not None:
        write_atomic(output, text)
    else:
        sys.stdout.writelines([text] if isinstance(text, str) else text)


@app.command()
def show(
    log: Annotated[Path, typer.Argument(help="A trace log (any dialect).")],
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f", help="table or json.")] = ShowFormat.table,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to FILE instead of stdout.")] = None,
) -> None:
    """Print the records parsed from LOG."""
    from tracediff.trace.parser import parse_log
    from tracediff.report.show import render_show

    _refuse_overwriting([log], output)
    parsed = parse_log(log)
    _emit(render_show(parsed, fmt.value), output)


@app.command()
def compare(
    reference: Annotated[Path, typer.Argument(help="Reference log (e.g. the C program's trace).")],
    candidate: Annotated[Path, typer.Argument(help="Candidate log (e.g. the port's trace).")],
    rtol: Annotated[Optional[float], typer.Option(help="Relative tolerance (default 1e-9).")] = None,
    atol: Annotated[Optional[float], typer.Option(help="Absolute tolerance (default 0).")] = None,
    tol: Annotated[Optional[list[str]], typer.Option("--tol", help="Per-field FIELD=RTOL[,ATOL]; FIELD may be a glob. Repeatable.")] = None,
    elementwise: Annotated[bool, typer.Option("--elementwise", help="Scale each vector component by itself, not by the field's largest.")] = False,
    only: Annotated[Optional[list[str]], typer.Option("--only", help="Compare only fields matching GLOB. Repeatable.")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", help="Skip fields matching GLOB. Repeatable.")] = None,
    allow_missing: Annotated[bool, typer.Option("--allow-missing", help="Reference fields absent from the candidate do not fail.")] = False,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table, json, markdown or junit.")] = Format.table,
    show_all: Annotated[bool, typer.Option("--all", help="Report every field, however long the trace.")] = False,
    diverged_only: Annotated[bool, typer.Option("--diverged-only", help="Only rows that did not match.")] = False,
    first: Annotated[bool, typer.Option("--first", help="Report only the first divergence.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="One summary line.")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to FILE.")] = None,
    append: Annotated[Optional[Path], typer.Option("--append", help="Append the Markdown report to FILE under a dated heading.")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", help="Config file (default: nearest pyproject.toml [tool.tracediff] or tracediff.toml).")] = None,
    profile: Annotated[Optional[str], typer.Option("--profile", help="A shipped profile, e.g. nanobragg.")] = None,
    no_config: Annotated[bool, typer.Option("--no-config", help="Ignore project config files.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Fail when a waiver matched nothing.")] = False,
    color: Annotated[bool, typer.Option("--color/--no-color", help="Colour the table.")] = False,
    explain: Annotated[Optional[Path], typer.Option("--explain", help="ARGS_FILE of both runs: add the top explanation (tracediff explain) as a hint on stderr; runs the model.")] = None,
) -> None:
    """Compare CANDIDATE against REFERENCE field by field; exit 0 agree, 1 diverge, 2 error."""
    from tracediff.compare.engine import compare_logs
    from tracediff.config.loader import build_options
    from tracediff.output import append_dated
    from tracediff.report import render, render_quiet
    from tracediff.report.markdown import render_markdown

    _refuse_overwriting([reference, candidate], output, append)
    options = build_options(
        config=config, profile=profile, use_project_config=not no_config, rtol=rtol, atol=atol,
        elementwise=elementwise, tol=tol or [], only=only or [], ignore=ignore or [],
        allow_missing=allow_missing, strict=strict, keep_all=show_all or fmt == Format.junit,
    )
    options.first_only = first
    result = compare_logs(reference, candidate, options)
    if first:
        result.rows = [result.first_divergence] if result.first_divergence else []
        result.rows_complete = False
    text = render_quiet(result) if quiet else render(result, fmt.value, diverged_only=diverged_only, color=color)
    _emit(text, output)
    if append is not None:
        append_dated(append, render_markdown(result, diverged_only=diverged_only))
    if explain is not None and result.exit_code == 1:
        from tracediff.cli_explain import explain_hint

        sys.stderr.write(explain_hint(reference, candidate, explain))
    raise typer.Exit(result.exit_code)


@profile_app.command("show")
def profile_show(name: Annotated[str, typer.Argument(help="Profile name, e.g. nanobragg.")]) -> None:
    """Print a shipped profile (TOML)."""
    from tracediff.config.loader import profile_text

    sys.stdout.write(profile_text(name))


@profile_app.command("list")
def profile_list() -> None:
    """List the shipped profiles."""
    from tracediff.config.loader import profile_names

    sys.stdout.write("\n".join(profile_names()) + "\n")


from tracediff.cli_capture import CONTEXT_SETTINGS, capture  # noqa: E402 - torch loads inside the command

app.command("capture", context_settings=CONTEXT_SETTINGS)(capture)
from tracediff.cli_explain import explain as explain_command  # noqa: E402 - torch loads inside the command

app.command("explain", context_settings=CONTEXT_SETTINGS)(explain_command)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; map every user error to one line on stderr and exit code 2."""
    command = typer.main.get_command(app)
    try:
        code = command.main(args=argv, prog_name="tracediff", standalone_mode=False)
    except TraceDiffError as exc:
        sys.stderr.write(f"tracediff: error: {exc}\n")
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("tracediff: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # click's usage errors (typer vendors its own click)
        if hasattr(exc, "format_message"):
            message = " ".join(str(exc.format_message()).split())
            if message:
                sys.stderr.write(f"tracediff: error: {message}\n")
            sys.exit(2)
        if type(exc).__name__ == "Abort":
            sys.stderr.write("tracediff: aborted\n")
            sys.exit(130)
        if isinstance(exc, OSError):
            sys.stderr.write(f"tracediff: error: {exc.strerror or exc}\n")
            sys.exit(2)
        # never a traceback, and never exit 1 (which means "diverged") for a crash
        sys.stderr.write(f"tracediff: internal error: {type(exc).__name__}: {exc}\n")
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
