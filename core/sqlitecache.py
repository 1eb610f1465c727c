"""One client's local message cache in a SQLite file: ``SqliteLocalCache``, the persistent
``LocalCache``, so a client's history and last known receipt infos survive a restart and can be
read while the client is offline.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from readtick.core.enums import ConversationType, MessageDirection, MessageType, ReceiptStatus, SentStatus
from readtick.core.localcache import CacheKey, ConversationRef, cache_key
from readtick.core.messages import Message, message_from_payload
from readtick.core.results import MessageReceiptInfo
from readtick.core.sqlitedb import (
    INFO_COLUMNS,
    Database,
    DatabaseKind,
    info_from_row,
    info_to_row,
    register_kind,
    store_error,
)
from readtick.core.sqlitestore import active_sql, decode_payload, encode_payload

SCHEMA_V1 = (
    "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
    "INSERT INTO counters (name, value) VALUES ('local_id', 0)",
    # owner: the user this cache belongs to (set on first open by a caller that names it)
    "CREATE TABLE owner (user_id TEXT NOT NULL)",
    # arrival: the order of first insertion, which is the order history is shown in
    """CREATE TABLE messages (
        cache_key INTEGER PRIMARY KEY, arrival INTEGER NOT NULL UNIQUE,
        conversation_id TEXT NOT NULL, conversation_type INTEGER NOT NULL,
        message_type INTEGER NOT NULL, message_id INTEGER NOT NULL, local_message_id INTEGER NOT NULL,
        sender_user_id TEXT NOT NULL, direction INTEGER NOT NULL, sent_status INTEGER NOT NULL,
        timestamp REAL NOT NULL, order_key INTEGER NOT NULL, conversation_seq INTEGER NOT NULL,
        receipt_status INTEGER NOT NULL, payload TEXT NOT NULL)""",
    "CREATE INDEX messages_by_conversation ON messages (conversation_id, conversation_type, arrival)",
    """CREATE TABLE infos (
        message_id INTEGER PRIMARY KEY, conversation_id TEXT NOT NULL, conversation_type INTEGER NOT NULL,
        status INTEGER NOT NULL, read_member_count INTEGER NOT NULL, unread_member_count INTEGER NOT NULL,
        delivered_member_count INTEGER NOT NULL, is_self_operated INTEGER NOT NULL,
        read_time REAL NOT NULL)""",
)

AWAITING_READ_SQL = f"direction = {int(MessageDirection.RECEIVE)} AND {active_sql('receipt_status')}"
"""Received messages waiting for this client's read; the partial index uses this exact text."""

SCHEMA_V2 = (
    # what a reconnecting client reports (its open receipts) without reading the whole cache
    f"CREATE INDEX messages_awaiting_read ON messages (message_id) WHERE {AWAITING_READ_SQL}",
)

SENDING_SQL = f"sent_status = {int(SentStatus.SENDING)}"
"""Copies whose send is not settled yet; the partial index uses this exact text."""

SCHEMA_V3 = (
    # what a client checks when it connects: sends a killed process left SENDING (normally none)
    f"CREATE INDEX messages_sending ON messages (arrival) WHERE {SENDING_SQL}",
)

CACHE_KIND = register_kind(
    DatabaseKind("client cache", 0x5254_4B43, [SCHEMA_V1, SCHEMA_V2, SCHEMA_V3])
)  # "RTKC"

_FIELDS = (
    "conversation_id, conversation_type, message_type, message_id, local_message_id, sender_user_id, "
    "direction, sent_status, timestamp, order_key, conversation_seq, receipt_status, payload"
)
_UPDATES = ", ".join(f"{name} = excluded.{name}" for name in _FIELDS.split(", "))


def _message(row: tuple[Any, ...]) -> Message:
    (
        cid,
        ctype,
        mtype,
        mid,
        local_id,
        sender,
        direction,
        sent,
        timestamp,
        order_key,
        seq,
        status,
        payload,
    ) = row
    return message_from_payload(
        MessageType(mtype),
        decode_payload(payload),
        message_id=mid,
        local_message_id=local_id,
        conversation_id=cid,
        conversation_type=ConversationType(ctype),
        sender_user_id=sender,
        direction=MessageDirection(direction),
        sent_status=SentStatus(sent),
        timestamp=timestamp,
        order_key=order_key,
        conversation_seq=seq,
        receipt_status=ReceiptStatus(status),
    )


def _row(message: Message) -> tuple[Any, ...]:
    """The values of ``_FIELDS`` for ``message``."""
    return (
        message.conversation_id,
        int(message.conversation_type),
        int(message.type),
        message.message_id,
        message.local_message_id,
        message.sender_user_id,
        int(message.direction),
        int(message.sent_status),
        message.timestamp,
        message.order_key,
        message.conversation_seq,
        int(message.receipt_status),
        encode_payload(message.payload()),
    )


