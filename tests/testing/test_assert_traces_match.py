"""The pytest helper: the headline is the message's first line (``pytest -ra`` shows it),
the failing rows follow, the helper's frame is hidden, and it takes compare_logs' options."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracediff.compare.engine import resolve_options
from tracediff.testing import assert_traces_match

REPO_ROOT = Path(__file__).resolve().parents[2]
REF = "TRACE_C: lambda_meters 1e-10\nTRACE_C: F_cell 100\nTRACE_C: pix0_vector 0.1 0.2 0.3\n"
CAND = "TRACE_C: lambda_meters 1e-10\nTRACE_C: F_cell 100.5\nTRACE_C: pix0_vector 0.1 0.2 0.3\n"

USER_TEST = """
from tracediff.testing import assert_traces_match

def test_port():
    assert_traces_match("ref.log", "cand.log", config=None)
"""


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "ref.log").write_text(REF)
    (tmp_path / "cand.log").write_text(CAND)
    return tmp_path / "ref.log", tmp_path / "cand.log"


def test_message_starts_with_the_whole_headline(pair: tuple[Path, Path]) -> None:
    with pytest.raises(AssertionError) as exc:
        assert_traces_match(*pair, config=None)
    message = str(exc.value)
    first, *rest = message.splitlines()
    assert not message.startswith("\n")
    assert first.startswith("FIRST DIVERGENCE: TRACE F_cell")
    assert "100.5" in first and "rel err" in first  # both values and the error, on the one line
    assert any("F_cell" in line for line in rest)  # the failing row follows
    assert "FIRST DIVERGENCE" not in "\n".join(rest)  # and the headline is not said twice


def test_takes_compare_logs_options(pair: tuple[Path, Path]) -> None:
    assert assert_traces_match(*pair, config=None, rtol=1e-2).counts.compared == 3
    assert assert_traces_match(*pair, config=None, tol=["F_cell=1e-2"]).counts.diverged == 0
    assert assert_traces_match(*pair, resolve_options(config=None, ignore=["F_cell"])).counts.diverged == 0


def test_pytest_ra_line_carries_the_headline_and_hides_the_helper(pair: tuple[Path, Path]) -> None:
    folder = pair[0].parent
    (folder / "test_user_port.py").write_text(USER_TEST)
    path = os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH")) if p)
    env = dict(os.environ, PYTHONPATH=path, COLUMNS="400")  # -ra cuts its lines to the terminal's width
    proc = subprocess.run([sys.executable, "-m", "pytest", "-ra", "-p", "no:cacheprovider", "test_user_port.py"],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    summary = [line for line in proc.stdout.splitlines() if line.startswith("FAILED test_user_port.py::test_port")]
    assert len(summary) == 1, proc.stdout
    assert "AssertionError: FIRST DIVERGENCE: TRACE F_cell; reference line 2: 100;" in summary[0]
    assert "result = compare_logs(" not in proc.stdout  # the helper's own source is not shown
    assert 'assert_traces_match("ref.log", "cand.log"' in proc.stdout  # the caller's line is
