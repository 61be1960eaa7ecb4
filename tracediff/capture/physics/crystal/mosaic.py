"""Mosaic domain orientations and the random generator behind them (spec 4.6).

nanoBragg draws each domain's rotation from the Numerical-Recipes ``ran1`` generator. To match the C to
the last digit every detail matters, so this module mirrors it operation by operation in plain Python
(exact integer arithmetic, IEEE float32/float64 where the C uses them) and only hands the finished
matrices to torch:

* ``ran1`` returns a C ``float``: ``AM*iy`` is computed in double and rounded to float32, capped at
  ``1 - 1.2e-7`` (itself rounded to float32 on return).
* A non-positive seed (the default ``-12345678``) re-initialises the 32-entry shuffle table; the state
  (``idum``, ``iy``, table) lives in a :class:`Ran1` object instead of C statics.
* The rotation angle is computed in single precision: ``(float)spread * powf((float)(1 - r3^2), 1.f/3)``,
  where the spread itself was passed to the C function as a ``float``.
* Domain 0 consumes one triple of deviates and is then overwritten with the identity.

``umat_to_misset`` (for ``-misset random``) follows the C's angle extraction.

Not mirrored: the C's generator state is one set of statics shared by ``-misset random`` and the
mosaic domains. Both normally start from a non-positive seed, which re-initialises it, so they are
independent; only a *positive* ``-mosaic_seed`` after ``-misset random`` would continue the misset's
shuffle table in the C, whereas each draw here starts from a fresh generator.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
from collections.abc import Callable, Sequence

import numpy as np
import torch

IA = 16807
IM = 2147483647
AM = 1.0 / IM
IQ = 127773
IR = 2836
NTAB = 32
NDIV = 1 + (IM - 1) // NTAB
EPS = 1.2e-7
RNMX = 1.0 - EPS

DEFAULT_MOSAIC_SEED = -12345678


def _load_powf() -> Callable[[float, float], float] | None:
    """The C library's ``powf``: numpy's float32 power uses its own SIMD code and differs in the last
    bit for about 1 value in 6, which moves the mosaic matrices at the 1e-8 level."""
    name = ctypes.util.find_library("m") or ctypes.util.find_library("c")
    try:
        lib = ctypes.CDLL(name)
        func = lib.powf
    except (OSError, AttributeError, TypeError):
        return None
    func.restype = ctypes.c_float
    func.argtypes = [ctypes.c_float, ctypes.c_float]
    return func


_POWF = _load_powf()


def powf(x: np.float32, y: np.float32) -> np.float32:
    """Single-precision ``powf`` as the C calls it (libm); a rounded double ``pow`` if libm is absent."""
    if _POWF is not None:
        return np.float32(_POWF(float(x), float(y)))
    return np.float32(math.pow(float(x), float(y)))


def _lcg_step(idum: int) -> int:
    """One step of the Park-Miller minimal standard generator with Schrage's trick (no overflow)."""
    k = idum // IQ if idum >= 0 else -((-idum) // IQ)  # C integer division truncates toward zero
    idum = IA * (idum - k * IQ) - IR * k
    if idum < 0:
        idum += IM
    return idum


class Ran1:
    """Numerical Recipes ``ran1``: minimal standard LCG with a Bays-Durham shuffle, float32 output."""

    def __init__(self, seed: int = DEFAULT_MOSAIC_SEED) -> None:
        self.idum = int(seed)
        self.iy = 0
        self.iv = [0] * NTAB

    def _initialise(self) -> None:
        self.idum = 1 if -self.idum < 1 else -self.idum
        for j in range(NTAB + 7, -1, -1):
            self.idum = _lcg_step(self.idum)
            if j < NTAB:
                self.iv[j] = self.idum
        self.iy = self.iv[0]

    def next(self) -> np.float32:
        """Next uniform deviate in (0, 1), as the C's ``float``."""
        if self.idum <= 0 or not self.iy:
            self._initialise()
        self.idum = _lcg_step(self.idum)
        j = self.iy // NDIV
        self.iy = self.iv[j]
        self.iv[j] = self.idum
        temp = np.float32(AM * self.iy)
        if float(temp) > RNMX:
            return np.float32(RNMX)
        return temp


