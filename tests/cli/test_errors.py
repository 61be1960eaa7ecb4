"""One error boundary: every command reports a failure the same way, in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

LOG = "TRACE_C: lambda_meters 1e-10\nTRACE_C: F_cell 100\n"


def _raiser(exc: BaseException):
    def _raise(*_args, **_kwargs):
        raise exc

    return _raise


@pytest.fixture
def break_commands(monkeypatch):
    """Make compare and show fail inside with ``exc`` (capture still formats its own errors)."""

    def _break(exc: BaseException) -> None:
        monkeypatch.setattr("tracediff.compare.engine.compare_logs", _raiser(exc))
        monkeypatch.setattr("tracediff.trace.parser.parse_log", _raiser(exc))

    return _break


def _commands(write):
    log = write("a.log", LOG)
    return {"compare": ("compare", log, log), "show": ("show", log)}


@pytest.mark.parametrize("exc, code, expected", [
    (RuntimeError("boom"), 2, "tracediff: error: internal error (RuntimeError: boom); set TRACEDIFF_DEBUG=1 for the traceback"),
    (ZeroDivisionError("float division by zero"), 2, "tracediff: error: internal error (ZeroDivisionError: float division by zero)"),
    (KeyboardInterrupt(), 130, "tracediff: error: interrupted"),
    (PermissionError(13, "Permission denied", "x.log"), 2, "tracediff: error: x.log: Permission denied"),
], ids=["bug", "numeric", "interrupt", "oserror"])
def test_every_command_words_a_failure_the_same_way(cli, write, break_commands, exc, code, expected):
    break_commands(exc)
    lines = {}
    for name, args in _commands(write).items():
        result = cli(*args)
        assert result.code == code, (name, result)
        assert result.stdout == ""
        lines[name] = result.stderr.strip()
        assert len(lines[name].splitlines()) == 1, lines[name]
        assert lines[name].startswith(expected), (name, lines[name])
    assert len(set(lines.values())) == 1, lines


def test_a_mistyped_option_suggests_the_one_meant(cli, write):
    log = write("a.log", LOG)
    result = cli("compare", log, log, "--profle", "nanobragg")
    assert result.code == 2
    assert result.stderr.strip() == "tracediff: error: no such option: --profle (did you mean --profile?)"
    far = cli("compare", log, log, "--zzzzzz")
    assert far.code == 2 and "did you mean" not in far.stderr


def test_show_into_a_closed_pipe_exits_quietly(tmp_path):
    """``tracediff show big.log | head -1`` stops without a word on stderr."""
    log = tmp_path / "big.log"
    log.write_text("".join(f"TRACE_C: f{i} {i}.5\n" for i in range(3000)), encoding="utf-8")
    env = {"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(f"'{sys.executable}' -m tracediff show '{log}' | head -1", shell=True, cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.stdout.count("\n") == 1
    assert proc.stderr == ""
    status = subprocess.run(f"set -o pipefail; '{sys.executable}' -m tracediff show '{log}' | head -1 >/dev/null",
                            shell=True, executable="/bin/bash", cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=120)
    assert status.returncode == 0, status.stderr
