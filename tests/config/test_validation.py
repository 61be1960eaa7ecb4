"""Config is validated like code: every table accepts only its documented keys and types, and
each mistake is one exit-2 line naming the file, the table and the key (issues 12 and 13)."""

from __future__ import annotations

import textwrap

import pytest

from tracediff.config.schema import FIELD_KEYS, TOP_KEYS, UNIT_KEYS, WAIVE_KEYS

REF = "TRACE_C: a 1.5\nTRACE_C: b 2.5\n"
CAND = "TRACE_PY: a 1.5\nTRACE_PY: b 3.5\n"  # b diverges (rtol 1 passes it)


@pytest.fixture
def logs(write):
    return write("ref.log", REF), write("cand.log", CAND)


def _error(cli, tmp_path, logs, pyproject: str, cwd=None) -> str:
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(pyproject), encoding="utf-8")
    result = cli("compare", *logs, cwd=cwd or tmp_path)
    assert result.code == 2, (pyproject, result.stdout)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "pyproject.toml" in lines[0]
    return lines[0]


@pytest.mark.parametrize("typo, meant", [("when_ref_equal", "when_ref_equals"), ("ocurrence", "occurrence"),
                                         ("when_cand_equal", "when_cand_equals"), ("reson", "reason")])
def test_a_misspelled_waiver_key_is_an_error_not_an_unconditional_waiver(cli, tmp_path, logs, typo, meant):
    line = _error(cli, tmp_path, logs, f"""
        [[tool.tracediff.waive]]
        field = "b"
        reason = "only when the reference prints 5"
        {typo} = 5
        """)
    assert "[[tool.tracediff.waive]] #1" in line and repr(typo) in line and f"did you mean {meant!r}" in line


def test_unknown_key_inside_a_field_table(cli, tmp_path, logs):
    line = _error(cli, tmp_path, logs, """
        [tool.tracediff.fields."pix0*"]
        rtoll = 1e-6
        """)
    assert '[tool.tracediff.fields."pix0*"]' in line and "'rtoll'" in line and "did you mean 'rtol'" in line


@pytest.mark.parametrize("table, keys", [
    ("[tool.tracediff]", TOP_KEYS), ('[tool.tracediff.fields."x*"]', FIELD_KEYS),
    ("[tool.tracediff.units.x]", UNIT_KEYS), ("[[tool.tracediff.waive]]", WAIVE_KEYS),
])
def test_every_documented_key_misspelled_is_caught_with_a_suggestion(cli, tmp_path, logs, table, keys):
    for key in keys:
        typo = key[:-1] + ("x" if key[-1] != "x" else "y")
        body = 'field = "b"\nreason = "r"\n' if "waive" in table else ""
        line = _error(cli, tmp_path, logs, f"{table}\n{body}{typo} = 1\n")
        assert repr(typo) in line and f"did you mean {key!r}" in line, line


@pytest.mark.parametrize("toml, words", [
    ('[tool.tracediff]\nelementwise = "yes"\n', ["elementwise", "true or false"]),
    ('[tool.tracediff]\ndescription = 5\n', ["description", "text"]),
    ('[tool.tracediff.fields.b]\nelementwise = 1\n', ["[tool.tracediff.fields.b]", "elementwise"]),
    ('[tool.tracediff.fields.b]\natol = -1\n', ["[tool.tracediff.fields.b]", "atol", ">= 0"]),
    ('[tool.tracediff.aliases]\nc = 5\n', ["[tool.tracediff.aliases]", "c"]),
    ('[tool.tracediff.units.b]\nref = "furlong"\n', ["[tool.tracediff.units.b]", "furlong"]),
    ('[[tool.tracediff.waive]]\nfield = "b"\nreason = "r"\noccurrence = "first"\n', ["occurrence", "integer"]),
    ('[[tool.tracediff.waive]]\nfield = "b"\nreason = "r"\nuntil = "soon"\n', ["until", "YYYY-MM-DD"]),
    ('[[tool.tracediff.waive]]\nfield = "b"\nreason = ""\n', ["reason"]),
    ('[[tool.tracediff.waive]]\nreason = "r"\n', ["'field'"]),
    ('[[tool.tracediff.waive]]\nfield = "b"\nreason = "r"\nwhen_ref_equals = true\n', ["when_ref_equals"]),
    ('[[tool.tracediff.waive]]\nfield = "b"\nreason = "r"\nwhen_cand_fields = { "phi_deg#0" = "big" }\n',
     ["when_cand_fields", "nonzero"]),
    ('[tool.tracediff]\nprofile = "nanobragg2"\n', ["unknown profile", "nanobragg2"]),
])
def test_wrong_types_name_the_table_and_key(cli, tmp_path, logs, toml, words):
    line = _error(cli, tmp_path, logs, toml)
    for word in words:
        assert word in line, (word, line)


