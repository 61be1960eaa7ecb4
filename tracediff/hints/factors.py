"""The unit factors a port most often gets wrong: candidate = reference x factor."""

from __future__ import annotations

import math

#: (factor, how to write it, what it usually means)
UNIT_FACTORS: tuple[tuple[float, str, str], ...] = (
    (1e3, "1000", "mm against m?"),
    (1e-3, "1/1000", "m against mm?"),
    (1e10, "1e10", "Å against m?"),
    (1e-10, "1e-10", "m against Å?"),
    (180 / math.pi, "180/pi", "degrees against radians?"),
    (math.pi / 180, "pi/180", "radians against degrees?"),
    (2 * math.pi, "2pi", "a factor 2pi (angular against ordinary frequency, reciprocal vectors with 2pi)?"),
    (1 / (2 * math.pi), "1/(2pi)", "a missing factor 2pi?"),
    (-1.0, "-1", "a sign flip"),
)
FACTOR_RTOL = 1e-4  # loose enough for a float32 port, tight enough to be no coincidence
