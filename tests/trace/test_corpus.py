"""The field corpus (``$TRACEDIFF_CORPUS``): no trace line with a name and a value is lost.

The detector below is deliberately independent of the parser: a ``TRACE...`` tag
(optionally followed by an index such as ``TRACE_PY_SOURCE 0``), then a name, then,
further on, at least one number standing as a word of its own.  Lines whose text ends
with ``:`` are narrative headers (``TRACE: Copying vectors to ap, bp, cp (phi=0 ...):``)
and are not expected to give a record.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tracediff import TraceDiffError, parse_log

NUMBER = r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w])"
DETECTOR = re.compile(
    r"(?<![A-Za-z0-9_])TRACE\w*(?:\s+\d+)?(?::\s*|\s+)"  # the tag, ':' or a space
    r"[A-Za-z_|][^\s=:]*"  # a name
    r".*?" + NUMBER  # a number later on the line
)
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def corpus_files(root: Path) -> list[Path]:
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != "INDEX.md")
    assert files, f"no files under {root}"
    return files


def lines_of(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8", errors="replace")
    lines = LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def expected_lines(lines: list[str]) -> set[int]:
    return {n for n, line in enumerate(lines, start=1)
            if DETECTOR.search(line) and not line.rstrip().endswith(":")}


def test_detector_sanity():
    """The detector itself: a few lines it must and must not flag."""
    assert expected_lines([
        "TRACE_C: pix0_vector_meters 0.1 0.0065 -0.0065",
        "TRACE_C:angles_rad=rotx:0 roty:0 rotz:0 twotheta:0",
        "TRACE_C_PHI phi_tic=0 phi_deg=0 k_frac=-0.19",
        "TRACE: Position (m) = 1.0, 0.0, 6.0e-03",
        "TRACE_PY_SOURCE 0: lambda_m 1e-10",
        "TRACE: Raw matrix values from file:",
        "TRACE_C:detector_convention=MOSFLM",
        "DETECTOR_PIX0_VECTOR 0.1 0.0065 -0.0065",
        "  50% done",
    ]) == {1, 2, 3, 4, 5}


def test_every_named_value_in_the_corpus_gives_a_record(corpus_dir):
    lost: list[str] = []
    files = corpus_files(corpus_dir)
    checked = 0
    for path in files:
        lines = lines_of(path)
        want = expected_lines(lines)
        try:
            log = parse_log(path)
        except TraceDiffError as exc:
            if want:
                lost.append(f"{path.relative_to(corpus_dir)}: parse failed ({exc}) with {len(want)} trace lines")
            continue
        records = list(log.records())
        got = {r.line for r in records}
        for n in sorted(want - got):
            lost.append(f"{path.relative_to(corpus_dir)}:{n}: {lines[n - 1][:120]!r}")
        # and the other way round: a record comes from a line that carries its tag
        for r in records:
            if r.tag not in lines[r.line - 1]:
                lost.append(f"{path.relative_to(corpus_dir)}:{r.line}: record {r.tag} {r.field} from a line without that tag")
        checked += len(want)
    assert checked > 1000, checked
    assert not lost, f"{len(lost)} problems:\n" + "\n".join(lost[:60])


def test_show_json_agrees_with_the_library_on_corpus_files(corpus_dir, cli):
    files = corpus_files(corpus_dir)
    sample = [p for p in files if expected_lines(lines_of(p))][:: max(1, len(files) // 12)]
    assert sample
    for path in sample:
        result = cli("show", path, "--format", "json")
        assert result.code == 0, (path, result.stderr)
        doc = json.loads(result.stdout)
        lines = lines_of(path)
        assert doc["lines"] == len(lines), path
        record_lines = {r["line"] for r in doc["records"]}
        assert expected_lines(lines) <= record_lines, path
        assert doc["skipped"] == len(lines) - len(record_lines), path
        assert [(r["line"], r["field"], r["occurrence"]) for r in doc["records"]] == [
            (r.line, r.field, r.occurrence) for r in parse_log(path).records()
        ]
