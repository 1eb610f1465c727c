"""What the engine keeps and how it asks for it: its records and the ``EngineStore`` protocol.

The engine talks to storage only through ``EngineStore``, so the in-memory store
(``core.memorystore``, for tests and demos) and the SQLite store (``core.sqlitestore``) are
interchangeable. Each engine operation runs inside
one ``transaction()``: it either happens whole or not at all. A store with ``autocommit`` off
keeps what operations wrote until ``commit()`` (``core.groupcommit`` batches one loop turn).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from readtick.core.enums import ConversationType, MessageType, ReceiptStatus
from readtick.core.readranges import Range
from readtick.core.receiptfacts import PEER_RECEIVER_PERIODS, Period, ReceiptMessage
from readtick.core.results import MessageReceiptInfo


def peer_key(user_a: str, user_b: str) -> str:
    """The engine's key of the one-to-one conversation between two users (order-free)."""
    low, high = sorted((user_a, user_b))
    return f"peer\x1f{low}\x1f{high}"


def group_key(group_id: str) -> str:
    """The engine's key of a group conversation."""
    return f"group\x1f{group_id}"


@dataclass
class MessageRecord:
    """One message as the engine stores it (mutable; only the engine changes it).

    Attributes:
        message_id: engine-wide id; also its place in the engine's global order.
        conversation_key: ``peer_key`` or ``group_key``.
        conversation_type: PEER or GROUP.
        target_id: the receiving user (PEER) or the group (GROUP).
        sender_user_id: who sent it.
        seq: position in the conversation, from 1.
        message_type, payload: the content (``Message.payload()``).
        timestamp: engine-clock seconds at acceptance.
        status: the aggregate receipt status (NONE without a receipt).
        eligible, read, delivered: the receipt counters (see ``core.receiptfacts.ReceiptCounts``).
        expires_at: engine-clock seconds when an unfinished receipt expires (None without one).
        read_time: engine-clock seconds of the latest read.
    """

    message_id: int
    conversation_key: str
    conversation_type: ConversationType
    target_id: str
    sender_user_id: str
    seq: int
    message_type: MessageType
    payload: dict[str, object]
    timestamp: float
    status: ReceiptStatus
    eligible: int = 0
    read: int = 0
    delivered: int = 0
    expires_at: float | None = None
    read_time: float = 0.0

    @property
    def has_receipt(self) -> bool:
        return self.status is not ReceiptStatus.NONE


MESSAGE_RECEIPT, CONVERSATION_RECEIPT, RECEIPT_EXPIRED = (
    "message_receipt",
    "conversation_receipt",
    "receipt_expired",
)
"""The kinds of ``OutboxEvent``."""


@dataclass(frozen=True)
class OutboxEvent:
    """A receipt event for one user's client (waiting in the outbox until it is taken).

    Attributes:
        kind: ``MESSAGE_RECEIPT`` or ``CONVERSATION_RECEIPT``: which handler method gets it;
            ``RECEIPT_EXPIRED``: the user's copies of messages it received expired unread (never
            kept in the outbox: the engine derives it again on reconnect).
        infos: the infos, from the receiving user's side.
    """

    kind: str
    infos: tuple[MessageReceiptInfo, ...]


