"""A client's local message cache: its messages as it last saw them, and its last known infos.

The client answers ``query_history_message`` from here (also while offline), exactly as an SDK
answers from its local database. ``LocalCache`` is the protocol; ``MemoryLocalCache`` keeps it
in dictionaries, ``core.sqlitestore`` on disk.
"""

from __future__ import annotations

from typing import Protocol

from readtick.core.enums import ConversationType, MessageDirection
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
    cached: list[Message], conversation_id: str, next_message: Message | None, count: int, reverse: bool
) -> list[Message]:
    """One page of the ``cached`` messages of ``conversation_id`` (oldest first): the ``count``
    before ``next_message`` (or the newest) if ``reverse``, else the ``count`` after it (or the oldest)."""
    if next_message is None:
        anchor = len(cached) if reverse else -1
    else:
        if not isinstance(next_message, Message):
            raise invalid(f"next_message must be a Message, got {type(next_message).__name__}")
        keys = [cache_key(m) for m in cached]
        try:
            anchor = keys.index(cache_key(next_message))
        except ValueError:
            raise invalid(
                f"next_message {next_message.message_id} is not in this client's history "
                f"of {conversation_id!r}"
            ) from None
    return cached[max(0, anchor - count) : anchor] if reverse else cached[anchor + 1 : anchor + 1 + count]


class LocalCache(Protocol):
    """One client's cached messages (in arrival order per conversation) and receipt infos."""

    def put(self, message: Message) -> None:
        """Insert a message, or replace the cached copy with the same key in place."""

    def get(self, key: CacheKey) -> Message | None: ...

    def conversation(self, conversation_id: str, conversation_type: ConversationType) -> list[Message]:
        """Every cached message of a conversation, oldest first."""

    def conversations(self) -> list[ConversationRef]: ...

    def awaiting_read(self) -> list[int]:
        """Ids of the received messages whose receipt still waits for this client's read."""

    def put_info(self, info: MessageReceiptInfo) -> None: ...

    def info(self, message_id: int) -> MessageReceiptInfo | None: ...

    def next_local_id(self) -> int:
        """A new local message id, never reused (also across restarts of a persistent cache)."""

    def close(self) -> None: ...


class MemoryLocalCache:
    """``LocalCache`` in dictionaries."""

    def __init__(self) -> None:
        self._messages: dict[CacheKey, Message] = {}
        self._order: dict[ConversationRef, list[CacheKey]] = {}
        self._infos: dict[int, MessageReceiptInfo] = {}
        self._local_id = 0

    def put(self, message: Message) -> None:
        key = cache_key(message)
        if key not in self._messages:
            ref = (message.conversation_id, message.conversation_type)
            self._order.setdefault(ref, []).append(key)
        self._messages[key] = message

    def get(self, key: CacheKey) -> Message | None:
        return self._messages.get(key)

    def conversation(self, conversation_id: str, conversation_type: ConversationType) -> list[Message]:
        keys = self._order.get((conversation_id, ConversationType(conversation_type)), [])
        return [self._messages[k] for k in keys]

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
