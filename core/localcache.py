"""A client's local message cache: its messages as it last saw them, and its last known infos.

The client answers ``query_history_message`` from here (also while offline), exactly as an SDK
answers from its local database. ``LocalCache`` is the protocol; ``MemoryLocalCache`` keeps it
in dictionaries, ``core.sqlitecache`` on disk.

History is read by page: ``messages_before`` / ``messages_after`` answer "the N messages next to
message K" from an index in time proportional to N, never to the conversation's length, so a
100,000-message conversation opens and scrolls as fast as a short one.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Protocol

from readtick.core.enums import ConversationType, MessageDirection, SentStatus
from readtick.core.messages import Message
from readtick.core.receipt import awaits_read
from readtick.core.results import MessageReceiptInfo
from readtick.core.validation import invalid

CacheKey = int
ConversationRef = tuple[str, ConversationType]


def cache_key(message: Message) -> CacheKey:
    """Messages the engine accepted are keyed by ``message_id``; failed sends by their local id."""
    return message.message_id if message.message_id else -message.local_message_id


HISTORY_PAGE_MAX = 100
"""Most messages one ``query_history_message`` page may hold."""


def history_page(
    cache: LocalCache,
    conversation_id: str,
    conversation_type: ConversationType,
    next_message: Message | None,
    count: int,
    reverse: bool,
) -> list[Message]:
    """One page of a conversation in ``cache``, oldest first: the ``count`` messages before
    ``next_message`` (or the newest) if ``reverse``, else the ``count`` after it (or the oldest).
    One page is read from the cache, never the whole conversation."""
    anchor = None
    if next_message is not None:
        if not isinstance(next_message, Message):
            raise invalid(f"next_message must be a Message, got {type(next_message).__name__}")
        anchor = cache_key(next_message)
        held = cache.get(anchor)
        if held is None or (held.conversation_id, held.conversation_type) != (
            conversation_id,
            conversation_type,
        ):
            raise invalid(
                f"next_message {next_message.message_id} is not in this client's history "
                f"of {conversation_id!r}"
            )
    read_page = cache.messages_before if reverse else cache.messages_after
    return read_page(conversation_id, conversation_type, anchor, count)[::-1]  # pages come newest first


class LocalCache(Protocol):
    """One client's cached messages (in arrival order per conversation) and receipt infos."""

    def transaction(self) -> AbstractContextManager[None]:
        """Make the writes inside one unit: all of them survive a kill, or none."""

    def put(self, message: Message) -> None:
        """Insert a message, or replace the cached copy with the same key in place."""

    def replace(self, key: CacheKey, message: Message) -> None:
        """Put ``message`` in the place of the copy cached under ``key`` (a sender's draft that
        the engine accepted: it keeps its place in its conversation, under its new key)."""

    def get(self, key: CacheKey) -> Message | None: ...

    def sending(self) -> list[Message]:
        """The copies still SENDING (a send a killed process left unsettled), oldest first."""

    def conversation(self, conversation_id: str, conversation_type: ConversationType) -> list[Message]:
        """Every cached message of a conversation, oldest first (costs the whole conversation:
        views and history pages use ``messages_before`` / ``messages_after``)."""

    def messages_before(
        self, conversation_id: str, conversation_type: ConversationType, key: CacheKey | None, count: int
    ) -> list[Message]:
        """Up to ``count`` messages of the conversation that arrived before the one keyed
        ``key`` (with None: the newest ones), newest first. A key this conversation does not
        hold gives an empty list."""

    def messages_after(
        self, conversation_id: str, conversation_type: ConversationType, key: CacheKey | None, count: int
    ) -> list[Message]:
        """Up to ``count`` messages of the conversation that arrived after the one keyed ``key``
        (with None: the oldest ones), newest first. A key this conversation does not hold gives
        an empty list."""

    def conversations(self) -> list[ConversationRef]: ...

    def awaiting_read(self) -> list[int]:
        """Ids of the received messages whose receipt still waits for this client's read."""

    def put_info(self, info: MessageReceiptInfo) -> None: ...

    def info(self, message_id: int) -> MessageReceiptInfo | None: ...

    def next_local_id(self) -> int:
        """A new local message id, never reused (also across restarts of a persistent cache)."""

    def close(self) -> None: ...


class MemoryLocalCache:
    """``LocalCache`` in dictionaries: per conversation the keys in arrival order, and each key's
    place in that list (a message keeps its place when replaced), so a page is one slice."""

    def __init__(self) -> None:
        self._messages: dict[CacheKey, Message] = {}
        self._order: dict[ConversationRef, list[CacheKey]] = {}
        self._place: dict[CacheKey, int] = {}
        self._infos: dict[int, MessageReceiptInfo] = {}
        self._local_id = 0

    def transaction(self) -> AbstractContextManager[None]:
        """Nothing to make atomic: a dictionary write cannot be half done."""
        return nullcontext()

    def put(self, message: Message) -> None:
        key = cache_key(message)
        if key not in self._messages:
            ref = (message.conversation_id, message.conversation_type)
            keys = self._order.setdefault(ref, [])
            self._place[key] = len(keys)
            keys.append(key)
        self._messages[key] = message

    def replace(self, key: CacheKey, message: Message) -> None:
        old = self._messages.pop(key, None)
        if old is None:
            self.put(message)
            return
        new_key = cache_key(message)
        order = self._order[(old.conversation_id, old.conversation_type)]
        position = self._place.pop(key)
        order[position] = new_key
        self._place[new_key] = position
        self._messages[new_key] = message

    def get(self, key: CacheKey) -> Message | None:
        return self._messages.get(key)

    def sending(self) -> list[Message]:
        return [m for m in self._messages.values() if m.sent_status is SentStatus.SENDING]

    def conversation(self, conversation_id: str, conversation_type: ConversationType) -> list[Message]:
        keys = self._order.get((conversation_id, ConversationType(conversation_type)), [])
        return [self._messages[k] for k in keys]

    def messages_before(
        self, conversation_id: str, conversation_type: ConversationType, key: CacheKey | None, count: int
    ) -> list[Message]:
        keys = self._order.get((conversation_id, ConversationType(conversation_type)), [])
        end = len(keys) if key is None else self._place_in(keys, key)
        if end is None:
            return []
        return [self._messages[k] for k in reversed(keys[max(0, end - count) : end])]

    def messages_after(
        self, conversation_id: str, conversation_type: ConversationType, key: CacheKey | None, count: int
    ) -> list[Message]:
        keys = self._order.get((conversation_id, ConversationType(conversation_type)), [])
        place = -1 if key is None else self._place_in(keys, key)
        if place is None:
            return []
        return [self._messages[k] for k in reversed(keys[place + 1 : place + 1 + count])]

    def _place_in(self, keys: list[CacheKey], key: CacheKey) -> int | None:
        """Where ``key`` is in ``keys`` (one conversation's order), None if it is not there."""
        place = self._place.get(key)
        return place if place is not None and place < len(keys) and keys[place] == key else None

    def conversations(self) -> list[ConversationRef]:
        return list(self._order)

    def awaiting_read(self) -> list[int]:
        return [
            m.message_id
            for m in self._messages.values()
            if m.direction is MessageDirection.RECEIVE and awaits_read(m.receipt_status)
        ]

    def put_info(self, info: MessageReceiptInfo) -> None:
        self._infos[info.message_id] = info

    def info(self, message_id: int) -> MessageReceiptInfo | None:
        return self._infos.get(message_id)

    def next_local_id(self) -> int:
        self._local_id += 1
        return self._local_id

    def close(self) -> None:
        """Nothing to release."""
