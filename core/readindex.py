"""Who is on which member list of a group receipt message, one byte per member, for member pages.

Rule 7's lists (READ, UNREAD, DELIVERED) are answered a page at a time. Walking the group's members
and asking the rules about each one costs a scan from the page's start to its 100th listed member:
at 1 % read, listing readers scans the whole 10,000-member group for every page. Instead each
message gets one byte per member, by the member's ordinal (its place in the group), with one bit
per list, as ``core.receipt.member_lists`` says. A page is then a C-speed regular-expression scan
of those bytes from the page's key (``next_flag`` is the ordinal of the next member to list: keyset
paging, never an offset), whatever the read fraction.

The bytes are derived state, never stored: a new message starts from its group's current members
(the readers at send, rule 5), a byte is asked of the rules again whenever one of its facts changes
(the member read it, its client received it, its membership changed), and a message not seen since
the process started is built from the rules on its first page. At most ``CAPACITY`` messages are
kept (the most recently used).
"""

from __future__ import annotations

import re
from collections import OrderedDict

from readtick.core.enums import ConversationType, ReceiptFilter
from readtick.core.receipt import member_lists
from readtick.core.receiptfacts import ReaderFacts
from readtick.core.store import EngineStore, MessageRecord

CAPACITY = 256
"""Messages whose bytes are kept (10,000 members: 10 KB each)."""

_BITS = {ReceiptFilter.READ: 1, ReceiptFilter.UNREAD: 2, ReceiptFilter.DELIVERED: 4}
_SCANS = {
    member_filter: re.compile(b"[" + b"".join(re.escape(bytes([v])) for v in range(8) if v & bit) + b"]")
    for member_filter, bit in _BITS.items()
}


def _byte(lists: tuple[bool, bool, bool]) -> int:
    read, unread, delivered = lists
    return read | unread << 1 | delivered << 2


_UNREAD = _byte((False, True, False))
"""A member at send time: eligible, not read, its client does not have it yet (rule 5)."""


class ReadIndex:
    """The member-list bytes of the group receipt messages the engine pages through.

    Args:
        store: where members, read ranges and delivered cursors live.
        facts: the rules' view of that store.
    """

    def __init__(self, store: EngineStore, facts: ReaderFacts) -> None:
        self._store = store
        self._facts = facts
        self._bytes: OrderedDict[int, bytearray] = OrderedDict()
        self._groups: dict[str, set[int]] = {}  # group -> message ids held, for membership changes
        self._current: dict[str, bytearray] = {}  # group -> its current members' bytes for a new message
        self.builds = 0  # messages built from the rules (tests count them)

    def clear(self) -> None:
        """Forget everything (the store's state was reloaded)."""
        self._bytes.clear()
        self._groups.clear()
        self._current.clear()

    # ------------------------------------------------------------------ keeping it true
    def sent(self, record: MessageRecord) -> None:
        """A new group receipt message: its current members (but its sender) are unread."""
        if not self._indexed(record):
            return
        group = record.target_id
        mask = self._current.get(group)
        if mask is None:
            mask = bytearray(len(self._store.member_ids(group)) + 1)  # [0] unused: ordinals start at 1
            for ordinal in self._store.current_ordinals(group):
                mask[ordinal] = _UNREAD
            self._current[group] = mask
        data = bytearray(mask)
        data[self._store.member_ordinal(group, record.sender_user_id)] = 0
        self._keep(record, data)

    def changed(self, record: MessageRecord, user: str) -> None:
        """A fact about ``user`` and ``record`` changed (a read, a delivery)."""
        data = self._bytes.get(record.message_id)
        if data is not None:
            self._set(data, record, user)

    def listed(self, record: MessageRecord, user: str, lists: tuple[bool, bool, bool]) -> None:
        """What ``member_lists`` just said of ``user`` and ``record`` (the caller asked it anyway)."""
        data = self._bytes.get(record.message_id)
        if data is not None:
            ordinal = self._store.member_ordinal(record.target_id, user)
            if 0 < ordinal < len(data):
                data[ordinal] = _byte(lists)
            elif ordinal:
                self._set(data, record, user)

    def membership_changed(self, group_id: str, user: str) -> None:
        """``user`` joined or left ``group_id``: its byte may change in every message held."""
        self._current.pop(group_id, None)
        for message_id in list(self._groups.get(group_id, ())):
            record = self._store.get_message(message_id)
            data = self._bytes.get(message_id)
            if record is not None and data is not None:
                self._set(data, record, user)

    # ------------------------------------------------------------------ pages
    def page(
        self, record: MessageRecord, member_filter: ReceiptFilter, start: int, count: int
    ) -> tuple[int, list[str]]:
        """Up to ``count`` members on the list from ordinal ``start`` on, and the ordinal of the
        next one listed (0 if none is left)."""
        data = self._bytes.get(record.message_id)
        if data is None:
            data = self._build(record)
        else:
            self._bytes.move_to_end(record.message_id)
        members = self._store.member_ids(record.target_id)
        page: list[str] = []
        for match in _SCANS[member_filter].finditer(data, max(start, 1)):
            if len(page) == count:
                return match.start(), page
            page.append(members[match.start() - 1])
        return 0, page

    # ------------------------------------------------------------------ internals
    @staticmethod
    def _indexed(record: MessageRecord) -> bool:
        return record.conversation_type is ConversationType.GROUP and record.has_receipt

    def _build(self, record: MessageRecord) -> bytearray:
        self.builds += 1
        members = self._store.member_ids(record.target_id)
        data = bytearray(len(members) + 1)
        for ordinal, member, periods in self._store.members_from(record.target_id, 1):
            data[ordinal] = _byte(member_lists(self._facts, record, member, periods))
        self._keep(record, data)
        return data

    def _set(self, data: bytearray, record: MessageRecord, user: str) -> None:
        ordinal = self._store.member_ordinal(record.target_id, user)
        if ordinal == 0:
            return
        if ordinal >= len(data):
            data.extend(bytes(ordinal + 1 - len(data)))
        data[ordinal] = _byte(member_lists(self._facts, record, user))

    def _keep(self, record: MessageRecord, data: bytearray) -> None:
        self._bytes[record.message_id] = data
        self._groups.setdefault(record.target_id, set()).add(record.message_id)
        while len(self._bytes) > CAPACITY:
            message_id, _ = self._bytes.popitem(last=False)
            for held in self._groups.values():
                held.discard(message_id)
