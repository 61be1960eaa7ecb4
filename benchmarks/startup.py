"""Benchmark: what a small ``tracediff compare`` costs against ``tracediff --help``.

Runs each command ``--repeat`` times (default 7) in a fresh process and prints the median
wall and CPU time (user + system of the child), next to ``python -c pass``; then lists the
largest imports of the compare from ``python -X importtime``.

    python benchmarks/startup.py
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dialects import machine  # noqa: E402 - the shared machine description


def timed(command: list[str], repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``command`` over ``repeat`` fresh runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def largest_imports(command: list[str], count: int = 8) -> list[tuple[int, str]]:
    """The top-level imports of ``command`` with the largest cumulative time (microseconds)."""
    run = subprocess.run([sys.executable, "-X", "importtime", *command[1:]], capture_output=True, text=True)
    rows = []
    for line in run.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.split("|")
            if cumulative.strip().isdigit() and not name.startswith("  "):  # top level, not nested
                rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tracediff-startup-"))
    (folder / "c.log").write_text("TRACE_C:pix0_vector=0.1 0.2 0.3\nTRACE_C: omega_pixel 1.5e-07\n")
    (folder / "py.log").write_text("TRACE_PY:pix0_vector=0.1 0.2 0.3\nTRACE_PY: omega_pixel 1.5e-07\n")
    compare = [sys.executable, "-m", "tracediff", "compare", str(folder / "c.log"), str(folder / "py.log")]
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "tracediff --help": [sys.executable, "-m", "tracediff", "--help"],
        "tracediff compare (two 2-line logs)": compare,
    }
    print(machine())
    print(f"median of {args.repeat} runs each")
    print(f"{'command':40s} {'wall':>8s} {'CPU':>8s}")
    figures = {}
    for name, command in commands.items():
        wall, cpu = figures[name] = timed(command, args.repeat)
        print(f"{name:40s} {wall:7.2f}s {cpu:7.2f}s")
    help_wall = figures["tracediff --help"][0]
    print(f"tiny compare / --help, wall: {figures['tracediff compare (two 2-line logs)'][0] / help_wall:.2f}")
    print("largest top-level imports of the compare (python -X importtime, cumulative):")
    for micros, name in largest_imports(compare):
        print(f"  {micros / 1000:7.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
