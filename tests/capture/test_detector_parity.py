"""Detector-block parity with the real C traces (spec 6.2), at rtol 1e-12 / atol 1e-15.

Runs ``tracediff capture`` on every reference case (``$TRACEDIFF_REFERENCE`` and the copies
in ``fixtures/reference``) and compares each ``TRACE_C:name=`` set-up line with the
``TRACE_PY:name=`` line in the same position. Where the C prints something other than
its label says, tracediff prints the true value and the catalogue's ``c_print`` says how
the C's number follows from it; the test checks that relation instead of equality.

The numeric comparison is a small helper here until the compare library exists.
"""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

import pytest

from tracediff.capture.runner import capture
from tracediff.catalogue import FieldSpec, block_fields, detector_blocks
from reference_cases import ENV_CASES, FIXTURE_CASES, FIXTURES

RTOL, ATOL = 1e-12, 1e-15
SETUP = re.compile(r"^(TRACE_C|TRACE_PY):(\w+)=(.*)$")
PIXEL = re.compile(r"^TRACE_C: (\w+) (.*)$")






# --- a tiny trace reader ---------------------------------------------------


def setup_lines(text: str) -> list[tuple[str, str]]:
    """(name, raw value) of the set-up lines, in order, before the per-pixel block."""
    out = []
    for line in text.splitlines():
        if line.startswith("TRACE_CONFIG") or PIXEL.match(line):
            break
        m = SETUP.match(line)
        if m:
            out.append((m.group(2), m.group(3)))
        elif line.startswith("DETECTOR_"):
            name, _, rest = line.partition(" ")
            out.append((name, rest))
    return out


def plain_lines(text: str) -> list[str]:
    keep = ("convention selected.", "pivoting detector around")
    return [line for line in text.splitlines() if line.endswith(keep[0]) or line.startswith(keep[1])]


def first_pixel_values(text: str) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for line in text.splitlines():
        m = PIXEL.match(line)
        if m and m.group(1) not in out:
            out[m.group(1)] = [float(x) for x in m.group(2).split()]
    return out


def numbers(raw: str, kind: str) -> list[float] | dict[str, float]:
    if kind == "matrix":
        return [float(x) for x in raw.strip("[]").replace(";", " ").split()]
    if kind == "named":
        return {k: float(v) for k, v in (item.split(":", 1) for item in raw.split())}
    return [float(x) for x in raw.split()]


def close(c: float, py: float) -> bool:
    return abs(c - py) <= ATOL + RTOL * abs(c)


def check_field(spec: FieldSpec, c_raw: str, py_raw: str, py_block: dict[str, str]) -> str | None:
    """None when the C line agrees with tracediff's (through the documented quirk), else why not."""
    cp = spec.c_print
    if cp is not None and cp.op == "const":
        return None if c_raw == cp.arg else f"C printed {c_raw!r}, expected constant {cp.arg!r}"
    if cp is not None and cp.op == "same_as":
        py_raw = py_block[str(cp.arg)]
    if spec.kind == "text":
        return None if c_raw == py_raw else f"C {c_raw!r} != PY {py_raw!r}"
    c_val, py_val = numbers(c_raw, spec.kind), numbers(py_raw, spec.kind)
    if isinstance(c_val, dict):
        assert isinstance(py_val, dict)
        if c_val.keys() != py_val.keys():
            return f"named keys differ: {list(c_val)} vs {list(py_val)}"
        for key in c_val:
            expected = py_val[key]
            if cp is not None and cp.op == "scale" and key in (cp.components or ()):
                expected = expected * float(cp.arg)  # type: ignore[arg-type]
            if not close(c_val[key], expected):
                return f"{key}: C {c_val[key]!r} vs expected {expected!r}"
        return None
    assert isinstance(py_val, list)
    if len(c_val) != len(py_val):
        return f"length {len(c_val)} vs {len(py_val)}"
    bad = [(c, p) for c, p in zip(c_val, py_val) if not close(c, p)]
    return None if not bad else f"C {c_val} vs PY {py_val}"