class EngineStore(Protocol):
    """Everything the engine reads and writes. Methods never validate: the engine does.

    ``autocommit``: the outermost ``transaction()`` (or a write outside any) commits when it ends;
    when off, writes wait for ``commit()``. ``undoes_failed_operations``: an operation that raises
    inside ``transaction()`` is undone, with every uncommitted write (the state is reloaded from
    the last commit); a store without it writes nothing before the engine's checks pass.
    """

    autocommit: bool
    undoes_failed_operations: bool

    def transaction(self) -> AbstractContextManager[None]: ...
    def commit(self) -> None: ...
    def close(self) -> None: ...
    def next_order_key(self) -> int: ...

    def add_user(self, user_id: str) -> None: ...
    def has_user(self, user_id: str) -> bool: ...
    def user_ids(self) -> list[str]: ...

    def add_group(self, group_id: str) -> None: ...
    def has_group(self, group_id: str) -> bool: ...
    def group_ids(self) -> list[str]: ...
    def current_members(self, group_id: str) -> list[str]: ...
    def member_periods(self, group_id: str, user_id: str) -> Sequence[Period]: ...
    def member_ordinal(self, group_id: str, user_id: str) -> int:
        """The member's place in the group (1, 2, ...; 0 if it never was a member)."""
        ...

    def open_period(self, group_id: str, user_id: str, join_seq: int) -> None: ...
    def close_period(self, group_id: str, user_id: str, leave_seq: int, left_at: float) -> None: ...
    def members_from(self, group_id: str, ordinal: int) -> Iterator[tuple[int, str, Sequence[Period]]]: ...
    def member_ids(self, group_id: str) -> Sequence[str]:
        """Everyone who ever was a member, by ordinal (``member_ids(g)[ordinal - 1]``)."""
        ...

    def current_ordinals(self, group_id: str) -> list[int]: ...
    def memberships_of(self, user_id: str) -> list[tuple[str, Sequence[Period]]]: ...

    def add_peer_conversation(self, key: str, user_a: str, user_b: str) -> None: ...
    def peer_conversations_of(self, user_id: str) -> list[str]: ...
    def next_seq(self, key: str) -> int: ...
    def last_seq(self, key: str) -> int: ...

    def add_message(self, record: MessageRecord) -> None: ...
    def add_send(self, sender: str, local_id: int, message_id: int) -> None:
        """``sender`` (a client: ``user`` or ``user/device``) sent its ``local_id`` as this message."""
        ...

    def send_of(self, sender: str, local_id: int) -> MessageRecord | None: ...
    def save_message(self, record: MessageRecord) -> None: ...
    def get_message(self, message_id: int) -> MessageRecord | None: ...
    def messages_between(self, key: str, low: int, high: int) -> list[MessageRecord]: ...
    def receipt_seqs_between(self, key: str, low: int, high: int, not_from: str) -> list[int]: ...
    def active_messages(self, key: str) -> list[MessageRecord]: ...
    def next_expiry(self) -> float | None: ...
    def due_expiries(self, now: float) -> list[MessageRecord]: ...

    def read_ranges(self, key: str, user_id: str) -> list[Range]: ...
    def has_read(self, key: str, user_id: str, seq: int) -> bool: ...
    def save_read_ranges(self, key: str, user_id: str, ranges: list[Range]) -> None: ...
    def delivered_seq(self, key: str, user_id: str) -> int: ...
    def save_delivered_seq(self, key: str, user_id: str, seq: int) -> None: ...

    def add_outbox(self, user_id: str, order_key: int, event: OutboxEvent) -> None: ...
    def outbox(self, user_id: str) -> list[tuple[int, OutboxEvent]]: ...
    def remove_outbox(self, user_id: str, order_key: int) -> None: ...

    # devices (core.devicestate): each remembered device of a user has its own cursors
    def devices_of(self, user_id: str) -> list[str]: ...
    def add_device(self, user_id: str, device_id: str, events_taken: int) -> None: ...
    def touch_device(self, user_id: str, device_id: str) -> None: ...
    def forget_device(self, user_id: str, device_id: str) -> None: ...
    def events_taken(self, user_id: str, device_id: str) -> int: ...
    def save_events_taken(self, user_id: str, device_id: str, order_key: int) -> None: ...
    def took_events(self, user_id: str, device_id: str, order_keys: Sequence[int]) -> None: ...
    def device_seq(self, key: str, user_id: str, device_id: str) -> int: ...
    def save_device_seq(self, key: str, user_id: str, device_id: str, seq: int) -> None: ...


class StoreFacts:
    """What the receipt rules ask about a user and a message (``core.receiptfacts.ReaderFacts``),
    answered from a store."""

    def __init__(self, store: EngineStore) -> None:
        self._store = store

    def periods(self, message: ReceiptMessage, user: str) -> Sequence[Period]:
        if message.conversation_type is ConversationType.GROUP:
            return self._store.member_periods(message.target_id, user)
        return PEER_RECEIVER_PERIODS if user == message.target_id else ()

    def has_read(self, message: ReceiptMessage, user: str) -> bool:
        return self._store.has_read(message.conversation_key, user, message.seq)

    def has_received(self, message: ReceiptMessage, user: str) -> bool:
        return self._store.delivered_seq(message.conversation_key, user) >= message.seq
