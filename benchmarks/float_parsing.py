"""Benchmark: number tokens to float64, ``np.fromstring`` against ``tracediff.trace.decimals``.

The parser's bulk path converts the number tokens of a whole chunk at once.  This
prints, per printf format, the nanoseconds per token of ``np.fromstring(sep=",")`` (the
former method) and of ``to_float64`` on the same tokens, the fraction ``to_float64``
settled itself (the rest go through ``float()``), and checks the values against
``float()``.  Times are the best of several rounds of CPU time (steadier than wall time
on a shared machine).

    python benchmarks/float_parsing.py                  # 300,000 tokens per format
    python benchmarks/float_parsing.py --tokens 3000 --rounds 50
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings
from collections.abc import Callable

import numpy as np

from tracediff.trace.decimals import to_float64

FORMATS: dict[str, Callable[[float], str]] = {
    "%.6g": lambda x: "%.6g" % x,
    "%.15g": lambda x: "%.15g" % x,
    "%.17g": lambda x: "%.17g" % x,
    "%r": repr,
    "%e": lambda x: "%e" % x,
}


def sample(n: int, seed: int = 1) -> list[float]:
    """Doubles of every sign and of magnitudes 1e-30 .. 1e30, as traces print them."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(n) * 10.0 ** rng.integers(-30, 30, n)).tolist()


def best_cpu(run: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        t0 = time.process_time()
        run()
        best = min(best, time.process_time() - t0)
    return best


def measure(tokens: list[str], rounds: int) -> tuple[float, float, float]:
    """(fromstring ns/token, to_float64 ns/token, fraction settled by to_float64)."""
    joined = ",".join(tokens).encode()
    data = np.frombuffer(joined, dtype=np.uint8)
    lengths = np.array([len(t) for t in tokens], dtype=np.int64)
    start = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]).astype(np.int64)
    end = start + lengths

    def fromstring() -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return np.fromstring(joined + b",0", dtype=np.float64, sep=",")  # noqa: NPY201

    values, ok = to_float64(data, start, end)
    expected = np.array([float(t) for t in tokens])
    if (values[ok].view(np.uint64) != expected[ok].view(np.uint64)).any():
        raise SystemExit("to_float64 disagrees with float()")
    n = len(tokens)
    old = best_cpu(fromstring, rounds) / n * 1e9
    new = best_cpu(lambda: to_float64(data, start, end), rounds) / n * 1e9
    return old, new, float(ok.mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=300_000, help="tokens per format")
    parser.add_argument("--rounds", type=int, default=7, help="rounds per method (best is kept)")
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, numpy {np.__version__}")
    print(f"{args.tokens:,} tokens per format, best of {args.rounds} rounds (CPU time)")
    print(f"{'format':8} {'fromstring':>12} {'to_float64':>12} {'speed-up':>9} {'fast path':>10}")
    xs = sample(args.tokens)
    for name, fmt in FORMATS.items():
        old, new, settled = measure([fmt(x) for x in xs], args.rounds)
        print(f"{name:8} {old:9.0f} ns {new:9.0f} ns {old / new:8.1f}x {settled:10.4%}")


if __name__ == "__main__":
    main()
