"""A few runs of ``python -m tracediff`` as a real process."""

from __future__ import annotations

import json


def test_compare_exit_codes(run_module, logs):
    same = run_module("compare", logs / "dialect_phi_c.log", logs / "dialect_phi_py.log")
    assert same.code == 0, same.stderr
    assert same.stderr == ""
    diverged = run_module("compare", logs / "align" / "order_ref.log", logs / "align" / "order_cand.log",
                          "--format", "json")
    assert diverged.code == 1, diverged.stderr
    doc = json.loads(diverged.stdout)
    assert doc["verdict"] == "diverged"
    assert doc["first_divergence"]["field"] == "hkl_frac"


def test_show_json_end_to_end(run_module, logs):
    result = run_module("show", "--format", "json", logs / "dialect_named.log")
    assert result.code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["lines"] == 3 and doc["skipped"] == 0
    assert [r["field"] for r in doc["records"]] == ["angles_rad", "beam_center_m", "beam_center_m"]


def test_quiet_end_to_end(run_module, logs):
    result = run_module("compare", "--quiet", logs / "align" / "subpixels_ref.log", logs / "align" / "subpixels_cand.log")
    assert result.code == 1
    assert len(result.stdout.strip().splitlines()) == 1


def test_compare_does_not_import_torch(run_module, logs):
    result = run_module("compare", logs / "dialect_space.log", logs / "dialect_space.log",
                        python_flags=("-X", "importtime"))
    assert result.code == 0, result.stderr[-2000:]
    assert "import time:" in result.stderr  # the timing report is there ...
    assert "torch" not in result.stderr  # ... and names no torch module
