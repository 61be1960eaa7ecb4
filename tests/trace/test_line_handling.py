"""Line endings, undecodable bytes, a missing final newline and very long lines."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tracediff import TraceDiffError, parse_log

SPACE_LOG_RECORDS = [
    (2, "pix0_vector_meters", (0.1, 0.0065, -0.0065)),
    (3, "R_distance_meters", (0.100001224992497,)),
    (4, "hkl_rounded", (0.0, 0.0, 0.0)),
    (5, "steps", (12.0,)),
    (6, "F_latt", (-0.441906188316127,)),
    (8, "scattering_vec_A_inv", (-122497.749108774, -34999571.2578781, 34999571.2578781)),
    (9, "r_e_sqr", (7.94079248018965e-30,)),
]


def summary(path):
    return [(r.line, r.field, tuple(r.value.numbers)) for r in parse_log(path).records()]


@pytest.mark.parametrize("ending", [b"\r\n", b"\r"], ids=["CRLF", "CR"])
def test_line_endings_do_not_change_records(logs, write, ending):
    data = (logs / "dialect_space.log").read_bytes()
    assert b"\r" not in data
    path = write("endings.log", data.replace(b"\n", ending))
    assert summary(path) == SPACE_LOG_RECORDS
    log = parse_log(path)
    assert log.info.lines_read == 9 and log.info.skipped == 2


def test_crlf_text_value_has_no_carriage_return(write):
    path = write("crlf.log", b"TRACE_C:detector_convention=MOSFLM\r\nTRACE_C: a 1\r\n")
    text = next(parse_log(path).records())
    assert text.value.text == "MOSFLM"


def test_undecodable_bytes_do_not_stop_the_parse(write, cli):
    data = (
        b"\xff\xfe\x80 binary junk from another program\n"  # line 1: not UTF-8, not a trace line
        b"TRACE_C: a 1.5\n"  # 2
        b"TRACE_C: note caf\xe9 cr\xe8me\n"  # 3: a Latin-1 text value
        b"TRACE_C: b 2 3\n"  # 4
        b"\xc3\x28 \xa0\xa1\n"  # 5: invalid UTF-8 sequences
        b"TRACE_C: c -4e-10\n"  # 6
    )
    path = write("bytes.log", data)
    got = [(line, field, numbers) for line, field, numbers in summary(path) if field != "note"]
    assert got == [(2, "a", (1.5,)), (4, "b", (2.0, 3.0)), (6, "c", (-4e-10,))]
    result = cli("show", path, "--format", "json")
    assert result.code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["lines"] == 6
    assert path.read_bytes() == data


def test_final_line_without_newline_is_read(write):
    path = write("cut.log", "TRACE_C: a 1\nnoise\nTRACE_C: b 2 3")
    assert summary(path) == [(1, "a", (1.0,)), (3, "b", (2.0, 3.0))]
    log = parse_log(path)
    assert log.info.lines_read == 3 and log.info.skipped == 1


def test_file_of_one_line_without_newline(write):
    path = write("one.log", "TRACE_PY:angles_rad=rotx:0 roty:0 rotz:0 twotheta:0.1")
    (record,) = parse_log(path).records()
    assert record.line == 1 and record.field == "angles_rad"
    assert [name for name, _ in record.value.names] == ["rotx", "roty", "rotz", "twotheta"]
    assert list(record.value.numbers) == [0, 0, 0, 0.1]


def test_ten_megabyte_line_with_a_million_numbers(tmp_path):
    rng = np.random.default_rng(20261128)
    tokens = ["%.6g" % x for x in rng.standard_normal(1_000_000) * 10.0 ** rng.integers(-5, 6, 1_000_000)]
    line = "TRACE_C: big_vector " + " ".join(tokens)
    assert len(line) > 9_000_000
    path = tmp_path / "big.log"
    path.write_text(f"banner\nTRACE_C: before 1\n{line}\nTRACE_C: after 2\n", encoding="utf-8")
    log = parse_log(path)
    records = list(log.records())
    assert [(r.line, r.field) for r in records] == [(2, "before"), (3, "big_vector"), (4, "after")]
    big = records[1]
    expected = np.array([float(t) for t in tokens])
    assert len(big.value.numbers) == 1_000_000
    assert np.array_equal(np.asarray(big.value.numbers), expected)
    assert list(records[2].value.numbers) == [2.0]


@pytest.mark.parametrize("content", [b"", b"\n\n\n", b"plain text\nno tags here\n"], ids=["empty", "blank", "no-trace"])
def test_log_without_records_is_a_tracediff_error(write, content):
    path = write("none.log", content)
    with pytest.raises(TraceDiffError) as exc:
        parse_log(path)
    assert "none.log" in str(exc.value)


def test_missing_file_and_directory_are_tracediff_errors(tmp_path):
    with pytest.raises(TraceDiffError):
        parse_log(tmp_path / "does-not-exist.log")
    with pytest.raises(TraceDiffError):
        parse_log(tmp_path)


def test_occurrences_continue_through_a_multi_megabyte_log(tmp_path):
    """A log of several megabytes (read in pieces): every print of a field keeps its
    line number and its occurrence, and a change in the last block is found there."""
    n_blocks = 50_000
    lines = []
    expected: list[tuple[int, str, int]] = []  # (line, field, occurrence)
    for i in range(n_blocks):
        lines.append(f"TRACE_C: F_latt {i}.25")
        expected.append((len(lines), "F_latt", i))
        if i % 1000 == 999:
            lines.append(f"TRACE_C:angles_rad=rotx:{i} roty:0 rotz:0 twotheta:0.1")
            expected.append((len(lines), "angles_rad", i // 1000))
        lines.append(f"progress {i:08d} " + "-" * 70)
    ref = tmp_path / "ref.log"
    ref.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert ref.stat().st_size > 5_000_000
    log = parse_log(ref)
    got = [(r.line, r.field, r.occurrence) for r in log.records()]
    assert got == expected
    assert log.info.skipped == n_blocks
    last_angles = [r for r in log.records() if r.field == "angles_rad"][-1]
    assert list(last_angles.value.numbers) == [n_blocks - 1, 0, 0, 0.1]

    from tracediff import compare_logs

    changed = list(lines)
    last_f_latt = max(line for line, field, _ in expected if field == "F_latt")
    changed[last_f_latt - 1] = f"TRACE_PY: F_latt {n_blocks - 1}.26"  # 0.01 in 5e4: 2e-7 relative
    cand = tmp_path / "cand.log"
    cand.write_text("\n".join(changed) + "\n", encoding="utf-8")
    result = compare_logs(ref, cand)
    assert result.exit_code == 1
    assert result.counts.compared == len(expected)
    assert result.counts.diverged == 1
    first = result.first_divergence
    assert (first.field, first.occurrence, first.ref_line, first.cand_line) == (
        "F_latt", n_blocks - 1, last_f_latt, last_f_latt)
