"""Property-based checks of the comparison on generated logs of every dialect.

* a log compared with itself matches, every record paired;
* swapping reference and candidate never changes which values diverge;
* one value changed by 1e-6 relative is always caught at the default rtol (1e-9), and
  named as the first divergence; changed by 1e-13 relative it is never flagged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tracediff import CompareOptions, compare_logs

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

NAMES = ["pix0_vector", "fdet_vec", "F_latt", "hkl_frac", "omega_pixel", "I_before_scaling",
         "R_total", "angles_rad", "steps", "a_star", "lambda_meters", "polar"]
STYLES = ["space", "equals", "list", "matrix", "named", "phi"]
SIZES = {"matrix": 9, "named": 4, "phi": 2}
SUBNAMES = ["rotx", "roty", "rotz", "twotheta"]


@dataclass(frozen=True)
class Rec:
    style: str
    name: str
    values: tuple[float, ...]
    fmt: str  # "%.15g" (C) or "%r" (Python repr)

    def text(self, side: str, overrides: dict[int, str] | None = None) -> str:
        overrides = overrides or {}
        vals = [overrides.get(k, self.number(k)) for k in range(len(self.values))]
        tag = f"TRACE_{side}"
        if self.style == "space":
            return f"{tag}: {self.name} {' '.join(vals)}"
        if self.style == "equals":
            return f"{tag}:{self.name}={' '.join(vals)}"
        if self.style == "list":
            return f"{tag}: {self.name} = [{', '.join(vals)}]"
        if self.style == "matrix":
            return f"{tag}:{self.name}=[{' '.join(vals[0:3])}; {' '.join(vals[3:6])}; {' '.join(vals[6:9])}]"
        if self.style == "named":
            return f"{tag}:{self.name}=" + " ".join(f"{s}:{v}" for s, v in zip(SUBNAMES, vals))
        return f"{tag}_PHI phi_tic=0 k_frac={vals[0]} F_latt={vals[1]}"

    def number(self, k: int) -> str:
        x = self.values[k]
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return self.fmt % x

    @property
    def fields(self) -> list[str]:
        """The (family, field) names this record produces."""
        if self.style == "phi":
            return ["phi_tic", "k_frac", "F_latt"]
        return [self.name]

    def printed(self, k: int) -> float:
        """The value as the log prints it (what the comparison sees)."""
        return float(self.number(k))

    def field_label(self, k: int) -> str:
        if self.style == "named":
            return f"{self.name}.{SUBNAMES[k]}"
        if self.style == "phi":
            return ["k_frac", "F_latt"][k]
        return self.name


finite = st.one_of(
    st.just(0.0), st.just(-0.0), st.integers(-1000, 1000).map(float),
    st.floats(min_value=1e-200, max_value=1e200), st.floats(min_value=-1e200, max_value=-1e-200),
)
special = st.sampled_from([math.nan, math.inf, -math.inf])
number = st.one_of(finite, finite, finite, finite, special)


@st.composite
def records(draw, allow_special: bool = True) -> Rec:
    style = draw(st.sampled_from(STYLES))
    size = SIZES.get(style, draw(st.integers(1, 4)))
    value = number if allow_special else finite
    values = tuple(draw(st.lists(value, min_size=size, max_size=size)))
    return Rec(style, draw(st.sampled_from(NAMES)), values, draw(st.sampled_from(["%.15g", "%r", "%.17g"])))


def logs(allow_special: bool = True):
    return st.lists(records(allow_special), min_size=1, max_size=12).filter(_consistent)


def _consistent(recs: list[Rec]) -> bool:
    """One style per name (a name printed once as a vector and once as a matrix is a
    different quantity, which is not what these properties are about)."""
    style: dict[str, str] = {}
    for r in recs:
        if r.style != "phi" and style.setdefault(r.name, r.style) != r.style:
            return False
    return True


def render(recs: list[Rec], side: str, overrides: dict[tuple[int, int], str] | None = None) -> str:
    overrides = overrides or {}
    lines = []
    for i, r in enumerate(recs):
        lines.append(r.text(side, {k: v for (ri, k), v in overrides.items() if ri == i}))
    return "\n".join(lines) + "\n"


def n_fields(recs: list[Rec]) -> int:
    return sum(len(r.fields) for r in recs)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("compare-properties")


def _compare(scratch: Path, ref_text: str, cand_text: str, **options):
    ref, cand = scratch / "ref.log", scratch / "cand.log"
    ref.write_text(ref_text, encoding="utf-8")
    cand.write_text(cand_text, encoding="utf-8")
    return compare_logs(ref, cand, CompareOptions(keep_all=True, **options))


@SETTINGS
@given(recs=logs())
def test_a_log_compared_with_itself_matches(scratch, recs):
    result = _compare(scratch, render(recs, "C"), render(recs, "PY"))
    assert result.exit_code == 0, [r.to_json() for r in result.rows if r.status != "match"]
    assert result.verdict == "match"
    assert result.counts.compared == n_fields(recs)
    assert result.counts.diverged == 0
    assert result.counts.only_in_ref == 0 and result.counts.only_in_cand == 0
    assert result.first_divergence is None


RELATIVE_CHANGES = [0.0, 1e-16, 1e-12, 5e-10, 1e-9, 2e-9, 1e-7, 1e-3, 0.5]


@st.composite
def perturbed_pair(draw):
    recs = draw(logs())
    overrides: dict[tuple[int, int], str] = {}
    for i, r in enumerate(recs):
        for k in range(len(r.values)):
            if not draw(st.booleans()):
                continue
            how = draw(st.sampled_from(["rel", "rel", "rel", "nan", "inf", "-inf", "zero", "sign"]))
            x = r.printed(k)
            if how == "rel":
                new = x * (1 + draw(st.sampled_from(RELATIVE_CHANGES)) * draw(st.sampled_from([1, -1])))
                overrides[(i, k)] = "%.17g" % new if math.isfinite(new) else r.number(k)
            elif how == "zero":
                overrides[(i, k)] = "0"
            elif how == "sign":
                overrides[(i, k)] = "%.17g" % -x if math.isfinite(x) else r.number(k)
            else:
                overrides[(i, k)] = how
    return recs, overrides


def _diverged(result) -> set[tuple[str, str, int]]:
    return {(r.family, r.field, r.occurrence) for r in result.rows if r.status == "diverged"}


@SETTINGS
@given(case=perturbed_pair(), elementwise=st.booleans())
def test_swapping_sides_never_changes_what_diverges(scratch, case, elementwise):
    recs, overrides = case
    a, b = render(recs, "C"), render(recs, "C", overrides)
    options = {}
    if elementwise:
        from tracediff.compare.tolerance import Tolerance, ToleranceRules

        options["tolerances"] = ToleranceRules(default=Tolerance(elementwise=True))
    forward = _compare(scratch, a, b, **options)
    backward = _compare(scratch, b, a, **options)
    assert _diverged(forward) == _diverged(backward)
    assert forward.counts.diverged == backward.counts.diverged
    assert forward.exit_code == backward.exit_code
    assert forward.counts.compared == backward.counts.compared == n_fields(recs)


def _largest_component(rec: Rec) -> int | None:
    """The component to change: the largest finite nonzero magnitude of the field (of the
    sub-value for named values, of the key for phi lines, which are separate fields)."""
    best, best_mag = None, 0.0
    for k in range(len(rec.values)):
        x = rec.printed(k)
        if math.isfinite(x) and x != 0.0:
            if rec.style in ("named", "phi"):
                return k
            if abs(x) > best_mag:
                best, best_mag = k, abs(x)
    if best is not None:
        # a vector/matrix: the largest finite magnitude of the whole field decides the scale
        others = [abs(rec.printed(k)) for k in range(len(rec.values)) if math.isfinite(rec.printed(k))]
        assert best_mag == max(others)
    return best


def _integral(token: str) -> bool:
    return token.lstrip("+-").isdigit()


@st.composite
def one_change(draw):
    recs = draw(logs())
    eligible = [i for i, r in enumerate(recs) if _largest_component(r) is not None]
    assume(eligible)
    i = draw(st.sampled_from(eligible))
    return recs, i, _largest_component(recs[i])


def _occurrence(recs: list[Rec], i: int, field: str) -> int:
    family = "TRACE_PHI" if recs[i].style == "phi" else "TRACE"
    count = 0
    for r in recs[:i]:
        if ("TRACE_PHI" if r.style == "phi" else "TRACE") == family and field in r.fields:
            count += 1
    return count


@SETTINGS
@given(case=one_change(), sign=st.sampled_from([1, -1]))
def test_a_change_of_1e_6_is_always_caught(scratch, case, sign):
    recs, i, k = case
    rec = recs[i]
    new = rec.printed(k) * (1 + sign * 1e-6)
    result = _compare(scratch, render(recs, "C"), render(recs, "PY", {(i, k): "%.17g" % new}))
    assert result.exit_code == 1
    assert result.counts.diverged == 1
    first = result.first_divergence
    label = f"{first.field}.{first.sub}" if first.sub else first.field
    assert label == rec.field_label(k)
    assert first.occurrence == _occurrence(recs, i, rec.fields[0] if rec.style != "phi" else ["k_frac", "F_latt"][k])


@SETTINGS
@given(case=one_change(), sign=st.sampled_from([1, -1]))
def test_a_change_of_1e_13_is_never_flagged(scratch, case, sign):
    recs, i, k = case
    new = "%.17g" % (recs[i].printed(k) * (1 + sign * 1e-13))
    # printed as integers on both sides, values compare exactly (a documented rule): a
    # 1e-13 change of a 16-digit integer is then a real difference
    assume(not (_integral(recs[i].number(k)) and _integral(new)))
    result = _compare(scratch, render(recs, "C"), render(recs, "PY", {(i, k): new}))
    assert result.exit_code == 0, result.first_divergence and result.first_divergence.to_json()
    assert result.counts.diverged == 0


def _same_number(x: float, y: float) -> bool:
    return (math.isnan(x) and math.isnan(y)) or x == y


NOISE = ["", "  12% done", "WARNING: maximum dimension of sample is 450 A", "Unit Cell: 100 100 100 90 90 90",
         "DETECTOR_PIX0_VECTOR 0.1 0.0065 -0.0065", "TRACE: Raw matrix values from file:", "# Tracing pixel (65, 65)"]


@SETTINGS
@given(recs=logs(), noise=st.lists(st.sampled_from(NOISE), max_size=12), ending=st.sampled_from(["\n", "\r\n"]),
       order=st.randoms(use_true_random=False))
def test_generated_logs_parse_back_to_what_was_printed(scratch, recs, noise, ending, order):
    """Round trip: each generated line gives back its field(s), value(s), occurrence and
    line number, whatever non-trace lines and line endings surround it."""
    from tracediff import parse_log

    lines = [(r.text("C"), r) for r in recs] + [(text, None) for text in noise]
    trace_lines = lines[:len(recs)]
    rest = lines[len(recs):]
    for item in rest:  # insert the noise at random places, keeping the records' order
        trace_lines.insert(order.randrange(len(trace_lines) + 1), item)
    path = scratch / "roundtrip.log"
    path.write_bytes(ending.join(text for text, _ in trace_lines).encode("utf-8") + ending.encode())
    expected = []
    seen: dict[tuple[str, str], int] = {}
    for n, r in [(n, r) for n, (_, r) in enumerate(trace_lines, start=1) if r is not None]:
        if r.style == "phi":
            items = [("TRACE_PHI", "phi_tic", (0.0,)), ("TRACE_PHI", "k_frac", (r.printed(0),)),
                     ("TRACE_PHI", "F_latt", (r.printed(1),))]
        else:
            items = [("TRACE", r.name, tuple(r.printed(k) for k in range(len(r.values))))]
        for family, field, numbers in items:
            occurrence = seen.get((family, field), 0)
            seen[(family, field)] = occurrence + 1
            expected.append((n, family, field, occurrence, numbers, r.style))
    got = list(parse_log(path).records())
    assert [(g.line, g.family, g.field, g.occurrence) for g in got] == [e[:4] for e in expected]
    for g, (_, _, _, _, numbers, style) in zip(got, expected):
        assert len(g.value.numbers) == len(numbers)
        assert all(_same_number(a, b) for a, b in zip(g.value.numbers, numbers)), (g, numbers)
        if style == "matrix":
            assert g.value.shape == (3, 3)
        if style == "named":
            assert [name for name, _ in g.value.names] == SUBNAMES
