"""The continuous search: Levenberg-Marquardt on the traced pixel's residual, Jacobian by torch autograd.

Why Levenberg-Marquardt and not gradient descent: the residual is a smooth, nearly linear function of a
handful of inputs, so Gauss-Newton steps converge quadratically to the planted value (to float64
rounding), and the damping keeps the first steps safe when the start is far off. Everything is
float64. Parameters are moved in scaled units (1 = one ``SCALES`` step) so one damping fits all.

Covered: the detector frame and the per-pixel chain (:mod:`tracediff.explain.model`), with the
inputs ``distance``, the pivot's beam-centre offsets, ``rotx/roty/rotz``, ``twotheta`` and the
``wavelength``. The crystal (cell, misset) is not on the differentiable path.
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass

import torch

from tracediff.explain.model import Baseline, pixel_records, start_parameters
from tracediff.explain.scenario import Runner
from tracediff.explain.target import FieldValue, Key

#: the size of one scaled step of each parameter (SI units): the fit's conditioning, not a limit
SCALES = {"distance": 1e-3, "fbeam": 1e-4, "sbeam": 1e-4, "fclose": 1e-4, "sclose": 1e-4,
          "rotx": 1e-3, "roty": 1e-3, "rotz": 1e-3, "twotheta": 1e-3, "wavelength": 1e-12}
CONVERGED_COST = 1e-30  #: sum of squared scaled residuals at which a fit stops
DAMPING_TRIES = 6  #: damping increases (x10 each) tried before a fit gives up on lowering the cost
SINGLE_ITERATIONS = 6  #: iterations of each one-input fit (Gauss-Newton converges in 2-4 when it can)
MAX_STEPS = 1000.0  #: a fit moving an input further (1 m, 0.1 m of centre, 1 rad, 1 nm) is not reported
SOLVED = 1e-13  #: relative residual per field at which one input alone counts as the answer


@dataclass(frozen=True)
class FitResult:
    """Where the fit started and ended (SI units) and how well it then reproduced the fields it fitted."""

    start: dict[str, float]
    end: dict[str, float]
    cost_start: float
    cost_end: float
    iterations: int
    fields: int  #: fields in the residual

    @property
    def plausible(self) -> bool:
        """Every input stayed within ``MAX_STEPS`` of its scaled steps (else the landscape was flat or wrong)."""
        return all(abs(self.end[n] - self.start[n]) <= MAX_STEPS * SCALES[n] for n in self.start)

    def moved(self, rtol: float = 1e-9) -> dict[str, tuple[float, float]]:
        """Parameters that moved by more than ``rtol`` of their size (or of their step when zero)."""
        return {n: (self.start[n], self.end[n]) for n in self.start
                if abs(self.end[n] - self.start[n]) > rtol * max(abs(self.start[n]), SCALES[n])}


def fitted_parameters(base: Baseline) -> tuple[str, ...]:
    """The inputs the fit moves: the offsets of the pivot in use, never those it ignores."""
    centre = ("fclose", "sclose") if base.geometry.pivot == "SAMPLE" else ("fbeam", "sbeam")
    return ("distance", *centre, "rotx", "roty", "rotz", "twotheta", "wavelength")


class _Residual:
    """Scaled residual vector of the traced pixel's fields against ``target`` as a function of ``u``."""

    def __init__(self, base: Baseline, names: tuple[str, ...], target: dict[Key, FieldValue]) -> None:
        self.base, self.names, self.target = base, names, target
        self.start = start_parameters(base)

    def params(self, u: torch.Tensor) -> dict[str, torch.Tensor]:
        params = dict(self.start)
        for i, name in enumerate(self.names):
            params[name] = self.start[name] + SCALES[name] * u[i]
        return params

    def __call__(self, u: torch.Tensor) -> torch.Tensor:
        with warnings.catch_warnings():  # the trace reads a few values with float(): harmless here
            warnings.simplefilter("ignore", UserWarning)
            records, _ = pixel_records(self.base, self.params(u), smooth=True)
        seen: Counter[str] = Counter()
        parts = []
        for name, value in records:
            key = (name, seen[name])
            seen[name] += 1
            want = self.target.get(key)
            if want is None or not isinstance(value, torch.Tensor) or not value.is_floating_point():
                continue
            got = value.reshape(-1).to(torch.float64)
            if got.numel() != len(want.numbers):
                continue
            scale = max(max(abs(x) for x in want.numbers), 1e-300) if any(want.numbers) else 1.0
            parts.append((got - torch.tensor(want.numbers, dtype=torch.float64)) / scale)
        return torch.cat(parts) if parts else torch.zeros(0, dtype=torch.float64)


