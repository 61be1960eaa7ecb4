"""Property: whatever bytes a log holds, parsing yields records or raises TraceDiffError."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracediff import TraceDiffError, parse_log

FRAGMENTS = [
    "TRACE_C:", "TRACE_PY:", "TRACE:", "TRACE_C_PHI ", "TRACE_PY_PHI ", "TRACE_PY_SOURCE 0:", " ", "  ",
    "\t", "=", " = ", "[", "]", ";", ":", ",", "(", ")", "|", "1", "-0", "0.5", "1e5", "-2.5e-300",
    "nan", "-nan", "Inf", "-inf", "key", "x", "rotx:", "phi_tic=", "m", "(m)", "Å^-1", "Angstroms",
    "e", "E", "-", "+", ".", "\n", "\r\n", "\r", "\x00", "é", "←", "TRACE", "===",
]

trace_like = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map(lambda parts: "".join(parts).encode("utf-8"))
any_bytes = st.binary(max_size=3000)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("parse-properties")


def _parse_or_error(path: Path) -> None:
    try:
        log = parse_log(path)
    except TraceDiffError as exc:
        assert str(exc), "a TraceDiffError must say why"
        return
    records = list(log.records())
    assert records, "parse_log returned a log without records instead of raising"
    n_lines = log.info.lines_read
    for record in records:
        assert 1 <= record.line <= n_lines
        assert record.occurrence >= 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(any_bytes, trace_like, st.tuples(trace_like, any_bytes, trace_like).map(b"".join)))
def test_parse_never_raises_anything_but_tracediff_error(scratch, data):
    path = scratch / "fuzz.log"
    path.write_bytes(data)
    _parse_or_error(path)
    assert path.read_bytes() == data  # the input is never modified
