"""Crystal set-up: reciprocal and real-space cell vectors, misset, crystal size (spec 4.1-4.4).

The chain, in the C's order (every step is a separate small function below):

1. reciprocal vectors a*, b*, c* (1/Å) from ``-cell`` (:func:`reciprocal_from_cell`, standard
   orientation, any triclinic cell) and/or from ``-mat`` (:func:`reciprocal_from_matrix`, the file's
   columns times ``1e-10/lambda0`` with the *final* wavelength; a matrix overrides the cell's vectors);
2. ``-misset``: XYZ rotation of a*, b*, c* (``rotations.rotate_xyz``), ``-misset random`` draws the
   angles from the mosaic generator (seed ``-misset_seed``);
3. real-space vectors a = V (b* x c*) ... (Å); with ``-cell`` the cross products are first rescaled to
   the cell's lengths and V* = 1/V of the cell (:func:`real_space`);
4. regenerated reciprocal vectors a* = V* (b x c) ... (:func:`regenerate_reciprocal`): these are what
   the C prints as ``rot_*_star_A_inv`` (never rotated by phi or mosaic there);
5. a, b, c converted to metres: the phi = 0, mosaic = 0 reference a0, b0, c0.

Kept from the C although it is not textbook crystallography: the standard-orientation c*_z of
:func:`reciprocal_from_cell` is ``|c*| V / (a b c sin gamma*)``, which is exact only when the cell
angles make it so; for a triclinic cell the real-space vectors come out with slightly different angles
(``-cell 70 80 90 75 85 95`` gives 75.0391 85.0136 95.0081, which the C itself prints as its
``Unit Cell``). The reference traces agree with this to 15 digits.

:func:`build_crystal` also records the intermediate values the C prints along the way (its ``TRACE:``
narrative, spec 6.2 F) in :class:`CrystalSteps`, as numbers: each the value the C's variable holds when
the C prints it (the cross products before the ``-cell`` rescaling, V* before the ``-cell`` override, the
stale length slots ``v[0]`` that a rotation does not update, ...). Formatting them is
:mod:`tracediff.capture.printing.crystal`'s job.

Scalar trigonometry uses :mod:`math` (the platform libm, as the C); vector arithmetic is spelled out
component by component in the C's order through :mod:`tracediff.capture.physics.rotations`. Everything is
float64 on the CPU; the pixel chain moves the result to its device and dtype.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path

import torch

from tracediff.capture.physics.crystal.hkl import FLOAT_TOKEN, CScanner
from tracediff.capture.physics.crystal.mosaic import random_misset
from tracediff.capture.config import NanoBraggConfig
from tracediff.capture.physics.rotations import cross, dot, magnitude, rotate_xyz
from tracediff.errors import TraceDiffError

DBL_MIN = sys.float_info.min
F64 = torch.float64


def _vec(x: float, y: float, z: float) -> torch.Tensor:
    return torch.tensor([x, y, z], dtype=F64)


Vec3 = tuple[float, float, float]
Triple = tuple[Vec3, Vec3, Vec3]  #: three vectors (a, b, c or a*, b*, c*), each (x, y, z)


def _triple(rows: torch.Tensor) -> Triple:
    (ax, ay, az), (bx, by, bz), (cx, cy, cz) = rows.tolist()
    return (float(ax), float(ay), float(az)), (float(bx), float(by), float(bz)), (float(cx), float(cy), float(cz))


def _lengths(rows: torch.Tensor) -> Vec3:
    x, y, z = (float(v) for v in magnitude(rows))
    return x, y, z


@dataclass(frozen=True)
class MatrixSteps:
    """``-mat``: what the C prints while it reads the matrix (spec 6.2 F)."""

    raw: Triple  #: a*, b*, c* as read (the file's columns)
    lambda0: float  #: m (the final parsed wavelength)
    scale: float  #: 1e-10/lambda0
    scaled: Triple  #: 1/Å
    lengths: Vec3  #: |a*|, |b*|, |c*| of the scaled vectors


@dataclass(frozen=True)
class MissetSteps:
    """``-misset``: the reciprocal vectors before and after the XYZ rotation."""

    before: Triple
    angles: Vec3  #: rad
    after: Triple
    random: bool  #: angles drawn by ``-misset random``


@dataclass(frozen=True)
class CrystalSteps:
    """The values the C prints during the crystal set-up, in its order (spec 6.2 F, L2061-2310).

    ``slots`` are the C's length slots ``a_star[0]`` ...: the ``-cell`` formula lengths (or the
    magnitudes after the ``-mat`` scaling); a misset rotation does not update them, so the C prints
    them, unchanged, before and after the misset and before the re-generation.
    """

    matrix: MatrixSteps | None
    misset: MissetSteps | None
    slots: Vec3  #: |a*|, |b*|, |c*| as stored in the C's length slots
    stars: Triple  #: a*, b*, c* entering the cross products (1/Å)
    star_cross: Triple  #: a* x b*, b* x c*, c* x a*, as computed (before any rescaling)
    v_star_dot: float  #: a* . (b* x c*), before the -cell override
    v_cell: float  #: Å^3, 1/V* after the override
    star_cross_used: Triple  #: b* x c*, c* x a*, a* x b*, rescaled to the -cell lengths when a cell is given
    v_star: float  #: 1/Å^3, after the override
    real: Triple  #: a, b, c (Å)
    real_lengths: Vec3
    real_cross: Triple  #: b x c, c x a, a x b (Å^2)
    regenerated: Triple  #: a*, b*, c* = V* (b x c) ... (1/Å)
    regenerated_lengths: Vec3
    real_m: Triple  #: a, b, c (m) = a0, b0, c0 = ap, bp, cp
    real_m_lengths: Vec3


@dataclass(frozen=True)
class Crystal:
    """The oriented crystal at phi = 0 (before any spindle or mosaic rotation)."""

    real: torch.Tensor  #: (3, 3) rows a0, b0, c0 in metres
    reciprocal: torch.Tensor  #: (3, 3) rows a*, b*, c* in 1/Å (regenerated, misset included)
    volume: float  #: V_cell in Å^3
    n_cells: tuple[float, float, float]  #: Na, Nb, Nc (>= 1)
    steps: CrystalSteps | None = None  #: what the C prints on the way (float64 numbers)

    @property
    def size_max(self) -> float:
        """Largest crystal edge Na|a| etc. (m): drives the auto oversampling."""
        lengths = magnitude(self.real)
        return max(float(lengths[i]) * n for i, n in enumerate(self.n_cells))


# ----------------------------------------------------------------------------------------------------
# 1. reciprocal vectors


def cell_setup(cell: tuple[float, float, float, float, float, float]) -> tuple[torch.Tensor, float, Vec3]:
    """Standard-orientation a*, b*, c* (1/Å, rows), V_cell (Å^3) and the reciprocal lengths |a*|, |b*|, |c*|
    of the formula, from a, b, c (Å), alpha, beta, gamma (rad).

    a* lies along x, b* in the xy plane (spec 4.1); clamps and fallbacks as in the C. The lengths are
    the C's length slots, which the standard-orientation vectors do not always have for a triclinic cell.
    """
    a, b, c, alpha, beta, gamma = cell
    aavg = (alpha + beta + gamma) / 2
    skew = math.sin(aavg) * math.sin(aavg - alpha) * math.sin(aavg - beta) * math.sin(aavg - gamma)
    skew = -skew if skew < 0.0 else skew
    v_cell = 2.0 * a * b * c * math.sqrt(skew)
    if v_cell <= 0.0:
        v_cell = DBL_MIN
    v_star = 1.0 / v_cell
    a_len = b * c * math.sin(alpha) * v_star
    b_len = c * a * math.sin(beta) * v_star
    c_len = a * b * math.sin(gamma) * v_star
    if a_len <= 0.0 or b_len <= 0.0 or c_len <= 0.0:
        a_len, b_len, c_len = (abs(x) if abs(x) > 0.0 else DBL_MIN for x in (a_len, b_len, c_len))
    sin_gamma_star = c * v_star / a_len / b_len
    cos_alpha_star = (math.cos(beta) * math.cos(gamma) - math.cos(alpha)) / (math.sin(beta) * math.sin(gamma))
    cos_beta_star = (math.cos(gamma) * math.cos(alpha) - math.cos(beta)) / (math.sin(gamma) * math.sin(alpha))
    cos_gamma_star = (math.cos(alpha) * math.cos(beta) - math.cos(gamma)) / (math.sin(alpha) * math.sin(beta))
    sin_gamma_star = min(max(sin_gamma_star, -1.0), 1.0)
    # the C resets a cosine whose square exceeds 1 to +1 (whatever its sign)
    cos_alpha_star, cos_beta_star, cos_gamma_star = (
        1.0 if x * x > 1.0 else x for x in (cos_alpha_star, cos_beta_star, cos_gamma_star)
    )
    stars = torch.stack(
        (
            _vec(a_len, 0.0, 0.0),
            _vec(b_len * cos_gamma_star, b_len * sin_gamma_star, 0.0),
            _vec(
                c_len * cos_beta_star,
                c_len * (cos_alpha_star - cos_beta_star * cos_gamma_star) / sin_gamma_star,
                c_len * v_cell / (a * b * c * sin_gamma_star),
            ),
        )
    )
    return stars, v_cell, (a_len, b_len, c_len)


def read_matrix_file(path: str | Path) -> torch.Tensor:
    """The nine numbers of a ``-mat`` file as a (3, 3) tensor, row i = line i (i-th components)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise TraceDiffError(f"cannot read matrix file: {exc.strerror or exc}", path=path) from exc
    scanner = CScanner(text)
    values = []
    for _ in range(9):
        token = scanner.scan(FLOAT_TOKEN)
        if token is None:
            raise TraceDiffError(
                f"expected 9 numbers (3 lines of a*, b*, c* components), found {len(values)}",
                path=path,
                line=scanner.line(),
            )
        values.append(float(token))
    return torch.tensor(values, dtype=F64).reshape(3, 3)


