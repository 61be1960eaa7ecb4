"""Structure factors: the ``-hkl`` reader, the F lookup and the tricubic interpolation (spec 4.9, 5.9).

Reader rules, mirrored from the C because they decide which F a pixel sees:

* Two passes over a token stream (not over lines). Pass 1 reads ``h k l F`` as four floating-point
  numbers (``%lg``) until a token does not parse, and records the index ranges (truncated to int, as the C
  assigns a double to an int). Pass 2 re-reads ``h k l`` as integers (``%d``) and F as a float, and
  writes each entry into the grid.
* The grid has ``range + 1`` planes per axis (``range = max - min + 1``); it is prefilled with default_F
  only if default_F != 0, and the fill loops stop at ``range - 1``, so the extra highest-index plane keeps
  0 (INDEX quirk C7). That plane lies outside ``[min, max]``, so neither the nearest-neighbour lookup nor
  the interpolation (whose range test keeps all four nodes inside) ever reads it.
* The C reader stops silently at the first token that is not a number (a ``#`` header line therefore
  leaves 0 entries, which the C reports as "not enough HKL indices" and exits 9). We raise
  :class:`~tracediff.errors.TraceDiffError` with the file and line when *no* entry could be read, and
  otherwise keep the C's behaviour (the entries before the bad token are used); ``stopped_at_line``
  records where reading stopped so a caller can warn.

``Fdump.bin``: nanoBragg writes the grid to ``Fdump.bin`` in its working directory and, when run without
``-hkl``, silently reads that file back if it exists. tracediff neither reads nor writes it: a capture
without ``-hkl`` always means "default_F only" (what the C does in a clean directory, which is how every
reference case was generated).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import torch

from tracediff.errors import TraceDiffError

# What C's strtod (behind %lg) accepts at the start of a token, and what %d accepts.
FLOAT_TOKEN = re.compile(
    r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)",
    re.IGNORECASE,
)
INT_TOKEN = re.compile(r"[+-]?\d+")
_SPACE = re.compile(r"\s*")


@dataclass(frozen=True)
class HklTable:
    """The F grid and its index ranges, laid out as in the C (``grid[h - h_min, k - k_min, l - l_min]``)."""

    h_min: int
    h_max: int
    k_min: int
    k_max: int
    l_min: int
    l_max: int
    grid: torch.Tensor  # (h_range + 1, k_range + 1, l_range + 1), float64
    hkls: int  # number of entries counted in pass 1 (what the C prints as "initialized hkls")
    stopped_at_line: int | None = None  # 1-based line of the token that ended pass 1, None at EOF

    @property
    def mins(self) -> tuple[int, int, int]:
        return self.h_min, self.k_min, self.l_min

    @property
    def maxs(self) -> tuple[int, int, int]:
        return self.h_max, self.k_max, self.l_max

    @property
    def ranges(self) -> tuple[int, int, int]:
        return self.h_max - self.h_min + 1, self.k_max - self.k_min + 1, self.l_max - self.l_min + 1


class CScanner:
    """A minimal ``fscanf`` over a text: skip white space, then match a conversion at the cursor."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def line(self) -> int:
        """1-based line of the cursor (the last line when the cursor sits at the end of the text)."""
        return min(self.text.count("\n", 0, self.pos) + 1, max(len(self.text.splitlines()), 1))

    def scan(self, pattern: re.Pattern[str]) -> str | None:
        self.pos = _SPACE.match(self.text, self.pos).end()
        match = pattern.match(self.text, self.pos)
        if match is None:
            return None
        self.pos = match.end()
        return match.group(0)

    def record(self, patterns: tuple[re.Pattern[str], ...]) -> list[str] | None:
        values = []
        for pattern in patterns:
            token = self.scan(pattern)
            if token is None:
                return None
            values.append(token)
        return values


def _c_int(value: float) -> int:
    """Assignment of a double to a C int (truncation toward zero)."""
    return int(value)


@dataclass
class _Entries:
    """What the two passes read: pass-1 records (h, k, l as floats) and pass-2 records."""

    first: list[tuple[float, float, float]]
    stopped_at_line: int | None
    second: list[tuple[int, int, int, float, int]]  # h0, k0, l0, F, line


