"""A user program of a few lines, traced with ``tracer``/``record``, pairs with the C's log."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

#: MOSFLM, 128x128 pixels of 0.1 mm at 100 mm, default beam centre, traced pixel (65, 65)
CASE = "mosflm-default-cubic"

USER_PROGRAM = textwrap.dedent('''
    import sys, torch
    from tracediff.tracer import tracer, record

    f, s, beam = torch.tensor([0., 0., 1.]), torch.tensor([0., -1., 0.]), torch.tensor([1., 0., 0.])
    f, s, beam = f.double(), s.double(), beam.double()
    pixel, n, distance = 1e-4, 128, 0.1
    with tracer(out=sys.argv[1], select={"slow": 65, "fast": 65}):
        pix0 = record("pix0_vector_meters", distance * beam - 0.0065 * f - 0.0065 * s, unit="m")
        centres = (torch.arange(n, dtype=torch.float64) + 0.5) * pixel
        coords = pix0 + centres[:, None, None] * s + centres[None, :, None] * f      # (slow, fast, 3)
        record("pixel_pos_meters", coords, unit="m", dims=("slow", "fast"))
        r = record("R_distance_meters", coords.norm(dim=-1), unit="m", dims=("slow", "fast"))
        record("omega_pixel_sr", pixel**2 / r**2 * distance / r, unit="sr", dims=("slow", "fast"))
        record("diffracted_vec", coords / r[..., None], dims=("slow", "fast"))
''')

FIELDS = ("pix0_vector_meters", "pixel_pos_meters", "R_distance_meters", "omega_pixel_sr", "diffracted_vec")


def _c_log() -> Path:
    ref = os.environ.get("TRACEDIFF_REFERENCE")
    if not ref:
        pytest.skip("set TRACEDIFF_REFERENCE to the nanoBragg C reference cases")
    log = Path(ref) / CASE / "trace_c.log"
    if not log.is_file():
        pytest.skip(f"{log} is missing")
    return log


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_user_program_log_agrees_with_the_c_under_compare(tmp_path: Path) -> None:
    c_log = _c_log()
    (tmp_path / "user.py").write_text(USER_PROGRAM)
    ran = _run("user.py", "trace_py.log", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    only = [a for name in FIELDS for a in ("--only", name)]
    compared = _run("-m", "tracediff", "compare", str(c_log), "trace_py.log", *only, "-q", cwd=tmp_path)
    assert compared.returncode == 0, compared.stdout + compared.stderr
    assert "5 compared" in compared.stdout


def test_a_wrong_user_program_diverges_at_the_right_field(tmp_path: Path) -> None:
    c_log = _c_log()
    wrong = USER_PROGRAM.replace("centres[:, None, None] * s", "(centres[:, None, None] - 1e-4) * s")
    (tmp_path / "user.py").write_text(wrong)
    assert _run("user.py", "trace_py.log", cwd=tmp_path).returncode == 0
    compared = _run("-m", "tracediff", "compare", str(c_log), "trace_py.log", "--only", "pix*_meters", "--first",
                    cwd=tmp_path)
    assert compared.returncode == 1
    assert "pixel_pos_meters" in compared.stdout
