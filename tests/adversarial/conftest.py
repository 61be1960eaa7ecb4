"""Fixtures of the adversarial battery: compare two logs through the CLI and read its JSON report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest


@pytest.fixture
def compare(cli: Any, tmp_path: Path) -> Callable[..., tuple[int, dict[str, Any], str]]:
    """``compare(ref_text, cand_text, *flags)``: exit code, JSON report (empty on an error) and stderr."""

    def _compare(ref: str, cand: str, *flags: object) -> tuple[int, dict[str, Any], str]:
        return _run(cli, tmp_path, ref, cand, *flags)

    return _compare


def _run(cli: Any, tmp_path: Path, ref: str, cand: str, *flags: object) -> tuple[int, dict[str, Any], str]:
    (tmp_path / "ref.log").write_text(ref)
    (tmp_path / "cand.log").write_text(cand)
    result = cli("compare", tmp_path / "ref.log", tmp_path / "cand.log", "--format", "json", "--no-config", *flags)
    report = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.code, report, result.stderr

