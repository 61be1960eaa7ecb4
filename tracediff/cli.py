"""The ``tracediff`` command: a thin layer over the library.

Exit codes: 0 the traces agree, 1 they diverge, 2 usage or input error (one line on
stderr naming the file, line and reason; never a traceback: see
:mod:`tracediff.cli_main`, the entry point).  ``compare``, ``show`` and ``profile``
never import torch.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from tracediff.errors import TraceDiffError

if TYPE_CHECKING:  # compare --explain only: the model's result type, never imported to start
    from tracediff.explain.result import ExplainResult

BOOL = ""  # a flag's metavar: it takes no value, so the help shows none


def _no_metavar(option: Any) -> Any:
    """``--help`` takes no value: show no ``<bool>`` beside it."""
    if option is not None:
        option.metavar = BOOL
    return option


class PlainGroup(typer.core.TyperGroup):
    """The command groups, with the plain ``--help``."""

    def get_help_option(self, ctx: Any) -> Any:
        return _no_metavar(super().get_help_option(ctx))


class PlainUsage(typer.core.TyperCommand):
    """Usage lines as manual pages write them (``REFERENCE CANDIDATE``), not typer's ``{reference}``."""

    def get_help_option(self, ctx: Any) -> Any:
        return _no_metavar(super().get_help_option(ctx))

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = param.metavar or (param.name or "").upper()
                pieces.append(name if param.required else f"[{name}]")
        return pieces


app = typer.Typer(
    name="tracediff",
    help="Parallel-trace capture and comparison for porting numerical C programs to PyTorch.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=PlainGroup,
)
profile_app = typer.Typer(help="Shipped comparison profiles.", no_args_is_help=True, cls=PlainGroup)
app.add_typer(profile_app, name="profile")


class Format(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    junit = "junit"
    html = "html"


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
    from tracediff.output import write_report

    if isinstance(text, str) and not text.endswith("\n"):
        text += "\n"
    if output is not None:
        write_report(output, text)
    else:
        sys.stdout.writelines([text] if isinstance(text, str) else text)


STDIN = Path("-")


@contextlib.contextmanager
def _stdin_spooled(paths: list[Path]) -> Iterator[list[Path]]:
    """``-`` stands for standard input: spool it once to a private temporary file, read like any log."""
    if paths.count(STDIN) > 1:
        raise TraceDiffError("standard input can be only one of the logs", "-")
    if STDIN not in paths:
        yield paths
        return
    with tempfile.TemporaryDirectory(prefix="tracediff-") as folder:
        spooled = Path(folder) / "stdin.log"
        with open(spooled, "wb") as handle:
            shutil.copyfileobj(sys.stdin.buffer, handle)
        yield [spooled if p == STDIN else p for p in paths]


def _terminal(color: bool | None, output: Path | None, fmt: "Format") -> tuple[int, bool]:
    """The report's width and whether to colour it: the terminal's, none when piped, a file
    or ``NO_COLOR``; ``--color``/``--no-color`` decide over all of that.  JSON and JUnit
    have neither (and so need no look at the terminal)."""
    if output is not None or fmt in (Format.json, Format.junit):
        return 120, bool(color)
    from rich.console import Console

    console = Console(file=sys.stdout)
    return console.width, console.is_terminal and not console.no_color if color is None else color


@app.command(cls=PlainUsage)
def show(
    log: Annotated[Path, typer.Argument(metavar="LOG", help="A trace log (any dialect); - for standard input.")],
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f", metavar="FORMAT", help="table or json.")] = ShowFormat.table,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout.")] = None,
) -> None:
    """Print the records parsed from LOG."""
    from tracediff.trace.parser import parse_log
    from tracediff.report.show import render_show

    _refuse_overwriting([log], output)
    with _stdin_spooled([log]) as (path,):
        parsed = parse_log(path)
        _emit(render_show(parsed, fmt.value), output)