def test_an_invalid_regex_is_reported_at_load_time_naming_the_config(cli, tmp_path, write):
    ref = write("ref.log", "TRACE_C: mode MOSFLM\n")
    same = write("same.log", "TRACE_PY: mode MOSFLM\n")  # nothing to waive: the regex is never used
    (tmp_path / "pyproject.toml").write_text(
        '[[tool.tracediff.waive]]\nfield = "mode"\nreason = "r"\nwhen_cand_equals = "regex:[A-Z"\n', encoding="utf-8")
    result = cli("compare", ref, same, cwd=tmp_path)
    assert result.code == 2
    assert "pyproject.toml" in result.stderr and "invalid regex" in result.stderr and "Traceback" not in result.stderr


def test_config_file_without_a_tracediff_table_says_so(cli, tmp_path, logs, write):
    for name, text in (("pyproject.toml", '[project]\nname = "x"\n'), ("other.toml", "[tool.black]\nline = 1\n")):
        config = write(name, text)
        result = cli("compare", *logs, "--config", config)
        assert result.code == 2
        assert "no [tool.tracediff] table" in result.stderr and name in result.stderr


def test_a_nearer_pyproject_ends_the_search(cli, tmp_path, logs):
    """The parent's broken config is not read from inside a sub-project with its own pyproject.toml."""
    (tmp_path / "pyproject.toml").write_text("[tool.tracediff]\nrtoll = 1\n", encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "sub"\n', encoding="utf-8")
    assert cli("compare", *logs, cwd=sub).code == 1  # no config: b diverges, no error from the parent
    assert cli("compare", *logs, cwd=tmp_path).code == 2


def test_a_config_in_two_places_is_an_error(cli, tmp_path, logs):
    (tmp_path / "pyproject.toml").write_text("[tool.tracediff]\nrtol = 1\n", encoding="utf-8")
    (tmp_path / "tracediff.toml").write_text("rtol = 1\n", encoding="utf-8")
    result = cli("compare", *logs, cwd=tmp_path)
    assert result.code == 2
    assert "two places" in result.stderr and "tracediff.toml" in result.stderr and "pyproject.toml" in result.stderr


def test_tracediff_toml_beside_a_pyproject_without_a_section_is_used(cli, tmp_path, logs):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    (tmp_path / "tracediff.toml").write_text("rtol = 1\n", encoding="utf-8")
    assert cli("compare", *logs, cwd=tmp_path).code == 0


def test_tracediff_toml_errors_name_the_top_level(cli, tmp_path, logs, write):
    config = write("tracediff.toml", "rtoll = 1\n")
    result = cli("compare", *logs, "--config", config)
    assert result.code == 2 and "tracediff.toml: top level: unknown key 'rtoll'" in result.stderr


def test_a_valid_config_of_every_table_loads(cli, tmp_path, logs):
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent("""
        [tool.tracediff]
        description = "every table"
        rtol = 1e-9
        atol = 0
        elementwise = false
        optional_tags = ["TRACE"]
        [tool.tracediff.fields."a*"]
        rtol = 1e-6
        atol = 0
        elementwise = true
        [tool.tracediff.aliases]
        bb = "b"
        [tool.tracediff.units.a]
        ref = "m"
        cand = "m"
        [[tool.tracediff.waive]]
        field = "b"
        occurrence = 0
        reason = "known"
        until = 2099-01-01
        when_ref_equals = 2.5
        when_cand_equals = 3.5
        """), encoding="utf-8")
    assert cli("compare", *logs, cwd=tmp_path).code == 0
