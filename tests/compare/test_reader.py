"""A log read by a child process gives exactly the comparison of a log read here, and the child never outlives it."""

from __future__ import annotations

import multiprocessing

import pytest

from tracediff.compare import reader
from tracediff.compare.engine import compare_logs
from tracediff.errors import TraceDiffError
from tracediff.trace import parser

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork here")


def _logs(tmp_path, lines: int = 4000):
    ref = [f"TRACE_C: field_{i % 50} {i}.5 {i * 0.25:.17g} -{i}e-3" for i in range(lines)]
    cand = [line.replace("TRACE_C", "TRACE_PY") for line in ref]
    cand[lines - 7] = cand[lines - 7].replace(".5 ", ".5000001 ", 1)  # one late divergence
    del cand[lines // 2]  # and one record missing: the rest pairs by occurrence
    cand.insert(0, "TRACE_PY: only_here 7")  # the two sides meet their fields in different orders (ids differ)
    (tmp_path / "ref.log").write_text("\n".join(ref) + "\n")
    (tmp_path / "cand.log").write_text("\n".join(cand) + "\n")
    return tmp_path / "ref.log", tmp_path / "cand.log"


def _summary(result):
    first = result.first_divergence
    return (result.exit_code, result.counts, first and (first.field, first.occurrence, first.ref_line, first.cand_line))


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(parser, "CHUNK_BYTES", 4096)  # many chunks, many batches through the pipe


def test_a_child_reads_what_this_process_reads(tmp_path, monkeypatch, small_chunks):
    ref, cand = _logs(tmp_path)
    here = _summary(compare_logs(ref, cand))
    monkeypatch.setattr(reader, "PROCESS_THRESHOLD", 0)  # every log is worth a child now
    started = []
    real = reader._ProcessReader
    monkeypatch.setattr(reader, "_ProcessReader", lambda *a: started.append(a[0]) or real(*a))
    there = _summary(compare_logs(ref, cand))
    assert started == [ref]  # one child, for the reference; the candidate is read here
    assert there == here
    assert here[0] == 1 and here[1].diverged > 0


def test_the_child_is_gone_and_its_slot_free_after_a_compare(tmp_path, monkeypatch, small_chunks):
    ref, cand = _logs(tmp_path, 600)
    monkeypatch.setattr(reader, "PROCESS_THRESHOLD", 0)
    for _ in range(2):
        compare_logs(ref, cand, first_only=True)  # stops early: the child is stopped too
        assert multiprocessing.active_children() == []
        assert reader._READER_SLOTS.acquire(blocking=False)
        reader._READER_SLOTS.release()


def test_an_error_in_the_childs_log_names_that_log(tmp_path, monkeypatch):
    ref, cand = _logs(tmp_path, 50)
    ref.write_bytes("TRACE_C: a 1\n".encode("utf-16"))
    monkeypatch.setattr(reader, "PROCESS_THRESHOLD", 0)
    with pytest.raises(TraceDiffError) as caught:
        compare_logs(ref, cand)
    assert caught.value.path is not None and caught.value.path.name == "ref.log"
    assert "UTF-16" in caught.value.reason
    assert multiprocessing.active_children() == []
