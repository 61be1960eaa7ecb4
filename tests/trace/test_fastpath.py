"""The vectorised fast path must read exactly what the general path reads.

Lines of the common shapes are certified in bulk by numpy (tracediff.trace.fastpath);
every other line goes through the dialect rules.  The same values written once in the
fast shape and once in a shape only the general path takes (double spaces) must give
identical records, and chunk boundaries must not change anything.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tracediff.trace import parser
from tracediff.trace.parser import parse_log

names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,30}", fullmatch=True)
finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
values = st.lists(finite, min_size=1, max_size=5)
lines = st.lists(st.tuples(st.sampled_from(["TRACE_C", "TRACE_PY", "TRACE"]), names, values), min_size=1, max_size=40)


def _records(path):
    log = parse_log(path)
    return [(r.line, r.field, r.occurrence, r.value.numbers) for r in log.records()]


@settings(max_examples=60, deadline=None)
@given(lines)
def test_fast_and_general_paths_agree(tmp_path_factory, content):
    folder = tmp_path_factory.mktemp("fast")
    fast, slow = folder / "fast.log", folder / "slow.log"
    fast.write_text("".join(f"{tag}: {name} {' '.join(repr(v) for v in vals)}\n" for tag, name, vals in content))
    slow.write_text("".join(f"{tag}:  {name}  {'  '.join(repr(v) for v in vals)}\n" for tag, name, vals in content))
    assert _records(fast) == _records(slow)
    for (_, _, _, numbers), (_, _, vals) in zip(_records(fast), content):
        assert numbers == tuple(vals)  # every float read back exactly


def test_chunk_boundaries_do_not_change_records(tmp_path, monkeypatch):
    rng = np.random.default_rng(3)
    text = "".join(
        f"noise line {i}\nTRACE_C: f{i % 7} {rng.normal():.17g} {rng.normal():.17g}\nTRACE_C:g{i % 5}={i}\n"
        for i in range(3000)
    )
    path = tmp_path / "log.txt"
    path.write_text(text)
    whole = _records(path)
    monkeypatch.setattr(parser, "CHUNK_BYTES", 997)  # cuts lines everywhere
    assert _records(path) == whole
    assert len(whole) == 6000 and whole[-1][:3] == (9000, "g4", 599)


def test_numeric_looking_garbage_falls_back_without_losing_lines(tmp_path):
    path = tmp_path / "log.txt"
    path.write_text("TRACE_C: a 1 2\nTRACE_C: b 1e\nTRACE_C: c 3\nTRACE_C: d --4\n")
    records = {r.field: r.value for r in parse_log(path).records()}
    assert records["a"].numbers == (1.0, 2.0) and records["c"].numbers == (3.0,)
    assert records["b"].kind == "text" and records["d"].kind == "text"
