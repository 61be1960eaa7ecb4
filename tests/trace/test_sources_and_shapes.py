"""Every value of a chain line is a field; logs come from files, FIFOs, stdin and gzip; odd shapes stay linear.

Issue 12: ``mode = XDS, count = 5`` is two fields (text included), a value overflowing
a double keeps its printed text, a log is opened once (a FIFO works), a gzip log is
read, a UTF-16 log is refused with a message that says so, and the time to read a
line grows linearly with its length, its longest word, its blank runs and the number
of distinct tags and names.  Issue 11: prose is read but flagged optional.
"""

from __future__ import annotations

import gzip
import io
import os
import sys
import threading
import time

import pytest

from tracediff import TraceDiffError, parse_log
from tracediff.trace.log import KeyTable
from tracediff.trace.parser import iter_batches


def _fields(path) -> dict[str, object]:
    return {r.field: (r.value.text if r.value.kind == "text" else r.value.numbers) for r in parse_log(path).records()}


def test_every_key_of_a_chain_line_is_a_field_text_included(tmp_path):
    path = tmp_path / "chain.log"
    path.write_text("TRACE_C: mode = XDS, count = 5\nTRACE_C: convention = XDS, pivot = BEAM\n")
    assert _fields(path) == {"mode": "XDS", "count": (5.0,), "convention": "XDS", "pivot": "BEAM"}


def test_a_value_overflowing_a_double_keeps_its_printed_text(tmp_path):
    path = tmp_path / "overflow.log"
    path.write_text("TRACE_C: big 1e999\nTRACE_C: big 2e999\nTRACE_C: inf inf\n")
    big0, big1, literal = [r.value for r in parse_log(path).records()]
    assert big0.numbers == big1.numbers == (float("inf"),)
    assert (big0.printed, big1.printed, literal.printed) == ("1e999", "2e999", None)


def test_prose_is_read_but_optional(tmp_path):
    path = tmp_path / "prose.log"
    path.write_text(
        "TRACE: Copying vectors to a0, b0, c0 (phi=0 mosaic=0 reference):\n"
        "TRACE_CONFIG: tracing pixel (spixel=65, fpixel=65)\n"
        "TRACE: Direct-space cell volume: V_cell = 1/V_star = 1e+06\n"
        "TRACE:   V_star = a_star . (b_star x c_star) = 1e-06\n"
        "TRACE:   V_cell = 1e+06, V_star = 1e-06\n"
        "TRACE_C: pix0_vector 0.1 0.2 0.3\n"
    )
    got = [(r.line, r.field, r.value.numbers, r.optional) for r in parse_log(path).records()]
    assert got == [
        (1, "phi", (0.0,), True), (1, "mosaic", (0.0,), True),
        (2, "spixel", (65.0,), True), (2, "fpixel", (65.0,), True),
        (3, "Direct-space cell volume: V_cell", (1e6,), True),
        (4, "V_star", (1e-6,), True),
        (5, "V_cell", (1e6,), False), (5, "V_star", (1e-6,), False),
        (6, "pix0_vector", (0.1, 0.2, 0.3), False),
    ]


def test_a_fifo_is_opened_once_and_read(tmp_path):
    fifo = tmp_path / "trace.fifo"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "w") as handle:
            handle.write("TRACE_C: a 1 2\nTRACE_C: b 3\n")

    writer = threading.Thread(target=feed)
    writer.start()
    records = list(parse_log(fifo).records())
    writer.join(timeout=10)
    assert [(r.field, r.value.numbers) for r in records] == [("a", (1.0, 2.0)), ("b", (3.0,))]


def test_a_fifo_without_records_fails_instead_of_hanging(tmp_path):
    fifo = tmp_path / "empty.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: open(fifo, "w").write("no trace here\n"))
    writer.start()
    with pytest.raises(TraceDiffError, match="no trace records in 1 lines"):
        parse_log(fifo)
    writer.join(timeout=10)


def test_dash_reads_standard_input(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(b"TRACE_PY: x 4\n"))))
    assert [(r.field, r.value.numbers) for r in parse_log("-").records()] == [("x", (4.0,))]


def test_a_gzip_log_is_read(tmp_path):
    plain, packed = tmp_path / "a.log", tmp_path / "a.log.gz"
    text = "".join(f"TRACE_C: f{i % 7} {i} {i / 3!r}\n" for i in range(5000))
    plain.write_text(text)
    packed.write_bytes(gzip.compress(text.encode()))
    assert repr(list(parse_log(packed).records())) == repr(list(parse_log(plain).records()))


def test_a_truncated_gzip_log_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "cut.log.gz"
    path.write_bytes(gzip.compress(b"TRACE_C: a 1\n" * 1000)[:-20])
    with pytest.raises(TraceDiffError, match="gzip") as exc:
        parse_log(path)
    assert str(path) in str(exc.value)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_log_gets_a_message_that_says_so(tmp_path, encoding):
    path = tmp_path / "wide.log"
    path.write_bytes("TRACE_C: a 1 2 3\nTRACE_C: b 4\n".encode(encoding))
    with pytest.raises(TraceDiffError, match="UTF-16"):
        parse_log(path)


def test_a_log_ending_mid_line_is_flagged(tmp_path):
    path = tmp_path / "cut.log"
    path.write_text("TRACE_C: a 1\nTRACE_C: b 2")
    log = parse_log(path)
    assert len(log) == 2 and log.info.ends_mid_line


def _seconds(path) -> float:
    start = time.process_time()
    for _ in iter_batches(path, KeyTable()):
        pass
    return time.process_time() - start


@pytest.mark.parametrize("shape", [
    lambda n: "TRACE_C: w " + "a" * n + "\n",
    lambda n: "TRACE_C:x=" + "b" * n + "\n",
    lambda n: "TRACE_C: n " + "1" * n + "e\n",
    lambda n: "TRACE_C:a=1" + " " * n + "b=2\n",
    lambda n: "TRACE_C: c" + " " * n + "1\n",
    lambda n: "TRACE_C: rot rotx:" + "r" * n + "\n",
    lambda n: "TRACE_C: big " + "1 " * n,  # one unterminated line
    lambda n: "".join(f"TRACE_C_T{i}: v {i}\n" for i in range(n // 8)),
])
def test_time_grows_linearly_with_the_shape(tmp_path, shape):
    """Eight times the size costs well under 64 times the time (quadratic would be 64)."""
    small, large = tmp_path / "small.log", tmp_path / "large.log"
    small.write_text(shape(40_000))
    large.write_text(shape(320_000))
    base = max(_seconds(small), 0.01)
    assert _seconds(large) < 24 * base
