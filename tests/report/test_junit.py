"""JUnit stays a valid document that shows red whenever the gate fails."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


def test_nothing_compared_is_a_junit_failure(cli, write):
    ref = write("ref.log", "TRACE_C: a 1\n")
    cand = write("cand.log", "TRACE_PY: a 1\n")
    result = cli("compare", ref, cand, "--only", "typo", "--format", "junit")
    assert result.code == 1
    root = ET.fromstring(result.stdout)
    failures = root.findall(".//failure")
    assert len(failures) == 1
    assert "no field was compared" in failures[0].get("message", "")
    assert sum(int(s.get("failures", 0)) for s in root.iter("testsuite")) == 1


def test_quiet_says_nothing_was_compared(cli, write):
    ref = write("ref.log", "TRACE_C: a 1\n")
    cand = write("cand.log", "TRACE_PY: a 1\n")
    result = cli("compare", ref, cand, "--only", "typo", "--quiet")
    assert result.code == 1
    assert "nothing was compared" in result.stdout


CONTROL = "".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32), 127]))


@pytest.mark.parametrize("char", list(CONTROL), ids=lambda c: f"U+{ord(c):04X}")
def test_control_characters_keep_the_xml_well_formed(cli, write, char):
    ref = write("ref.log", f"TRACE_C: mode = XDS{char}A\nTRACE_C: a 1\n")
    cand = write("cand.log", f"TRACE_PY: mode = MOSFLM{char}B\nTRACE_PY: a 1\n")
    result = cli("compare", ref, cand, "--format", "junit")
    assert result.code in (0, 1), result.stderr
    ET.fromstring(result.stdout)  # parses


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), min_size=1,
               max_size=20))
def test_any_text_value_gives_parseable_junit(tmp_path_factory, text):
    from tracediff.compare.engine import compare_logs
    from tracediff.compare.options import CompareOptions
    from tracediff.report.junit import render_junit

    folder = tmp_path_factory.mktemp("junit")
    (folder / "ref.log").write_text(f"TRACE_C: name = x{text}\nTRACE_C: a 1\n", encoding="utf-8")
    (folder / "cand.log").write_text(f"TRACE_PY: name = y{text}\nTRACE_PY: a 1\n", encoding="utf-8")
    result = compare_logs(folder / "ref.log", folder / "cand.log", CompareOptions(keep_all=True))
    ET.fromstring(render_junit(result))