def reciprocal_from_matrix(matrix: torch.Tensor, lambda0: float) -> torch.Tensor:
    """a*, b*, c* (rows, 1/Å) from a MOSFLM A matrix: its columns, times 1e-10/lambda0 (lambda0 in m)."""
    scale = 1e-10 / lambda0
    return scale * matrix.T.contiguous()


# ----------------------------------------------------------------------------------------------------
# 2. misset


def misset_angles(config: NanoBraggConfig) -> tuple[float, float, float] | None:
    """The XYZ misset (rad) of the config: given angles, a seeded random draw, or None."""
    if config.misset_random:
        if config.misset_seed is None:
            raise TraceDiffError(
                "-misset random without -misset_seed depends on the clock (the C seeds it with -time()); "
                "give -misset_seed to make the capture reproducible",
                path=config.args_file,
            )
        return random_misset(config.misset_seed)
    return config.misset


def apply_misset(stars: torch.Tensor, angles: tuple[float, float, float] | None) -> torch.Tensor:
    """Rotate a*, b*, c* by Rx, Ry, Rz (each skipped at exactly 0)."""
    if angles is None:
        return stars
    return rotate_xyz(stars, *angles)


# ----------------------------------------------------------------------------------------------------
# 3.-5. real space, regeneration, metres


