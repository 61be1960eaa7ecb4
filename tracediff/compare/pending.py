"""Records of one side waiting for a partner, and which side to read next.

The comparison pairs records as both logs arrive; what has no partner yet waits here.
Reading the side with fewer waiting records keeps the wait to about one chunk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from tracediff.trace.log import Batch


@dataclass
class Pending:
    """Records of one side waiting for a partner, with their index in their own log."""

    batch: Batch
    index: np.ndarray  # int64, record number in the log (reference order for the reference)

    def add(self, batch: Batch | None, first_index: int) -> None:
        if batch is None or len(batch) == 0:
            return
        index = np.arange(first_index, first_index + len(batch), dtype=np.int64)
        if len(self.batch) == 0:
            self.batch, self.index = batch, index
        else:
            self.batch = Batch.concat(self.batch, batch)
            self.index = np.concatenate([self.index, index])

    def drop_first(self, k: int) -> None:
        self.batch, self.index = self.batch.after(k), self.index[k:]

    def keep(self, mask: np.ndarray) -> None:
        if mask.all():
            return
        idx = np.flatnonzero(mask)
        self.batch, self.index = self.batch.take(idx), self.index[idx]


def read_in_step(ref_batches: Iterator[Batch], cand_batches: Iterator[Batch], ref: Pending,
                 cand: Pending) -> Iterator[tuple[Batch | None, Batch | None]]:
    """The next batch of the side with fewer records waiting for a partner (the other side None).

    Chunks are cut by bytes, and the two logs print a record in different widths: reading
    one chunk of each in turn lets the wider log fall behind, and what waits on the other
    side grows with the length of the logs.  Reading the side that is behind keeps it to
    about one chunk.
    """
    sides = {"ref": ref_batches, "cand": cand_batches}
    ref_remote = getattr(ref_batches, "remote", False)  # a tie reads this process's side: the child works meanwhile
    while sides:
        behind = len(ref.batch) < len(cand.batch) or (len(ref.batch) == len(cand.batch) and not ref_remote)
        name = "ref" if ("ref" in sides and (behind or "cand" not in sides)) else "cand"
        batch = next(sides[name], None)
        if batch is None:
            del sides[name]
            continue
        yield (batch, None) if name == "ref" else (None, batch)
