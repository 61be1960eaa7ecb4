"""A tiny compare must start like ``tracediff --help``: no torch, no reader process machinery.

Read from ``python -X importtime``, the interpreter's own list of what a run imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import tracediff

ROOT = Path(tracediff.__file__).resolve().parent.parent

#: Modules a compare of two small logs has no use for, and why.
NOT_NEEDED = {
    "torch": "only capture models the program; compare reads text",
    "multiprocessing": "small logs are read in this process (reader.PROCESS_THRESHOLD)",
    "pydantic": "typer 0.29 validates every option with it (~100 ms): pyproject keeps typer below 0.29",
    "numpy.ma": "np.unique and np.isin import it on first use: the parser has its own distinct/member",
    "xml": "only the JUnit report writes XML",
    "networkx": "only the HTML report lays out the graph",
    "tracediff.rootcause": "root causes are looked for only when the logs diverge",
    "tracediff.catalogue": "the field catalogue is read for a profile, a hint or root causes, not a plain match",
}


def _imported(args: list[str], cwd: Path) -> tuple[int, set[str]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "tracediff", *args],
                         cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    names = {line.rsplit("|", 1)[1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    return run.returncode, names


def test_tiny_compare_imports_no_torch_and_no_multiprocessing(tmp_path: Path) -> None:
    (tmp_path / "c.log").write_text("TRACE_C:pix0_vector=0.1 0.2 0.3\nTRACE_C: omega_pixel 1.5e-07\n")
    (tmp_path / "py.log").write_text("TRACE_PY:pix0_vector=0.1 0.2 0.3\nTRACE_PY: omega_pixel 1.5e-07\n")
    code, names = _imported(["compare", "c.log", "py.log", "--no-config"], tmp_path)
    assert code == 0
    assert "tracediff.compare.engine" in names  # the list is real: the compare's own modules are in it
    loaded = {m for m in NOT_NEEDED if any(name == m or name.startswith(m + ".") for name in names)}
    assert loaded == set(), {m: NOT_NEEDED[m] for m in loaded}


def test_the_allocator_is_tuned_only_for_logs_of_more_than_one_chunk(tmp_path: Path) -> None:
    """A small compare never loads ctypes; a log longer than one chunk asks glibc to keep freed blocks."""
    (tmp_path / "c.log").write_text("TRACE_C:pix0_vector=0.1 0.2 0.3\n")
    code, names = _imported(["compare", "c.log", "c.log", "--no-config"], tmp_path)
    assert code == 0 and "tracediff.trace.allocator" not in names
    from tracediff.trace import parser

    (tmp_path / "big.log").write_text("TRACE_C: v 1.5\n" * (2 * parser.CHUNK_BYTES // 15))
    code, names = _imported(["compare", "big.log", "big.log", "--no-config"], tmp_path)
    assert code == 0 and "tracediff.trace.allocator" in names
