"""Changes said in the program's terms: which flag, which value, how far (``-Ybeam 51.3 (one pixel, ...)``).

The model works in SI units on the pivot's own offsets (Fbeam/Sbeam or Fclose/Sclose); a user types
``-Xbeam`` in mm, ``-ORGX`` in pixels, angles in degrees. The beam-centre table says which flag moves
which offset for each convention and pivot; the fixed flags are below.
"""

from __future__ import annotations

from tracediff.explain.fit import FitResult
from tracediff.explain.model import RTD, Baseline, beam_centre_base
from tracediff.explain.result import Move
from tracediff.explain.table import Hypothesis, Table

#: parameter -> (flag, unit, factor from SI to the flag's unit)
FIXED_FLAGS = {
    "distance": ("-distance", "mm", 1e3),
    "rotx": ("-detector_rotx", "deg", RTD),
    "roty": ("-detector_roty", "deg", RTD),
    "rotz": ("-detector_rotz", "deg", RTD),
    "twotheta": ("-twotheta", "deg", RTD),
    "wavelength": ("-lambda", "A", 1e10),
}
_PIXEL_WORDS = {0.5: "half a pixel", 1.0: "one pixel"}


def _centre_move(base: Baseline, table: Table, parameter: str, delta: float) -> tuple[str, str, float, float]:
    """(flag, unit, start, end) of the flag that moves the offset ``parameter`` by ``delta`` metres."""
    g = base.geometry
    row = table.centre_flags(g.convention, g.pivot)
    if row is None:  # no flag moves this offset alone: say it in the model's words
        start = float(getattr(g, parameter + "0")) * 1e3
        return parameter.capitalize(), "mm", start, start + delta * 1e3
    fast = parameter.startswith("f")
    flag, sign = (row.fast, row.fast_sign) if fast else (row.slow, row.slow_sign)
    start = beam_centre_base(base)[flag]
    if flag in ("-ORGX", "-ORGY"):
        return flag, "px", start, start + sign * delta / base.config.pixel_size
    return flag, "mm", start, start + sign * delta * 1e3


def move(base: Baseline, table: Table, parameter: str, start: float, end: float) -> Move:
    """One fitted (or shifted) input as the flag a user would change."""
    if parameter in FIXED_FLAGS:
        flag, unit, k = FIXED_FLAGS[parameter]
        return Move(parameter, flag, start * k, end * k, unit)
    flag, unit, a, b = _centre_move(base, table, parameter, end - start)
    return Move(parameter, flag, a, b, unit)


def fit_moves(base: Baseline, table: Table, result: FitResult) -> tuple[Move, ...]:
    return tuple(move(base, table, n, a, b) for n, (a, b) in result.moved().items())


def move_words(base: Baseline, moves: tuple[Move, ...]) -> tuple[str, ...]:
    """Flags that make the moves (the pivot restated: -distance, -Xbeam, -ORGX also set it in the C)."""
    words: list[str] = []
    for m in moves:
        words += [m.flag, repr(m.end)]
    return (*words, "-pivot", base.geometry.pivot.lower()) if words else ()


def move_text(m: Move) -> str:
    return f"{m.flag} {m.end:.12g} ({m.delta:+.6g} {m.unit})"


def shift_text(row: Hypothesis, base: Baseline, table: Table) -> str:
    """``-Ybeam 51.3 (one pixel, 0.1 mm, more)`` for a beam-centre shift row."""
    px = base.config.pixel_size
    parameter = ("f" if row.axis == "fast" else "s") + ("close" if base.geometry.pivot == "SAMPLE" else "beam")
    flag, unit, start, end = _centre_move(base, table, parameter, row.pixels * px)
    word = _PIXEL_WORDS.get(abs(row.pixels), f"{abs(row.pixels):g} pixel")
    more = "more" if end > start else "less"
    return f"{flag} {end:.10g} ({word}, {abs(row.pixels) * px * 1e3:g} mm, {more})"


def shift_words(row: Hypothesis, base: Baseline, table: Table) -> tuple[str, ...]:
    """The flags that make a beam-centre shift (the pivot restated), or () where no flag moves it alone."""
    g = base.geometry
    if table.centre_flags(g.convention, g.pivot) is None:
        return ()
    parameter = ("f" if row.axis == "fast" else "s") + ("close" if g.pivot == "SAMPLE" else "beam")
    flag, _, _, end = _centre_move(base, table, parameter, row.pixels * base.config.pixel_size)
    return flag, repr(end), "-pivot", g.pivot.lower()


def change_text(row: Hypothesis, base: Baseline, table: Table) -> str:
    if row.kind == "shift":
        return shift_text(row, base, table)
    return row.change or " ".join(row.words)
