"""What nanoBragg cannot run: configurations refused before anything is computed.

Two kinds, each naming the flag that caused it:

* the C prints its usage and exits (no crystal, no structure factors): :func:`check_runnable`;
* a value the C would divide by, or feed to an integer conversion, so that it runs on with inf,
  NaN or undefined pixel counts (``-pixel 0`` makes ``ceil(detsize/0)`` an undefined ``int``):
  :data:`LIMITS`, checked by the post-parse rules before they divide.

Where the C runs an odd input to a defined result (``-distance 0``: it auto-selects oversample 1),
capture runs it too; only undefined or all-inf/NaN results are refused.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tracediff.capture.config import NanoBraggConfig
from tracediff.errors import TraceDiffError


@dataclass(frozen=True)
class Limit:
    """A value nanoBragg needs in range: ``holds(config)`` or an error naming the first given flag."""

    flags: tuple[str, ...]  #: canonical flags that set the value (the first one given is named)
    holds: Callable[[NanoBraggConfig], bool]
    reason: str


LIMITS: tuple[Limit, ...] = (
    Limit(("-pixel",), lambda c: c.pixel_size > 0.0,
          "must be > 0 (mm): nanoBragg divides the detector size by it to count the pixels"),
    Limit(("-lambda", "-energy"), lambda c: c.lambda0 > 0.0 and math.isfinite(c.lambda0),
          "the wavelength must be > 0: nanoBragg divides the scattering vector by it"),
    Limit(("-beamsize",), lambda c: not (c.flux != 0.0 and c.exposure > 0.0 and c.beamsize == 0.0),
          "must be > 0 with -flux: nanoBragg computes the fluence as flux x exposure / beamsize^2"),
)


def _culprit(limit: Limit, config: NanoBraggConfig) -> str:
    given = [flag for flag in limit.flags if flag in config.given]
    return given[-1] if given else limit.flags[0]


def check_limits(config: NanoBraggConfig, args_file: Path | None) -> None:
    """Raise :class:`TraceDiffError` for the first value nanoBragg cannot compute with."""
    for limit in LIMITS:
        if not limit.holds(config):
            raise TraceDiffError(f"{_culprit(limit, config)}: {limit.reason}", path=args_file)


def check_runnable(config: NanoBraggConfig) -> None:
    """Refuse configurations on which nanoBragg itself prints its usage and exits.

    (No crystal: neither ``-cell`` nor ``-mat``; no structure factors: neither ``-hkl``
    nor a nonzero ``-default_F``. The C would fall back to a stale ``Fdump.bin`` in
    its working directory; tracediff does not reproduce that.)
    """
    if config.matfile is None and (config.cell is None or config.cell[0] == 0.0):
        raise TraceDiffError("nanoBragg needs a crystal: give -cell or -mat", path=config.args_file)
    if config.hklfile is None and config.default_F == 0.0:
        raise TraceDiffError(
            "nanoBragg needs structure factors: give -hkl or a nonzero -default_F "
            "(reading a leftover Fdump.bin is not reproduced)", path=config.args_file)
