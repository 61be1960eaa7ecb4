"""Crystal set-up: reciprocal vectors from -cell and -mat, misset, real-space vectors, N rules."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from tracediff.capture.physics.crystal.cell import (
    apply_misset,
    build_crystal,
    cell_setup,
    read_matrix_file,
    reciprocal_from_matrix,
)
from tracediff.capture.cmdline.walk import parse_argv
from tracediff.capture.config import RTD
from tracediff.errors import TraceDiffError

F64 = torch.float64
EYE = torch.eye(3, dtype=F64)


def deg(x: float) -> float:
    return x / RTD


def crystal_of(*words: str, base: Path | None = None):  # type: ignore[no-untyped-def]
    return build_crystal(parse_argv([*words, "-default_F", "1"], base_dir=base))


def test_cubic_cell_by_hand() -> None:
    """a = 100 Å, 90°: a* = (0.01, 0, 0); b*, c* carry only the cos(90°) = 6.1e-17 residue."""
    stars, volume, _ = cell_setup((100.0, 100.0, 100.0, deg(90), deg(90), deg(90)))
    assert volume == pytest.approx(1e6, rel=1e-15)
    assert stars[0].tolist() == pytest.approx([0.01, 0.0, 0.0], rel=1e-15)
    assert torch.allclose(stars, 0.01 * EYE, rtol=1e-15, atol=1e-18)
    crystal = crystal_of("-cell", "100", "100", "100", "90", "90", "90")
    assert torch.allclose(crystal.real, 1e-8 * EYE, rtol=0, atol=1e-22)
    # the values the C prints in every cubic case
    assert (crystal.real[0] * 1e10).tolist()[1] == pytest.approx(6.12323399573677e-15, rel=1e-12)
    assert crystal.reciprocal[1, 0].item() == pytest.approx(-6.12323399573677e-19, rel=1e-12)


def test_orthorhombic_cell_by_hand() -> None:
    stars, volume, _ = cell_setup((50.0, 60.0, 70.0, deg(90), deg(90), deg(90)))
    assert volume == pytest.approx(50 * 60 * 70, rel=1e-14)
    assert torch.allclose(stars, torch.diag(torch.tensor([1 / 50, 1 / 60, 1 / 70], dtype=F64)), atol=1e-17)
    crystal = crystal_of("-cell", "50", "60", "70", "90", "90", "90")
    lengths = torch.linalg.norm(crystal.real, dim=1) * 1e10
    assert lengths.tolist() == pytest.approx([50.0, 60.0, 70.0], rel=1e-14)


def test_triclinic_cell_lengths_orthogonality_and_the_c_angles() -> None:
    """Lengths are forced to the -cell values; a_i . b*_j = 0 for i != j. The C's standard-orientation
    c*_z formula is not the textbook one, so a triclinic cell comes out with slightly different angles
    (the C prints ``Unit Cell: 70 80 90 75.0391 85.0136 95.0081``) and a . a* = 1.0002, not 1."""
    crystal = crystal_of("-cell", "70", "80", "90", "75", "85", "95")
    real_a = crystal.real * 1e10
    dual = real_a @ crystal.reciprocal.T
    assert torch.allclose(dual - torch.diag(torch.diag(dual)), torch.zeros(3, 3, dtype=F64), atol=1e-15)
    lengths = torch.linalg.norm(real_a, dim=1)
    assert lengths.tolist() == pytest.approx([70.0, 80.0, 90.0], rel=1e-13)
    a, b, c = real_a
    angles = [math.degrees(math.acos(float(x @ y) / float(torch.linalg.norm(x) * torch.linalg.norm(y))))
              for x, y in ((b, c), (a, c), (a, b))]
    assert angles == pytest.approx([75.0391, 85.0136, 95.0081], abs=5e-5)
    assert crystal.reciprocal[0, 1].item() == 0.0 and crystal.reciprocal[1, 2] == 0.0  # standard setting
    assert crystal.volume == pytest.approx(481811.455731699, rel=1e-12)


def test_missing_cell_values_default_like_the_c() -> None:
    a = crystal_of("-cell", "40")
    assert torch.allclose(a.real, 4e-9 * EYE, atol=1e-22)


def write_mat(tmp_path: Path) -> Path:
    path = tmp_path / "A.mat"
    path.write_text("-0.02837711 -0.00305386 0.02535816\n-0.02871390 0.01019549 -0.01400049\n"
                    "0.01050048 -0.03209440 -0.01036054\n")
    return path


def test_matrix_columns_scaled_by_one_over_lambda(tmp_path: Path) -> None:
    matrix = read_matrix_file(write_mat(tmp_path))
    stars = reciprocal_from_matrix(matrix, 2e-10)
    assert stars[0].tolist() == pytest.approx([-0.02837711 / 2, -0.02871390 / 2, 0.01050048 / 2], rel=1e-15)
    assert stars[2].tolist() == pytest.approx([0.02535816 / 2, -0.01400049 / 2, -0.01036054 / 2], rel=1e-15)
    # the final wavelength is used, wherever -lambda stands in argv
    crystal = crystal_of("-mat", str(write_mat(tmp_path)), "-lambda", "2")
    assert torch.allclose(crystal.reciprocal, stars, rtol=1e-13, atol=0)
    assert torch.allclose(crystal.real * 1e10 @ crystal.reciprocal.T, EYE, atol=1e-13)


def test_matrix_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mat"
    bad.write_text("1 2 3\n4 5\n")
    with pytest.raises(TraceDiffError) as info:
        read_matrix_file(bad)
    assert info.value.line == 2
    with pytest.raises(TraceDiffError):
        read_matrix_file(tmp_path / "none.mat")


def test_cell_with_matrix_keeps_directions_and_forces_lengths(tmp_path: Path) -> None:
    crystal = crystal_of("-mat", str(write_mat(tmp_path)), "-cell", "30", "40", "50", "90", "90", "90")
    mat_only = crystal_of("-mat", str(write_mat(tmp_path)))
    lengths = torch.linalg.norm(crystal.real, dim=1) * 1e10
    assert lengths.tolist() == pytest.approx([30.0, 40.0, 50.0], rel=1e-12)
    unit = crystal.real / torch.linalg.norm(crystal.real, dim=1, keepdim=True)
    unit_mat = mat_only.real / torch.linalg.norm(mat_only.real, dim=1, keepdim=True)
    assert torch.allclose(unit, unit_mat, atol=1e-12)


def test_misset_rotates_the_reciprocal_vectors_xyz() -> None:
    stars, _, _ = cell_setup((100.0, 100.0, 100.0, deg(90), deg(90), deg(90)))
    turned = apply_misset(stars, (0.0, 0.0, deg(90)))
    assert torch.allclose(turned[0], torch.tensor([0.0, 0.01, 0.0], dtype=F64), atol=1e-17)
    crystal = crystal_of("-cell", "70", "80", "90", "75", "85", "95", "-misset", "10", "20", "30")
    plain = crystal_of("-cell", "70", "80", "90", "75", "85", "95")
    rx, ry, rz = (math.radians(x) for x in (10, 20, 30))
    cx, sx, cy, sy, cz, sz = math.cos(rx), math.sin(rx), math.cos(ry), math.sin(ry), math.cos(rz), math.sin(rz)
    r = (torch.tensor([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]], dtype=F64)
         @ torch.tensor([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]], dtype=F64)
         @ torch.tensor([[1, 0, 0], [0, cx, -sx], [0, sx, cx]], dtype=F64))
    assert torch.allclose(crystal.reciprocal, plain.reciprocal @ r.T, atol=1e-15)
    assert torch.allclose(crystal.real, plain.real @ r.T, atol=1e-20)  # real space turns with it


def test_n_rules() -> None:
    cfg = parse_argv(["-cell", "100", "-default_F", "1", "-N", "0", "-Nb", "3"])
    crystal = build_crystal(cfg)
    assert crystal.n_cells == (1.0, 3.0, 1.0)
    sized = build_crystal(cfg.replace(sample_x=1.05e-7))  # 105 nm over 10 nm cells -> 11
    assert sized.n_cells == (11.0, 3.0, 1.0)
    assert sized.size_max == pytest.approx(1.1e-7)
