"""Shared fixtures for the parser, comparison and CLI tests.

* ``reference_dir`` / ``corpus_dir``: the shared collections, read only through the
  environment (``TRACEDIFF_REFERENCE``, ``TRACEDIFF_CORPUS``); the tests that need them
  skip when the variable is unset.
* ``logs``: the hand-written logs in ``fixtures/logs/``.
* ``write``: write a log (text or bytes) into the test's own temporary folder.
* ``cli``: run ``tracediff`` in-process (``tracediff.cli_main.main``) with the working
  directory set to the test's temporary folder, so no project config interferes.
* ``run_module``: run ``python -m tracediff`` as a subprocess, for end-to-end checks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURE_LOGS = REPO_ROOT / "fixtures" / "logs"


def _env_dir(variable: str, hint: str) -> Path:
    value = os.environ.get(variable)
    if not value:
        pytest.skip(f"set {variable} to {hint}")
    path = Path(value)
    if not path.is_dir():
        pytest.skip(f"{variable}={value} is not a directory; set it to {hint}")
    return path


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """The nanoBragg C reference cases (``*/trace_c.log``)."""
    return _env_dir("TRACEDIFF_REFERENCE", "../shared/reference/nanobragg-c")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The field corpus of real C / PyTorch trace logs."""
    return _env_dir("TRACEDIFF_CORPUS", "../shared/corpus/field")


@pytest.fixture(scope="session")
def logs() -> Path:
    """The folder of hand-written fixture logs."""
    assert FIXTURE_LOGS.is_dir(), FIXTURE_LOGS
    return FIXTURE_LOGS


@pytest.fixture
def write(tmp_path: Path):
    """``write(name, content)`` -> path; ``content`` is text (UTF-8, written as is) or bytes."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
        return path

    return _write


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        return json.loads(self.stdout)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run ``tracediff ARGS...`` in-process; returns exit code, stdout and stderr."""
    from tracediff.cli_main import main

    def _run(*args: object, cwd: Path | None = None) -> CliResult:
        monkeypatch.chdir(cwd or tmp_path)
        capsys.readouterr()
        with pytest.raises(SystemExit) as exc:
            main([str(a) for a in args])
        out, err = capsys.readouterr()
        code = exc.value.code
        if code is None:
            code = 0
        assert isinstance(code, int), f"exit status {code!r} is not an int"
        return CliResult(code, out, err)

    return _run


@pytest.fixture
def run_module(tmp_path: Path):
    """Run ``python -m tracediff ARGS...`` in a subprocess (cwd: the test's tmp folder)."""

    def _run(*args: object, cwd: Path | None = None, python_flags: tuple[str, ...] = ()) -> CliResult:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
        env.pop("PYTHONWARNINGS", None)
        proc = subprocess.run(
            [sys.executable, *python_flags, "-m", "tracediff", *[str(a) for a in args]],
            cwd=cwd or tmp_path, env=env, capture_output=True, text=True, timeout=120,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return _run


@pytest.fixture
def compare_json(write, cli):
    """``compare_json(ref_text, cand_text, *options)`` -> (exit code, JSON report)."""

    def _compare(ref: str | bytes, cand: str | bytes, *options: object) -> tuple[int, dict]:
        r = write("ref.log", ref)
        c = write("cand.log", cand)
        result = cli("compare", r, c, "--format", "json", *options)
        assert result.code in (0, 1), f"exit {result.code}: {result.stderr}"
        return result.code, result.json()

    return _compare
