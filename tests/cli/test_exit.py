"""The console script leaves without tearing the interpreter down: nothing it printed may be lost on the way."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "tracediff", *args], capture_output=True, cwd=cwd, timeout=120)


def test_a_long_report_arrives_whole_with_the_exit_code(tmp_path):
    ref = "".join(f"TRACE_C: field_{i} {i}.5 {i}.25\n" for i in range(3000))
    cand = ref.replace("field_2999 2999.5", "field_2999 2999.75").replace("TRACE_C", "TRACE_PY")
    (tmp_path / "ref.log").write_text(ref)
    (tmp_path / "cand.log").write_text(cand)
    done = _run("compare", "ref.log", "cand.log", "--all", "--format", "json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)  # every byte of a ~1 MB report, flushed before the exit
    assert report["counts"]["compared"] == 3000 and report["counts"]["diverged"] == 1
    assert _run("compare", "ref.log", "ref.log", "-q", cwd=tmp_path).returncode == 0


def test_errors_still_reach_stderr_with_exit_code_2(tmp_path):
    (tmp_path / "ref.log").write_text("TRACE_C: a 1\n")
    done = _run("compare", "ref.log", "missing.log", cwd=tmp_path)
    assert done.returncode == 2
    assert b"missing.log" in done.stderr and b"Traceback" not in done.stderr


def test_an_exit_with_a_message_prints_it_and_exits_1(tmp_path):
    code = ("import tracediff.cli_main as cli\n"
            "def fail():\n    raise SystemExit('stopped: because')\n"
            "cli.main = fail\ncli.run()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 1
    assert done.stderr.decode().strip() == "stopped: because"