@app.command(cls=PlainUsage)
def compare(
    reference: Annotated[Path, typer.Argument(metavar="REFERENCE", help="Reference log (e.g. the C program's trace); - for standard input.")],
    candidate: Annotated[Path, typer.Argument(metavar="CANDIDATE", help="Candidate log (e.g. the port's trace); - for standard input.")],
    rtol: Annotated[Optional[float], typer.Option(metavar="RTOL", help="Relative tolerance (default 1e-9).")] = None,
    atol: Annotated[Optional[float], typer.Option(metavar="ATOL", help="Absolute tolerance (default 0).")] = None,
    tol: Annotated[Optional[list[str]], typer.Option("--tol", metavar="FIELD=RTOL[,ATOL]", help="Per-field tolerance; FIELD may be a glob. Repeatable.")] = None,
    elementwise: Annotated[bool, typer.Option("--elementwise", metavar=BOOL, help="Scale each vector component by itself, not by the field's largest.")] = False,
    only: Annotated[Optional[list[str]], typer.Option("--only", metavar="GLOB", help="Compare only fields matching GLOB. Repeatable.")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", metavar="GLOB", help="Skip fields matching GLOB. Repeatable.")] = None,
    allow_missing: Annotated[bool, typer.Option("--allow-missing", metavar=BOOL, help="Reference fields absent from the candidate do not fail.")] = False,
    fmt: Annotated[Format, typer.Option("--format", "-f", metavar="FORMAT", help="table, json, markdown or junit.")] = Format.table,
    show_all: Annotated[bool, typer.Option("--all", metavar=BOOL, help="Report every field, matching ones included.")] = False,
    diverged_only: Annotated[bool, typer.Option("--diverged-only", metavar=BOOL, help="Only the diverged and missing fields (no EXTRA rows).")] = False,
    first: Annotated[bool, typer.Option("--first", metavar=BOOL, help="Report only the first divergence.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", metavar=BOOL, help="One summary line (the table format only).")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write the report to FILE.")] = None,
    append: Annotated[Optional[Path], typer.Option("--append", metavar="FILE", help="Append a compact Markdown report to FILE under a dated heading.")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", metavar="FILE", help="Config file (default: nearest pyproject.toml [tool.tracediff] or tracediff.toml).")] = None,
    profile: Annotated[Optional[str], typer.Option("--profile", metavar="NAME", help="A shipped profile, e.g. nanobragg.")] = None,
    no_config: Annotated[bool, typer.Option("--no-config", metavar=BOOL, help="Ignore project config files.")] = False,
    strict: Annotated[bool, typer.Option("--strict", metavar=BOOL, help="Fail when a waiver matched nothing.")] = False,
    color: Annotated[Optional[bool], typer.Option("--color/--no-color", metavar=BOOL, help="Colour the report (default: on a terminal, unless NO_COLOR is set).")] = None,
    family: Annotated[Optional[list[str]], typer.Option("--family", metavar="REF=CAND", help="Pair the reference's tag family REF with the candidate's CAND (REF=CAND). Repeatable.")] = None,
    explain: Annotated[Optional[Path], typer.Option("--explain", metavar="ARGS_FILE", help="The flags both runs were given: run tracediff explain on a divergence; its top explanation joins the hints, JSON and HTML list them all (runs the model).")] = None,
) -> None:
    """Compare CANDIDATE against REFERENCE field by field; exit 0 agree, 1 diverge, 2 error."""
    from tracediff.compare.engine import AUTO, compare_logs, parse_family_option
    from tracediff.hints import find_hints
    from tracediff.output import append_report, dated_entry
    from tracediff.report import render, render_quiet

    if quiet and fmt != Format.table:
        raise TraceDiffError(f"--quiet prints one summary line; it cannot be combined with --format {fmt.value}",
                             "--quiet")
    if reference.is_dir() or candidate.is_dir():
        _compare_dirs(reference, candidate, fmt, output, rtol=rtol, atol=atol, elementwise=elementwise,
                      tol=tol or [], only=only or [], ignore=ignore or [], allow_missing=allow_missing,
                      strict=strict, profile=profile,
                      config=config if config is not None else (None if no_config else AUTO),
                      families=dict(parse_family_option(f) for f in family or []))
    _refuse_overwriting([reference, candidate], output, append)
    with _stdin_spooled([reference, candidate]) as (ref_path, cand_path):
        result = compare_logs(
            ref_path, cand_path, config=config if config is not None else (None if no_config else AUTO),
            profile=profile, rtol=rtol, atol=atol, elementwise=elementwise, tol=tol or [], only=only or [],
            ignore=ignore or [], allow_missing=allow_missing, strict=strict,
            keep_all=show_all or fmt in (Format.junit, Format.html),
            first_only=first, families=dict(parse_family_option(f) for f in family or []),
        )
        hints = find_hints(result)  # reads the logs' tags, while a spooled stdin still exists
        explained = _explained(ref_path, cand_path, explain) if explain is not None and result.exit_code == 1 else None
        if explained is not None:
            from tracediff.explain.render import explain_as_hint

            hints = [*hints, explain_as_hint(explained)]
        width, colored = _terminal(color, output, fmt)
        view = {"show_all": show_all, "diverged_only": diverged_only, "hints": hints}
        result.ref_path, result.cand_path = reference, candidate  # name the logs as the user did
        # stage replay and the self-check read the logs again: render while a spooled stdin exists
        if quiet:
            text = render_quiet(result)
        elif not (result.failed or fmt == Format.html or _declares_graph(config, no_config)):
            text = render(result, fmt.value, width=width, color=colored, **view)  # no root causes to look for
        else:
            from tracediff.rootcause.graphs import load_graph
            from tracediff.rootcause.render import render_report  # root causes where a graph applies

            graph = load_graph(config=config, profile=profile, use_project_config=not no_config)
            if fmt == Format.html and explained is not None:
                from tracediff.report.html import render_html

                text = render_html(result, graph, explanations=explained)
            else:
                text = render_report(result, fmt.value, graph, read_paths=(ref_path, cand_path), width=width,
                                     color=colored, **view)
        if fmt == Format.json and explained is not None:
            text = _with_explanations(text, explained)
    _emit(text, output)
    if append is not None:
        from tracediff.report.markdown import render_markdown

        append_report(append, dated_entry(render_markdown(result, **view)))
    if quiet and explained is not None:
        from tracediff.explain.render import render_hint

        sys.stderr.write(render_hint(explained))  # the quiet line has no room for hints
    raise typer.Exit(result.exit_code)


def _declares_graph(config: Path | None, no_config: bool) -> bool:
    """Whether the project's config declares its own ``[graph]``: then it is read (and its mistakes
    reported) on every compare, a matching one too; the shipped graphs load only where used."""
    from tracediff.config.loader import find_config, read_config_file

    project = read_config_file(config) if config is not None else (None if no_config else find_config())
    return project is not None and "graph" in project.table


def _explained(reference: Path, candidate: Path, args_file: Path) -> ExplainResult:
    """``compare --explain``: what tracediff explain finds (an ExplainResult; runs the model)."""
    from tracediff.cli_explain import run_explain

    return run_explain(reference, candidate, args_file, [])


def _with_explanations(report: str, explained: ExplainResult) -> str:
    """The JSON report with the ``explanations`` key: explain's whole result."""
    import json

    return json.dumps({**json.loads(report), "explanations": explained.to_json()}, indent=2, ensure_ascii=False)


def _compare_dirs(reference: Path, candidate: Path, fmt: Format, output: Path | None, **settings: Any) -> None:
    """``compare DIR_A DIR_B``: every pair of namesake logs, in parallel; a summary; the same exit codes."""
    from tracediff.compare.dirs import compare_dirs, render_dirs

    if not (reference.is_dir() and candidate.is_dir()):
        raise TraceDiffError("is a directory, the other log a file: compare takes two log files or two directories",
                             reference if reference.is_dir() else candidate)
    if fmt not in (Format.table, Format.json):
        raise TraceDiffError(f"comparing directories prints a table or json, not {fmt.value}", "--format")
    result = compare_dirs(reference, candidate, **settings)
    _emit(render_dirs(result, fmt.value), output)
    raise typer.Exit(result.exit_code)


@profile_app.command("show", cls=PlainUsage)
def profile_show(name: Annotated[str, typer.Argument(metavar="NAME", help="Profile name, e.g. nanobragg.")]) -> None:
    """Print a shipped profile (TOML)."""
    from tracediff.config.loader import profile_text

    sys.stdout.write(profile_text(name))


@profile_app.command("list", cls=PlainUsage)
def profile_list() -> None:
    """List the shipped profiles."""
    from tracediff.config.loader import profile_names

    sys.stdout.write("\n".join(profile_names()) + "\n")


from tracediff.cli_capture import CONTEXT_SETTINGS, capture  # noqa: E402 - torch loads inside the command

app.command("capture", context_settings=CONTEXT_SETTINGS, cls=PlainUsage)(capture)
from tracediff.cli_check import check  # noqa: E402 - no torch: check reads one log
from tracediff.cli_triage import triage  # noqa: E402 - torch loads inside the command

app.command("check", cls=PlainUsage)(check)
app.command("triage", cls=PlainUsage)(triage)
from tracediff.cli_explain import explain as explain_command  # noqa: E402 - torch loads inside the command

app.command("explain", context_settings=CONTEXT_SETTINGS, cls=PlainUsage)(explain_command)


def _print_version(value: bool) -> None:
    if value:
        from tracediff import __version__

        sys.stdout.write(f"tracediff {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", metavar=BOOL, callback=_print_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Parallel-trace capture and comparison for porting numerical C programs to PyTorch."""
