"""Benchmark: many pixels traced in one run, and two directories of traces compared.

For each size (default 100 and 10,000 pixels) ``tracediff capture --trace-pixels REGION
--out DIR`` traces a square region of one reference case twice: once as given, once with
``-distance`` changed by one part in 10^8 (so every pair diverges and the summary has
work to do).  Then ``tracediff compare DIR_A DIR_B`` judges the pairs (one worker per
core), and ``compare DIR_A DIR_A`` the agreeing case.  Prints wall and CPU time of each
step and the trace volume.

    python benchmarks/pixels.py
    python benchmarks/pixels.py --sizes 100
"""

from __future__ import annotations

import argparse
import math
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dialects import machine  # noqa: E402 - the shared machine description

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "fixtures" / "reference" / "xds-twotheta-rotz-orgx" / "args.txt"


def timed(command: list[str]) -> tuple[float, float, int]:
    """Wall and CPU seconds (user + system) of ``command``, and its exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, done.returncode


def region(pixels: int, slow: int = 100, fast: int = 210) -> str:
    """A square region of about ``pixels`` pixels starting at (slow, fast), as --trace-pixels takes it."""
    side = math.isqrt(pixels)
    return f"{slow}-{slow + side - 1},{fast}-{fast + side - 1}"


def capture(folder: Path, pixels: str, extra: list[str]) -> tuple[float, float, int]:
    command = [sys.executable, "-m", "tracediff", "capture", "--args-file", str(CASE), "--trace-pixels", pixels,
               "--out", str(folder), "--", "-roi", "0", "319", "0", "319", *extra]
    return timed(command)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,10000", help="comma-separated pixel counts (squares)")
    args = parser.parse_args()
    print(machine())
    print(f"case: {CASE.relative_to(ROOT)} (-roi widened to the whole 320x320 detector)")
    header = f"{'pixels':>7s} {'step':44s} {'wall':>8s} {'CPU':>8s}  result"
    print(header)
    for size in [int(s) for s in args.sizes.split(",")]:
        work = Path(tempfile.mkdtemp(prefix="tracediff-pixels-"))
        a, b, pixels = work / "a", work / "b", region(size)
        steps = [
            (f"capture --trace-pixels {pixels}", lambda: capture(a, pixels, [])),
            ("capture, -distance 160.0000016", lambda: capture(b, pixels, ["-distance", "160.0000016"])),
            ("compare DIR_A DIR_B (every pair diverges)",
             lambda: timed([sys.executable, "-m", "tracediff", "compare", str(a), str(b), "--no-config"])),
            ("compare DIR_A DIR_A (every pair agrees)",
             lambda: timed([sys.executable, "-m", "tracediff", "compare", str(a), str(a), "--no-config"])),
        ]
        for name, step in steps:
            wall, cpu, code = step()
            logs = sorted(a.glob("*.log"))
            result = f"exit {code}" + (f", {len(logs)} logs, {sum(p.stat().st_size for p in logs) / 1e6:.1f} MB"
                                       if name.startswith("capture --") else "")
            print(f"{size:7d} {name:44s} {wall:7.2f}s {cpu:7.2f}s  {result}")
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
