"""Every receipt rule in one place: the status state machine, who reads, what is readable, the limits.

Theory of operation
-------------------
A message sent with ``has_receipt`` has one *aggregate* receipt status, the sender's view:

    PROCESSING ──(every eligible reader's client received it; DELIVERED option on)──▶ DELIVERED
    PROCESSING ──(unread count reaches 0)──▶ DONE          DELIVERED ──(unread 0)──▶ DONE
    PROCESSING / DELIVERED ──(receipt lifetime passed)──▶ EXPIRED
    (send failed) ──▶ FAILED            (no receipt asked) ──▶ NONE

DONE, EXPIRED, FAILED and NONE are final: a status never moves backwards, and a transition that is
not in ``TRANSITIONS`` raises ``IllegalTransition`` and changes nothing.

The *recipients* of a message are fixed when it is sent: the other participant of a peer
conversation, or the group's members at that moment minus the sender. Its *eligible readers* are
the recipients minus those who left the group before reading it while it was still open:
eligibility can only be lost, never gained (a rejoin does not bring it back, and leaving again
takes nothing more off), so ``read + unread == eligible`` holds at every step and a late joiner
never counts. Once a receipt is final its counts and member lists freeze: a member leaving after
it EXPIRED stays on its unread list. Membership is kept as *periods* (join and leave seq, and the
time of the leave) of a conversation's sequence numbers; a peer conversation's receiver is treated
as a member from the start who never leaves. Periods, the message and reader-facts protocols and
the counters are described in ``core.receiptfacts``; the rules are here.
Who read what is kept as read ranges (``core.readranges``); counts are kept on the message and
moved by one per read.

A receiver's view of a message is derived, never stored per receiver: DONE if it read it, EXPIRED
if the receipt expired before it did, PROCESSING otherwise (DELIVERED is the sender's view only).
A client's cached copy of a message follows what it hears only forwards (``copy_status_after``).

The rules, numbered as in the README; each names what here decides it
------------------------------------------------------------------------
 1. Who may ask for a receipt: PEER and GROUP, TEXT/IMAGE/FILE/AUDIO/VIDEO/COMBINE/MULTIPLE
    (``receipt_refusal``).
 2. After a send: PROCESSING with a receipt, NONE without; a failed receipt send is FAILED
    (``status_at_send``, ``status_of_failed_send``).
 3. Message read: at most ``READ_LIMIT`` per call, only messages of that conversation that the
    caller is still eligible for and whose receipt is still open (``unreadable_reason``), and that
    reached the caller's client.
 4. Conversation read: PEER only; what the other side sent and the caller had received before the
    call (``conversation_read_refusal``, ``covered_by_conversation_read``).
 5. Group counts: recipients and eligible readers as above (``is_recipient``, ``is_eligible``,
    ``readers_at_send``, ``drops_out_on_leaving``); the status follows the counts
    (``status_after_change``).
 6. Who sees counts: only the sender; others see their own view (``receiver_view``); a message
    without a receipt has no info (``without_receipt``).
 7. Member lists: the caller's own group receipt messages (``member_list_refusal``), pages of
    ``MEMBER_PAGE_MIN``..``MEMBER_PAGE_MAX``, every eligible member once (``member_lists``).
 8. DELIVERED (engine option) once every eligible reader's client has it (``status_after_change``).
 9. Expiry at send time + lifetime (``DEFAULT_RECEIPT_LIFETIME``, ``expiry_time``); the sender and
    every recipient who has not read it hear of it (``hears_of_expiry``).
10. Monotonic and idempotent (``TRANSITIONS``, ``transition``, ``copy_status_after``).
11. Conversation unread counters are not receipts: nothing here touches them.
12. Authority: a user sees and reads only what it sent or received (``may_see``), and a client
    reads only what reached it (``reached_client``); the engine takes the acting user and device
    from the client's login (``core.sessions``), never from an attribute the caller can change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from readtick.core.enums import ConversationType, MessageType, ReceiptFilter, ReceiptStatus
from readtick.core.receiptfacts import (
    Period,
    ReaderFacts,
    ReceiptCounts,
    ReceiptMessage,
    member_when_sent,
    period_at,
)

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

# ---------------------------------------------------------------------- the state machine (rule 10)
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


def copy_status_after(current: ReceiptStatus, reported: ReceiptStatus) -> ReceiptStatus:
    """What a cached copy showing ``current`` shows once it hears ``reported`` (rules 9 and 10).

    A copy only moves forwards: a report the state machine does not allow from here (a stale
    event, an answer older than what the copy already knows) leaves it as it is.
    """
    return reported if may_move(current, reported) else current


# ---------------------------------------------------------------------- asking and sending (1, 2)
def receipt_refusal(conversation_type: ConversationType, message_type: MessageType) -> str | None:
    """Why a receipt may not be asked for here (rule 1), or ``None`` if it may."""
    if conversation_type not in RECEIPT_CONVERSATION_TYPES:
        return (
            f"read receipts work only in PEER and GROUP conversations, not {conversation_type.name} "
            "(receipt rule 1)"
        )
    if message_type not in RECEIPT_MESSAGE_TYPES:
        allowed = ", ".join(t.name for t in sorted(RECEIPT_MESSAGE_TYPES))
        return (
            f"{message_type.name} messages cannot carry a read receipt; only {allowed} can (receipt rule 1)"
        )
    return None


def status_at_send(has_receipt: bool) -> ReceiptStatus:
    """Rule 2: every copy of a message starts PROCESSING with a receipt, NONE without."""
    return ReceiptStatus.PROCESSING if has_receipt else ReceiptStatus.NONE


def status_of_failed_send(has_receipt: bool) -> ReceiptStatus:
    """Rule 2: the sender's copy of a send that failed."""
    return ReceiptStatus.FAILED if has_receipt else ReceiptStatus.NONE


