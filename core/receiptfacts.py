"""What the receipt rules read: membership periods, a message's shape, the reader facts, the counters.

``core.receipt`` decides; this module only describes what it decides on. A member's stretches of
membership are ``Period``s of the conversation's sequence numbers (a peer conversation's receiver
is a member from the start who never leaves); ``ReceiptMessage`` and ``ReaderFacts`` are what the
engine's records and store answer; ``ReceiptCounts`` are the sender's numbers of one message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from readtick.core.enums import ConversationType, ReceiptStatus


class Period(NamedTuple):
    """One stretch of membership. The member received the messages with ``join_seq < seq`` and,
    once ``leave_seq`` is set, ``seq <= leave_seq``; ``left_at`` is the engine-clock time it left
    (``None`` while it is a member, and on periods saved before readtick recorded it)."""

    join_seq: int
    leave_seq: int | None = None
    left_at: float | None = None


PEER_RECEIVER_PERIODS: tuple[Period, ...] = (Period(0),)
"""A peer conversation's receiver: there from before its first message, never leaving."""


class ReceiptMessage(Protocol):
    """What the rules read of a message (the engine's ``MessageRecord`` is one)."""

    conversation_key: str
    conversation_type: ConversationType
    target_id: str
    sender_user_id: str
    seq: int
    status: ReceiptStatus
    expires_at: float | None


class ReaderFacts(Protocol):
    """What the rules ask about one user and one message; the engine answers from its store."""

    def periods(self, message: ReceiptMessage, user: str) -> Sequence[Period]:
        """``user``'s periods in the message's conversation (``PEER_RECEIVER_PERIODS`` for a
        peer conversation's receiver, none for its sender)."""
        ...

    def has_read(self, message: ReceiptMessage, user: str) -> bool: ...

    def has_received(self, message: ReceiptMessage, user: str) -> bool:
        """Whether ``user``'s client has taken the message (delivered)."""
        ...


def member_when_sent(periods: Sequence[Period], seq: int) -> bool:
    """Whether a member with these ``periods`` received the message at ``seq`` (read ranges join
    across others' receipt messages only where the reader was not a member: ``core.readranges``)."""
    # a plain loop: this runs once per member on every fan-out, and any() over a generator costs
    # twice as much
    for join, leave, _ in periods:
        if join < seq and (leave is None or seq <= leave):
            return True
    return False


def period_at(periods: Sequence[Period], seq: int) -> Period | None:
    """The period in which a member received the message at ``seq`` (periods never overlap)."""
    for period in periods:
        join, leave, _ = period
        if join < seq and (leave is None or seq <= leave):
            return period
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
