"""nanoBragg's rotation and vector primitives in torch, with the C's evaluation order.

Why not ``torch.linalg`` / matrix products: the trace is compared at 15 digits, and the
C evaluates each component as a fixed sequence of multiplies and adds (no FMA). Every
function here spells that sequence out on ``[..., 3]`` tensors, so results agree with
the C to the last bit (and signed zeros come out the same).

Angles may be Python numbers (sin/cos then come from the platform libm through
:mod:`math`, the same functions the C calls) or tensors broadcastable to ``v[..., 0]``
(torch's sin/cos, which may differ from libm in the last bit).
"""

from __future__ import annotations

import math

import numpy as np
import torch

Angle = float | int | torch.Tensor


def _sincos(angle: Angle) -> tuple[float | torch.Tensor, float | torch.Tensor]:
    if isinstance(angle, torch.Tensor):
        return torch.sin(angle), torch.cos(angle)
    return math.sin(angle), math.cos(angle)


def _is_zero(angle: Angle) -> bool:
    """The C skips a rotation factor only when its angle is exactly 0 (a scalar test)."""
    if isinstance(angle, torch.Tensor):
        return bool(torch.all(angle == 0))
    return angle == 0


def _xyz(v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return v[..., 0], v[..., 1], v[..., 2]


def _stack(x: torch.Tensor, y: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    x, y, z = torch.broadcast_tensors(x, y, z)
    return torch.stack((x, y, z), dim=-1)


def dot(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``a·b`` as the C's ``dot_product``: ``(ax*bx + ay*by) + az*bz``."""
    return a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1] + a[..., 2] * b[..., 2]


def cross(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``a×b`` as the C's ``cross_product`` (each component ``p*q - r*s``)."""
    ax, ay, az = _xyz(a)
    bx, by, bz = _xyz(b)
    return _stack(ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx)


def sqrt(x: torch.Tensor) -> torch.Tensor:
    """Correctly rounded square root, as C's ``sqrt``.

    Why: this torch build's CPU ``torch.sqrt`` is off by one ulp for about 1% of float64
    inputs, which shows in the 15th printed digit. On the CPU (no autograd) numpy's
    IEEE sqrt is used; elsewhere ``torch.sqrt`` (CUDA's is correctly rounded).
    """
    if x.device.type == "cpu" and not x.requires_grad:
        return torch.as_tensor(np.sqrt(x.detach().numpy()), dtype=x.dtype)
    return torch.sqrt(x)


def magnitude(v: torch.Tensor) -> torch.Tensor:
    """``sqrt(x*x + y*y + z*z)``, summed left to right like the C."""
    x, y, z = _xyz(v)
    return sqrt(x * x + y * y + z * z)


def unitize(v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(unit vector, original magnitude); a zero vector stays zero, as in the C."""
    mag = magnitude(v)
    safe = torch.where(mag != 0, mag, torch.ones_like(mag))
    unit = torch.where((mag != 0)[..., None], v / safe[..., None], torch.zeros_like(v))
    return unit, mag


def rotate_x(v: torch.Tensor, angle: Angle) -> torch.Tensor:
    """Rx(θ)·v = (x, y·c + z·(−s), y·s + z·c); identity (no arithmetic) at θ == 0."""
    if _is_zero(angle):
        return v
    s, c = _sincos(angle)
    x, y, z = _xyz(v)
    return _stack(x, y * c + z * (-s), y * s + z * c)


def rotate_y(v: torch.Tensor, angle: Angle) -> torch.Tensor:
    """Ry(θ)·v = (x·c + y·0 + z·s, y, x·(−s) + y·0 + z·c), with the C's zero terms."""
    if _is_zero(angle):
        return v
    s, c = _sincos(angle)
    x, y, z = _xyz(v)
    return _stack(x * c + y * 0.0 + z * s, y, x * (-s) + y * 0.0 + z * c)


def rotate_z(v: torch.Tensor, angle: Angle) -> torch.Tensor:
    """Rz(θ)·v = (x·c + y·(−s), x·s + y·c, z)."""
    if _is_zero(angle):
        return v
    s, c = _sincos(angle)
    x, y, z = _xyz(v)
    return _stack(x * c + y * (-s), x * s + y * c, z)


def rotate_xyz(v: torch.Tensor, rotx: Angle, roty: Angle, rotz: Angle) -> torch.Tensor:
    """The C's ``rotate()``: Rx, then Ry, then Rz (v' = Rz·Ry·Rx·v), each skipped at exactly 0.

    Used for the detector rotations and for ``-misset`` (spec 3.1).
    """
    return rotate_z(rotate_y(rotate_x(v, rotx), roty), rotz)


def rotate_axis(v: torch.Tensor, axis: torch.Tensor, phi: Angle) -> torch.Tensor:
    """The C's ``rotate_axis()`` (Rodrigues, right-handed; ``axis`` is used as given).

    ``D = (k·v)(1 − cos φ)``; ``x' = (k_x·D + v_x·cos φ) + (−k_z·v_y + k_y·v_z)·sin φ``,
    ``y' = (k_y·D + v_y·cos φ) + (k_z·v_x − k_x·v_z)·sin φ``,
    ``z' = (k_z·D + v_z·cos φ) + (−k_y·v_x + k_x·v_y)·sin φ``. Unlike :func:`rotate_xyz`
    there is no shortcut at φ == 0 (the C always evaluates it).
    """
    s, c = _sincos(phi)
    kx, ky, kz = _xyz(axis)
    x, y, z = _xyz(v)
    d = (kx * x + ky * y + kz * z) * (1.0 - c)
    return _stack(
        kx * d + x * c + (-kz * y + ky * z) * s,
        ky * d + y * c + (kz * x - kx * z) * s,
        kz * d + z * c + (-ky * x + kx * y) * s,
    )


def rotate_umat(v: torch.Tensor, umat: torch.Tensor) -> torch.Tensor:
    """The C's ``rotate_umat()``: ``v' = U·v`` with ``U`` as ``[..., 3, 3]`` (row-major 9 values)."""
    x, y, z = _xyz(v)
    u = umat
    return _stack(
        u[..., 0, 0] * x + u[..., 0, 1] * y + u[..., 0, 2] * z,
        u[..., 1, 0] * x + u[..., 1, 1] * y + u[..., 1, 2] * z,
        u[..., 2, 0] * x + u[..., 2, 1] * y + u[..., 2, 2] * z,
    )


Matrix = list[list[float]]


def rotation_matrices(rotx: float, roty: float, rotz: float) -> dict[str, Matrix]:
    """Rx, Ry, Rz and R_total = Rz·(Ry·Rx) exactly as the C's BEAM-pivot trace rebuilds them.

    The C evaluates cos/sin even at 0 (so ``-sin 0`` prints ``-0``) and accumulates each
    product from 0.0 in k order; plain floats keep those bits.
    """
    cx, sx = math.cos(rotx), math.sin(rotx)
    cy, sy = math.cos(roty), math.sin(roty)
    cz, sz = math.cos(rotz), math.sin(rotz)
    rx = [[1.0, 0.0, 0.0], [0.0, cx, -sx], [0.0, sx, cx]]
    ry = [[cy, 0.0, sy], [0.0, 1.0, 0.0], [-sy, 0.0, cy]]
    rz = [[cz, -sz, 0.0], [sz, cz, 0.0], [0.0, 0.0, 1.0]]

    def matmul(a: Matrix, b: Matrix) -> Matrix:
        out = [[0.0] * 3 for _ in range(3)]
        for i in range(3):
            for j in range(3):
                acc = 0.0
                for k in range(3):
                    acc += a[i][k] * b[k][j]
                out[i][j] = acc
        return out

    return {"Rx": rx, "Ry": ry, "Rz": rz, "R_total": matmul(rz, matmul(ry, rx))}
