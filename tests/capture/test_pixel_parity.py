"""Per-pixel parity with the real C traces (spec 6.3) at rtol 1e-9 / atol 1e-15.

Runs ``tracediff capture`` on every reference case (``$TRACEDIFF_REFERENCE`` and the copies in
``fixtures/reference``) and compares every TRACE_C line with tracediff's line of the same
(name, occurrence): the detector set-up lines (through the catalogue's ``c_print`` where the C
prints something other than its label) and every per-pixel, per-phi and closing line.

Fields where tracediff prints the true value and the C does not are checked against the known
transformation instead of equality:

* ``scattering_vec_A_inv``: C (1/m) x 1e-10 == ours (1/Å);
* ``rot_*_star_A_inv``: the C's unrotated vectors, rotated about the spindle by phi(tic 0), == ours.

The phi carry-over cases (``-phi 0`` with several phi steps, spec Q14 / INDEX C1) must diverge, and
the first divergence (in the C's print order) must be a crystal-orientation field
(``rot_a_angstroms``, ``hkl_frac`` or ``k_frac``), with every field before it in agreement.

Both traces are read by the project's parser (:func:`tracediff.trace.parser.parse_log`), records
keyed by (family, field, occurrence). The untagged ``DETECTOR_*`` lines carry no ``TRACE`` tag, so
the parser passes them over: they are split off by name here and their values read by the parser's
value reader (:func:`tracediff.trace.values.parse_value`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

from tracediff.capture.physics.rotations import rotate_axis
from tracediff.capture.runner import CaptureResult, capture
from tracediff.catalogue import FIELDS, FieldSpec, block_fields, detector_blocks
from tracediff.trace.parser import parse_log
from tracediff.trace.record import Record
from tracediff.trace.values import NAMED, TEXT, ParsedValue, parse_value
from reference_cases import ENV_CASES, FIXTURE_CASES

RTOL, ATOL = 1e-9, 1e-15
MIN_FIELDS = 55
CARRY_OVER_CASES = {"mat-A-scaled-phisteps", "cli-flags-supervisor"}
ORIENTATION_FIELDS = {("TRACE", "rot_a_angstroms"), ("TRACE", "hkl_frac"), ("TRACE_PHI", "k_frac")}
STAR_FIELDS = ("rot_a_star_A_inv", "rot_b_star_A_inv", "rot_c_star_A_inv")

#: the tags compared: set-up and per-pixel (``TRACE_C:``), per-phi and second-source lines of either side
TAGS = {f"TRACE_{side}{kind}" for side in ("C", "PY") for kind in ("", "_PHI", "_SOURCE2")}
PLAIN = "DETECTOR"  # tag and family of the untagged DETECTOR_* lines
SETUP_NAMES = {spec.name for spec in FIELDS if spec.style == "setup"}

Key = tuple[str, str, int]





# --- reading traces ------------------------------------------------------------------------------


def key(record: Record) -> Key:
    return (record.family, record.field, record.occurrence)


def label(k: Key) -> str:
    return f"{k[0]} {k[1]}#{k[2]}"


def plain_records(path: Path) -> list[Record]:
    """The ``DETECTOR_NAME v v v`` lines (every build prints them, untagged), numbered per name."""
    records: list[Record] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        name, space, rest = line.partition(" ")
        if not (name.startswith("DETECTOR_") and name.isidentifier() and space):
            continue
        occurrence = seen.get(name, 0)
        seen[name] = occurrence + 1
        records.append(Record(number, PLAIN, PLAIN, name, occurrence, parse_value(rest)))
    return records


def read_trace(path: Path) -> list[Record]:
    """The compared records of a log, in print order (several records of one phi line keep theirs)."""
    tagged = [record for record in parse_log(path).records() if record.tag in TAGS]
    return sorted(tagged + plain_records(path), key=lambda record: record.line)


def numbers(value: ParsedValue) -> list[float]:
    assert value.kind != TEXT, f"not a number: {value.text!r}"
    return list(value.numbers)


def named_numbers(value: ParsedValue) -> dict[str, list[float]]:
    assert value.kind == NAMED, f"not named values: {value}"
    out: dict[str, list[float]] = {}
    start = 0
    for name, count in value.names:
        out[name] = list(value.numbers[start:start + count])
        start += count
    return out


def as_printed(value: ParsedValue) -> tuple[object, ...]:
    """A value as printed: kind, text, names and every number to the bit (``-0`` is not ``0``)."""
    return (value.kind, tuple(x.hex() for x in value.numbers), value.names, value.text, value.unit, value.integral)


def close(c: float, py: float) -> bool:
    return abs(c - py) <= ATOL + RTOL * abs(c)


def all_close(c: list[float], py: list[float]) -> bool:
    return len(c) == len(py) and all(close(a, b) for a, b in zip(c, py))


# --- judging ---------------------------------------------------------------------------------------


def detector_specs(pivot: str) -> dict[tuple[str, int], FieldSpec]:
    """(name, occurrence) -> catalogue spec for the set-up lines of this pivot."""
    out: dict[tuple[str, int], FieldSpec] = {}
    seen: dict[str, int] = {}
    for block in detector_blocks(pivot):
        for spec in block_fields(block):
            n = seen.get(spec.name, 0)
            out[(spec.name, n)] = spec
            seen[spec.name] = n + 1
    return out


def judge_setup(spec: FieldSpec | None, c: Record, py: Record, py_block: dict[str, Record]) -> bool:
    if spec is None:
        return False
    cp = spec.c_print
    if cp is not None and cp.op == "const":
        return as_printed(c.value) == as_printed(parse_value(str(cp.arg)))
    py_value = py_block[str(cp.arg)].value if cp is not None and cp.op == "same_as" else py.value
    if spec.kind == "text":
        return as_printed(c.value) == as_printed(py_value)
    if spec.kind == "named":
        c_val, py_val = named_numbers(c.value), named_numbers(py_value)
        if c_val.keys() != py_val.keys():
            return False
        scale = {k: float(cp.arg) for k in (cp.components or ())} if cp is not None and cp.op == "scale" else {}
        return all(all_close(c_val[k], [x * scale.get(k, 1.0) for x in py_val[k]]) for k in c_val)
    return all_close(numbers(c.value), numbers(py_value))


def rotated_c_star(vector: list[float], result: CaptureResult) -> list[float]:
    """The C's unrotated reciprocal vector, rotated about the spindle by phi of tic 0."""
    vec = torch.tensor(vector, dtype=torch.float64)
    phi0 = result.config.phi0
    if phi0 == 0.0:
        return vec.tolist()
    return rotate_axis(vec, result.geometry.spindle.to(torch.float64), phi0).tolist()


