"""Read the traced pixel's values off the port's production objects.

Every value starts from what the port computes (its Detector, Crystal and Simulator
attributes and methods, its own ``sincg`` and ``polarization_factor``, the ``run()``
image). Where the C prints a value the port never names (``R = |P|``, ``h = S·a``), the
probe composes it from those production values in one line; nothing is re-derived from
the flags.
"""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import torch

from tracediff.capture.models.nanobrag_torch.source import PACKAGE


@dataclass
class Probe:
    """The port's objects and the traced pixel (slow, fast)."""

    simulator: Any
    spixel: int
    fpixel: int

    @property
    def det(self) -> Any:
        return self.simulator.detector

    @property
    def crystal(self) -> Any:
        return self.simulator.crystal

    @property
    def pivot(self) -> str:
        return str(self.det.config.detector_pivot.name)

    @cached_property
    def physics(self) -> Any:
        return importlib.import_module(f"{PACKAGE}.utils.physics")

    # geometry (production: get_pixel_coords, get_solid_angle)
    @cached_property
    def coords(self) -> torch.Tensor:
        return self.det.get_pixel_coords()  # (slow, fast, 3), m

    @cached_property
    def solid_angle(self) -> torch.Tensor:
        return self.det.get_solid_angle()  # (slow, fast), sr

    @cached_property
    def position(self) -> torch.Tensor:
        return self.coords[self.spixel, self.fpixel]

    @cached_property
    def distance(self) -> torch.Tensor:
        return self.position.norm()

    @cached_property
    def diffracted(self) -> torch.Tensor:
        return self.position / self.distance

    @property
    def incident(self) -> torch.Tensor:
        return self.simulator.incident_beam_direction

    @cached_property
    def scattering(self) -> torch.Tensor:
        return (self.diffracted - self.incident) / self.simulator.wavelength  # 1/Å

    # crystal (production: get_rotated_real_vectors, get_structure_factor, sincg)
    @cached_property
    def rotated(self) -> tuple[tuple[torch.Tensor, ...], tuple[torch.Tensor, ...]]:
        return self.crystal.get_rotated_real_vectors(self.crystal.config)  # (phi, mosaic, 3), Å and 1/Å

    def real(self, axis: int) -> torch.Tensor:
        return self.rotated[0][axis][0, 0]

    def reciprocal(self, axis: int) -> torch.Tensor:
        return self.rotated[1][axis][0, 0]

    @cached_property
    def hkl_per_phi(self) -> torch.Tensor:
        """(phi, 3): h, k, l = S·a, S·b, S·c for mosaic domain 0 of every phi step."""
        return torch.stack([(self.rotated[0][axis][:, 0] * self.scattering).sum(-1) for axis in range(3)], dim=-1)

    @property
    def hkl(self) -> torch.Tensor:
        return self.hkl_per_phi[0]

    @property
    def hkl_rounded(self) -> torch.Tensor:
        return torch.ceil(self.hkl - 0.5)

    @cached_property
    def lattice_per_phi(self) -> torch.Tensor:
        """(phi, 3): the port's ``sincg(π·h, N)`` per axis."""
        cells = self.crystal.config.N_cells
        return torch.stack([self.physics.sincg(math.pi * self.hkl_per_phi[:, axis],
                                               torch.as_tensor(float(cells[axis]), dtype=self.hkl.dtype))
                            for axis in range(3)], dim=-1)

    @property
    def phi_deg(self) -> torch.Tensor:
        config = self.crystal.config
        steps = max(int(config.phi_steps), 1)
        tics = torch.arange(steps, dtype=self.hkl.dtype)
        return config.phi_start_deg + tics * (config.osc_range_deg / steps)

    @cached_property
    def structure_factor(self) -> torch.Tensor:
        index = self.hkl if getattr(self.crystal, "interpolation_enabled", False) else self.hkl_rounded
        return self.crystal.get_structure_factor(index[0:1], index[1:2], index[2:3]).reshape(())

    # closing (production: Simulator constants, polarization_factor, run())
    @cached_property
    def polarization(self) -> torch.Tensor:
        sim = self.simulator
        return self.physics.polarization_factor(sim.kahn_factor, self.incident[None], self.diffracted[None],
                                                sim.polarization_axis[None]).reshape(())

    @cached_property
    def image(self) -> torch.Tensor:
        return self.simulator.run()  # (slow, fast)
