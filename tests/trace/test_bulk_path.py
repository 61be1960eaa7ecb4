"""The bulk path (one parse per line skeleton, numbers by numpy) reads what the general path reads.

``MAX_SKELETON = -1`` sends every line through the dialect rules one by one; the same
file read both ways must give identical records (value, kind, shape, names, unit,
integral flag, printed text, optional flag, line, occurrence) for every dialect, mixed
with program noise and odd lines, at any chunk size.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracediff.trace import parser
from tracediff.trace.parser import parse_log

names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True)
tags = st.sampled_from(["TRACE_C", "TRACE_PY", "TRACE"])
number = st.one_of(
    st.floats(width=64).map(repr),
    st.integers(-10**6, 10**6).map(str),
    st.integers(-10**20, 10**20).map(str),
    st.sampled_from(["nan", "-nan", "inf", "-Inf", "1e999", "-1e999", ".5", "5.", "+3", "1e-300", "0"]),
)
numbers = st.lists(number, min_size=1, max_size=4)


def _line(draw) -> str:
    tag, name, vals = draw(tags), draw(names), draw(numbers)
    shape = draw(st.integers(0, 13))
    v = vals[0]
    return [
        f"{tag}: {name} {' '.join(vals)}",
        f"{tag}:{name}={' '.join(vals)}",
        f"{tag}: {name} = [ {'  '.join(vals)} ]",
        f"{tag}: {name} = {', '.join(vals)}",
        f"{tag}: {name} rotx:{v} roty:{vals[-1]}",
        f"{tag}_PHI phi_tic={draw(st.integers(0, 9))} k_frac={v} {name}={vals[-1]}",
        f"{tag}: {name} {v} m",
        f"{tag}: {name} {' '.join(vals)} (Angstroms)",
        f"{tag}: {name} [{v} {v}; {vals[-1]} {vals[-1]}]",
        f"{tag}: mode = XDS, {name} = {v}",
        f"{tag}: Copying vectors ({name}={v} mosaic=0 reference):",
        f"progress {v} of {vals[-1]} done",
        f"{tag}: roi {draw(st.integers(0, 9))}-{draw(st.integers(0, 9))}",
        f"noise {v}{tag}: {name} {v}",
    ][shape]


lines = st.lists(st.composite(lambda draw: _line(draw))(), min_size=1, max_size=40)


def _records(path) -> str:
    return repr([r for r in parse_log(path, require_records=False).records()])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=lines, chunk=st.sampled_from([parser.CHUNK_BYTES, 61, 997]))
def test_bulk_and_general_paths_give_identical_records(tmp_path_factory, monkeypatch, content, chunk):
    path = tmp_path_factory.mktemp("bulk") / "log.txt"
    path.write_text("\n".join(content) + "\n")
    with monkeypatch.context() as patch:
        patch.setattr(parser, "CHUNK_BYTES", chunk)
        bulk = _records(path)
        patch.setattr(parser, "MAX_SKELETON", -1)
        general = _records(path)
    assert bulk == general


def test_odd_lines_keep_the_rest_of_the_chunk_on_the_bulk_path(tmp_path, monkeypatch):
    """``roi 1-2`` (no number token) and a number inside text never send their chunk down the general path."""
    path = tmp_path / "log.txt"
    path.write_text("".join(
        f"TRACE_C: f{i % 3} {i} {i / 7!r}\nTRACE_C: roi 1-2\nTRACE_C: note run {i} of 5\n" for i in range(2000)
    ))
    calls = []
    real = parser.read_line
    monkeypatch.setattr(parser, "read_line", lambda line: calls.append(line) or real(line))
    log = parse_log(path)
    assert len(log) == 6000
    assert sum("note" in c for c in calls) == 2000  # numbers inside a text value: one by one
    assert sum("roi" in c for c in calls) == 1  # one skeleton, read once
    assert sum(" f" in c for c in calls) <= 6  # one per skeleton (f0..f2, first value int or float)


def test_a_word_where_a_number_was_gets_its_own_skeleton(tmp_path, monkeypatch):
    """``bJ0=1.5`` in a narrative line reads as a record, ``bJ0=nan`` does not: the two lines must not share
    a recipe (nan and inf are their own token class), in one log or across logs parsed by one process."""
    first, second = tmp_path / "a.log", tmp_path / "b.log"
    first.write_text("TRACE: Copying vectors (bJ0=1.5 mosaic=0 reference):\nTRACE: x 1.5\n")
    second.write_text("TRACE: Copying vectors (bJ0=nan mosaic=0 reference):\nTRACE: x nan\nTRACE: x inf\n")
    both = tmp_path / "both.log"
    both.write_text(first.read_text() + second.read_text())
    bulk = [_records(first), _records(second), _records(both)]  # the second log after the first: shared skeletons
    monkeypatch.setattr(parser, "MAX_SKELETON", -1)
    assert bulk == [_records(first), _records(second), _records(both)]
    assert "bJ0" not in bulk[1] and "mosaic" in bulk[1]
