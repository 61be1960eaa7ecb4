"""Benchmark: ``tracediff compare`` against numdiff on a pair of N-line trace logs.

Generates ``TRACE_C: field_<i % 500> <three %.17g floats>`` in one file and the same
values times (1 + 1e-13) as ``TRACE_PY: ...`` in the other, with one value near the end
(line N - 100) times (1 + 1e-3); then times both tools on the pair in the same run and
prints wall time, peak memory and the ratio.  Peak memory is given twice: the largest
resident set of any one process, and the proportional set size (shared pages counted
once) of the process and its children together, sampled every 10 ms in a second run
(tracediff reads the reference in a second process; sampling slows the run it samples).

    python benchmarks/compare_vs_numdiff.py            # 1,000,000 lines
    python benchmarks/compare_vs_numdiff.py --lines 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_MEASURE = r"""
import json, os, resource, subprocess, sys, time

def tree_rss_kib(pid):
    # proportional set size (shared pages split between their users) of the process and
    # all its descendants, summed (Linux /proc); a fork shares most of its parent's pages
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                total += next(int(l.split()[1]) for l in f if l.startswith("Pss:"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (OSError, StopIteration):
            pass
    return total

sample = sys.argv[1] == "sample"
t = time.perf_counter()
p = subprocess.Popen(sys.argv[2:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
peak_tree = 0
while sample and p.poll() is None:
    peak_tree = max(peak_tree, tree_rss_kib(p.pid))
    time.sleep(0.01)
out, err = p.communicate()
wall = time.perf_counter() - t
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
rss, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
print(json.dumps({"wall": wall, "cpu": cpu, "rss_kib": rss, "tree_kib": peak_tree, "rc": p.returncode,
                  "out": out.decode(errors="replace")[-4000:]}))
"""


def generate(folder: Path, lines: int, seed: int = 2026) -> tuple[Path, Path, int]:
    """Write the pair; returns the paths and the 1-based line of the planted divergence."""
    rng = random.Random(seed)
    target = lines - 100
    a_path, b_path = folder / "a.log", folder / "b.log"
    with open(a_path, "w") as a, open(b_path, "w") as b:
        for i in range(lines):
            values = [rng.uniform(-1e3, 1e3) for _ in range(3)]
            a.write("TRACE_C: field_%d %.17g %.17g %.17g\n" % (i % 500, *values))
            changed = [v * (1 + 1e-13) for v in values]
            if i + 1 == target:
                changed[1] = values[1] * (1 + 1e-3)
            b.write("TRACE_PY: field_%d %.17g %.17g %.17g\n" % (i % 500, *changed))
    return a_path, b_path, target


def measure(command: list[str]) -> dict:
    """Wall time, CPU time (all its processes) and peak memory of ``command``, each run in a fresh process.

    Times and memory come from two runs: reading ``smaps_rollup`` every 10 ms costs a
    good part of a core, which on two cores slows a tool of two processes (measured:
    0.3-0.4 s of a 3.3 s compare), so the timed run is not sampled.
    """
    def run(mode: str) -> dict:
        out = subprocess.run([sys.executable, "-c", _MEASURE, mode, *command], capture_output=True, text=True,
                             check=True)
        return json.loads(out.stdout)

    timed, sampled = run("time"), run("sample")
    return {**timed, "tree_kib": sampled["tree_kib"], "rss_kib": max(timed["rss_kib"], sampled["rss_kib"])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each tool; the best wall time is kept")
    parser.add_argument("--keep", type=Path, help="write the pair into this folder and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="tracediff-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    a, b, target = generate(folder, args.lines)
    print(f"generated 2 x {args.lines:,} lines in {time.perf_counter() - t:.1f} s ({folder})")

    tracediff = [sys.executable, "-m", "tracediff", "compare", str(a), str(b), "--rtol", "1e-9", "--format", "json"]
    runs = [measure(tracediff) for _ in range(args.repeat)]
    best = min(runs, key=lambda r: r["wall"])
    report = json.loads(best["out"]) if best["out"].lstrip().startswith("{") else {}
    first = report.get("first_divergence") or {}
    print(f"tracediff: {best['wall']:.2f} s, peak {best['rss_kib'] / 1024:.1f} MiB (largest process), "
          f"{best['tree_kib'] / 1024:.1f} MiB (all its processes together), exit {best['rc']}, "
          f"diverged={report.get('counts', {}).get('diverged')}, first at line {first.get('ref_line')} "
          f"(planted at {target})")
    numdiff = shutil.which("numdiff")
    if numdiff is None:
        print("numdiff: not installed (apt-get install numdiff); no ratio")
        return 0
    nd_runs = [measure([numdiff, "-a", "1e-9", "-r", "1e-9", "-X", "1:1", "-X", "2:1", str(a), str(b)])
               for _ in range(args.repeat)]
    nd = min(nd_runs, key=lambda r: r["wall"])
    print(f"numdiff:   {nd['wall']:.2f} s, peak {nd['rss_kib'] / 1024:.1f} MiB, exit {nd['rc']}")
    print(f"ratio tracediff/numdiff peak memory (all processes): {best['tree_kib'] / max(nd['tree_kib'], 1):.3f}")
    print(f"ratio tracediff/numdiff wall time: {best['wall'] / nd['wall']:.3f}")
    if args.keep is None:
        shutil.rmtree(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