def without_receipt(status: ReceiptStatus) -> bool:
    """Rule 6: a message with this status has no receipt to report (its id goes to the error ids)."""
    return status in (ReceiptStatus.NONE, ReceiptStatus.UNKNOWN)


# ---------------------------------------------------------------------- who reads (rules 5, 12)
def is_recipient(
    facts: ReaderFacts, message: ReceiptMessage, user: str, periods: Sequence[Period] | None = None
) -> bool:
    """Rule 5: whether ``user`` received ``message``: the peer, or a group member when it was sent,
    never its sender. Fixed once sent. ``periods``: the user's, if the caller has them at hand."""
    if periods is None:
        periods = facts.periods(message, user)
    return user != message.sender_user_id and member_when_sent(periods, message.seq)


def is_eligible(
    facts: ReaderFacts, message: ReceiptMessage, user: str, periods: Sequence[Period] | None = None
) -> bool:
    """Rule 5: whether ``user`` counts among the message's readers now: a recipient who read it,
    or who has been a member ever since it was sent, or who left only after its receipt expired
    (counts freeze at a final status). Leaving unread before that is for good: a rejoin opens a
    new period, which never covers what was sent before it."""
    if user == message.sender_user_id:
        return False
    period = period_at(facts.periods(message, user) if periods is None else periods, message.seq)
    if period is None:
        return False
    _, leave, left_at = period
    if leave is None or facts.has_read(message, user):
        return True
    return (
        message.status is ReceiptStatus.EXPIRED
        and message.expires_at is not None
        and left_at is not None
        and left_at >= message.expires_at
    )


def readers_at_send(conversation_type: ConversationType, members: int) -> int:
    """Rule 5: the eligible count a message starts with: 1 in a peer conversation, else the group's
    ``members`` at send time minus the sender."""
    return 1 if conversation_type is ConversationType.PEER else members - 1


def drops_out_on_leaving(facts: ReaderFacts, message: ReceiptMessage, user: str) -> bool:
    """Rule 5: whether ``user`` leaving the group now takes one off the message's eligible count:
    an eligible reader who has not read it, of a receipt still open (a final one's counts stay).
    Asked before the leave is recorded; a member who already left once is no longer eligible, so
    leaving again subtracts nothing."""
    return (
        awaits_read(message.status)
        and is_eligible(facts, message, user)
        and not facts.has_read(message, user)
    )


def may_see(facts: ReaderFacts, message: ReceiptMessage, user: str) -> bool:
    """Rule 12: whether ``user`` may see this message and its receipt: its sender or a recipient."""
    return user == message.sender_user_id or is_recipient(facts, message, user)


def reached_client(message: ReceiptMessage, handed_seq: int) -> bool:
    """Rule 12: whether ``message`` reached the reading client, whose last message handed over in
    that conversation was ``handed_seq`` (a hand-built ``Message`` with the id of one still on its
    way is not readable; another device of the user may have it already)."""
    return message.seq <= handed_seq


