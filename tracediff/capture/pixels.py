"""Which pixels a capture traces: ``-trace_pixel S F`` or ``--trace-pixels``, checked against the detector.

The C prints a pixel's trace from inside its pixel loop, which only visits pixels of the detector
inside the (inclusive) ``-roi``; a traced pixel elsewhere prints nothing and the run still exits 0.
tracediff refuses such a pixel instead (one line, exit 2), so an empty trace is never mistaken for
a successful one. Torch-free: the CLI checks a selection before the heavy imports.
"""

from __future__ import annotations

from tracediff.capture.config import NanoBraggConfig
from tracediff.errors import TraceDiffError

Pixel = tuple[int, int]  #: (slow, fast), as -trace_pixel gives them


#: What the C does with such a pixel, for the messages.
C_SILENCE = "nanoBragg would print no pixel trace (only the TRACE_CONFIG banner) and exit 0"


def outside_reason(config: NanoBraggConfig, pixel: Pixel) -> str | None:
    """Why the C would print nothing for ``pixel`` (outside the detector or the ROI), or None."""
    spixel, fpixel = pixel
    if not (0 <= spixel < config.spixels and 0 <= fpixel < config.fpixels):
        return (f"outside the detector ({config.spixels} slow x {config.fpixels} fast pixels, "
                f"indices from 0): {C_SILENCE}")
    xmin, xmax, ymin, ymax = config.roi
    if not (xmin <= fpixel <= xmax and ymin <= spixel <= ymax):
        return f"outside -roi {xmin} {xmax} {ymin} {ymax} (fast then slow, inclusive): {C_SILENCE}"
    return None


def check_traced_pixel(config: NanoBraggConfig) -> None:
    """Refuse a ``-trace_pixel S F`` the C would not trace, naming the flag, the pixel and why."""
    if config.trace_pixel is None:
        return
    reason = outside_reason(config, config.trace_pixel)
    if reason is not None:
        spixel, fpixel = config.trace_pixel
        raise TraceDiffError(f"-trace_pixel {spixel} {fpixel}: {reason}", path=config.args_file)


def _span(text: str, axis: str, item: str) -> range:
    """``20`` or ``10-29`` (inclusive) as a range of pixel indices."""
    low, sep, high = text.partition("-")
    try:
        first = int(low)
        last = int(high) if sep else first
    except ValueError:
        raise TraceDiffError(f"--trace-pixels: {item!r}: the {axis} part must be N or N-M (pixel indices)") from None
    if last < first:
        raise TraceDiffError(f"--trace-pixels: {item!r}: the {axis} range {first}-{last} is empty")
    return range(first, last + 1)


def parse_pixel_selection(text: str) -> list[Pixel]:
    """Pixels of ``S,F`` items separated by ``;`` or blanks; either part may be an inclusive range.

    ``20,30`` is one pixel (slow 20, fast 30, as ``-trace_pixel 20 30``); ``10-19,20-29`` the 100
    pixels of that region, slow outer and fast inner (the C's loop order); ``20,30;40,2-4`` four.
    Repeated pixels are traced once, in the order first given.
    """
    pixels: dict[Pixel, None] = {}
    items = [item for item in text.replace(";", " ").split() if item]
    if not items:
        raise TraceDiffError("--trace-pixels: give S,F pixels or Smin-Smax,Fmin-Fmax regions (slow, fast)")
    for item in items:
        slow, sep, fast = item.partition(",")
        if not sep or "," in fast:
            raise TraceDiffError(f"--trace-pixels: {item!r}: write a pixel as S,F (slow, fast)")
        for spixel in _span(slow, "slow", item):
            for fpixel in _span(fast, "fast", item):
                pixels[(spixel, fpixel)] = None
    return list(pixels)


def check_pixels(config: NanoBraggConfig, pixels: list[Pixel]) -> None:
    """Refuse the first selected pixel the C would not trace."""
    for spixel, fpixel in pixels:
        reason = outside_reason(config, (spixel, fpixel))
        if reason is not None:
            raise TraceDiffError(f"--trace-pixels: pixel {spixel},{fpixel}: {reason}", path=config.args_file)


def trace_file_name(pixel: Pixel) -> str:
    """The file a multi-pixel capture writes one pixel's trace to: ``pixel_s20_f30.log``."""
    return f"pixel_s{pixel[0]}_f{pixel[1]}.log"
