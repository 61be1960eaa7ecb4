"""The small things of the command line: --version, stdin, help, option combinations."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
REF = "TRACE_C: a 1\nTRACE_C: b 2\nTRACE_C: c 3\n"
CAND = "TRACE_PY: a 1\nTRACE_PY: b 2.5\nTRACE_PY: d 4\n"


def test_version(cli):
    from tracediff import __version__

    result = cli("--version")
    assert result.code == 0 and result.stdout.strip() == f"tracediff {__version__}"


@pytest.mark.parametrize("side", [0, 1])
def test_dash_reads_either_side_from_stdin(write, tmp_path, side):
    ref, cand = write("ref.log", REF), write("cand.log", CAND)
    args = ["-", str(cand)] if side == 0 else [str(ref), "-"]
    stdin = (REF if side == 0 else CAND).encode()
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run([sys.executable, "-m", "tracediff", "compare", *args, "--format", "json"], input=stdin,
                          capture_output=True, cwd=tmp_path, env=env, timeout=120)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["first_divergence"]["field"] == "b"
    assert (doc["reference"], doc["candidate"])[side] == "-"


def test_stdin_cannot_be_both_sides(cli):
    result = cli("compare", "-", "-")
    assert result.code == 2 and "standard input" in result.stderr


def test_quiet_with_a_machine_format_is_a_usage_error(cli, write):
    result = cli("compare", write("r.log", REF), write("c.log", CAND), "--quiet", "--format", "json")
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--quiet" in result.stderr


def test_diverged_only_means_diverged_and_missing_not_extra(cli, write):
    result = cli("compare", write("r.log", REF), write("c.log", CAND), "--diverged-only", "--all")
    assert result.code == 1
    assert "DIVERGED" in result.stdout and "MISSING" in result.stdout
    assert "EXTRA" not in result.stdout and "MATCH " not in result.stdout
    md = cli("compare", "r.log", "c.log", "--diverged-only", "--format", "markdown")
    assert "EXTRA" not in md.stdout and "| MISSING |" in md.stdout


@pytest.mark.parametrize("command", [("compare",), ("show",), ("profile", "show"), ()])
def test_help_has_plain_metavars_and_usage(cli, command):
    result = cli(*command, "--help")
    assert result.code == 0
    assert "<bool>" not in result.stdout
    assert "{" not in result.stdout.split("\n\n")[0] + result.stdout.splitlines()[1]
    if command == ("compare",):
        assert "Usage: tracediff compare [OPTIONS] REFERENCE CANDIDATE" in result.stdout
