"""Small-cell suppression for a table with row totals, column totals and a grand total.

Why this is more than "hide the cells below 5": the totals are published too, so a hidden cell
can often be worked out by subtraction (row total minus the other cells), or by chaining such
subtractions through rows and columns. And because the code is public, a reader knows that a
cell shown as "<5" lies between 1 and 4 and that a cell hidden as "x" is at least 5; those bounds
can pin a value as well (a row "<5, x, total 6" can only be 1 + 5).

The method, on the table extended with its totals (the totals are cells too):

1. primary: every count from 1 to threshold-1, totals included (a total of 3 is a small count);
2. secondary, linear: think of rows and columns (total row and column included) as the nodes of
   a bipartite graph and of hidden cells as its edges. Every row and column of the extended
   table sums to zero once totals are negated, so a hidden cell can be computed from the shown
   ones exactly when its edge is a bridge (lies on no cycle). Each bridge is closed into a cycle
   along the cheapest path of further cells (inner cells before totals, small before large,
   never a zero, so "x" always means "at least the threshold");
3. audit with bounds: for every primary cell a linear programme finds the smallest and largest
   value it can take given all shown cells and the bounds above (the constraint matrix of a
   two-way table is totally unimodular, so the extremes are whole numbers). When both are equal
   the cell is still disclosed, and one more cell of its row (or column) is hidden; back to 2.

The result never shows a value that the shown values and the markers together determine.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.optimize import linprog

Status = Literal["shown", "primary", "secondary"]
SECONDARY_MARK = "x"


@dataclass(frozen=True)
class Cell:
    value: int
    status: Status = "shown"

    @property
    def hidden(self) -> bool:
        return self.status != "shown"


@dataclass(frozen=True)
class SuppressedTable:
    """The table as it may be published: every cell and total with its status."""

    threshold: int
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...]
    column_totals: tuple[Cell, ...]
    grand_total: Cell

    def label(self, cell: Cell) -> int | str:
        """What to print: the count, '<5' for a small count, 'x' for a complementary hide."""
        if cell.status == "primary":
            return f"<{self.threshold}"
        if cell.status == "secondary":
            return SECONDARY_MARK
        return cell.value

    def all_cells(self) -> list[Cell]:
        flat = [cell for row in self.cells for cell in row]
        return [*flat, *self.row_totals, *self.column_totals, self.grand_total]

    @property
    def primary_count(self) -> int:
        return sum(cell.status == "primary" for cell in self.all_cells())

    @property
    def secondary_count(self) -> int:
        return sum(cell.status == "secondary" for cell in self.all_cells())


Pos = tuple[int, int]


def suppress(values: Sequence[Sequence[int]], threshold: int) -> SuppressedTable:
    """Suppress small counts in `values` (rows x columns) and whatever would reveal them."""
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    rows = [list(map(int, row)) for row in values]
    n_cols = len(rows[0]) if rows else 0
    if any(len(row) != n_cols for row in rows):
        raise ValueError("every row needs the same number of columns")
    if any(value < 0 for row in rows for value in row):
        raise ValueError("counts cannot be negative")
    grid = _extend(rows, n_cols)
    status = _Suppressor(grid, threshold).run()
    m, n = len(rows), n_cols

    def cell(i: int, j: int) -> Cell:
        return Cell(grid[i][j], status.get((i, j), "shown"))

    return SuppressedTable(
        threshold=threshold,
        cells=tuple(tuple(cell(i, j) for j in range(n)) for i in range(m)),
        row_totals=tuple(cell(i, n) for i in range(m)),
        column_totals=tuple(cell(m, j) for j in range(n)),
        grand_total=cell(m, n),
    )


def _extend(rows: list[list[int]], n_cols: int) -> list[list[int]]:
    """Append the row totals as a last column and the column totals as a last row."""
    grid = [[*row, sum(row)] for row in rows]
    totals = [sum(row[j] for row in rows) for j in range(n_cols)]
    grid.append([*totals, sum(totals)])
    return grid


class _Suppressor:
    """One run of the method in the module docstring over an extended (m+1) x (n+1) grid."""

    def __init__(self, grid: list[list[int]], threshold: int):
        self.grid = grid
        self.t = threshold
        self.m = len(grid) - 1  # index of the total row
        self.n = len(grid[0]) - 1  # index of the total column
        big = grid[self.m][self.n] + 1
        self.margin_cost = 10 * big
        self.status: dict[Pos, Status] = {}

    def run(self) -> dict[Pos, Status]:
        for i, row in enumerate(self.grid):
            for j, value in enumerate(row):
                if 0 < value < self.t:
                    self.status[(i, j)] = "primary"
        while True:
            bridge = self._first_bridge()
            if bridge is not None:
                self._close_cycle(bridge)
                continue
            disclosed = self._disclosed_by_bounds()
            if not disclosed or not self._widen(disclosed[0]):
                return self.status

    # -- the graph: vertices 0..m are rows, m+1..m+1+n are columns; hidden cells are edges
    def _vertex_col(self, j: int) -> int:
        return self.m + 1 + j

    def _first_bridge(self) -> Pos | None:
        """A hidden cell on no cycle of hidden cells (Tarjan's bridges, iteratively)."""
        adjacency: dict[int, list[tuple[int, Pos]]] = {}
        for i, j in sorted(self.status):
            a, b = i, self._vertex_col(j)
            adjacency.setdefault(a, []).append((b, (i, j)))
            adjacency.setdefault(b, []).append((a, (i, j)))
        order: dict[int, int] = {}
        low: dict[int, int] = {}
        for root in sorted(adjacency):
            if root in order:
                continue
            order[root] = low[root] = len(order)
            stack: list[tuple[int, Pos | None, int]] = [(root, None, 0)]
            while stack:
                vertex, via, index = stack[-1]
                if index < len(adjacency[vertex]):
                    stack[-1] = (vertex, via, index + 1)
                    neighbour, edge = adjacency[vertex][index]
                    if edge == via:
                        continue
                    if neighbour in order:
                        low[vertex] = min(low[vertex], order[neighbour])
                    else:
                        order[neighbour] = low[neighbour] = len(order)
                        stack.append((neighbour, edge, 0))
                    continue
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[vertex])
                    if low[vertex] > order[parent]:
                        return via
        return None

    def _cost(self, i: int, j: int) -> int:
        value = self.grid[i][j]
        if i == self.m and j == self.n:
            return value + 10 * self.margin_cost
        if i == self.m or j == self.n:
            return value + self.margin_cost
        return value

    def _close_cycle(self, bridge: Pos) -> None:
        """Hide the cheapest path of non-zero cells from the bridge's row to its column."""
        r, c = bridge
        start, goal = r, self._vertex_col(c)
        best: dict[int, int] = {start: 0}
        came_from: dict[int, tuple[int, Pos]] = {}
        heap: list[tuple[int, int]] = [(0, start)]
        while heap:
            cost, vertex = heapq.heappop(heap)
            if vertex == goal:
                break
            if cost > best.get(vertex, cost):
                continue
            for neighbour, pos in self._neighbours(vertex):
                if pos == bridge or self.grid[pos[0]][pos[1]] == 0:
                    continue
                step = 0 if pos in self.status else self._cost(*pos)
                if cost + step < best.get(neighbour, 1 << 62):
                    best[neighbour] = cost + step
                    came_from[neighbour] = (vertex, pos)
                    heapq.heappush(heap, (cost + step, neighbour))
        vertex = goal
        while vertex != start:  # a path always exists: cell, row total, column total, grand total
            vertex, pos = came_from[vertex]
            self.status.setdefault(pos, "secondary")

    def _neighbours(self, vertex: int) -> list[tuple[int, Pos]]:
        if vertex <= self.m:
            return [(self._vertex_col(j), (vertex, j)) for j in range(self.n + 1)]
        j = vertex - self.m - 1
        return [(i, (i, j)) for i in range(self.m + 1)]

    # -- the audit with bounds
    def _disclosed_by_bounds(self) -> list[Pos]:
        hidden = sorted(self.status)
        index = {pos: k for k, pos in enumerate(hidden)}
        equations: list[tuple[list[tuple[int, int]], int]] = []
        lines = [[(i, j) for j in range(self.n + 1)] for i in range(self.m + 1)]
        lines += [[(i, j) for i in range(self.m + 1)] for j in range(self.n + 1)]
        for line in lines:
            *members, total = line
            terms = [(pos, 1) for pos in members] + [(total, -1)]
            unknown = [(index[pos], sign) for pos, sign in terms if pos in index]
            if unknown:
                known = sum(sign * self.grid[pos[0]][pos[1]] for pos, sign in terms)
                known -= sum(sign * self.grid[hidden[k][0]][hidden[k][1]] for k, sign in unknown)
                equations.append((unknown, -known))
        a_eq = np.zeros((len(equations), len(hidden)))
        b_eq = np.zeros(len(equations))
        for row, (unknown, rhs) in enumerate(equations):
            for k, sign in unknown:
                a_eq[row, k] = sign
            b_eq[row] = rhs
        bounds = [
            (1, self.t - 1) if self.status[pos] == "primary" else (self.t, None) for pos in hidden
        ]
        disclosed = []
        for pos in hidden:
            if self.status[pos] != "primary":
                continue
            objective = np.zeros(len(hidden))
            objective[index[pos]] = 1
            low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            if high.status == 3:  # unbounded above: certainly not pinned
                continue
            if low.status == 0 and high.status == 0 and (-high.fun) - low.fun < 0.5:
                disclosed.append(pos)
        return disclosed

    def _widen(self, pos: Pos) -> bool:
        """Hide one more non-zero cell in the disclosed cell's row, else column, else anywhere."""
        i, j = pos
        row = [(i, k) for k in range(self.n + 1)]
        column = [(k, j) for k in range(self.m + 1)]
        everywhere = [(a, b) for a in range(self.m + 1) for b in range(self.n + 1)]
        for candidates in (row, column, everywhere):
            free = [p for p in candidates if p not in self.status and self.grid[p[0]][p[1]] > 0]
            if free:
                choice = min(free, key=lambda p: (self._cost(*p), p))
                self.status[choice] = "secondary"
                return True
        return False