def compare_case(case: Path) -> list[str]:
    """Every mismatch of the detector block of one case, as text (empty: all agree)."""
    c_text = (case / "trace_c.log").read_text(encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    result = capture([], args_file=case / "args.txt", stream=out, notes_stream=err)
    py_text = out.getvalue()
    problems: list[str] = []
    if plain_lines(c_text) != plain_lines(py_text):
        problems.append(f"plain lines differ: {plain_lines(c_text)} vs {plain_lines(py_text)}")
    expected = [spec for block in detector_blocks(result.geometry.pivot) for spec in block_fields(block)]
    c_lines, py_lines = setup_lines(c_text), setup_lines(py_text)
    names = [s.name for s in expected]
    if [n for n, _ in c_lines] != names:
        problems.append(f"C set-up lines are not the catalogue's: {[n for n, _ in c_lines]}")
        return problems
    if [n for n, _ in py_lines] != names:
        problems.append(f"PY set-up lines are not the catalogue's: {[n for n, _ in py_lines]}")
        return problems
    blocks: dict[str, dict[str, str]] = {}
    for spec, (_, raw) in zip(expected, py_lines):
        blocks.setdefault(spec.block, {})[spec.name] = raw
    for spec, (_, c_raw), (_, py_raw) in zip(expected, c_lines, py_lines):
        why = check_field(spec, c_raw, py_raw, blocks[spec.block])
        if why:
            problems.append(f"{spec.block}.{spec.name}: {why}")
    # the detector values the per-pixel block repeats
    g = result.geometry
    pixel = first_pixel_values(c_text)
    for name, value in (("pix0_vector_meters", g.pix0.tolist()), ("fdet_vec", g.fdet.tolist()),
                        ("sdet_vec", g.sdet.tolist()), ("close_distance_meters", [float(g.close_distance)])):
        if name in pixel and not all(close(c, p) for c, p in zip(pixel[name], value)):
            problems.append(f"pixel.{name}: C {pixel[name]} vs PY {value}")
    return problems


@pytest.mark.parametrize("case", FIXTURE_CASES, ids=[c.name for c in FIXTURE_CASES])
def test_fixture_case_detector_block_matches_c(case: Path) -> None:
    assert compare_case(case) == []


@pytest.mark.skipif(not ENV_CASES, reason="set TRACEDIFF_REFERENCE to the nanobragg-c reference folder")
@pytest.mark.parametrize("case", ENV_CASES, ids=[c.name for c in ENV_CASES])
def test_reference_case_detector_block_matches_c(case: Path) -> None:
    assert compare_case(case) == []


def test_fixture_copies_exist() -> None:
    assert len(FIXTURE_CASES) >= 4


def test_quirks_are_visible_in_a_beam_pivot_case() -> None:
    """The ADXV case prints MOSFLM, /1000 beam centre, MOSFLM basis and post-2θ *_after_rotz in C."""
    case = FIXTURES / "adxv-twotheta-forced-beam"
    c_text = (case / "trace_c.log").read_text(encoding="utf-8")
    out = io.StringIO()
    capture([], args_file=case / "args.txt", stream=out, notes_stream=io.StringIO())
    py = dict(setup_lines(out.getvalue())[10:])  # the BEAM block (after general + axes)
    c = dict(setup_lines(c_text)[10:])
    assert c["detector_convention"] == "MOSFLM" and py["detector_convention"] == "ADXV"
    assert c["initial_fdet"] == "0 0 1" and py["initial_fdet"] == "1 0 0"
    assert c["sdet_after_rotz"] == c["sdet_after_twotheta"] != py["sdet_after_rotz"]
    assert math.isclose(numbers(c["beam_center_m"], "named")["X"] * 1000,  # type: ignore[index]
                        numbers(py["beam_center_m"], "named")["X"], rel_tol=1e-15)  # type: ignore[index]
