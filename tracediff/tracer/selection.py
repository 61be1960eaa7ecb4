"""Which element of a batched tensor is traced: a pixel index over named dimensions.

A traced program computes many pixels (and phi steps, mosaic domains) at once. The
tracer is told once which element to keep (``{"slow": 128, "fast": 100}``); each
:func:`~tracediff.tracer.session.record` names the leading dimensions of its value
(``dims=("slow", "fast", "phi")``). Named dimensions that are selected are indexed away;
the others stay, and a dimension listed in :data:`STEP_DIMS` becomes one record per step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

#: dimension name -> (line suffix, index key): a dimension printed one line per step
STEP_DIMS: dict[str, tuple[str, str]] = {
    "phi": ("PHI", "phi_tic"),
    "mosaic": ("MOSAIC", "mos_tic"),
    "source": ("SOURCE", "source"),
}

#: the order of a plain tuple given as ``select``
DEFAULT_DIMS = ("slow", "fast")


@dataclass(frozen=True)
class Selection:
    """Indices of the traced element, by dimension name."""

    index: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, select: "Selection | Mapping[str, int] | Sequence[int] | None") -> "Selection":
        """Accept a :class:`Selection`, a ``{dim: index}`` mapping or ``(slow, fast)``."""
        if select is None:
            return cls()
        if isinstance(select, Selection):
            return select
        if isinstance(select, Mapping):
            return cls(dict(select))
        values = tuple(int(v) for v in select)
        if len(values) > len(DEFAULT_DIMS):
            raise ValueError(f"select takes at most {len(DEFAULT_DIMS)} indices (slow, fast); use a mapping for more")
        return cls(dict(zip(DEFAULT_DIMS, values)))

    def split(self, dims: Sequence[str]) -> tuple[tuple[object, ...], str | None]:
        """The index tuple for a value whose leading dimensions are ``dims``, and the step
        dimension left in it (at most one, moved to the front by the index), or None.

        Raises ValueError when a dimension is neither selected nor a step dimension, or when
        two step dimensions remain (name one of them in the selection).
        """
        index: list[object] = []
        step: str | None = None
        for dim in dims:
            if dim in self.index:
                index.append(int(self.index[dim]))
            elif dim in STEP_DIMS:
                if step is not None:
                    raise ValueError(f"dimensions {step!r} and {dim!r} are both unselected; select one of them")
                step = dim
                index.append(slice(None))
            else:
                raise ValueError(f"dimension {dim!r} is not selected (selection: {dict(self.index)})")
        return tuple(index), step
