"""Who has read what in one conversation: a reader's read messages as a few sorted seq ranges.

The engine keeps, per reader and conversation, a short sorted list of ``(low, high)`` conversation
sequence numbers instead of a flag per message and member. Reading in order keeps one range per
reader whatever the conversation's length, so a read costs the same in a 10-member and a
10,000-member group (matrix-nio's "read up to here" marker, widened to allow reading out of order).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator

Range = tuple[int, int]
"""``(low, high)``: every message with ``low <= seq <= high`` is read (or needs no read)."""


class ReadRanges:
    """Which messages of one conversation one reader has read, as sorted, disjoint seq ranges.

    ``gap_needs_read(low, high)`` tells whether any message with a seq in ``low..high`` is one
    this reader would have to read (someone else's receipt message sent while the reader was there);
    ranges are joined across gaps holding only messages that need no read, so a reader who reads in
    order keeps one range.
    Only permanent facts may make a message skippable: a message that expired unread still needs
    a read (it was never read), so the ranges on either side of it stay apart.
    """

    __slots__ = ("_ranges",)

    def __init__(self, ranges: Iterable[Range] = ()) -> None:
        self._ranges: list[Range] = sorted(ranges)

    def __contains__(self, seq: int) -> bool:
        i = bisect.bisect_right(self._ranges, (seq, float("inf"))) - 1
        return i >= 0 and self._ranges[i][0] <= seq <= self._ranges[i][1]

    def __len__(self) -> int:
        return len(self._ranges)

    def __iter__(self) -> Iterator[Range]:
        return iter(self._ranges)

    def as_list(self) -> list[Range]:
        return list(self._ranges)

    def add(self, seq: int, gap_needs_read: Callable[[int, int], bool]) -> bool:
        """Mark ``seq`` read; return False (and change nothing) if it already was."""
        if seq in self:
            return False
        i = bisect.bisect_left(self._ranges, (seq, seq))
        self._ranges.insert(i, (seq, seq))
        # Join with the right neighbour first so the left index stays valid.
        if i + 1 < len(self._ranges) and self._gap_skippable(i, gap_needs_read):
            self._join(i)
        if i > 0 and self._gap_skippable(i - 1, gap_needs_read):
            self._join(i - 1)
        return True

    def _gap_skippable(self, i: int, gap_needs_read: Callable[[int, int], bool]) -> bool:
        high, low = self._ranges[i][1], self._ranges[i + 1][0]
        return low == high + 1 or not gap_needs_read(high + 1, low - 1)

    def _join(self, i: int) -> None:
        (low, _), (_, high) = self._ranges[i], self._ranges[i + 1]
        self._ranges[i : i + 2] = [(low, high)]
