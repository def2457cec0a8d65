"""Small-cell suppression for a table with row totals, column totals and a grand total.

Why this is more than "hide the cells below 5": the totals are published too, so a hidden cell
can often be worked out by subtraction (row total minus the other cells), or by chaining such
subtractions through rows and columns. And because the code is public, a reader knows that a
cell shown as "<5" lies between 1 and 4 and that a cell hidden as "x" is at least 5 (zeros are
never hidden); those bounds can pin a value as well (a row "<5, x, total 6" can only be 1 + 5).

The model. Negate the totals and every row and column of the table extended with its totals
sums to zero: the extended table is a circulation on the bipartite graph whose nodes are the
rows and columns (total row and column included) and whose edges are the hidden cells. What a
reader can change without contradicting anything shown is exactly a circulation along cycles of
hidden cells that keeps every hidden cell within its bounds. So a small count is safe when it can
move by one, up or down, along such a cycle; in flow terms, when its row and column are joined
through the residual graph of the other hidden cells. That is a path search, exact because
integer circulations decompose into cycles, and it covers the plain subtraction attack (a cell on
no cycle at all) as well as the attacks that use the bounds.

The method:
1. primary: every count from 1 to threshold-1, totals included (a total of 3 is a small count);
2. for each primary cell that cannot move, hide the cheapest extra cells that let it move:
   a shortest-path search over the residual graph in which the hidden cells cost nothing and a
   shown cell costs its value (inner cells before totals, the grand total last; zeros never, so
   "x" always means "at least the threshold"). Hiding more only adds ways to move, so a cell
   made safe stays safe and one pass suffices.

One case cannot be helped by hiding more: the markers themselves can pin a value, as in a row of
four "<5" cells with a total of "<5" (all four must be 1). Such cells are listed in `pinned`.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

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
    pinned: tuple[tuple[int, int], ...] = ()  # (row, column) of the extended table; see above

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
    if threshold < 3:
        raise ValueError("threshold must be at least 3 (below that '<t' names the value itself)")
    rows = [list(map(int, row)) for row in values]
    n_cols = len(rows[0]) if rows else 0
    if any(len(row) != n_cols for row in rows):
        raise ValueError("every row needs the same number of columns")
    if any(value < 0 for row in rows for value in row):
        raise ValueError("counts cannot be negative")
    grid = _extend(rows, n_cols)
    suppressor = _Suppressor(grid, threshold)
    status = suppressor.run()
    m, n = len(rows), n_cols

    def cell(i: int, j: int) -> Cell:
        return Cell(grid[i][j], status.get((i, j), "shown"))

    return SuppressedTable(
        threshold=threshold,
        cells=tuple(tuple(cell(i, j) for j in range(n)) for i in range(m)),
        row_totals=tuple(cell(i, n) for i in range(m)),
        column_totals=tuple(cell(m, j) for j in range(n)),
        grand_total=cell(m, n),
        pinned=tuple(suppressor.pinned),
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
        self.pinned: list[Pos] = []

    def run(self) -> dict[Pos, Status]:
        for i, row in enumerate(self.grid):
            for j, value in enumerate(row):
                if 0 < value < self.t:
                    self.status[(i, j)] = "primary"
        for pos in sorted(self.status):
            if self.status[pos] == "primary" and not self._protect(pos):
                self.pinned.append(pos)
        return self.status

    # Vertices: rows are 0..m, columns are m+1..m+1+n. A cell (i, j) is the edge between them.
    def _col(self, j: int) -> int:
        return self.m + 1 + j

    def _bounds(self, pos: Pos) -> tuple[int, float]:
        if self.status.get(pos) == "primary":
            return 1, self.t - 1
        return self.t, float("inf")

    def _is_margin(self, pos: Pos) -> bool:
        return (pos[0] == self.m) != (pos[1] == self.n)

    def _can_step(self, pos: Pos, row_to_col: bool) -> bool:
        """Can this cell change by one in the direction that crossing it this way means?

        Crossing row -> column raises the cell's entry of the circulation, column -> row lowers
        it; a total enters the circulation negated, so for a total it is the other way round.
        """
        low, high = self._bounds(pos)
        value = self.grid[pos[0]][pos[1]]
        up = row_to_col != self._is_margin(pos)
        return value + 1 <= high if up else value - 1 >= low

    def _cost(self, i: int, j: int) -> int:
        value = self.grid[i][j]
        if i == self.m and j == self.n:
            return value + 10 * self.margin_cost
        if i == self.m or j == self.n:
            return value + self.margin_cost
        return value

    def _arcs(self, vertex: int) -> list[tuple[int, Pos, bool]]:
        """(neighbour, cell, crossing row -> column?) for every non-zero cell at this vertex."""
        if vertex <= self.m:
            cells = [((vertex, j), self._col(j)) for j in range(self.n + 1)]
            return [(v, pos, True) for pos, v in cells if self.grid[pos[0]][pos[1]]]
        j = vertex - self.m - 1
        return [(i, (i, j), False) for i in range(self.m + 1) if self.grid[i][j]]

    def _protect(self, cell: Pos) -> bool:
        """Make `cell` able to move by one; hide the cheapest cells needed. False if impossible."""
        best: tuple[int, list[Pos]] | None = None
        row, col = cell[0], self._col(cell[1])
        for row_to_col in (True, False):
            if not self._can_step(cell, row_to_col):
                continue
            # crossing the cell row -> column, the cycle must come back column -> row
            start, goal = (col, row) if row_to_col else (row, col)
            found = self._cheapest_path(start, goal, cell)
            if found is not None and (best is None or found[0] < best[0]):
                best = found
        if best is None:
            return False
        for pos in best[1]:
            self.status.setdefault(pos, "secondary")
        return True

    def _cheapest_path(self, start: int, goal: int, skip: Pos) -> tuple[int, list[Pos]] | None:
        """Dijkstra over residual arcs: hidden cells are free, shown ones cost `_cost`."""
        best: dict[int, int] = {start: 0}
        came_from: dict[int, tuple[int, Pos]] = {}
        heap: list[tuple[int, int]] = [(0, start)]
        while heap:
            cost, vertex = heapq.heappop(heap)
            if vertex == goal:
                path: list[Pos] = []
                while vertex != start:
                    vertex, pos = came_from[vertex]
                    path.append(pos)
                return cost, [p for p in path if p not in self.status]
            if cost > best.get(vertex, cost):
                continue
            for neighbour, pos, row_to_col in self._arcs(vertex):
                if pos == skip or not self._can_step(pos, row_to_col):
                    continue
                step = 0 if pos in self.status else self._cost(*pos)
                if cost + step < best.get(neighbour, 1 << 62):
                    best[neighbour] = cost + step
                    came_from[neighbour] = (vertex, pos)
                    heapq.heappush(heap, (cost + step, neighbour))
        return None