class SqliteLocalCache:
    """``LocalCache`` in a SQLite file (or ``":memory:"``), one file per client.

    Args:
        path: the cache file; created with its schema if missing, migrated if older.
        user_id: if given, the cache is bound to this user on first open, and opening it later
            for another user raises (two clients must never share a cache).
        synchronous: ``"FULL"`` (default) or ``"NORMAL"``; see ``core.sqlitedb.Database``.

    Raises:
        ReceiptError: STORE_ERROR if the file is corrupt, not a readtick client cache, from a
            newer readtick, or another user's; the file is then left untouched.
    """

    def __init__(self, path: str | Path, *, user_id: str | None = None, synchronous: str = "FULL") -> None:
        self._db = Database(path, CACHE_KIND, synchronous=synchronous)
        self._conn = self._db.conn
        self.path = self._db.path
        if user_id is not None:
            self._bind(user_id)

    def __repr__(self) -> str:
        return f"<SqliteLocalCache {self.path}>"

    def _bind(self, user_id: str) -> None:
        row = self._conn.execute("SELECT user_id FROM owner").fetchone()
        if row is None:
            with self._db.transaction():
                self._conn.execute("INSERT INTO owner (user_id) VALUES (?)", (user_id,))
        elif row[0] != user_id:
            self._db.close()
            raise store_error(
                self.path, f"this client cache belongs to {row[0]!r}, not {user_id!r}; it was left untouched"
            )

    @property
    def user_id(self) -> str | None:
        """The user the cache is bound to, if any."""
        row = self._conn.execute("SELECT user_id FROM owner").fetchone()
        return None if row is None else str(row[0])

    def transaction(self) -> AbstractContextManager[None]:
        return self._db.transaction()

    def sending(self) -> list[Message]:
        rows = self._conn.execute(f"SELECT {_FIELDS} FROM messages WHERE {SENDING_SQL} ORDER BY arrival")
        return [_message(r) for r in rows]

    def put(self, message: Message) -> None:
        """Insert a message, or replace the cached copy with the same key in place (keeps its place)."""
        self._conn.execute(
            f"""INSERT INTO messages (cache_key, arrival, {_FIELDS})
                VALUES (?, (SELECT COALESCE(MAX(arrival), 0) + 1 FROM messages),
                        ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (cache_key) DO UPDATE SET {_UPDATES}""",
            (cache_key(message), *_row(message)),
        )

    def replace(self, key: CacheKey, message: Message) -> None:
        """Put ``message`` in the place (arrival) of the copy cached under ``key``."""
        with self._db.atomic():
            moved = self._conn.execute(
                f"""UPDATE messages SET cache_key = ?, ({_FIELDS}) = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    WHERE cache_key = ?""",
                (cache_key(message), *_row(message), key),
            ).rowcount
            if not moved:
                self.put(message)

    def get(self, key: CacheKey) -> Message | None:
        row = self._conn.execute(f"SELECT {_FIELDS} FROM messages WHERE cache_key = ?", (key,)).fetchone()
        return _message(row) if row else None

    def conversation(self, conversation_id: str, conversation_type: ConversationType) -> list[Message]:
        """Every cached message of a conversation, oldest first."""
        rows = self._conn.execute(
            f"""SELECT {_FIELDS} FROM messages WHERE conversation_id = ? AND conversation_type = ?
                ORDER BY arrival""",
            (conversation_id, int(conversation_type)),
        )
        return [_message(r) for r in rows]

    def messages_before(
        self, conversation_id: str, conversation_type: ConversationType, key: CacheKey | None, count: int
    ) -> list[Message]:
        """Up to ``count`` messages before the one keyed ``key`` (the newest with None), newest
        first: a keyset walk down ``messages_by_conversation``, never an OFFSET."""
        return self._page("<", "DESC", conversation_id, conversation_type, key, count)

    def messages_after(
        self, conversation_id: str, conversation_type: ConversationType, key: CacheKey | None, count: int
    ) -> list[Message]:
        """Up to ``count`` messages after the one keyed ``key`` (the oldest with None), newest
        first: a keyset walk up ``messages_by_conversation``."""
        return self._page(">", "ASC", conversation_id, conversation_type, key, count)[::-1]

    def _page(
        self,
        direction: str,
        order: str,
        conversation_id: str,
        conversation_type: ConversationType,
        key: CacheKey | None,
        count: int,
    ) -> list[Message]:
        ref: tuple[object, ...] = (conversation_id, int(conversation_type))
        bound, arguments = "", ref
        if key is not None:
            # The anchor's arrival, looked up by primary key within this conversation only (an
            # anchor it does not hold compares with NULL, which matches nothing).
            bound = f"""AND arrival {direction} (SELECT arrival FROM messages
                        WHERE cache_key = ? AND conversation_id = ? AND conversation_type = ?)"""
            arguments = (*ref, key, *ref)
        rows = self._conn.execute(
            f"""SELECT {_FIELDS} FROM messages WHERE conversation_id = ? AND conversation_type = ?
                {bound} ORDER BY arrival {order} LIMIT ?""",
            (*arguments, count),
        )
        return [_message(r) for r in rows]

    def conversations(self) -> list[ConversationRef]:
        rows = self._conn.execute(
            """SELECT conversation_id, conversation_type FROM messages
               GROUP BY conversation_id, conversation_type ORDER BY MIN(arrival)"""
        )
        return [(cid, ConversationType(ctype)) for cid, ctype in rows]

    def awaiting_read(self) -> list[int]:
        rows = self._conn.execute(f"SELECT message_id FROM messages WHERE {AWAITING_READ_SQL}")
        return [message_id for (message_id,) in rows]

    def put_info(self, info: MessageReceiptInfo) -> None:
        self._conn.execute(
            f"INSERT OR REPLACE INTO infos ({INFO_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            info_to_row(info),
        )

    def info(self, message_id: int) -> MessageReceiptInfo | None:
        row = self._conn.execute(
            f"SELECT {INFO_COLUMNS} FROM infos WHERE message_id = ?", (message_id,)
        ).fetchone()
        return None if row is None else info_from_row(row)

    def next_local_id(self) -> int:
        """A new local message id, never reused, also across restarts."""
        return self._db.counter("local_id")

    def close(self) -> None:
        self._db.close()