def _scan_entries(text: str) -> _Entries:
    """Exact ``fscanf`` emulation, token prefix by token prefix (used when a token is not a plain number)."""
    scanner = CScanner(text)
    first = []
    while (tokens := scanner.record((FLOAT_TOKEN,) * 4)) is not None:
        first.append((float(tokens[0]), float(tokens[1]), float(tokens[2])))
    stopped_at = None if scanner.pos >= len(text) else scanner.line()
    scanner = CScanner(text)
    second = []
    while (tokens := scanner.record((INT_TOKEN, INT_TOKEN, INT_TOKEN, FLOAT_TOKEN))) is not None:
        second.append((int(tokens[0]), int(tokens[1]), int(tokens[2]), float(tokens[3]), scanner.line()))
    return _Entries(first, stopped_at, second)


def _fast_entries(text: str) -> _Entries | None:
    """The same result when every white-space token is a whole number of the right kind (the usual file)."""
    tokens = text.split()
    if not all(FLOAT_TOKEN.fullmatch(t) for t in tokens):
        return None
    count = len(tokens) // 4
    index_tokens = [t for i, t in enumerate(tokens[: 4 * count]) if i % 4 != 3]
    if not all(INT_TOKEN.fullmatch(t) for t in index_tokens):
        return None
    rows = [tokens[4 * i : 4 * i + 4] for i in range(count)]
    first = [(float(h), float(k), float(l)) for h, k, l, _ in rows]
    second = [(int(h), int(k), int(l), float(f), 0) for h, k, l, f in rows]
    return _Entries(first, None, second)


def _index_range(first: list[tuple[float, float, float]]) -> tuple[int, int, int, int, int, int]:
    """h_min, h_max, k_min, k_max, l_min, l_max as the C's pass 1 leaves them.

    The C keeps int minima/maxima, compares each double against them and assigns (truncating) when it
    lies beyond; the result is the truncation of the true minimum and maximum.
    """
    mins, maxs = [10**9] * 3, [-(10**9)] * 3
    for record in first:
        for axis, value in enumerate(record):
            if mins[axis] > value:
                mins[axis] = _c_int(value)
            if maxs[axis] < value:
                maxs[axis] = _c_int(value)
    return mins[0], maxs[0], mins[1], maxs[1], mins[2], maxs[2]


def _line_of(text: str, record: int) -> int:
    """1-based line of the first token of the ``record``-th entry (for error messages)."""
    for number, line in enumerate(text.splitlines(), start=1):
        record -= len(line.split()) / 4
        if record < 0:
            return number
    return text.count("\n") + 1


def read_hkl(path: str | Path, default_f: float = 0.0) -> HklTable:
    """Read an ``h k l F`` text file with the C's two-pass rules."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise TraceDiffError(f"cannot read HKL file: {exc.strerror or exc}", path=path) from exc

    entries = _fast_entries(text) or _scan_entries(text)
    if not entries.first:
        raise TraceDiffError(
            "no 'h k l F' entry could be read (nanoBragg stops at the first non-numeric token "
            "and exits with 'not enough HKL indices')",
            path=path,
            line=entries.stopped_at_line or 1,
        )
    h_min, h_max, k_min, k_max, l_min, l_max = _index_range(entries.first)
    h_range, k_range, l_range = h_max - h_min + 1, k_max - k_min + 1, l_max - l_min + 1
    grid = torch.zeros((h_range + 1, k_range + 1, l_range + 1), dtype=torch.float64)
    if default_f != 0.0:
        grid[:h_range, :k_range, :l_range] = default_f

    # pass 2 writes in file order, so a repeated (h, k, l) keeps its last F
    cells: dict[tuple[int, int, int], float] = {}
    for number, (h0, k0, l0, value, line) in enumerate(entries.second):
        index = (h0 - h_min, k0 - k_min, l0 - l_min)
        if not all(0 <= i <= r for i, r in zip(index, (h_range, k_range, l_range))):
            raise TraceDiffError(
                f"entry {h0} {k0} {l0} lies outside the index range of the file's first pass "
                "(non-integer Miller indices?)",
                path=path,
                line=line or _line_of(text, number),
            )
        cells[index] = value
    if cells:
        where = torch.tensor(list(cells.keys()), dtype=torch.int64)
        grid[where[:, 0], where[:, 1], where[:, 2]] = torch.tensor(list(cells.values()), dtype=torch.float64)
    return HklTable(h_min, h_max, k_min, k_max, l_min, l_max, grid, len(entries.first), entries.stopped_at_line)


# ----------------------------------------------------------------------------------------------------
# lookup


def nearest_f(table: HklTable | None, hkl0: torch.Tensor, default_f: float) -> torch.Tensor:
    """F of the rounded indices ``hkl0`` (..., 3): the table value inside [min, max], else default_F."""
    if table is None or table.hkls == 0:
        return torch.full(hkl0.shape[:-1], float(default_f), dtype=torch.float64, device=hkl0.device)
    grid = table.grid.to(hkl0.device)
    idx = hkl0.to(torch.int64)
    mins = torch.tensor(table.mins, device=hkl0.device)
    maxs = torch.tensor(table.maxs, device=hkl0.device)
    inside = ((idx >= mins) & (idx <= maxs)).all(dim=-1)
    rel = torch.where(inside.unsqueeze(-1), idx - mins, torch.zeros_like(idx))
    values = grid[rel[..., 0], rel[..., 1], rel[..., 2]]
    return torch.where(inside, values, torch.full_like(values, float(default_f)))


def interpolation_out_of_range(table: HklTable, frac: torch.Tensor) -> torch.Tensor:
    """The C's test (on fractional indices) for a 4x4x4 neighbourhood leaving the grid."""
    out = torch.zeros(frac.shape[:-1], dtype=torch.bool, device=frac.device)
    for axis, (lo, rng) in enumerate(zip(table.mins, table.ranges)):
        x = frac[..., axis]
        out = out | ((x - lo + 3) > rng) | (x - 2 < lo)
    return out


