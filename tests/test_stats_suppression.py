"""Small-cell suppression: hand-computed tables, and a property test against two attackers.

Notation in the hand-computed tables: rows of cells then the row total; the last row holds the
column totals then the grand total. Threshold 5 unless said otherwise.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from bot.stats.suppression import SuppressedTable, suppress


def published(table: SuppressedTable) -> list[list[object]]:
    rows = [
        [table.label(c) for c in cells] + [table.label(total)]
        for cells, total in zip(table.cells, table.row_totals, strict=True)
    ]
    rows.append([table.label(c) for c in table.column_totals] + [table.label(table.grand_total)])
    return rows


def test_nothing_small_nothing_hidden():
    assert published(suppress([[10, 10], [10, 10]], 5)) == [
        [10, 10, 20],
        [10, 10, 20],
        [20, 20, 40],
    ]


def test_zeros_are_shown_and_never_hidden():
    table = suppress([[0, 7], [0, 9]], 5)
    assert published(table) == [[0, 7, 7], [0, 9, 9], [0, 16, 16]]
    assert table.primary_count == table.secondary_count == 0


def test_one_small_cell_is_protected_by_the_cheapest_rectangle():
    # 3 is small. Hiding only it would let anyone compute 24 - 12 - 9 = 3. The cheapest cycle
    # through other cells: its row's 9 (cost 9), the 6 below that, and the 8 below the 3
    # (9 + 6 + 8 = 23, cheaper than 12 + 7 + 8 = 27). Then 3 can be 2, 3 or 4 (5 - 1 = 4 at most,
    # the 6 must stay >= 5): not disclosed. All totals stay visible.
    assert published(suppress([[12, 3, 9], [7, 8, 6], [0, 0, 0]], 5)) == [
        [12, "<5", "x", 24],
        [7, "x", "x", 21],
        [0, 0, 0, 0],
        [19, 11, 15, 45],
    ]


def test_small_row_total_is_hidden_and_protected_across_the_total_column():
    # The row (2, 0) has a total of 2: a small count in itself. The column total 12 would give
    # the 2 away by 12 - 10, so the 10 under it is hidden, and then its row total 20 too.
    assert published(suppress([[2, 0], [10, 10]], 5)) == [
        ["<5", 0, "<5"],
        ["x", 10, "x"],
        [12, 10, 22],
    ]


def test_bounds_can_disclose_and_force_more_hiding():
    # Hiding the 1 with the rectangle of 5s is not enough: the reader knows "<5" is at least 1
    # and "x" at least 5, so row A says 1 + x = 6: x = 5 and the 1 is exposed. The 1 must be able
    # to grow, so cells that can grow with it are hidden: its row total, its column total and
    # the grand total (1..4 then gives 6..9, 6..9 and 16..19). The inner 5s can stay visible.
    assert published(suppress([[1, 5], [5, 5]], 5)) == [
        ["<5", 5, "x"],
        [5, 5, 10],
        ["x", 10, "x"],
    ]
    # With 6 in the corner the cycle can run through it instead of through the grand total
    # (totals are dearer than inner cells, the grand total dearest): 1 up means column Jan up,
    # column Feb down, the 6 down to 5, row B down, row A up.
    assert published(suppress([[1, 5], [5, 6]], 5)) == [
        ["<5", 5, "x"],
        [5, "x", "x"],
        ["x", "x", 17],
    ]


def test_markers_alone_can_pin_and_that_is_reported():
    # Four counts of "<5" with a row total of "<5": each is at least 1 and they sum to at most
    # 4, so all four are 1, whatever else is hidden. The table says so instead of hiding it.
    table = suppress([[1, 1, 1, 1], [9, 9, 9, 9]], 5)
    assert published(table)[0] == ["<5", "<5", "<5", "<5", "<5"]
    assert set(table.pinned) == {(0, 0), (0, 1), (0, 2), (0, 3), (0, 4)}
    assert suppress([[1, 1, 2], [9, 9, 9]], 5).pinned == ()


def test_single_small_table_hides_its_totals():
    assert published(suppress([[2]], 5)) == [["<5", "<5"], ["<5", "<5"]]


def test_a_higher_threshold_hides_more_and_says_so():
    # 6 is below 10; the rectangle of 12s protects it (6 can be 4..8), totals stay visible.
    table = suppress([[6, 12], [12, 12]], 10)
    assert published(table) == [["<10", "x", 18], ["x", "x", 24], [18, 24, 42]]
    assert published(suppress([[6, 12], [12, 12]], 5)) == [[6, 12, 18], [12, 12, 24], [18, 24, 42]]


def test_rejects_bad_tables():
    with pytest.raises(ValueError):
        suppress([[1, 2], [3]], 5)
    with pytest.raises(ValueError):
        suppress([[-1]], 5)


def test_empty_table():
    table = suppress([], 5)
    assert table.grand_total.value == 0 and not table.grand_total.hidden


# -- two independent attackers ------------------------------------------------------------


def _system(table: SuppressedTable, values: list[list[int]]):
    """Equations of the extended table restricted to hidden cells: A x = b."""
    m, n = len(values), len(values[0])
    grid = [[*row, sum(row)] for row in values]
    grid.append([sum(values[i][j] for i in range(m)) for j in range(n)] + [sum(map(sum, values))])
    status = [
        [c.hidden for c in cells] + [total.hidden]
        for cells, total in zip(table.cells, table.row_totals, strict=True)
    ]
    status.append([c.hidden for c in table.column_totals] + [table.grand_total.hidden])
    hidden = [(i, j) for i in range(m + 1) for j in range(n + 1) if status[i][j]]
    index = {pos: k for k, pos in enumerate(hidden)}
    lines = [[(i, j) for j in range(n + 1)] for i in range(m + 1)]
    lines += [[(i, j) for i in range(m + 1)] for j in range(n + 1)]
    a_rows, b = [], []
    for line in lines:
        row = np.zeros(len(hidden))
        rhs = 0.0
        for k, (i, j) in enumerate(line):
            sign = -1 if k == len(line) - 1 else 1
            if (i, j) in index:
                row[index[(i, j)]] = sign
            else:
                rhs -= sign * grid[i][j]
        a_rows.append(row)
        b.append(rhs)
    return grid, hidden, np.array(a_rows), np.array(b)


def _linearly_determined(a: np.ndarray, k: int) -> bool:
    """x_k is fixed by A x = b alone iff e_k lies in the row space of A."""
    if a.size == 0:
        return False
    unit = np.zeros(a.shape[1])
    unit[k] = 1
    return np.linalg.matrix_rank(np.vstack([a, unit])) == np.linalg.matrix_rank(a)


def _integer_solution_with(a, b, bounds_low, bounds_high, k, low, high) -> bool:
    lo = np.array(bounds_low, dtype=float)
    hi = np.array(bounds_high, dtype=float)
    lo[k], hi[k] = max(lo[k], low), min(hi[k], high)
    if lo[k] > hi[k]:
        return False
    result = milp(
        np.zeros(a.shape[1]),
        constraints=LinearConstraint(a, b, b),
        integrality=np.ones(a.shape[1]),
        bounds=Bounds(lo, hi),
    )
    return result.status == 0


tables = st.integers(1, 4).flatmap(
    lambda m: st.integers(1, 4).flatmap(
        lambda n: st.lists(
            st.lists(
                st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 20]), min_size=n, max_size=n
            ),
            min_size=m,
            max_size=m,
        )
    )
)


@settings(max_examples=int(os.environ.get("SUPPRESSION_EXAMPLES", "100")), deadline=None)
@given(values=tables, threshold=st.sampled_from([5, 5, 10]))
def test_no_small_count_can_be_worked_out(values, threshold):
    table = suppress(values, threshold)
    grid, hidden, a, b = _system(table, values)
    low = [1 if 0 < grid[i][j] < threshold else threshold for i, j in hidden]
    high = [threshold - 1 if 0 < grid[i][j] < threshold else 10**6 for i, j in hidden]
    for k, (i, j) in enumerate(hidden):
        true = grid[i][j]
        assert (0 < true < threshold) == (table.label(_cell(table, i, j)) == f"<{threshold}")
        assert true >= threshold or true > 0, "a zero is never hidden"
        if not 0 < true < threshold:
            continue
        # attacker 1: linear algebra on the published numbers
        linear = _linearly_determined(a, k)
        assert not linear or (i, j) in table.pinned, f"cell {(i, j)} = {true} follows from totals"
        # attacker 2: integer search using "<t" means 1..t-1 and "x" means >= t
        other = _integer_solution_with(a, b, low, high, k, true + 1, 10**6) or (
            _integer_solution_with(a, b, low, high, k, 0, true - 1)
        )
        assert other == ((i, j) not in table.pinned), f"cell {(i, j)}: pinned is not reported"
        if not other:  # only where hiding every non-zero count would not help either
            assert not _movable_with_everything_hidden(values, threshold, (i, j))
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            if 0 < value < threshold:
                assert (i, j) in hidden, "every small count is hidden"


def _movable_with_everything_hidden(values, threshold, pos) -> bool:
    m, n = len(values), len(values[0])
    grid = [[*row, sum(row)] for row in values]
    grid.append([sum(values[i][j] for i in range(m)) for j in range(n)] + [sum(map(sum, values))])

    def status(v):
        return "shown" if v == 0 else ("primary" if v < threshold else "secondary")

    from bot.stats.suppression import Cell

    everything = SuppressedTable(
        threshold,
        tuple(tuple(Cell(grid[i][j], status(grid[i][j])) for j in range(n)) for i in range(m)),
        tuple(Cell(grid[i][n], status(grid[i][n])) for i in range(m)),
        tuple(Cell(grid[m][j], status(grid[m][j])) for j in range(n)),
        Cell(grid[m][n], status(grid[m][n])),
    )
    _, hidden, a, b = _system(everything, values)
    low = [1 if 0 < grid[i][j] < threshold else threshold for i, j in hidden]
    high = [threshold - 1 if 0 < grid[i][j] < threshold else 10**6 for i, j in hidden]
    k = hidden.index(pos)
    true = grid[pos[0]][pos[1]]
    return _integer_solution_with(a, b, low, high, k, true + 1, 10**6) or (
        _integer_solution_with(a, b, low, high, k, 0, true - 1)
    )


def _cell(table: SuppressedTable, i: int, j: int):
    m, n = len(table.cells), len(table.column_totals)
    if i < m and j < n:
        return table.cells[i][j]
    if i < m:
        return table.row_totals[i]
    if j < n:
        return table.column_totals[j]
    return table.grand_total
