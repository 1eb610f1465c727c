"""The vertical geometry of a list of rows of different heights: each row's height, kept once
measured, and the running total that gives every row's top, so ``MessageView`` finds the row at a
pixel by bisection and changes of a few rows cost no re-measuring of the others.

Pure Python (no Qt): the view measures rows through its delegate and tells this class what changed.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate


class RowHeights:
    """Heights of rows ``0..n-1`` stacked from y = 0, and where each starts.

    ``top(row)`` is the sum of the heights above ``row``; ``total`` the sum of them all. Inserting,
    removing or resizing rows re-adds the running total from the first changed row on (integer
    additions, no measuring).
    """

    def __init__(self) -> None:
        self._heights: list[int] = []
        self._tops: list[int] = [0]  # one more than rows: _tops[n] is the total

    def __len__(self) -> int:
        return len(self._heights)

    @property
    def total(self) -> int:
        return self._tops[-1]

    def height(self, row: int) -> int:
        return self._heights[row]

    def top(self, row: int) -> int:
        """Where ``row`` starts; ``top(len(self))`` is the total height."""
        return self._tops[row]

    def row_at(self, y: int) -> int:
        """The row covering ``y``, clamped to the first / last row (-1 when there is none)."""
        if not self._heights:
            return -1
        return min(max(bisect_right(self._tops, y) - 1, 0), len(self._heights) - 1)

    def reset(self, heights: Sequence[int]) -> None:
        self._heights = list(heights)
        self._tops = [0, *accumulate(self._heights)]

    def insert(self, first: int, heights: Sequence[int]) -> None:
        self._heights[first:first] = heights
        self._retotal(first)

    def remove(self, first: int, last: int) -> int:
        """Remove rows ``first..last``; returns their combined height."""
        removed = self._tops[last + 1] - self._tops[first]
        del self._heights[first : last + 1]
        self._retotal(first)
        return removed

    def set_height(self, row: int, height: int) -> bool:
        """Change one row's height; returns whether it changed."""
        if self._heights[row] == height:
            return False
        self._heights[row] = height
        self._retotal(row)
        return True

    def _retotal(self, first: int) -> None:
        self._tops[first:] = accumulate(self._heights[first:], initial=self._tops[first])