def polint(xa: torch.Tensor, ya: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """4-point Lagrange interpolation along the last axis, in the C's evaluation order.

    ``xa``, ``ya``: (..., 4); ``x``: (...).
    """
    x0, x1, x2, x3 = (xa[..., i] for i in range(4))
    y0, y1, y2, y3 = (ya[..., i] for i in range(4))
    t0 = (x - x1) * (x - x2) * (x - x3) * y0 / ((x0 - x1) * (x0 - x2) * (x0 - x3))
    t1 = (x - x0) * (x - x2) * (x - x3) * y1 / ((x1 - x0) * (x1 - x2) * (x1 - x3))
    t2 = (x - x0) * (x - x1) * (x - x3) * y2 / ((x2 - x0) * (x2 - x1) * (x2 - x3))
    t3 = (x - x0) * (x - x1) * (x - x2) * y3 / ((x3 - x0) * (x3 - x1) * (x3 - x2))
    return t0 + t1 + t2 + t3


def polin3(
    xa: torch.Tensor, ya: torch.Tensor, x: torch.Tensor
) -> torch.Tensor:
    """Tricubic interpolation: ``xa`` (..., 3, 4) node coordinates per axis, ``ya`` (..., 4, 4, 4), ``x`` (..., 3).

    Same nesting as the C: interpolate along l for every (h, k) node, then along k, then along h.
    """
    h_nodes, k_nodes, l_nodes = xa[..., 0, :], xa[..., 1, :], xa[..., 2, :]
    along_l = polint(l_nodes[..., None, None, :], ya, x[..., 2, None, None])  # (..., 4, 4)
    along_k = polint(k_nodes[..., None, :], along_l, x[..., 1, None])  # (..., 4)
    return polint(h_nodes, along_k, x[..., 0])


def interpolated_f(table: HklTable, frac: torch.Tensor) -> torch.Tensor:
    """Tricubic F at fractional (h, k, l) (..., 3) from the 4x4x4 nodes floor(x)-1 .. floor(x)+2.

    The caller must have checked :func:`interpolation_out_of_range`; out-of-range points give garbage
    (their indices are clamped only to stay inside the tensor).
    """
    grid = table.grid.to(frac.device)
    base = torch.floor(frac).to(torch.int64) - 1  # (..., 3)
    offsets = torch.arange(4, device=frac.device)
    nodes = base[..., None] + offsets  # (..., 3, 4) integer node indices
    mins = torch.tensor(table.mins, device=frac.device)
    rel = nodes - mins[:, None]
    upper = torch.tensor(grid.shape, device=frac.device)[:, None] - 1
    rel = torch.minimum(torch.clamp(rel, min=0), upper)
    ya = grid[
        rel[..., 0, :, None, None],
        rel[..., 1, None, :, None],
        rel[..., 2, None, None, :],
    ]
    return polin3(nodes.to(frac.dtype), ya.to(frac.dtype), frac)
