"""``capture --model NAME --out DIR``: the bundle's files (built-in model: no port needed)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tracediff.capture.models.bundle import write_model_bundle
from tracediff.capture.provenance import git_context
from tracediff.errors import TraceDiffError

FLAGS = ["-cell", "100", "100", "100", "90", "90", "90", "-default_F", "100", "-N", "5", "-lambda", "6.2",
         "-distance", "100", "-detpixels", "64", "-trace_pixel", "32", "32"]


def test_bundle_holds_trace_command_environment_and_manifest(tmp_path: Path) -> None:
    out = write_model_bundle(tmp_path / "run1", "tracediff", FLAGS)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["command.txt", "env_snapshot.txt", "git_context.txt", "import_location.txt", "manifest.json",
                     "trace_py.log", "trace_py.stderr"]
    assert "TRACE_PY: pixel_pos_meters" in (out / "trace_py.log").read_text()
    assert (out / "command.txt").read_text().startswith("tracediff capture --model tracediff")
    assert "\ntorch " in (out / "env_snapshot.txt").read_text()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["model"] == "tracediff" and "trace_py.log" in manifest["files"]


def test_bundle_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(TraceDiffError, match="not an empty folder"):
        write_model_bundle(tmp_path, "tracediff", FLAGS)
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_git_context_of_a_tree(tmp_path: Path) -> None:
    assert "not a git repository" in git_context(tmp_path)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "f.txt").write_text("x\n")
    text = git_context(tmp_path)
    assert f"repository {tmp_path}" in text and "HEAD (no commits yet)" in text and "f.txt" in text