def mosaic_rotation_umat(mosaicity: float, rng: Ran1) -> list[float]:
    """A random rotation within a spherical cap of angular radius ``mosaicity`` (radians), row-major 3x3.

    Mirrors the C's ``mosaic_rotation_umat`` (whose ``mosaicity`` parameter is a ``float``).
    """
    r1 = 2.0 * float(rng.next()) - 1.0
    r2 = 2.0 * float(rng.next()) - 1.0
    r3 = 2.0 * float(rng.next()) - 1.0
    xyrad = math.sqrt(1.0 - r2 * r2)
    power = powf(np.float32(1.0 - r3 * r3), np.float32(1.0 / 3.0))
    rot = float(np.float32(mosaicity) * power)
    v1 = xyrad * math.sin(math.pi * r1)
    v2 = xyrad * math.cos(math.pi * r1)
    v3 = r2
    t1 = math.cos(rot)
    t2 = 1.0 - t1
    t3 = v1 * v1
    t6 = t2 * v1
    t7 = t6 * v2
    t8 = math.sin(rot)
    t9 = t8 * v3
    t11 = t6 * v3
    t12 = t8 * v2
    t15 = v2 * v2
    t19 = t2 * v2 * v3
    t20 = t8 * v1
    t24 = v3 * v3
    return [
        t1 + t2 * t3, t7 - t9, t11 + t12,
        t7 + t9, t1 + t2 * t15, t19 - t20,
        t11 - t12, t19 + t20, t1 + t2 * t24,
    ]  # fmt: skip


IDENTITY = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]


def mosaic_matrices(
    spread: float,
    domains: int,
    seed: int = DEFAULT_MOSAIC_SEED,
    *,
    device: torch.device | str | None = None,
    dtype: torch.dtype = torch.float64,
) -> torch.Tensor:
    """The ``domains`` rotation matrices, shape (domains, 3, 3); domain 0 is the identity."""
    rng = Ran1(seed)
    mats: list[list[float]] = []
    for tic in range(domains):
        umat = mosaic_rotation_umat(spread, rng)
        mats.append(IDENTITY if tic == 0 else umat)
    return torch.tensor(mats, dtype=dtype, device=device).reshape(domains, 3, 3)


def _unit_row(row: tuple[float, float, float]) -> tuple[float, float, float]:
    """A matrix row divided by its length (left alone when the length is 0), as the C does."""
    x, y, z = row
    m = math.sqrt(x * x + y * y + z * z)
    return (x / m, y / m, z / m) if m > 0 else row


def umat_to_misset(umat: Sequence[float]) -> tuple[float, float, float]:
    """XYZ misset angles (radians) of a rotation matrix, as the C's ``umat2misset``.

    Only the well-formed path is mirrored (rows of non-zero length), which is all ``-misset random`` needs.
    """
    rows = [tuple(float(u) for u in umat[i:i + 3]) for i in (0, 3, 6)]
    # the C normalises a second time after its cross-product checks; with non-empty rows that is
    # a no-op up to rounding, so do it again for the same bits
    rows = [_unit_row(_unit_row(row)) for row in rows]
    (uxx, uxy, uxz), (uyx, uyy, uyz), (uzx, uzy, uzz) = rows
    if uzx * uzx < 1.0:
        return (
            math.atan2(uzy, uzz),
            math.atan2(-uzx, math.sqrt(uzy * uzy + uzz * uzz)),
            math.atan2(uyx, uxx),
        )
    return math.atan2(1, 1) * 4, math.atan2(1, 1) * 2, math.atan2(uxy, -uyy)


def random_misset(seed: int) -> tuple[float, float, float]:
    """``-misset random``: a rotation drawn with cap 90 (radians, as the C passes it) from ``seed``."""
    return umat_to_misset(mosaic_rotation_umat(90.0, Ran1(seed)))