def _rescale(v: torch.Tensor, new_magnitude: float) -> torch.Tensor:
    """The C's ``vector_rescale``: (new/old)·v, old = 1 for a zero vector."""
    old = float(magnitude(v))
    if old <= 0.0:
        old = 1.0
    return (new_magnitude / old) * v


@dataclass(frozen=True)
class RealSpace:
    """Real-space vectors and what led to them (spec 4.3 steps 3-4)."""

    star_cross: torch.Tensor  #: rows a* x b*, b* x c*, c* x a* as computed
    v_star_dot: float  #: a* . (b* x c*)
    cross_used: torch.Tensor  #: rows b* x c*, c* x a*, a* x b* after the -cell rescaling
    real: torch.Tensor  #: rows a, b, c (Å)
    v_cell: float
    v_star: float


def real_space_steps(
    stars: torch.Tensor, cell: tuple[float, float, float, float, float, float] | None, cell_volume: float | None
) -> RealSpace:
    """:func:`real_space` with its intermediate values."""
    a_star, b_star, c_star = stars
    axb, bxc, cxa = cross(a_star, b_star), cross(b_star, c_star), cross(c_star, a_star)
    v_star_dot = float(dot(a_star, bxc))
    v_star = v_star_dot
    used = (bxc, cxa, axb)
    if cell is not None and cell_volume is not None:
        used = (
            _rescale(bxc, cell[0] / cell_volume),
            _rescale(cxa, cell[1] / cell_volume),
            _rescale(axb, cell[2] / cell_volume),
        )
        v_star = 1.0 / cell_volume
    v_cell = 1.0 / v_star
    return RealSpace(
        star_cross=torch.stack((axb, bxc, cxa)),
        v_star_dot=v_star_dot,
        cross_used=torch.stack(used),
        real=torch.stack(tuple(v_cell * v for v in used)),
        v_cell=v_cell,
        v_star=v_star,
    )


def real_cross_products(real: torch.Tensor) -> torch.Tensor:
    """Rows b x c, c x a, a x b (from real-space rows a, b, c)."""
    a, b, c = real
    return torch.stack((cross(b, c), cross(c, a), cross(a, b)))


def crystal_cells(config: NanoBraggConfig, real_m: torch.Tensor) -> tuple[float, float, float]:
    """Na, Nb, Nc: from -N/-Na..., overridden by a crystal size (ceil(size/|a|)), at least 1."""
    lengths = [float(x) for x in magnitude(real_m)]
    counts = []
    for n, size, length in zip(
        (config.na, config.nb, config.nc), (config.sample_x, config.sample_y, config.sample_z), lengths
    ):
        value = float(n)
        if size > 0:
            value = float(math.ceil(size / length))
        counts.append(1.0 if value <= 1.0 else value)
    return counts[0], counts[1], counts[2]


