"""Reproducibility bundle, provenance notes and the ``tracediff capture`` command."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch

from tracediff.capture import provenance
from tracediff.capture.bundle import BUNDLE_FILES, MANIFEST, write_bundle
from tracediff.capture.provenance import git_context, shadowing_warning
from tracediff.capture.runner import capture
from tracediff.errors import TraceDiffError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "reference"
CASE = FIXTURES / "xds-twotheta-rotz-orgx" / "args.txt"
Cli = Callable[..., Any]  #: the conftest's ``cli`` fixture: tracediff.cli_main.main in-process
FLAGS = ["-cell", "100", "100", "100", "90", "90", "90", "-default_F", "100", "-detpixels", "64", "-xds"]


def _stdout_trace() -> str:
    out = io.StringIO()
    capture([], args_file=CASE, stream=out, notes_stream=io.StringIO())
    return out.getvalue()


def test_bundle_files_and_manifest(tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    result = write_bundle(out, [], args_file=CASE, command=["tracediff", "capture", "--args-file", str(CASE)],
                          notes_stream=io.StringIO())
    assert sorted(p.name for p in out.iterdir()) == sorted([*BUNDLE_FILES, MANIFEST])
    assert (out / "trace_py.log").read_text() == _stdout_trace()
    assert "imported from" in (out / "trace_py.stderr").read_text()
    command = (out / "command.txt").read_text()
    assert "tracediff capture --args-file" in command and "-xds" in command
    env = (out / "env_snapshot.txt").read_text()
    for key in ("tracediff", "torch", "numpy", "python", "device cpu", "dtype float64", "torch threads",
                "OMP_NUM_THREADS", "CUDA_VISIBLE_DEVICES", "PYTHONPATH"):
        assert key in env
    manifest = json.loads((out / MANIFEST).read_text())
    for name in BUNDLE_FILES:
        data = (out / name).read_bytes()
        assert manifest["files"][name] == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    assert manifest["tracediff_imported_from"] == str(provenance.import_location())
    assert result.out == out
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary leftovers


def test_bundle_refuses_non_empty_dir_without_force(tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    out.mkdir()
    (out / "keep.txt").write_text("precious")
    with pytest.raises(TraceDiffError, match="not empty"):
        write_bundle(out, FLAGS, notes_stream=io.StringIO())
    assert (out / "keep.txt").read_text() == "precious"
    write_bundle(out, FLAGS, force=True, notes_stream=io.StringIO())
    assert not (out / "keep.txt").exists() and (out / "trace_py.log").is_file()


def test_bundle_into_existing_empty_dir(tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    write_bundle(out, FLAGS, notes_stream=io.StringIO())
    assert (out / MANIFEST).is_file()


def test_failed_capture_leaves_no_bundle(tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    with pytest.raises(TraceDiffError, match="-bogus"):
        write_bundle(out, [*FLAGS, "-bogus"], notes_stream=io.StringIO())
    assert list(tmp_path.iterdir()) == []


def test_git_context_outside_a_repository(tmp_path: Path) -> None:
    assert "not a git repository" in git_context(tmp_path)


def test_shadowing_warning(tmp_path: Path) -> None:
    assert shadowing_warning(tmp_path) is None
    (tmp_path / "tracediff" / "capture").mkdir(parents=True)
    warning = shadowing_warning(tmp_path)
    assert warning is not None and "imported from" in warning


def test_capture_notes_go_to_the_notes_stream() -> None:
    out, err = io.StringIO(), io.StringIO()
    result = capture([*FLAGS, "-twotheta_axis", "1", "0", "0"], stream=out, notes_stream=err)
    assert "tracediff: imported from" in err.getvalue()
    assert "-twotheta" in err.getvalue()
    assert "imported" not in out.getvalue()
    assert result.lines_written == len(out.getvalue().splitlines())


def test_capture_rejects_missing_cuda_and_bad_dtype() -> None:
    if not torch.cuda.is_available():
        with pytest.raises(TraceDiffError, match="CUDA is not available"):
            capture(FLAGS, device="cuda", stream=io.StringIO(), notes_stream=io.StringIO())
    with pytest.raises(TraceDiffError, match="--dtype"):
        capture(FLAGS, dtype="float16", stream=io.StringIO(), notes_stream=io.StringIO())
    with pytest.raises(TraceDiffError, match="--device"):
        capture(FLAGS, device="nonsense", stream=io.StringIO(), notes_stream=io.StringIO())


# --- the command, through the CLI's one error boundary (tracediff.cli_main.main) ------------------


def test_cli_flags_after_double_dash_pass_through(cli: Cli) -> None:
    result = cli("capture", "--", *FLAGS, "-detector_roty", "-12.25")
    assert result.code == 0, result.stderr
    assert "TRACE_PY:angles_rad=rotx:0 roty:-0.213802833369305 rotz:0 twotheta:0" in result.stdout


def test_cli_args_file_matches_library(cli: Cli) -> None:
    result = cli("capture", "--args-file", CASE)
    assert result.code == 0
    assert result.stdout == _stdout_trace()


@pytest.mark.parametrize("argv, message", [
    (["capture", "--", *FLAGS, "-bogus"], "unknown nanoBragg flag '-bogus'"),
    (["capture", "--", *FLAGS, "-distance", "far"], "-distance needs a number"),
    (["capture", "--", "-mat", "missing.mat", "-default_F", "1"], "-mat"),
    (["capture"], "no nanoBragg flags"),
])
def test_cli_errors_are_one_line_exit_2(cli: Cli, argv: list[str], message: str) -> None:
    result = cli(*argv)
    assert result.code == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("tracediff: error:")]
    assert len(lines) == 1 and message in lines[0]
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
def test_cli_cuda_without_gpu_exit_2(cli: Cli) -> None:
    result = cli("capture", "--device", "cuda", "--", *FLAGS)
    assert result.code == 2 and "CUDA is not available" in result.stderr


def test_cli_bundle_and_force(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "b"
    assert cli("capture", "--out", out, "--", *FLAGS).code == 0
    again = cli("capture", "--out", out, "--", *FLAGS)
    assert again.code == 2 and "--force" in again.stderr
    assert cli("capture", "--force", "--out", out, "--", *FLAGS).code == 0


@pytest.mark.parametrize("flag, name, text", [
    ("-mat", "A.mat", "0.01 0 0\n0 0.01 0\n0 0 0.01\n"),
    ("-hkl", "P1.hkl", "0 0 0 100\n"),
    ("-sourcefile", "sources.txt", "-10 0 0 1 1e-10\n"),
])
def test_force_refuses_an_out_dir_holding_an_input(cli: Cli, tmp_path: Path, flag: str, name: str,
                                                   text: str) -> None:
    out = tmp_path / "bundle"
    out.mkdir()
    source = out / name
    source.write_text(text, encoding="utf-8")
    (out / "old.txt").write_text("an earlier bundle\n", encoding="utf-8")
    result = cli("capture", "--force", "--out", out, "--", *FLAGS, flag, source)
    assert result.code == 2
    assert result.stderr.count("\n") == 1 and f"holds the {flag} input" in result.stderr
    assert source.read_text(encoding="utf-8") == text and (out / "old.txt").exists()


def test_force_refuses_an_out_dir_holding_an_input_named_in_the_args_file(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    out.mkdir()
    (out / "A.mat").write_text("0.01 0 0\n0 0.01 0\n0 0 0.01\n", encoding="utf-8")
    args = tmp_path / "args.txt"
    args.write_text("-mat bundle/A.mat -default_F 100 -detpixels 64\n", encoding="utf-8")
    result = cli("capture", "--force", "--args-file", args, "--out", out)
    assert result.code == 2 and "holds the -mat input" in result.stderr
    assert (out / "A.mat").exists()
