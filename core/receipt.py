"""The receipt state machine and the receipt rules of SPEC §4, in one place.

Theory of operation
-------------------
A message sent with ``has_receipt`` has one *aggregate* receipt status, the sender's view:

    PROCESSING ──(every eligible reader's client received it; DELIVERED option on)──▶ DELIVERED
    PROCESSING ──(unread count reaches 0)──▶ DONE          DELIVERED ──(unread 0)──▶ DONE
    PROCESSING / DELIVERED ──(receipt lifetime passed)──▶ EXPIRED
    (send failed) ──▶ FAILED            (no receipt asked) ──▶ NONE

DONE, EXPIRED, FAILED and NONE are final: a status never moves backwards (rule 10), and a
transition that is not in ``TRANSITIONS`` raises ``IllegalTransition`` and changes nothing.

The *eligible readers* of a message are fixed when it is sent: the other participant of a peer
conversation, or the group's members at that moment minus the sender (rule 5). Eligibility can only
be lost afterwards (a member who leaves before reading drops out), never gained, so
``read + unread == eligible`` holds at every step and a late joiner is never counted.

Who has read what is kept per reader and conversation as *read ranges*: a short sorted list of
``(low, high)`` conversation sequence numbers (see ``ReadRanges``), not a flag per message and
member. Reading in order keeps one range per reader whatever the conversation's length, so a read
costs the same in a 10-member and a 10,000-member group (matrix-nio's "read up to here" marker,
widened to allow reading out of order). Counts are kept on the message and moved by one per read.

A receiver's view of a message is derived, never stored per receiver: DONE if it read it, EXPIRED
if the receipt expired before it did, PROCESSING otherwise (DELIVERED is the sender's view only).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from readtick.core.enums import ConversationType, MessageType, ReceiptStatus

READ_LIMIT = 10
"""Most messages one ``send_message_receipts_read`` call may carry (rule 3, error 6000282)."""

MEMBER_PAGE_MIN, MEMBER_PAGE_MAX = 1, 100
"""Bounds of ``count`` in the member-list calls (rule 7)."""

DEFAULT_RECEIPT_LIFETIME = timedelta(days=7)
"""How long a receipt may stay incomplete before it expires, unless the engine is told otherwise (rule 9)."""

MIN_CLIENTS, MAX_CLIENTS = 2, 8
"""How many clients a world (and the window, one panel each) holds: fewer leaves nobody to talk to."""

RECEIPT_CONVERSATION_TYPES = frozenset({ConversationType.PEER, ConversationType.GROUP})
RECEIPT_MESSAGE_TYPES = frozenset(
    {
        MessageType.TEXT,
        MessageType.IMAGE,
        MessageType.FILE,
        MessageType.AUDIO,
        MessageType.VIDEO,
        MessageType.COMBINE,
        MessageType.MULTIPLE,
    }
)

ACTIVE = frozenset({ReceiptStatus.PROCESSING, ReceiptStatus.DELIVERED})
"""Statuses in which a receipt can still be read, counted, delivered or expire."""

TRANSITIONS: dict[ReceiptStatus, frozenset[ReceiptStatus]] = {
    ReceiptStatus.PROCESSING: frozenset({ReceiptStatus.DELIVERED, ReceiptStatus.DONE, ReceiptStatus.EXPIRED}),
    ReceiptStatus.DELIVERED: frozenset({ReceiptStatus.DONE, ReceiptStatus.EXPIRED}),
    ReceiptStatus.DONE: frozenset(),
    ReceiptStatus.EXPIRED: frozenset(),
    ReceiptStatus.FAILED: frozenset(),
    ReceiptStatus.NONE: frozenset(),
    ReceiptStatus.UNKNOWN: frozenset(),
}


def awaits_read(status: ReceiptStatus) -> bool:
    """Whether a receipt with this status is still open: it can be read, counted, delivered or expire."""
    return status in ACTIVE


def is_final(status: ReceiptStatus) -> bool:
    """Whether this status can never change again (DONE, EXPIRED, FAILED, NONE; rule 10)."""
    return not TRANSITIONS[status]


def may_move(current: ReceiptStatus, new: ReceiptStatus) -> bool:
    """Whether ``current -> new`` is a legal step of the state machine."""
    return new in TRANSITIONS[current]


class IllegalTransition(ValueError):
    """A receipt status change the state machine does not allow."""


def transition(current: ReceiptStatus, new: ReceiptStatus) -> ReceiptStatus:
    """Return ``new`` if ``current -> new`` is allowed, else raise ``IllegalTransition``."""
    if new not in TRANSITIONS[current]:
        raise IllegalTransition(f"receipt status cannot move from {current.name} to {new.name}")
    return new


def receipt_refusal(conversation_type: ConversationType, message_type: MessageType) -> str | None:
    """Why a receipt may not be asked for here (rule 1), or ``None`` if it may."""
    if conversation_type not in RECEIPT_CONVERSATION_TYPES:
        return (
            f"read receipts work only in PEER and GROUP conversations, not {conversation_type.name} "
            "(SPEC §4 rule 1)"
        )
    if message_type not in RECEIPT_MESSAGE_TYPES:
        allowed = ", ".join(t.name for t in sorted(RECEIPT_MESSAGE_TYPES))
        return (
            f"{message_type.name} messages cannot carry a read receipt; only {allowed} can (SPEC §4 rule 1)"
        )
    return None


@dataclass
class ReceiptCounts:
    """The engine's counters of one receipt message (the sender's numbers).

    Attributes:
        eligible: readers counted for this message (fixed at send, minus leavers who had not read).
        read: eligible readers who read it.
        delivered: eligible readers whose client received it.
    """

    eligible: int
    read: int = 0
    delivered: int = 0

    @property
    def unread(self) -> int:
        return self.eligible - self.read


def status_after_change(
    current: ReceiptStatus, counts: ReceiptCounts, *, delivered_option: bool
) -> ReceiptStatus:
    """The aggregate status implied by ``counts``; only ever moves forward (rules 5 and 8).

    A message with no eligible reader at all (a group where the sender is alone) stays where it is:
    nobody can complete it, so it waits for expiry like any unread receipt.
    """
    if current not in ACTIVE or counts.eligible == 0:
        return current
    if counts.unread == 0:
        return transition(current, ReceiptStatus.DONE)
    if delivered_option and current is ReceiptStatus.PROCESSING and counts.delivered >= counts.eligible:
        return transition(current, ReceiptStatus.DELIVERED)
    return current


def receiver_view(aggregate: ReceiptStatus, has_read: bool) -> ReceiptStatus:
    """What a receiver sees of a receipt message (SDK: PROCESSING until it reads it)."""
    if aggregate is ReceiptStatus.NONE:
        return ReceiptStatus.NONE
    if has_read:
        return ReceiptStatus.DONE
    if aggregate is ReceiptStatus.EXPIRED:
        return ReceiptStatus.EXPIRED
    if aggregate is ReceiptStatus.DONE:
        # Everyone still eligible read it; this reader is not among them (it left first).
        return ReceiptStatus.DONE
    return ReceiptStatus.PROCESSING


Range = tuple[int, int]


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

    def __iter__(self):  # type: ignore[no-untyped-def]
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
