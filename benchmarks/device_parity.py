"""Capture every reference case on a device and compare with the C program's trace.

    python benchmarks/device_parity.py REFERENCE_DIR [--device cuda] [--dtype float64]

For each ``CASE/args.txt`` + ``CASE/trace_c.log`` under REFERENCE_DIR it runs
``tracediff capture --device D`` and reports, per case, the fields compared and the
verdict of (1) the detector block at rtol 1e-12, atol 1e-15 and (2) the whole trace with
``--profile nanobragg`` (the profile explains the C's print quirks), plus the capture's
wall time.  Exit 0 when every case agrees
(cases with the C's phi carry-over bug are expected to diverge and are marked).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tracediff.catalogue import FIELDS

DETECTOR_BLOCKS = {"detector_general", "detector_sample", "detector_beam"}
CARRY_OVER = {"mat-A-scaled-phisteps", "cli-flags-supervisor"}


def _compare(ref: Path, cand: Path, *extra: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "tracediff", "compare", str(ref), str(cand), "--format", "json", "--no-config", *extra],
        capture_output=True, text=True,
    )
    if out.returncode == 2:
        return {"verdict": "error", "counts": {}, "first_divergence": {"field": out.stderr.strip()}}
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("reference", type=Path)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--dtype", default="float64")
    args = parser.parse_args()
    detector = sorted({f.name for f in FIELDS if f.block in DETECTOR_BLOCKS})
    only = [x for name in detector for x in ("--only", name)]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case in sorted(p.parent for p in args.reference.glob("*/args.txt")):
            py = Path(tmp) / f"{case.name}.log"
            t = time.perf_counter()
            with open(py, "w") as handle:
                run = subprocess.run(
                    [sys.executable, "-m", "tracediff", "capture", "--args-file", str(case / "args.txt"),
                     "--device", args.device, "--dtype", args.dtype],
                    stdout=handle, stderr=subprocess.PIPE, text=True,
                )
            wall = time.perf_counter() - t
            if run.returncode != 0:
                print(f"{case.name:45s} capture failed: {run.stderr.strip().splitlines()[-1:]}")
                failures += 1
                continue
            det = _compare(case / "trace_c.log", py, "--profile", "nanobragg", "--rtol", "1e-12", "--atol", "1e-15", *only)
            full = _compare(case / "trace_c.log", py, "--profile", "nanobragg")
            expected = "diverged" if case.name in CARRY_OVER else "match"
            first = (full.get("first_divergence") or {}).get("field", "")
            ok = det["verdict"] == "match" and full["verdict"] == expected
            failures += not ok
            print(f"{case.name:45s} detector {det['counts'].get('compared', 0):3d} {det['verdict']:8s} "
                  f"full {full['counts'].get('compared', 0):3d} {full['verdict']:8s} waived "
                  f"{full['counts'].get('waived', 0)} {first:18s} capture {wall:5.1f} s {'' if ok else 'UNEXPECTED'}")
    print(f"{failures} unexpected result(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
