"""``compare DIR_A DIR_B``: logs paired by relative name, judged in a pool of workers,
summarised with the same exit codes as a single compare."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracediff.compare.dirs import compare_dirs

LOG = "TRACE_C: lambda_meters 1e-10\nTRACE_C: F_cell {f_cell}\nTRACE_C: pix0_vector 0.1 0.2 {z}\n"


def fill(folder: Path, logs: dict[str, tuple[float, float]]) -> Path:
    for name, (f_cell, z) in logs.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(LOG.format(f_cell=f_cell, z=z))
    (folder / "command.txt").write_text(f"provenance of {folder.name}\n")  # not a log: never paired
    return folder


@pytest.fixture
def agreeing(tmp_path: Path) -> tuple[Path, Path]:
    logs = {f"pixel_s{s}_f{f}.log": (100.0, 0.3) for s in range(2) for f in range(3)}
    return fill(tmp_path / "ref", logs), fill(tmp_path / "cand", logs)


def test_agreeing_dirs_match(agreeing: tuple[Path, Path]) -> None:
    result = compare_dirs(*agreeing, config=None, workers=2)
    assert result.exit_code == 0
    assert (len(result.pairs), result.agreeing) == (6, 6)
    assert [p.name for p in result.pairs] == sorted(p.name for p in result.pairs)
    assert result.only_in_ref == result.only_in_cand == []


def test_divergence_names_the_pair_field_and_worst(tmp_path: Path) -> None:
    ref = fill(tmp_path / "ref", {"a.log": (100, 0.3), "sub/b.log": (100, 0.3), "c.log": (100, 0.3)})
    cand = fill(tmp_path / "cand", {"a.log": (100, 0.3), "sub/b.log": (100, 0.3 * (1 + 1e-6)),
                                    "c.log": (100.1, 0.3)})
    result = compare_dirs(ref, cand, config=None)
    assert result.exit_code == 1
    assert result.agreeing == 1
    assert [p.name for p in result.failing] == ["c.log", "sub/b.log"]
    assert [p.name for p in result.worst()] == ["c.log", "sub/b.log"]  # 1e-3 before 1e-6
    by_name = {p.name: p for p in result.pairs}
    assert by_name["sub/b.log"].worst_field == "pix0_vector"
    assert "FIRST DIVERGENCE" in by_name["c.log"].headline and "F_cell" in by_name["c.log"].headline


def test_tolerance_options_reach_every_pair(tmp_path: Path) -> None:
    ref = fill(tmp_path / "ref", {"a.log": (100, 0.3)})
    cand = fill(tmp_path / "cand", {"a.log": (100.0001, 0.3)})
    assert compare_dirs(ref, cand, config=None).exit_code == 1
    assert compare_dirs(ref, cand, config=None, rtol=1e-5).exit_code == 0


def test_file_missing_from_candidate_fails_extra_is_listed(tmp_path: Path) -> None:
    ref = fill(tmp_path / "ref", {"a.log": (100, 0.3), "only_ref.log": (1, 1)})
    cand = fill(tmp_path / "cand", {"a.log": (100, 0.3), "only_cand.log": (1, 1)})
    result = compare_dirs(ref, cand, config=None)
    assert (result.only_in_ref, result.only_in_cand) == (["only_ref.log"], ["only_cand.log"])
    assert result.exit_code == 1
    (tmp_path / "ref" / "only_ref.log").unlink()
    assert compare_dirs(ref, cand, config=None).exit_code == 0  # a candidate's extra file does not fail


def test_cli_text_and_json(cli, tmp_path: Path) -> None:
    ref = fill(tmp_path / "ref", {"a.log": (100, 0.3), "b.log": (100, 0.3)})
    cand = fill(tmp_path / "cand", {"a.log": (100, 0.3), "b.log": (101, 0.3)})
    text = cli("compare", ref, cand)
    assert text.code == 1
    assert text.stdout.startswith("DIVERGED: 1 of 2 pairs agree")
    assert "b.log: FIRST DIVERGENCE: TRACE F_cell" in text.stdout
    doc = cli("compare", ref, cand, "--format", "json").json()
    assert doc["verdict"] == "diverged" and doc["pairs_agreeing"] == 1
    assert [(p["name"], p["verdict"]) for p in doc["pairs"]] == [("a.log", "match"), ("b.log", "diverged")]
    assert cli("compare", ref, ref).code == 0


def test_cli_dir_against_file_is_a_usage_error(cli, tmp_path: Path) -> None:
    ref = fill(tmp_path / "ref", {"a.log": (100, 0.3)})
    result = cli("compare", ref, ref / "a.log")
    assert result.code == 2
    assert result.stderr.count("\n") == 1 and f"{ref}: is a directory" in result.stderr
    assert "two log files or two directories" in result.stderr


def test_unreadable_pair_is_exit_2(cli, tmp_path: Path) -> None:
    ref = fill(tmp_path / "ref", {"a.log": (100, 0.3)})
    cand = tmp_path / "cand"
    cand.mkdir()
    (cand / "a.log").write_text("no trace lines here\n")
    result = compare_dirs(ref, cand, config=None)
    assert result.exit_code == 2 and result.pairs[0].verdict == "error"
    assert cli("compare", ref, cand).code == 2


def test_worst_error_is_kept_without_rows(tmp_path: Path) -> None:
    """A pair's worst relative error comes from every judged field, also where the summary keeps no row per field
    (a matching field's small error can be the worst)."""
    from tracediff.compare.engine import compare_logs

    ref = fill(tmp_path / "ref", {"a.log": (100.0, 0.3)})
    cand = fill(tmp_path / "cand", {"a.log": (100.0 * (1 + 1e-12), 0.3 * (1 + 3e-11))})
    full = compare_logs(ref / "a.log", cand / "a.log", config=None)
    judged = [r for r in full.rows if r.rel_error is not None]
    assert full.worst is max(judged, key=lambda r: r.rel_error) and full.worst.field == "pix0_vector"
    pair = compare_dirs(ref, cand, config=None, workers=1).pairs[0]
    assert (pair.verdict, pair.worst_field) == ("match", "pix0_vector")
    assert pair.worst_rel_error == pytest.approx(full.worst.rel_error)