def judge_pixel(c: Record, py: Record, result: CaptureResult) -> bool:
    c_val, py_val = numbers(c.value), numbers(py.value)
    if c.field == "scattering_vec_A_inv":  # Q8: the C prints 1/m, ours is 1/Å
        return all_close([x * 1e-10 for x in c_val], py_val)
    if c.field in STAR_FIELDS:  # Q9: the C prints the phi = 0 vectors, ours are rotated
        return all_close(rotated_c_star(c_val, result), py_val)
    return all_close(c_val, py_val)


@dataclass
class Outcome:
    compared: int
    mismatches: list[Key]  # in the C's print order
    missing: list[str]  # C lines without a tracediff line
    extra: list[str]  # tracediff lines without a C line


def compare_case(c_records: list[Record], py_records: list[Record], result: CaptureResult) -> Outcome:
    py_by_key = {key(record): record for record in py_records}
    specs = detector_specs(result.geometry.pivot)
    blocks: dict[str, dict[str, Record]] = {}
    for record in py_records:
        spec = specs.get((record.field, record.occurrence)) if record.family == "TRACE" else None
        if spec is not None:
            blocks.setdefault(spec.block, {})[spec.name] = record
    compared, mismatches, missing = 0, [], []
    for c in c_records:
        py = py_by_key.get(key(c))
        if py is None:
            missing.append(label(key(c)))
            continue
        compared += 1
        if c.family == "TRACE" and c.field in SETUP_NAMES:
            spec = specs.get((c.field, c.occurrence))
            ok = judge_setup(spec, c, py, blocks.get(spec.block, {}) if spec else {})
        elif c.family == PLAIN:
            ok = all_close(numbers(c.value), numbers(py.value))
        else:
            ok = judge_pixel(c, py, result)
        if not ok:
            mismatches.append(key(c))
    c_keys = {key(record) for record in c_records}
    extra = [label(key(p)) for p in py_records if key(p) not in c_keys]
    return Outcome(compared, mismatches, missing, extra)


