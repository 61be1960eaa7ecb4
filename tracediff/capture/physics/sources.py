"""X-ray sources: incident directions and wavelengths (spec 4.8).

Each source is a point 10 m up-beam (``-10 b``) swung by the divergence angles (about the polarization
vector p by vdiv, then about v = unit(b x p) by hdiv), repeated for every wavelength of the dispersion
sweep; or it comes from ``-sourcefile`` (columns X Y Z weight lambda, blanks filled with -10 b, 1 and
lambda0). Every position is unitized and the incident vector is its negative, so with no divergence
the incident vector is +b. The order (hdiv, then vdiv, then wavelength) is the C's, because source
index 0 is the one the trace follows.

Quirks kept: the elliptical cut divides by the ranges even when they are 0 (IEEE NaN, so the point is
kept); wavelengths are formed exactly as ``lambda0*(1 + step*i - range/2)`` (another grouping changes
the 14th digit); the file's weights are read but, as in the C, never used.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from tracediff.capture.config import NanoBraggConfig
from tracediff.capture.physics.rotations import cross, rotate_axis, unitize
from tracediff.errors import TraceDiffError

SOURCE_DISTANCE = 10.0  # m, the C's source_distance

F64 = torch.float64


@dataclass(frozen=True)
class Sources:
    incident: torch.Tensor  #: (n, 3) unit incident directions (float64)
    wavelength: torch.Tensor  #: (n,) metres
    weight: torch.Tensor  #: (n,) stored for the record; the C never applies it

    def __len__(self) -> int:
        return int(self.wavelength.shape[0])


def _ieee_div(a: float, b: float) -> float:
    """a/b with IEEE semantics (inf/NaN instead of ZeroDivisionError), as the C divides."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.float64(a) / np.float64(b))


def divergence_grid(config: NanoBraggConfig) -> list[tuple[float, float]]:
    """(hdiv, vdiv) pairs in radians kept by the C's elliptical cut, hdiv outer."""
    kept = []
    for h_tic in range(config.hdivsteps):
        for v_tic in range(config.vdivsteps):
            hdiv = config.hdivstep * h_tic - config.hdivrange / 2.0
            vdiv = config.vdivstep * v_tic - config.vdivrange / 2.0
            h_term = hdiv * hdiv - config.hdivstep * config.hdivstep / 4.0 * (1 - config.hdivsteps % 2)
            v_term = vdiv * vdiv - config.vdivstep * config.vdivstep / 4.0 * (1 - config.vdivsteps % 2)
            test = _ieee_div(_ieee_div(h_term, config.hdivrange), config.hdivrange)
            test += _ieee_div(_ieee_div(v_term, config.vdivrange), config.vdivrange)
            if config.round_div and test * 4.0 > 1.1:
                continue
            kept.append((hdiv, vdiv))
    return kept


def wavelengths(config: NanoBraggConfig) -> list[float]:
    """The dispersion sweep, formed exactly as the C does."""
    return [
        config.lambda0 * (1.0 + config.dispstep * tic - config.dispersion / 2.0) for tic in range(config.dispsteps)
    ]


_DELIMITERS = " \t,;:!"
_NUMBER_CHARS = "0123456789-+.EGeg"
_ATOF = re.compile(r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)", re.IGNORECASE)


def _atof(text: str) -> float:
    m = _ATOF.match(text.lstrip())
    return float(m.group(0)) if m else 0.0


def read_source_file(path: Path, columns: int = 5) -> list[list[float]]:
    """The C's ``read_text_file``: blank lines skipped, fields split on `` \\t,;:!``, missing -> NaN."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise TraceDiffError(f"cannot read source file: {exc.strerror or exc}", path=path) from exc
    rows = []
    for line in lines:
        body = line.lstrip(_DELIMITERS)
        if not body.strip():
            continue
        fields = [f for f in re.split(r"[ \t,;:!]+", body) if f][:columns]
        row = [_atof(f) for f in fields] + [math.nan] * (columns - len(fields))
        rows.append(row)
    if not rows:
        raise TraceDiffError("source file has no data lines", path=path)
    return rows


def _file_sources(config: NanoBraggConfig, beam: torch.Tensor) -> tuple[list[torch.Tensor], list[float], list[float]]:
    assert config.sourcefile is not None
    positions, lambdas, weights = [], [], []
    for x, y, z, w, lam in read_source_file(Path(config.sourcefile)):
        default = -SOURCE_DISTANCE * beam
        pos = torch.stack(
            [default[i] if math.isnan(v) else torch.tensor(v, dtype=F64) for i, v in enumerate((x, y, z))]
        )
        positions.append(pos)
        weights.append(1.0 if math.isnan(w) else w)
        lambdas.append(config.lambda0 if math.isnan(lam) else lam)
    return positions, lambdas, weights


def _generated_sources(
    config: NanoBraggConfig, beam: torch.Tensor, polar: torch.Tensor
) -> tuple[list[torch.Tensor], list[float], list[float]]:
    vert, _ = unitize(cross(beam, polar))
    grid = divergence_grid(config)
    lams = wavelengths(config)
    weight = 1.0 / (len(grid) * len(lams)) if grid else 0.0
    positions, lambdas, weights = [], [], []
    for hdiv, vdiv in grid:
        start = -SOURCE_DISTANCE * beam
        pos = rotate_axis(rotate_axis(start, polar, vdiv), vert, hdiv)
        for lam in lams:
            positions.append(pos)
            lambdas.append(lam)
            weights.append(weight)
    return positions, lambdas, weights


def build_sources(config: NanoBraggConfig, beam: torch.Tensor, polar: torch.Tensor) -> Sources:
    """All sources in the C's order; ``beam`` and ``polar`` are the unitized lab vectors (float64)."""
    beam = beam.to(F64).cpu()
    polar = polar.to(F64).cpu()
    if config.sourcefile is not None:
        positions, lambdas, weights = _file_sources(config, beam)
    else:
        positions, lambdas, weights = _generated_sources(config, beam, polar)
    if not positions:
        raise TraceDiffError("the divergence settings leave no source", path=config.args_file)
    units, _ = unitize(torch.stack(positions))
    return Sources(
        incident=-units,
        wavelength=torch.tensor(lambdas, dtype=F64),
        weight=torch.tensor(weights, dtype=F64),
    )
