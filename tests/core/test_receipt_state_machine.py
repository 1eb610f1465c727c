"""The state machine of core.receipt: legal moves only, statuses that follow the counts."""

from __future__ import annotations

import pytest
from readtick.core import ReceiptStatus
from readtick.core.receipt import (
    TRANSITIONS,
    IllegalTransition,
    copy_status_after,
    status_after_change,
    transition,
)
from readtick.core.receiptfacts import ReceiptCounts

S = ReceiptStatus


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (S.PROCESSING, S.DELIVERED),
        (S.PROCESSING, S.DONE),
        (S.PROCESSING, S.EXPIRED),
        (S.DELIVERED, S.DONE),
        (S.DELIVERED, S.EXPIRED),
    ],
)
def test_forward_moves_are_allowed(current, new):
    assert transition(current, new) is new


@pytest.mark.parametrize("final", [S.DONE, S.EXPIRED, S.FAILED, S.NONE])
@pytest.mark.parametrize("new", [S.PROCESSING, S.DELIVERED, S.DONE, S.EXPIRED])
def test_final_states_never_move(final, new):
    with pytest.raises(IllegalTransition, match=final.name):
        transition(final, new)


def test_done_never_returns_to_processing():
    assert S.PROCESSING not in TRANSITIONS[S.DONE]
    assert S.PROCESSING not in TRANSITIONS[S.DELIVERED]


def test_completed_is_an_alias_of_done():
    assert S.COMPLETED is S.DONE and int(S.COMPLETED) == 2


def test_status_follows_counts():
    counts = ReceiptCounts(eligible=3, read=2, delivered=3)
    assert status_after_change(S.PROCESSING, counts, delivered_option=False) is S.PROCESSING
    assert status_after_change(S.PROCESSING, counts, delivered_option=True) is S.DELIVERED
    counts.read = 3
    assert status_after_change(S.DELIVERED, counts, delivered_option=True) is S.DONE
    # a final status is never recomputed
    assert status_after_change(S.EXPIRED, counts, delivered_option=True) is S.EXPIRED


def test_a_cached_copy_follows_reports_only_forwards():
    assert copy_status_after(S.PROCESSING, S.DONE) is S.DONE
    assert copy_status_after(S.PROCESSING, S.PROCESSING) is S.PROCESSING
    assert copy_status_after(S.DELIVERED, S.PROCESSING) is S.DELIVERED  # a stale report
    assert copy_status_after(S.EXPIRED, S.DONE) is S.EXPIRED
    assert copy_status_after(S.NONE, S.PROCESSING) is S.NONE  # an info cannot add a receipt