def carry_over_explains_divergence(c_records: list[Record], py_records: list[Record], result: CaptureResult) -> None:
    """The C's phi-tic-0 orientation is ours rotated to the last phi step (INDEX C1), and the C's tic-0
    k_frac repeats its last tic's: the divergence is exactly the carry-over, nothing else."""
    c = {key(record): record.value for record in c_records}
    py = {key(record): record.value for record in py_records}
    config = result.config
    last_phi = config.phi0 + config.phistep * (config.phisteps - 1)
    spindle = result.geometry.spindle.to(torch.float64)
    for axis in "abc":
        k = ("TRACE", f"rot_{axis}_angstroms", 0)
        ours = torch.tensor(numbers(py[k]), dtype=torch.float64)
        assert all_close(numbers(c[k]), rotate_axis(ours, spindle, last_phi).tolist())
    last = config.phisteps - 1
    assert as_printed(c[("TRACE_PHI", "k_frac", 0)]) == as_printed(c[("TRACE_PHI", "k_frac", last)])
    assert as_printed(py[("TRACE_PHI", "k_frac", 0)]) != as_printed(py[("TRACE_PHI", "k_frac", last)])


def check_case(case: Path, folder: Path) -> None:
    out = io.StringIO()
    result = capture([], args_file=case / "args.txt", stream=out, notes_stream=io.StringIO())
    py_log = folder / "trace_py.log"
    py_log.write_text(out.getvalue(), encoding="utf-8")
    c_records, py_records = read_trace(case / "trace_c.log"), read_trace(py_log)
    outcome = compare_case(c_records, py_records, result)
    assert not outcome.missing, f"C lines tracediff did not print: {outcome.missing}"
    assert not outcome.extra, f"tracediff lines the C did not print: {outcome.extra}"
    assert outcome.compared >= MIN_FIELDS
    if case.name in CARRY_OVER_CASES:
        assert outcome.mismatches, "the phi carry-over case should diverge from the C"
        first = outcome.mismatches[0]
        assert first[:2] in ORIENTATION_FIELDS, f"first divergence {label(first)} is not the orientation"
        carry_over_explains_divergence(c_records, py_records, result)
    else:
        assert [label(k) for k in outcome.mismatches] == []


@pytest.mark.parametrize("case", FIXTURE_CASES, ids=[c.name for c in FIXTURE_CASES])
def test_fixture_case_pixel_trace_matches_c(case: Path, tmp_path: Path) -> None:
    check_case(case, tmp_path)


@pytest.mark.skipif(not ENV_CASES, reason="set TRACEDIFF_REFERENCE to the nanobragg-c reference folder")
@pytest.mark.parametrize("case", ENV_CASES, ids=[c.name for c in ENV_CASES])
def test_reference_case_pixel_trace_matches_c(case: Path, tmp_path: Path) -> None:
    check_case(case, tmp_path)


def test_reader_handles_a_line_glued_to_a_warning(tmp_path: Path) -> None:
    log = tmp_path / "glued.log"
    log.write_text(
        "WARNING: further warnings will not be printed! TRACE_C: F_cell 24.5\n"
        "TRACE_C_PHI phi_tic=0 k_frac=1.5\n"
        "DETECTOR_PIX0_VECTOR 0.1 0 -0.05\n",
        encoding="utf-8",
    )
    assert [(r.family, r.field, r.occurrence, r.value.numbers) for r in read_trace(log)] == [
        ("TRACE", "F_cell", 0, (24.5,)),
        ("TRACE_PHI", "phi_tic", 0, (0.0,)),
        ("TRACE_PHI", "k_frac", 0, (1.5,)),
        ("DETECTOR", "DETECTOR_PIX0_VECTOR", 0, (0.1, 0.0, -0.05)),
    ]
