"""One status per row, one answer to "does it fail?", read alike by the gate, the JSON and JUnit."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tracediff import CompareOptions, compare_logs
from tracediff.compare.status import Status
from tracediff.report.junit import render_junit

REF = "TRACE_C: a 1\nTRACE_C: b 2\nTRACE: c 3\n"


@pytest.mark.parametrize("status, allow_missing, fails", [
    (Status.MATCHED, False, False), (Status.WAIVED, False, False), (Status.EXTRA, False, False),
    (Status.DIVERGED, False, True), (Status.DIVERGED, True, True),
    (Status.MISSING_REQUIRED, False, True), (Status.MISSING_REQUIRED, True, False),
    (Status.MISSING_OPTIONAL, False, False), (Status.MISSING_OPTIONAL, True, False),
])
def test_the_gate_policy(status, allow_missing, fails):
    assert status.fails(allow_missing) is fails


def _junit_failures(result) -> int:
    root = ET.fromstring(render_junit(result))
    return len(root.findall(".//failure"))


@pytest.mark.parametrize("allow_missing", [False, True])
def test_engine_result_and_junit_agree_on_missing_fields(write, allow_missing):
    ref = write("ref.log", REF)
    cand = write("cand.log", "TRACE_PY: a 1\n")
    options = CompareOptions(optional_tags=["TRACE"], allow_missing=allow_missing, keep_all=True)
    result = compare_logs(ref, cand, options)
    status = {row.field: row.status for row in result.rows}
    assert status == {"a": Status.MATCHED, "b": Status.MISSING_REQUIRED, "c": Status.MISSING_OPTIONAL}
    assert result.failed is (not allow_missing)
    assert _junit_failures(result) == (0 if allow_missing else 1)
    assert (result.first_divergence is None) is allow_missing
    doc = result.to_json()
    assert [row["status"] for row in doc["fields"]] == ["match", "missing", "missing-optional"]
