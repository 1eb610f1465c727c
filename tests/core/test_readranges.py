"""core.readranges: read ranges hold exactly what was read and stay compact when reading in order."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st
from readtick.core.readranges import ReadRanges


def test_in_order_reading_keeps_one_range_across_messages_that_need_no_read():
    needs = {1, 2, 4, 6}  # 3 and 5 are the reader's own / no-receipt messages
    ranges = ReadRanges()

    def gap(low, high):
        return any(s in needs for s in range(low, high + 1))

    for seq in (1, 2, 4, 6):
        assert ranges.add(seq, gap)
    assert ranges.as_list() == [(1, 6)]
    assert 5 in ranges and 7 not in ranges


def test_a_skipped_message_keeps_ranges_apart_until_it_is_read():
    ranges = ReadRanges()

    def gap(low, high):
        return True

    ranges.add(1, gap)
    ranges.add(3, gap)
    assert ranges.as_list() == [(1, 1), (3, 3)] and 2 not in ranges
    ranges.add(2, gap)
    assert ranges.as_list() == [(1, 3)]
    assert ranges.add(2, gap) is False  # reading twice changes nothing


@given(st.lists(st.integers(min_value=1, max_value=60), max_size=80))
def test_ranges_hold_exactly_what_was_read(reads):
    ranges = ReadRanges()
    for seq in reads:
        ranges.add(seq, lambda low, high: True)
    assert {s for s in range(0, 62) if s in ranges} == set(reads)
    pairs = ranges.as_list()
    assert all(low <= high for low, high in pairs)
    assert all(a[1] + 1 < b[0] for a, b in itertools.pairwise(pairs))  # sorted, disjoint, not touching
