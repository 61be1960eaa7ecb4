"""The C's running sum and final scaling (spec 5.9, 5.10).

omega, polar and capture are "compute once" variables in the C: :func:`omega_variable`,
:func:`capture_variable` and :func:`polar_variable` give the value such a variable holds at each
iteration; :func:`accumulate` runs ``I <- (I + term) x factors`` in C order and :func:`final_value`
applies what the loop did not. Axes as in :mod:`~tracediff.capture.physics.pixel.chain`.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch

from tracediff.capture.physics.pixel.setup import R_E_SQR, PixelSetup

# ----------------------------------------------------------------------------------------------------
# "compute once" variables (omega, capture, polar): the value the C's variable holds at each iteration


def omega_variable(omega: torch.Tensor, oversample_omega: bool) -> torch.Tensor:
    """The omega variable at each (P, T, S): first sub-pixel of the first layer unless oversampled."""
    if oversample_omega:
        return omega
    return omega[:, :1, :1].expand_as(omega)


def capture_variable(capture: torch.Tensor, setup: PixelSetup) -> torch.Tensor:
    """The capture variable at each (P, T, S): reset per layer, computed at its first sub-pixel."""
    if setup.oversample_thick:
        return capture
    if setup.thickness == 0.0:
        return torch.ones_like(capture)
    return capture[:, :, :1].expand_as(capture)


def _last_true_index(mask: torch.Tensor) -> torch.Tensor:
    """Index of the last True at or before each position along the last axis (-1 if none)."""
    idx = torch.arange(mask.shape[-1], device=mask.device).expand_as(mask)
    return torch.cummax(torch.where(mask, idx, torch.full_like(idx, -1)), dim=-1).values


def polar_variable(polar: torch.Tensor, computed: torch.Tensor, setup: PixelSetup) -> torch.Tensor:
    """The polar variable at each (P, T, S, N) iteration.

    Reset per pixel to 0 (1 with -nopolar); computed at the first non-skipped source of the pixel, or
    at every one with -oversample_polar (which ignores -nopolar, Q24).
    """
    shape = polar.shape
    flat = polar.reshape(shape[0], -1)
    mask = computed.reshape(shape[0], -1)
    initial = 1.0 if setup.nopolar else 0.0
    if not setup.oversample_polar:
        if setup.nopolar:
            return torch.ones_like(polar)
        first = torch.cumsum(mask.to(torch.int64), dim=-1)
        mask = mask & (first == 1)
    source_index = _last_true_index(mask)
    picked = torch.gather(flat, 1, source_index.clamp(min=0))
    value = torch.where(source_index >= 0, picked, torch.full_like(picked, initial))
    return value.reshape(shape)


# ----------------------------------------------------------------------------------------------------
# the running sum and the final scaling


def accumulate(
    i_start: float,
    terms: torch.Tensor,
    evaluated: torch.Tensor,
    factors: Iterable[torch.Tensor],
) -> torch.Tensor:
    """Sequential I <- (I + term) x factors..., over the iterations (last axis) in C order.

    ``terms``, ``evaluated`` and each factor: (P, K). Skipped iterations change nothing.
    """
    factor_list = list(factors)
    total = torch.full(terms.shape[:1], float(i_start), dtype=terms.dtype, device=terms.device)
    for k in range(terms.shape[1]):
        step = total + terms[:, k]
        for factor in factor_list:
            step = step * factor[:, k]
        total = torch.where(evaluated[:, k], step, total)
    return total


def final_value(
    setup: PixelSetup, intensity: torch.Tensor, capture: torch.Tensor, polar: torch.Tensor, omega: torch.Tensor
) -> torch.Tensor:
    """r_e^2 fluence I / steps, times the capture, polar and omega variables not applied in the loop."""
    value = R_E_SQR * setup.fluence * intensity / setup.steps
    if not setup.oversample_thick:
        value = value * capture
    if not setup.oversample_polar:
        value = value * polar
    if not setup.oversample_omega:
        value = value * omega
    return value


def float_image(value: torch.Tensor) -> torch.Tensor:
    """The C's float image cell after ``+=`` on a zero-initialised float: float32 rounding."""
    return value.to(torch.float32)
