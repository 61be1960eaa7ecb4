"""JUnit XML: one test case per compared field, one suite per tag family.

CI systems render this natively; a divergence becomes a failure element carrying both
values and the errors, a waived one a skipped element with its reason.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from tracediff.compare.result import Comparison, FieldResult
from tracediff.compare.status import Status
from tracediff.report.text import headline
from tracediff.report.values import fmt_error, fmt_value


#: characters XML 1.0 cannot hold even escaped: ASCII control characters but tab/newline/return, lone surrogates, U+FFFE/F
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(xml: str) -> str:
    """Write each character XML cannot hold as its escape (``\\x07``), so the document always parses."""
    return _NOT_XML.sub(lambda m: ascii(m.group())[1:-1], xml)


def _gate_failure(suites: ET.Element, comparison: Comparison) -> None:
    """A failed gate that no field's failure explains (nothing compared, ...) still shows red."""
    suite = ET.SubElement(suites, "testsuite", name="tracediff", tests="1", failures="1", errors="0", skipped="0")
    case = ET.SubElement(suite, "testcase", name="comparison", classname="tracediff.gate")
    failure = ET.SubElement(case, "failure", message=headline(comparison).splitlines()[0], type="gate")
    failure.text = headline(comparison)


def _case(suite: ET.Element, row: FieldResult) -> None:
    case = ET.SubElement(suite, "testcase", name=row.label, classname=f"tracediff.{row.family}")
    detail = (f"reference (line {row.ref_line}): {fmt_value(row.ref_value, 400)}\n"
              f"candidate (line {row.cand_line}): {fmt_value(row.cand_value, 400)}\n"
              f"abs error {fmt_error(row.abs_error)}, rel error {fmt_error(row.rel_error)}; rule: {row.rule}")
    if row.status is Status.DIVERGED:
        failure = ET.SubElement(case, "failure", message=f"{row.label} diverged", type="divergence")
        failure.text = detail + (f"\n{row.note}" if row.note else "")
    elif row.status is Status.MISSING_REQUIRED:
        failure = ET.SubElement(case, "failure", message=f"{row.label} missing from the candidate", type="missing")
        failure.text = detail
    elif row.status is Status.WAIVED:
        ET.SubElement(case, "skipped", message=row.note or "waived")


def render_junit(comparison: Comparison, **_: object) -> str:
    """JUnit XML of the compared fields (every one when the comparison kept every row)."""
    suites = ET.Element("testsuites", name="tracediff")
    by_family: dict[str, list[FieldResult]] = defaultdict(list)
    for row in comparison.rows:
        if row.cand_line is not None and row.status in (Status.MATCHED, Status.DIVERGED, Status.WAIVED):
            by_family[row.family].append(row)
        elif row.status.missing and row.status.fails(comparison.allow_missing):
            by_family["missing fields"].append(row)
    for family, rows in by_family.items():
        failures = sum(r.status.fails(comparison.allow_missing) for r in rows)
        suite = ET.SubElement(suites, "testsuite", name=family, tests=str(len(rows)),
                              failures=str(failures), errors="0",
                              skipped=str(sum(r.status is Status.WAIVED for r in rows)))
        for row in rows:
            _case(suite, row)
    if comparison.strict and comparison.unused_waivers:
        suite = ET.SubElement(suites, "testsuite", name="waivers", tests="1", failures="1", errors="0", skipped="0")
        case = ET.SubElement(suite, "testcase", name="every waiver matched", classname="tracediff.waivers")
        failure = ET.SubElement(case, "failure", message="waivers matched nothing (--strict)", type="unused-waiver")
        failure.text = "\n".join(comparison.unused_waivers)
    if comparison.failed and suites.find(".//failure") is None:
        _gate_failure(suites, comparison)
    props = ET.SubElement(suites, "properties")
    ET.SubElement(props, "property", name="headline", value=headline(comparison))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + _xml_safe(ET.tostring(suites, encoding="unicode")) + "\n"
