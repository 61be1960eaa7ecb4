"""Which pixels a capture traces: ``-trace_pixel S F`` or ``--trace-pixels``, checked against the detector.

The C prints a pixel's trace from inside its pixel loop, which only visits pixels of the detector
inside the (inclusive) ``-roi``; a traced pixel elsewhere prints nothing and the run still exits 0.
tracediff refuses such a pixel instead (one line, exit 2), so an empty trace is never mistaken for
a successful one. Torch-free: the CLI checks a selection before the heavy imports.
"""

from __future__ import annotations

from tracediff.capture.config import NanoBraggConfig

Pixel = tuple[int, int]  #: (slow, fast), as -trace_pixel gives them


def outside_reason(config: NanoBraggConfig, pixel: Pixel) -> str | None:
    """Why the C would print nothing for ``pixel`` (outside the detector or the ROI), or None."""
    spixel, fpixel = pixel
    if not (0 <= spixel < config.spixels and 0 <= fpixel < config.fpixels):
        return (f"pixel (spixel={spixel}, fpixel={fpixel}) is outside the detector "
                f"({config.spixels} slow x {config.fpixels} fast pixels, 0-based)")
    xmin, xmax, ymin, ymax = config.roi
    if not (xmin <= fpixel <= xmax and ymin <= spixel <= ymax):
        return (f"pixel (spixel={spixel}, fpixel={fpixel}) is outside -roi {xmin} {xmax} {ymin} {ymax} "
                "(fast min max, slow min max, inclusive): nanoBragg would print no trace for it")
    return None
