"""Small-number suppression: primary and secondary cell suppression of a table of counts."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from ._checks import _count


class SuppressionResult(NamedTuple):
    cells: np.ndarray  # bool, same shape as the table; True = hide
    row_totals: np.ndarray  # bool per row
    column_totals: np.ndarray  # bool per column (a 1-D table has none: its column totals are the cells)
    grand_total: bool


# The table is bordered by −row totals, −column totals and +grand total, so every row and column of the
# bordered table sums to 0. A change d of the hidden entries keeps every sum iff it is a circulation in the
# bipartite graph rows–columns whose edges are the hidden entries, and keeps every count >= 0 iff entries
# at 0 move only away from 0. By conformal decomposition an entry can move (the attacker's linear programme
# has min < max) iff it lies on a directed cycle, where entry (a, b) gives the arc row a → column b when it
# may grow and column b → row a when it may shrink.
Entry = tuple[int, int]
Cost = tuple[float, ...]
_FREE: Cost = (0, 0, 0, 0)  # (totals, zero cells, sum of counts, cells) newly hidden


def _moves(ext: np.ndarray, a: int, b: int, value: float | None = None) -> tuple[bool, bool]:
    value = float(ext[a, b]) if value is None else value
    if (a == ext.shape[0] - 1) != (b == ext.shape[1] - 1):  # a total, stored negated
        return value < 0, True
    return True, value > 0


def _arcs(ext: np.ndarray, allowed: np.ndarray) -> dict[int, list[tuple[int, Entry]]]:
    nr, nc = ext.shape
    arcs: dict[int, list[tuple[int, Entry]]] = {v: [] for v in range(nr + nc)}
    values = ext.tolist()  # plain floats: reading numpy scalars one by one is slow
    for a, b in zip(*(idx.tolist() for idx in np.nonzero(allowed)), strict=True):
        grow, shrink = _moves(ext, a, b, values[a][b])
        if grow:
            arcs[a].append((nr + b, (a, b)))
        if shrink:
            arcs[nr + b].append((a, (a, b)))
    return arcs


def _cycle(
    ext: np.ndarray, arcs: dict[int, list[tuple[int, Entry]]], cost: Callable[[Entry], Cost], a: int, b: int
) -> tuple[Cost, list[Entry]] | None:
    """Cheapest directed cycle through entry (a, b) (Dijkstra, lexicographic costs), or None."""
    nr = ext.shape[0]
    grow, shrink = _moves(ext, a, b)
    ends = ([(nr + b, a)] if grow else []) + ([(a, nr + b)] if shrink else [])
    found = []
    for start, goal in ends:
        best: dict[int, Cost] = {start: _FREE}
        back: dict[int, tuple[int, Entry]] = {}
        heap = [(_FREE, start)]
        while heap:
            dist, v = heapq.heappop(heap)
            if v == goal:
                path, w = [], goal
                while w != start:
                    w, entry = back[w]
                    path.append(entry)
                found.append((dist, path))
                break
            if dist > best[v]:
                continue
            for w, entry in arcs[v]:
                if entry == (a, b):
                    continue
                step = cost(entry)
                new = (dist[0] + step[0], dist[1] + step[1], dist[2] + step[2], dist[3] + step[3])
                if w not in best or new < best[w]:
                    best[w], back[w] = new, (v, entry)
                    heapq.heappush(heap, (new, w))
    return min(found, key=lambda item: item[0]) if found else None


def _protected(ext: np.ndarray, hidden: np.ndarray) -> bool:
    arcs = _arcs(ext, hidden)
    inner = hidden[:-1, :-1]
    cells = zip(*(idx.tolist() for idx in np.nonzero(inner)), strict=True)
    return all(_cycle(ext, arcs, lambda _: _FREE, a, b) is not None for a, b in cells)


def suppress_table(table: Sequence[Sequence[int]] | Sequence[int] | np.ndarray, *, k: int = 5) -> SuppressionResult:
    """Primary and secondary suppression of a table of counts published with its totals.

    Primary: every cell with 0 < count < k; zeros reveal nothing and stay shown. Secondary: no hidden cell
    may be fixed by the shown cells, the published row, column and grand totals and non-negativity, i.e.
    each hidden cell must take another value in some non-negative table that agrees with everything shown.
    For each primary cell the cheapest protecting cycle is hidden, cost compared in this order: totals
    (only when cell suppression cannot work), zero cells (only when no non-zero complement will do), sum
    of the counts hidden, number of cells; then complements that are no longer needed are shown again.
    A 1-D table is one row with its total. k must be at least 3 (Danmarks Statistik's rule).
    """
    k = _count(k, "k", minimum=3)
    try:
        counts = np.asarray(table, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError("table must be a 1-D or 2-D array of counts") from exc
    if counts.ndim not in (1, 2) or counts.size == 0:
        raise ValueError("table must be a non-empty 1-D or 2-D array of counts")
    if not np.all(np.isfinite(counts)) or np.any(counts < 0) or np.any(counts != np.round(counts)):
        raise ValueError("table must contain whole, non-negative counts (no NaN)")
    grid = counts.reshape(1, -1) if counts.ndim == 1 else counts
    r, c = grid.shape
    ext = np.zeros((r + 1, c + 1))
    ext[:r, :c], ext[:r, c], ext[r, :c], ext[r, c] = grid, -grid.sum(axis=1), -grid.sum(axis=0), grid.sum()
    hidden = np.zeros_like(ext, dtype=bool)
    hidden[:r, :c] = (grid > 0) & (grid < k)
    keep = hidden.copy()  # never shown again
    if counts.ndim == 1:
        keep[r, :c] = hidden[r, :c] = True

    values = ext.tolist()  # plain floats: the search reads them for every arc it relaxes

    def cost(entry: Entry) -> Cost:
        if hidden[entry]:
            return _FREE
        if entry == (r, c):
            return (2, 0, 0, 0)
        if entry[0] == r or entry[1] == c:
            return (1, 0, 0, 0)
        value = values[entry[0]][entry[1]]
        return (0, 1, 0, 1) if value == 0 else (0, 0, value, 1)

    everything = _arcs(ext, np.ones_like(hidden))
    for a, b in zip(*(idx.tolist() for idx in np.nonzero(keep[:r, :c])), strict=True):
        found = _cycle(ext, everything, cost, a, b)
        assert found is not None  # cell, its column total, grand total, its row total always form one
        for entry in found[1]:
            hidden[entry] = True
    totals = [(r, c)] + [(i, c) for i in range(r)] + [(r, j) for j in range(c)]
    complements = sorted(zip(*np.nonzero(hidden[:r, :c] & ~keep[:r, :c]), strict=True), key=lambda e: -grid[e])
    order = totals + [e for e in complements if grid[e] == 0] + [e for e in complements if grid[e] > 0]
    changed = True
    while changed:  # showing one complement may make another redundant: repeat until nothing changes
        changed = False
        for entry in order:
            if hidden[entry] and not keep[entry]:
                hidden[entry] = False
                if _protected(ext, hidden):
                    changed = True
                else:
                    hidden[entry] = True
    column_totals = np.ones(c, dtype=bool) if counts.ndim == 1 else hidden[r, :c].copy()
    return SuppressionResult(
        hidden[:r, :c].reshape(counts.shape), hidden[:r, c].copy(), column_totals, bool(hidden[r, c])
    )
