"""The engine's state in dictionaries: ``MemoryEngineStore``, the in-memory ``EngineStore``.

Tests and demos use it as it is; the SQLite store (``core.sqlitestore``) extends it, keeping the
hot state here and writing it through to disk.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from types import TracebackType

from readtick.core.devicestate import MemoryDeviceState
from readtick.core.readranges import Range
from readtick.core.receipt import awaits_read
from readtick.core.receiptfacts import Period
from readtick.core.store import MessageRecord, OutboxEvent

_AFTER_ANY_SEQ = float("inf")


@dataclass
class Membership:
    ordinal: int
    periods: tuple[Period, ...] = ()  # immutable: handed out without a copy

    @property
    def current(self) -> bool:
        return bool(self.periods) and self.periods[-1].leave_seq is None


class _NoTransaction:
    """``MemoryEngineStore.transaction()``: nothing to begin, commit or undo (and cheap)."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        return None


_NO_TRANSACTION = _NoTransaction()


class MemoryEngineStore(MemoryDeviceState):
    """The engine's state in dictionaries: fast, and gone when the process ends.

    Used by tests and by demos that need no persistence; a 10,000-member group costs one
    membership entry per member and one read-range list per reader, as in the SQLite store.
    """

    autocommit = True
    undoes_failed_operations = False

    def __init__(self) -> None:
        self._order = 0
        self._users: dict[str, None] = {}
        self._groups: dict[str, dict[str, Membership]] = {}
        self._member_order: dict[str, list[str]] = {}  # by ordinal, for paging without a scan
        self._peer_convs: dict[str, list[str]] = {}
        self._seqs: dict[str, int] = {}
        self._messages: dict[int, MessageRecord] = {}
        self._by_seq: dict[str, list[int]] = {}
        self._active: dict[str, dict[int, None]] = {}
        self._expiry_heap: list[tuple[float, int]] = []
        self._reads: dict[tuple[str, str], list[Range]] = {}
        self._delivered: dict[tuple[str, str], int] = {}
        self._outbox: dict[str, dict[int, OutboxEvent]] = {}
        self._sends: dict[tuple[str, int], int] = {}
        MemoryDeviceState.__init__(self)

    def transaction(self) -> AbstractContextManager[None]:
        """Group the writes of one engine operation.

        Nothing to roll back here: the engine checks every argument and rule before its first
        write, so an operation that fails has written nothing. The SQLite store adds real
        atomicity on top, for crashes.
        """
        return _NO_TRANSACTION

    def commit(self) -> None:
        """Nothing to make durable."""

    def close(self) -> None:
        """Nothing to release."""

    def next_order_key(self) -> int:
        self._order += 1
        return self._order

    # users
    def add_user(self, user_id: str) -> None:
        self._users.setdefault(user_id, None)

    def has_user(self, user_id: str) -> bool:
        return user_id in self._users

    def user_ids(self) -> list[str]:
        return list(self._users)

    # groups
    def add_group(self, group_id: str) -> None:
        self._groups.setdefault(group_id, {})
        self._member_order.setdefault(group_id, [])

    def has_group(self, group_id: str) -> bool:
        return group_id in self._groups

    def group_ids(self) -> list[str]:
        return list(self._groups)

    def current_members(self, group_id: str) -> list[str]:
        # dicts keep insertion order, which is ordinal order
        return [user for user, m in self._groups.get(group_id, {}).items() if m.current]

    def member_periods(self, group_id: str, user_id: str) -> Sequence[Period]:
        members = self._groups.get(group_id)
        m = members.get(user_id) if members is not None else None
        return m.periods if m is not None else ()

    def member_ordinal(self, group_id: str, user_id: str) -> int:
        members = self._groups.get(group_id)
        m = members.get(user_id) if members is not None else None
        return m.ordinal if m is not None else 0

    def open_period(self, group_id: str, user_id: str, join_seq: int) -> None:
        members = self._groups[group_id]
        m = members.get(user_id)
        if m is None:
            m = members[user_id] = Membership(ordinal=len(members) + 1)
            self._member_order[group_id].append(user_id)
        m.periods = (*m.periods, Period(join_seq))

    def close_period(self, group_id: str, user_id: str, leave_seq: int, left_at: float) -> None:
        m = self._groups[group_id][user_id]
        m.periods = (*m.periods[:-1], m.periods[-1]._replace(leave_seq=leave_seq, left_at=left_at))

    def members_from(self, group_id: str, ordinal: int) -> Iterator[tuple[int, str, Sequence[Period]]]:
        members, order = self._groups.get(group_id, {}), self._member_order.get(group_id, [])
        for index in range(max(ordinal, 1) - 1, len(order)):
            m = members[order[index]]
            yield m.ordinal, order[index], m.periods

    def member_ids(self, group_id: str) -> Sequence[str]:
        return self._member_order.get(group_id, ())

    def current_ordinals(self, group_id: str) -> list[int]:
        return [m.ordinal for m in self._groups.get(group_id, {}).values() if m.current]

    def memberships_of(self, user_id: str) -> list[tuple[str, Sequence[Period]]]:
        return [
            (group_id, self.member_periods(group_id, user_id))
            for group_id, members in self._groups.items()
            if user_id in members
        ]

    # conversations
    def add_peer_conversation(self, key: str, user_a: str, user_b: str) -> None:
        self._peer_convs.setdefault(key, [user_a, user_b])

    def peer_conversations_of(self, user_id: str) -> list[str]:
        return [key for key, users in self._peer_convs.items() if user_id in users]

    def next_seq(self, key: str) -> int:
        self._seqs[key] = self._seqs.get(key, 0) + 1
        return self._seqs[key]

    def last_seq(self, key: str) -> int:
        return self._seqs.get(key, 0)

    # messages
    def add_message(self, record: MessageRecord) -> None:
        self._by_seq.setdefault(record.conversation_key, []).append(record.message_id)
        self._hold(record)

    def _hold(self, record: MessageRecord) -> None:
        """Keep ``record`` (its place in its conversation is already known)."""
        self._messages[record.message_id] = record
        MemoryEngineStore.save_message(self, record)
        if record.expires_at is not None and awaits_read(record.status):
            heapq.heappush(self._expiry_heap, (record.expires_at, record.message_id))

    def save_message(self, record: MessageRecord) -> None:
        active = self._active.setdefault(record.conversation_key, {})
        if awaits_read(record.status):
            active[record.message_id] = None
        else:
            active.pop(record.message_id, None)

    def get_message(self, message_id: int) -> MessageRecord | None:
        return self._messages.get(message_id)

    def add_send(self, sender: str, local_id: int, message_id: int) -> None:
        self._sends[(sender, local_id)] = message_id

    def send_of(self, sender: str, local_id: int) -> MessageRecord | None:
        message_id = self._sends.get((sender, local_id))
        return None if message_id is None else self.get_message(message_id)

    def messages_between(self, key: str, low: int, high: int) -> list[MessageRecord]:
        ids = self._by_seq.get(key, [])
        low, high = max(low, 1), min(high, len(ids))
        get = self.get_message  # the SQLite store loads what it does not hold yet
        return [get(ids[seq - 1]) for seq in range(low, high + 1)]  # type: ignore[misc]

    def receipt_seqs_between(self, key: str, low: int, high: int, not_from: str) -> list[int]:
        return [
            r.seq
            for r in self.messages_between(key, low, high)
            if r.has_receipt and r.sender_user_id != not_from
        ]

    def active_messages(self, key: str) -> list[MessageRecord]:
        return [self._messages[i] for i in self._active.get(key, {})]

    def next_expiry(self) -> float | None:
        while self._expiry_heap:
            expires_at, message_id = self._expiry_heap[0]
            if awaits_read(self._messages[message_id].status):
                return expires_at
            heapq.heappop(self._expiry_heap)
        return None

    def due_expiries(self, now: float) -> list[MessageRecord]:
        # Popped for good: the engine expires every record returned, in the same operation.
        due = []
        while self._expiry_heap and self._expiry_heap[0][0] <= now:
            _, message_id = heapq.heappop(self._expiry_heap)
            if awaits_read(self._messages[message_id].status):
                due.append(self._messages[message_id])
        return due

    # per-reader state
    def read_ranges(self, key: str, user_id: str) -> list[Range]:
        return list(self._reads.get((key, user_id), []))

    def has_read(self, key: str, user_id: str, seq: int) -> bool:
        ranges = self._reads.get((key, user_id))
        if not ranges:
            return False
        i = bisect.bisect_right(ranges, (seq, _AFTER_ANY_SEQ)) - 1
        return i >= 0 and ranges[i][1] >= seq

    def save_read_ranges(self, key: str, user_id: str, ranges: list[Range]) -> None:
        self._reads[(key, user_id)] = list(ranges)

    def delivered_seq(self, key: str, user_id: str) -> int:
        return self._delivered.get((key, user_id), 0)

    def save_delivered_seq(self, key: str, user_id: str, seq: int) -> None:
        self._delivered[(key, user_id)] = seq

    # outbox
    def add_outbox(self, user_id: str, order_key: int, event: OutboxEvent) -> None:
        self._outbox.setdefault(user_id, {})[order_key] = event

    def outbox(self, user_id: str) -> list[tuple[int, OutboxEvent]]:
        return sorted(self._outbox.get(user_id, {}).items())

    def remove_outbox(self, user_id: str, order_key: int) -> None:
        self._outbox.get(user_id, {}).pop(order_key, None)