def initial_reciprocal(config: NanoBraggConfig) -> tuple[torch.Tensor, float | None, Vec3, MatrixSteps | None]:
    """a*, b*, c* before the misset (spec 4.1-4.2): from -cell, then overridden by -mat's directions.

    Returns (stars, V_cell of the cell or None, the C's length slots, the -mat steps or None).
    """
    stars: torch.Tensor | None = None
    cell_volume: float | None = None
    slots: Vec3 | None = None
    matrix_steps: MatrixSteps | None = None
    if config.user_cell and config.cell is not None:
        stars, cell_volume, slots = _checked_cell_setup(config, config.cell)
    if config.matfile is not None:
        raw = read_matrix_file(config.matfile)
        stars = reciprocal_from_matrix(raw, config.lambda0)
        slots = _lengths(stars)
        matrix_steps = MatrixSteps(
            raw=_triple(raw.T), lambda0=config.lambda0, scale=1e-10 / config.lambda0,
            scaled=_triple(stars), lengths=slots,
        )
    if stars is None or slots is None:
        raise TraceDiffError("no crystal: give -cell or -mat", path=config.args_file)
    if cell_volume is None and float(dot(stars[0], cross(stars[1], stars[2]))) == 0.0:
        # the C computes V_cell = 1/0 = inf and traces inf/nan from there on
        raise TraceDiffError(f"-mat {config.matfile}: the matrix is singular (a*.(b* x c*) = 0), "
                             "so the cell volume 1/V* is infinite", path=config.args_file)
    return stars, cell_volume, slots, matrix_steps


def _checked_cell_setup(config: NanoBraggConfig,
                        cell: tuple[float, float, float, float, float, float]) -> tuple[torch.Tensor, float, Vec3]:
    """:func:`cell_setup`, refusing a cell without volume: the C warns ``impossible unit cell volume``,
    takes DBL_MIN and computes on with inf/nan reciprocal vectors."""
    words = " ".join("%g" % x for x in (*cell[:3], *(math.degrees(x) for x in cell[3:])))
    reason = f"-cell {words}: impossible unit cell (its volume is 0), nanoBragg would compute with inf/nan"
    try:
        stars, volume, slots = cell_setup(cell)
    except ZeroDivisionError:
        raise TraceDiffError(reason, path=config.args_file) from None
    if volume <= DBL_MIN or not bool(torch.isfinite(stars).all()):
        raise TraceDiffError(reason, path=config.args_file)
    return stars, volume, slots


def misset(config: NanoBraggConfig, stars: torch.Tensor) -> tuple[torch.Tensor, MissetSteps | None]:
    """The misset rotation of a*, b*, c* (spec 4.2), given or random, with the C's printed steps."""
    angles = misset_angles(config)
    if angles is None:
        return stars, None
    rotated = apply_misset(stars, angles)
    return rotated, MissetSteps(
        before=_triple(stars), angles=(float(angles[0]), float(angles[1]), float(angles[2])),
        after=_triple(rotated), random=config.misset_random,
    )


def build_crystal(config: NanoBraggConfig) -> Crystal:
    """The whole set-up of spec 4.1-4.4 from a parsed config (float64, CPU), with the C's printed steps.

    Reads the ``-mat`` file (a bad one raises :class:`TraceDiffError` with its file and line).
    """
    stars, cell_volume, slots, matrix_steps = initial_reciprocal(config)
    stars, misset_steps = misset(config, stars)
    rs = real_space_steps(stars, config.cell if config.user_cell else None, cell_volume)
    real_cross = real_cross_products(rs.real)
    regenerated = rs.v_star * real_cross
    real_m = 1e-10 * rs.real
    steps = CrystalSteps(
        matrix=matrix_steps,
        misset=misset_steps,
        slots=slots,
        stars=_triple(stars),
        star_cross=_triple(rs.star_cross),
        v_star_dot=rs.v_star_dot,
        v_cell=rs.v_cell,
        star_cross_used=_triple(rs.cross_used),
        v_star=rs.v_star,
        real=_triple(rs.real),
        real_lengths=_lengths(rs.real),
        real_cross=_triple(real_cross),
        regenerated=_triple(regenerated),
        regenerated_lengths=_lengths(regenerated),
        real_m=_triple(real_m),
        real_m_lengths=_lengths(real_m),
    )
    return Crystal(
        real=real_m, reciprocal=regenerated, volume=rs.v_cell,
        n_cells=crystal_cells(config, real_m), steps=steps,
    )
