"""Bad inputs: exit code 2, one line on stderr naming the file and the reason, no
traceback, and every input left byte for byte as it was."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

GOOD = "TRACE_C: lambda_meters 1e-10\nTRACE_C: F_cell 100\n"


def random_bytes(n: int = 4096) -> bytes:
    rng = random.Random(7)
    return bytes(rng.randrange(256) for _ in range(n))


# name -> (content of the bad file or None for no file, or "dir", words one of which the reason holds)
BAD_FILES = {
    "missing.log": (None, ("no such", "not found", "does not exist", "missing")),
    "folder": ("dir", ("director", "folder", "not a file")),
    "empty.log": (b"", ("empty",)),
    "prose.log": (b"nanoBragg banner\nno trace lines here\n  50% done\n", ("no trace", "record")),
    "noise.bin": (random_bytes(), ("binary", "not a text", "no trace", "record", "decode")),
}


def make(tmp_path: Path, name: str) -> Path:
    content = BAD_FILES[name][0]
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    return path


def snapshot(folder: Path) -> dict[str, bytes | None]:
    return {p.name: (p.read_bytes() if p.is_file() else None) for p in sorted(folder.iterdir())}


def check_error(result, *must_mention: str) -> str:
    assert result.code == 2, (result.code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for text in must_mention:
        assert text in lines[0], (text, lines[0])
    return lines[0]


@pytest.mark.parametrize("side", ["reference", "candidate"])
@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_exits_2_naming_file_and_reason(cli, tmp_path, name, side):
    bad = make(tmp_path, name)
    good = tmp_path / "good.log"
    good.write_text(GOOD, encoding="utf-8")
    before = snapshot(tmp_path)
    args = (bad, good) if side == "reference" else (good, bad)
    line = check_error(cli("compare", *args, "--format", "json"), name)
    reason = line.lower().replace(str(bad).lower(), "")
    assert any(word in reason for word in BAD_FILES[name][1]), line
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_show_bad_file_exits_2(cli, tmp_path, name):
    bad = make(tmp_path, name)
    before = snapshot(tmp_path)
    check_error(cli("show", bad, "--format", "json"), name)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "options",
    [
        ("--rtol", "-1e-9"),
        ("--atol", "-1"),
        ("--rtol", "abc"),
        ("--atol", "1e-3x"),
        ("--rtol", "nan"),
        ("--tol", "F_cell=-1"),
        ("--tol", "F_cell=abc"),
        ("--tol", "F_cell=1e-9,-1"),
        ("--tol", "F_cell"),
        ("--frobnicate",),
        ("--format", "yaml"),
    ],
    ids=lambda o: " ".join(o),
)
def test_bad_option_exits_2(cli, tmp_path, options):
    ref = tmp_path / "ref.log"
    ref.write_text(GOOD, encoding="utf-8")
    cand = tmp_path / "cand.log"
    cand.write_text(GOOD.replace("100", "101"), encoding="utf-8")
    before = snapshot(tmp_path)
    result = cli("compare", ref, cand, *options)
    check_error(result)
    assert result.stdout == ""
    assert snapshot(tmp_path) == before


def test_missing_arguments_exit_2(cli, tmp_path):
    ref = tmp_path / "ref.log"
    ref.write_text(GOOD, encoding="utf-8")
    assert cli("compare", ref).code == 2
    assert cli("compare").code == 2


@pytest.mark.parametrize("name", ["missing.log", "noise.bin", "empty.log"])
def test_bad_input_end_to_end(run_module, tmp_path, name):
    """The same through a real process: its exit status and stderr."""
    bad = make(tmp_path, name)
    good = tmp_path / "good.log"
    good.write_text(GOOD, encoding="utf-8")
    before = snapshot(tmp_path)
    check_error(run_module("compare", good, bad), name)
    assert snapshot(tmp_path) == before


def test_an_endless_binary_stream_is_refused_at_once(cli):
    """/dev/urandom never ends: the binary check must come from the first block, not the last."""
    import os

    if not os.path.exists("/dev/urandom"):
        pytest.skip("no /dev/urandom here")
    result = cli("show", "/dev/urandom")
    assert result.code == 2
    assert "binary data" in result.stderr and "Traceback" not in result.stderr


def test_a_report_never_overwrites_an_input(write, cli):
    ref = write("ref.log", "TRACE_C: a 1\n")
    cand = write("cand.log", "TRACE_PY: a 1\n")
    before = cand.read_bytes()
    for option in ("--output", "--append"):
        result = cli("compare", ref, cand, option, cand)
        assert result.code == 2 and "input" in result.stderr
    assert cand.read_bytes() == before


def test_nothing_compared_is_no_proof(write, cli):
    ref = write("ref.log", "TRACE_C: a 1\n")
    cand = write("cand.log", "TRACE_PY: a 1\n")
    result = cli("compare", ref, cand, "--only", "typo", "--format", "json")
    assert result.code == 1