# ---------------------------------------------------------------------- what is readable (3, 4)
def unreadable_reason(
    facts: ReaderFacts, message: ReceiptMessage | None, user: str, conversation_key: str
) -> str | None:
    """Rule 3: why ``user`` cannot read ``message`` in the conversation ``conversation_key`` now,
    or ``None`` if it can: a receipt message of that conversation that ``user`` is still eligible
    for (rule 5), not read yet and still open (the engine also asks that it reached the client)."""
    if message is None:
        return "no such message"
    if message.conversation_key != conversation_key:
        return "it belongs to another conversation"
    if message.sender_user_id == user:
        return "you sent it; only receivers read messages"
    if message.status is ReceiptStatus.NONE:
        return "it was sent without a receipt"
    if not is_recipient(facts, message, user):
        return "you were not a recipient of it"
    if facts.has_read(message, user):
        return "already read"
    if not is_eligible(facts, message, user):
        return "you left the group after it was sent; rejoining does not make it yours to read"
    if message.status is ReceiptStatus.EXPIRED:
        return "its receipt expired"
    if not awaits_read(message.status):
        return f"its receipt is {message.status.name}"
    return None


def conversation_read_refusal(conversation_type: ConversationType) -> str | None:
    """Rule 4: why a whole conversation cannot be read here, or ``None`` if it can (PEER only)."""
    if conversation_type is ConversationType.PEER:
        return None
    return (
        f"conversation read works only in PEER conversations, not {conversation_type.name}; "
        "in a group, read messages with send_message_receipts_read (receipt rule 4)"
    )


def covered_by_conversation_read(facts: ReaderFacts, message: ReceiptMessage, user: str) -> bool:
    """Rule 4: whether ``user`` reading its peer conversation reads ``message``: the other side's
    open receipt message that ``user``'s client had received before the call and not read yet."""
    return (
        message.sender_user_id != user
        and awaits_read(message.status)
        and facts.has_received(message, user)
        and not facts.has_read(message, user)
    )


# ---------------------------------------------------------------------- counts and lists (5-8)
def status_after_change(
    current: ReceiptStatus, counts: ReceiptCounts, *, delivered_option: bool
) -> ReceiptStatus:
    """The aggregate status implied by ``counts``; only ever moves forward (rules 5 and 8).

    A message with no eligible reader at all (a group where the sender is alone) stays where it is:
    nobody can complete it, so it waits for expiry like any unread receipt.
    """
    if not awaits_read(current) or counts.eligible == 0:
        return current
    if counts.unread == 0:
        return transition(current, ReceiptStatus.DONE)
    if delivered_option and current is ReceiptStatus.PROCESSING and counts.delivered >= counts.eligible:
        return transition(current, ReceiptStatus.DELIVERED)
    return current


def receiver_view(aggregate: ReceiptStatus, has_read: bool) -> ReceiptStatus:
    """Rule 6: what a receiver sees of a receipt message (PROCESSING until it reads it)."""
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


def member_list_refusal(
    message: ReceiptMessage | None, user: str, group_id: str, group_conversation_key: str
) -> str | None:
    """Rule 7: why ``user`` may not list the members of ``message`` (words to follow "message
    <id>"), or ``None`` if it may: only for its own receipt messages of that group."""
    if message is None or message.conversation_key != group_conversation_key:
        return f"is not a message of group {group_id!r}"
    if message.sender_user_id != user:
        return "was sent by someone else; member lists are for your own messages"
    if message.status is ReceiptStatus.NONE:
        return "was sent without a receipt"
    return None


def member_lists(
    facts: ReaderFacts, message: ReceiptMessage, member: str, periods: Sequence[Period] | None = None
) -> tuple[bool, bool, bool]:
    """Rule 7: whether ``member`` is on ``message``'s READ, UNREAD and DELIVERED lists (in the
    order of ``ReceiptFilter``'s values).

    Every eligible member is on exactly one of READ and UNREAD; DELIVERED lists those whose client
    has the message (a reader's client has it, whatever the link did since).
    """
    if not is_eligible(facts, message, member, periods):
        return (False, False, False)
    has_read = facts.has_read(message, member)
    return (has_read, not has_read, has_read or facts.has_received(message, member))


def lists_member(
    facts: ReaderFacts,
    message: ReceiptMessage,
    member: str,
    member_filter: ReceiptFilter,
    periods: Sequence[Period] | None = None,
) -> bool:
    """Rule 7: whether ``member`` is on ``message``'s READ, UNREAD or DELIVERED list."""
    return member_lists(facts, message, member, periods)[member_filter]


# ---------------------------------------------------------------------- expiry (rule 9)
def expiry_time(sent_at: float, lifetime: timedelta) -> float:
    """Rule 9: the clock reading at which an unfinished receipt sent at ``sent_at`` expires."""
    return sent_at + lifetime.total_seconds()


def hears_of_expiry(facts: ReaderFacts, message: ReceiptMessage, user: str) -> bool:
    """Rule 9: whether ``user``'s copy of an expired ``message`` moves to EXPIRED: every recipient
    who had not read it (the sender hears through its own receipt event)."""
    return is_recipient(facts, message, user) and not facts.has_read(message, user)