def _jacobian(f: _Residual, u: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(r, dr/du) from one forward pass and one batched backward pass (reverse-mode autograd)."""
    u = u.detach().clone().requires_grad_(True)
    r = f(u)
    if not r.requires_grad:  # no fitted field depends on the inputs
        return r.detach(), torch.zeros(r.numel(), u.numel(), dtype=torch.float64)
    eye = torch.eye(r.numel(), dtype=torch.float64)
    (jac,) = torch.autograd.grad(r, u, grad_outputs=eye, is_grads_batched=True, allow_unused=True)
    return r.detach(), (jac if jac is not None else torch.zeros(r.numel(), u.numel(), dtype=torch.float64))


def _step(jac: torch.Tensor, r: torch.Tensor, damping: float) -> torch.Tensor:
    """The Levenberg-Marquardt step ``(JᵀJ + λ diag JᵀJ) δ = -Jᵀr`` (insensitive columns stay put)."""
    a = jac.T @ jac
    diag = torch.diagonal(a).clone()
    live = diag > 0
    step = torch.zeros(jac.shape[1], dtype=torch.float64)
    if bool(live.any()):
        sub = a[live][:, live] + damping * torch.diag(diag[live])
        step[live] = torch.linalg.solve(sub, -(jac.T @ r)[live])
    return step


def _levenberg_marquardt(runner: Runner, f: _Residual, u: torch.Tensor,
                         max_iterations: int) -> tuple[torch.Tensor, float, float, int]:
    """(u, cost at start, cost at end, iterations) of Levenberg-Marquardt from ``u``."""
    runner.spend()
    with torch.no_grad():
        r = f(u)
    cost = cost0 = float(r @ r)
    damping, iterations = 1e-3, 0
    while iterations < max_iterations and cost > CONVERGED_COST and r.numel():
        iterations += 1
        runner.spend()
        _, jac = _jacobian(f, u)
        for _ in range(DAMPING_TRIES):
            step = _step(jac, r, damping)
            runner.spend()
            with torch.no_grad():
                r_new = f(u + step)
            cost_new = float(r_new @ r_new)
            if cost_new < cost:
                u, r, cost = u + step, r_new, cost_new
                damping = max(damping / 10.0, 1e-12)
                break
            damping *= 10.0
        else:
            break  # no step lowers the cost: a minimum (to rounding) or a flat direction
        if float(step.abs().max()) < 1e-13:
            break
    return u, cost0, cost, iterations


def _result(f: _Residual, u: torch.Tensor, cost0: float, cost: float, iterations: int) -> FitResult:
    end = f.params(u)
    return FitResult({n: float(f.start[n]) for n in f.names}, {n: float(end[n]) for n in f.names}, cost0, cost,
                     iterations, len(f.target))


def fit(runner: Runner, base: Baseline, target: dict[Key, FieldValue], max_iterations: int = 30) -> FitResult:
    """Move the fewest numeric inputs that make the traced pixel reproduce ``target``.

    Stage 1 fits each input alone and stops at the first that reproduces every fitted field to
    ``SOLVED`` (several inputs move the pixel alike - rotx and a two-theta about x - and the one that
    was changed is the simplest answer). Stage 2 fits them all, from the best single fit.
    """
    names = fitted_parameters(base)
    solved = SOLVED**2 * max(len(target), 1)
    best: tuple[float, int, torch.Tensor] | None = None
    for i, name in enumerate(names):
        f = _Residual(base, (name,), target)
        u, cost0, cost, iterations = _levenberg_marquardt(runner, f, torch.zeros(1, dtype=torch.float64),
                                                       SINGLE_ITERATIONS)
        if cost <= solved:
            return _result(f, u, cost0, cost, iterations)
        if best is None or cost < best[0]:
            best = (cost, i, u)
    f = _Residual(base, names, target)
    u = torch.zeros(len(names), dtype=torch.float64)
    if best is not None:
        u[best[1]] = best[2][0]
    u, _, cost, iterations = _levenberg_marquardt(runner, f, u, max_iterations)
    with torch.no_grad():
        r0 = f(torch.zeros(len(names), dtype=torch.float64))
    return _result(f, u, float(r0 @ r0), cost, iterations)
