"""Benchmark: every trace dialect, tracediff against numdiff and a plain dict-of-floats script.

For each dialect a pair of N-line logs is written (500 field names, three values each,
the candidate's values times 1 + 1e-13, one value near the end times 1 + 1e-3), then
the three tools run on it in the same run.  The table gives wall time, CPU time (user
and system, all processes: steadier than wall time on a shared machine), lines per second
(both files together), peak memory of all processes together (proportional set size,
sampled every 10 ms), the time relative to the plain dialect, and whether tracediff
found the planted divergence.  A check at a smaller size compares tracediff's verdict
with the parser's general path (every line read by the dialect rules one by one).

``--shapes`` times the pathological inputs of one line or one log each (a huge
unterminated line, a 30,000-character word, 40,000 blanks, 33,000 distinct tags, odd
``roi 1-2`` lines in every chunk).

    python benchmarks/dialects.py                      # 1,000,000 lines per log
    python benchmarks/dialects.py --lines 100000 --only plain,numpy
    python benchmarks/dialects.py --shapes-only
    python benchmarks/dialects.py --pythonpath OLD_TREE --shapes-only   # another checkout, for before/after
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_vs_numdiff import measure  # noqa: E402 - the shared timing harness

Writer = Callable[[str, str, list[float]], str]
NAMES = 500


def _vec(values: list[float], sep: str = " ") -> str:
    return sep.join("%.17g" % v for v in values)


# dialect -> how one record is written (tag, name, values) -> line
DIALECTS: dict[str, Writer] = {
    "plain": lambda tag, name, v: f"{tag}:{name}={_vec(v)}",
    "space": lambda tag, name, v: f"{tag}: {name} {_vec(v)}",
    "numpy": lambda tag, name, v: f"{tag}: {name} = [ {_vec(v, '  ')} ]",
    "comma": lambda tag, name, v: f"{tag}: {name} = {_vec(v, ', ')}",
    "named": lambda tag, name, v: f"{tag}: {name} rotx:{v[0]:.17g} roty:{v[1]:.17g} rotz:{v[2]:.17g}",
    "steps": lambda tag, name, v: f"{tag}_PHI phi_tic={name[6:]} k_frac={v[0]:.17g} l_frac={v[1]:.17g} h={v[2]:.17g}",
    "units": lambda tag, name, v: f"{tag}: {name} {_vec(v)} Angstroms",
}
NOISE = ("progress: {i} of {n} pixels done", "nanoBragg: reading HKL file, {i} lines", "roi 1-2 of {i}")


def _mixed(tag: str, name: str, v: list[float], rng: random.Random) -> list[str]:
    """A realistic mix: a random dialect per field and one line of program noise per record."""
    dialect = list(DIALECTS.values())[hash(name) % len(DIALECTS)]
    i = rng.randrange(10**6)
    return [dialect(tag, name, v), NOISE[i % 3].format(i=i, n=10**6)]


def generate(folder: Path, dialect: str, lines: int, seed: int = 2026) -> tuple[Path, Path, int]:
    """Write one pair; returns the paths and the 1-based reference line of the planted divergence."""
    rng, noise_rng = random.Random(seed), random.Random(seed + 1)
    ref_path, cand_path = folder / f"{dialect}.ref.log", folder / f"{dialect}.cand.log"
    records = lines // 2 if dialect == "mixed" else lines
    target = records - 100
    ref_writer = DIALECTS["plain"] if dialect == "plain-vs-numpy" else DIALECTS.get(dialect)
    cand_writer = DIALECTS["numpy"] if dialect == "plain-vs-numpy" else DIALECTS.get(dialect)
    planted_line = 0
    with open(ref_path, "w") as ref, open(cand_path, "w") as cand:
        for i in range(records):
            name = f"field_{i % NAMES}"
            values = [rng.uniform(-1e3, 1e3) for _ in range(3)]
            changed = [x * (1 + 1e-13) for x in values]
            if i + 1 == target:
                changed[1] = values[1] * (1 + 1e-3)
            if dialect == "mixed":
                state = noise_rng.getstate()
                a = _mixed("TRACE_C", name, values, noise_rng)
                noise_rng.setstate(state)
                b = _mixed("TRACE_PY", name, changed, noise_rng)
                ref.write("\n".join(a) + "\n")
                cand.write("\n".join(b) + "\n")
                if i + 1 == target:
                    planted_line = 2 * i + 1
            else:
                ref.write(ref_writer("TRACE_C", name, values) + "\n")
                cand.write(cand_writer("TRACE_PY", name, changed) + "\n")
                if i + 1 == target:
                    planted_line = i + 1
    return ref_path, cand_path, planted_line


PLAIN_SCRIPT = r'''
import re, sys
NUM = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.])")
NAME = re.compile(r"TRACE\w*[:\s]\s*([A-Za-z_]\w*)")
def read(path):
    out, seen = {}, {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if "TRACE" not in line:
                continue
            m = NAME.search(line)
            if not m:
                continue
            name = m.group(1)
            k = seen.get(name, 0); seen[name] = k + 1
            out[(name, k)] = (n, [float(x) for x in NUM.findall(line, m.end())])
    return out
a, b = read(sys.argv[1]), read(sys.argv[2])
bad = []
for key, (n, xs) in a.items():
    ys = b.get(key, (0, []))[1]
    if len(xs) != len(ys) or any(abs(x - y) > 1e-9 * max(abs(x), abs(y)) for x, y in zip(xs, ys)):
        bad.append(n)
print(len(bad), min(bad) if bad else None)
sys.exit(1 if bad else 0)
'''


def _env(pythonpath: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = pythonpath or str(Path(__file__).resolve().parents[1])
    return env


def run_tracediff(ref: Path, cand: Path, pythonpath: str | None) -> dict:
    command = [sys.executable, "-m", "tracediff", "compare", str(ref), str(cand), "--rtol", "1e-9", "--format", "json"]
    os.environ["PYTHONPATH"] = _env(pythonpath)["PYTHONPATH"]
    result = measure(command)
    report = json.loads(result["out"]) if result["out"].lstrip().startswith("{") else {}
    result["first"] = (report.get("first_divergence") or {}).get("ref_line")
    result["counts"] = report.get("counts", {})
    return result


def run_numdiff(ref: Path, cand: Path) -> dict | None:
    numdiff = shutil.which("numdiff")
    if numdiff is None:
        return None
    return measure([numdiff, "-q", "-a", "1e-9", "-r", "1e-9", "-s", " \t\n:=,[]();", "-X", "1:1", "-X", "2:1",
                    str(ref), str(cand)])


def run_plain(ref: Path, cand: Path) -> dict:
    result = measure([sys.executable, "-c", PLAIN_SCRIPT, str(ref), str(cand)])
    first = result["out"].split()
    result["first"] = int(first[1]) if len(first) == 2 and first[1] != "None" else None
    return result


def general_path_agrees(folder: Path, dialect: str, lines: int) -> bool:
    """At ``lines`` lines: the same counts and first divergence with the general path only."""
    ref, cand, _ = generate(folder, dialect, lines)
    script = (
        "import sys, json; from tracediff.trace import parser; from tracediff.compare.engine import compare_logs\n"
        "from tracediff.compare.options import CompareOptions\n"
        "from tracediff.compare.tolerance import Tolerance, ToleranceRules\n"
        "def run():\n"
        "    options = CompareOptions(tolerances=ToleranceRules(default=Tolerance(rtol=1e-9)))\n"
        "    c = compare_logs(sys.argv[1], sys.argv[2], options)\n"
        "    f = c.first_divergence\n"
        "    return (vars(c.counts), f and (f.field, f.ref_line, f.occurrence, f.component))\n"
        "bulk = run(); parser.MAX_SKELETON = -1; general = run()\n"
        "print(json.dumps([bulk == general, repr(bulk)]))\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(ref), str(cand)], capture_output=True, text=True,
                         env=_env(None))
    try:
        return bool(json.loads(out.stdout)[0])
    except (json.JSONDecodeError, IndexError):
        print(out.stderr[-2000:])
        return False


def shapes(folder: Path, pythonpath: str | None, huge_mb: int) -> list[tuple[str, dict]]:
    """The pathological inputs of issue 12, each compared against itself."""
    cases = {
        f"unterminated {huge_mb} MB line": "TRACE_C: big " + "1 " * (huge_mb << 19),
        "30,000-character word": "TRACE_C: w " + "a" * 30_000 + "\nTRACE_C:x=" + "b" * 30_000 + "\n",
        "40,000 blanks": "TRACE_C:a=1" + " " * 40_000 + "b=2\nTRACE_C: c" + " " * 40_000 + "1\n",
        "33,000 distinct tags": "".join(f"TRACE_C_T{i}: v {i}\n" for i in range(33_000)),
        "33,000 distinct names": "".join(f"TRACE_C: name{i} {i}\n" for i in range(33_000)),
        "roi 1-2 in every chunk (200k lines)": "".join(
            f"TRACE_C: field_{i % 500} {i * 0.5!r} {i}\n" + ("TRACE_C: roi 1-2\n" if i % 1000 == 0 else "")
            for i in range(200_000)
        ),
    }
    out = []
    for name, text in cases.items():
        path = folder / "shape.log"
        path.write_text(text)
        del text
        command = [sys.executable, "-m", "tracediff", "compare", str(path), str(path), "--quiet"]
        os.environ["PYTHONPATH"] = _env(pythonpath)["PYTHONPATH"]
        try:
            result = subprocess.run([sys.executable, "-c", "import sys, time, subprocess; t = time.perf_counter(); "
                                     "p = subprocess.run(sys.argv[1:], capture_output=True, timeout=300); "
                                     "print(time.perf_counter() - t, p.returncode)", *command],
                                    capture_output=True, text=True, timeout=330)
            wall, rc = result.stdout.split()
            out.append((name, {"wall": float(wall), "rc": int(rc)}))
        except (subprocess.TimeoutExpired, ValueError):
            out.append((name, {"wall": float("inf"), "rc": None}))
        path.unlink()
    cases.clear()
    return out


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                 platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} CPUs ({model}), load average {load:.1f}, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--only", help="comma-separated dialects (default: all)")
    parser.add_argument("--check-lines", type=int, default=20_000, help="size of the general-path check (0: skip)")
    parser.add_argument("--shapes", action="store_true", help="also time the pathological shapes")
    parser.add_argument("--shapes-only", action="store_true")
    parser.add_argument("--huge-mb", type=int, default=8, help="size of the unterminated line")
    parser.add_argument("--pythonpath", help="run tracediff from this tree instead of this checkout")
    parser.add_argument("--tracediff-only", action="store_true", help="skip numdiff and the plain script")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tracediff-dialects-"))
    print(f"machine: {machine()}")
    try:
        if not args.shapes_only:
            names = args.only.split(",") if args.only else ["plain", *[d for d in DIALECTS if d != "plain"],
                                                            "mixed", "plain-vs-numpy"]
            table(folder, names, args)
        if args.shapes or args.shapes_only:
            print("\n| shape | tracediff wall | exit |\n|---|---|---|")
            for name, r in shapes(folder, args.pythonpath, args.huge_mb):
                print(f"| {name} | {r['wall']:.2f} s | {r['rc']} |")
    finally:
        shutil.rmtree(folder)
    return 0


def table(folder: Path, names: list[str], args: argparse.Namespace) -> None:
    print(f"\n{args.lines:,} lines per log; lines/s counts both logs; memory: all processes together\n")
    print("| dialect | tool | wall | CPU (user+sys) | lines/s | peak memory | wall vs tracediff on plain | verdict |")
    print("|---|---|---|---|---|---|---|---|")
    base = None
    for dialect in names:
        ref, cand, planted = generate(folder, dialect, args.lines)
        td = run_tracediff(ref, cand, args.pythonpath)
        base = base or td["wall"]
        nd = None if args.tracediff_only else run_numdiff(ref, cand)
        plain = None if args.tracediff_only else run_plain(ref, cand)
        ok = td["rc"] == 1 and td["first"] == planted and td["counts"].get("diverged") == 1
        agree = general_path_agrees(folder, dialect, args.check_lines) if args.check_lines else None
        for tool, r, verdict in (
            ("tracediff", td, f"{'right' if ok else 'WRONG'} (first at {td['first']}, planted {planted})"
             + ("" if agree is None else f"; general path {'agrees' if agree else 'DISAGREES'}")),
            ("numdiff", nd, f"exit {nd['rc']}" if nd else ""),
            ("plain script", plain, f"first at {plain.get('first')}" if plain else ""),
        ):
            if r is None and args.tracediff_only:
                continue
            if r is None:
                print(f"| {dialect} | {tool} | not installed | | | | |")
                continue
            print(f"| {dialect} | {tool} | {r['wall']:.2f} s | {r['cpu']:.2f} s | {2 * args.lines / r['wall'] / 1e3:,.0f}k "
                  f"| {r['tree_kib'] / 1024:.1f} MiB | {r['wall'] / base:.2f}x | {verdict} |", flush=True)
        ref.unlink()
        cand.unlink()


if __name__ == "__main__":
    raise SystemExit(main())
