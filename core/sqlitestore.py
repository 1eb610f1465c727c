"""The engine's state in a SQLite file: ``SqliteEngineStore``, the persistent ``EngineStore``.

Same contract as ``MemoryEngineStore``, kept compact: one row per message (its counters are
columns), one row per (conversation, reader) for read ranges and the delivered cursor, one row
per group member (its membership periods in it) — never a row per member per message. Each engine
operation is one transaction (see ``core.sqlitedb.Database``), so a killed process leaves every
acknowledged operation whole and no operation half applied.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from readtick.core.enums import ConversationType, MessageType, ReceiptStatus
from readtick.core.readranges import Range
from readtick.core.receipt import ACTIVE, Period
from readtick.core.results import MessageReceiptInfo
from readtick.core.sqlitedb import Database, DatabaseKind, info_from_row, info_to_row, register_kind
from readtick.core.store import MessageRecord, OutboxEvent


def active_sql(column: str) -> str:
    """``core.receipt.ACTIVE`` as a condition on ``column``: ``column IN (1, 5)``."""
    return f"{column} IN ({', '.join(str(int(s)) for s in sorted(ACTIVE))})"


ACTIVE_SQL = active_sql("status")
"""Open receipts in the messages table; the partial indexes use this exact text."""

MEMBER_BATCH = 256
"""Members fetched per query while ``members_from`` streams a group."""

SCHEMA_V1 = (
    "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
    "INSERT INTO counters (name, value) VALUES ('order', 0)",
    "CREATE TABLE users (user_id TEXT PRIMARY KEY)",
    "CREATE TABLE groups (group_id TEXT PRIMARY KEY)",
    # one row per member: ordinal = its place in the group (1, 2, ...), kept when it leaves and
    # rejoins; periods = its membership periods as JSON [[join_seq, leave_seq or null], ...];
    # is_current = whether the last period is open (so the current members are one range scan)
    """CREATE TABLE members (
        group_id TEXT NOT NULL, ordinal INTEGER NOT NULL, user_id TEXT NOT NULL,
        periods TEXT NOT NULL, is_current INTEGER NOT NULL,
        PRIMARY KEY (group_id, ordinal), UNIQUE (group_id, user_id)) WITHOUT ROWID""",
    "CREATE INDEX members_by_user ON members (user_id)",
    # every conversation's seq counter; user_a/user_b only for PEER conversations
    """CREATE TABLE conversations (
        key TEXT PRIMARY KEY, last_seq INTEGER NOT NULL DEFAULT 0, user_a TEXT, user_b TEXT)""",
    "CREATE INDEX conversations_by_user_a ON conversations (user_a) WHERE user_a IS NOT NULL",
    "CREATE INDEX conversations_by_user_b ON conversations (user_b) WHERE user_b IS NOT NULL",
    """CREATE TABLE messages (
        message_id INTEGER PRIMARY KEY, conversation_key TEXT NOT NULL,
        conversation_type INTEGER NOT NULL, target_id TEXT NOT NULL, sender_user_id TEXT NOT NULL,
        seq INTEGER NOT NULL, message_type INTEGER NOT NULL, payload TEXT NOT NULL,
        timestamp REAL NOT NULL, status INTEGER NOT NULL,
        eligible INTEGER NOT NULL, read INTEGER NOT NULL, delivered INTEGER NOT NULL,
        expires_at REAL, read_time REAL NOT NULL)""",
    "CREATE UNIQUE INDEX messages_by_seq ON messages (conversation_key, seq)",
    f"CREATE INDEX messages_active ON messages (conversation_key, seq) WHERE {ACTIVE_SQL}",
    f"CREATE INDEX messages_expiry ON messages (expires_at) WHERE {ACTIVE_SQL} AND expires_at IS NOT NULL",
    # one row per (conversation, reader): read ranges as JSON [[low, high], ...] and delivered seq
    """CREATE TABLE readers (
        conversation_key TEXT NOT NULL, user_id TEXT NOT NULL,
        read_ranges TEXT NOT NULL DEFAULT '[]', delivered_seq INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (conversation_key, user_id)) WITHOUT ROWID""",
    # the primary key is the "outbox by user" index
    """CREATE TABLE outbox (
        user_id TEXT NOT NULL, order_key INTEGER NOT NULL, kind TEXT NOT NULL, infos TEXT NOT NULL,
        PRIMARY KEY (user_id, order_key)) WITHOUT ROWID""",
)

ENGINE_KIND = register_kind(DatabaseKind("engine store", 0x5254_4B45, [SCHEMA_V1]))  # "RTKE"

_MESSAGE_COLUMNS = (
    "message_id, conversation_key, conversation_type, target_id, sender_user_id, seq, message_type, "
    "payload, timestamp, status, eligible, read, delivered, expires_at, read_time"
)


# ---------------------------------------------------------------------- payload encoding
def _json_default(value: object) -> object:
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"cannot store a {type(value).__name__} in a message payload")


def _json_object_hook(obj: dict[str, Any]) -> object:
    if len(obj) == 1 and "$bytes" in obj:
        return base64.b64decode(obj["$bytes"])
    return obj


def encode_payload(payload: dict[str, object]) -> str:
    """A message payload as JSON; bytes (CommandMessage) as ``{"$bytes": base64}``."""
    return json.dumps(payload, default=_json_default, ensure_ascii=False, separators=(",", ":"))


_PAYLOAD_DECODER = json.JSONDecoder(object_hook=_json_object_hook)


def decode_payload(text: str) -> dict[str, object]:
    payload = _PAYLOAD_DECODER.decode(text)
    assert isinstance(payload, dict)
    return payload


def encode_infos(infos: tuple[MessageReceiptInfo, ...]) -> str:
    """Infos as a JSON list of fixed-order arrays (compact: an outbox can hold many)."""
    return json.dumps([info_to_row(i) for i in infos], separators=(",", ":"))


def decode_infos(text: str) -> tuple[MessageReceiptInfo, ...]:
    return tuple(info_from_row(row) for row in json.loads(text))


def _dump(pairs: Sequence[tuple[int, int | None]]) -> str:
    return json.dumps([[a, b] for a, b in pairs], separators=(",", ":"))


def _periods(text: str) -> list[Period]:
    return [(join, leave) for join, leave in json.loads(text)]


def _record(row: tuple[Any, ...]) -> MessageRecord:
    return MessageRecord(
        message_id=row[0],
        conversation_key=row[1],
        conversation_type=ConversationType(row[2]),
        target_id=row[3],
        sender_user_id=row[4],
        seq=row[5],
        message_type=MessageType(row[6]),
        payload=decode_payload(row[7]),
        timestamp=row[8],
        status=ReceiptStatus(row[9]),
        eligible=row[10],
        read=row[11],
        delivered=row[12],
        expires_at=row[13],
        read_time=row[14],
    )


class SqliteEngineStore:
    """``EngineStore`` in a SQLite file (or ``":memory:"``).

    Args:
        path: the database file; created with its schema if missing, migrated if older.
        synchronous: ``"FULL"`` (default) or ``"NORMAL"``; see ``core.sqlitedb.Database``.

    Raises:
        ReceiptError: STORE_ERROR if the file is corrupt, not a readtick engine store, or from a
            newer readtick; the file is then left untouched.
    """

    def __init__(self, path: str | Path, *, synchronous: str = "FULL") -> None:
        self._db = Database(path, ENGINE_KIND, synchronous=synchronous)
        self._conn = self._db.conn
        self.path = self._db.path

    def __repr__(self) -> str:
        return f"<SqliteEngineStore {self.path}>"

    def transaction(self) -> AbstractContextManager[None]:
        return self._db.transaction()

    def close(self) -> None:
        self._db.close()

    def next_order_key(self) -> int:
        return self._db.counter("order")

    # users
    def add_user(self, user_id: str) -> None:
        self._conn.execute("INSERT OR IGNORE INTO users (user_id) VALUES (?)", (user_id,))

    def has_user(self, user_id: str) -> bool:
        return self._conn.execute("SELECT 1 FROM users WHERE user_id = ?", (user_id,)).fetchone() is not None

    def user_ids(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT user_id FROM users ORDER BY rowid")]

    # groups
    def add_group(self, group_id: str) -> None:
        self._conn.execute("INSERT OR IGNORE INTO groups (group_id) VALUES (?)", (group_id,))

    def has_group(self, group_id: str) -> bool:
        return (
            self._conn.execute("SELECT 1 FROM groups WHERE group_id = ?", (group_id,)).fetchone() is not None
        )

    def group_ids(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT group_id FROM groups ORDER BY rowid")]

    def current_members(self, group_id: str) -> list[str]:
        rows = self._conn.execute(
            "SELECT user_id FROM members WHERE group_id = ? AND is_current = 1 ORDER BY ordinal", (group_id,)
        )
        return [r[0] for r in rows]

    def member_periods(self, group_id: str, user_id: str) -> list[Period]:
        row = self._conn.execute(
            "SELECT periods FROM members WHERE group_id = ? AND user_id = ?", (group_id, user_id)
        ).fetchone()
        return _periods(row[0]) if row else []

    def open_period(self, group_id: str, user_id: str, join_seq: int) -> None:
        with self._db.atomic():
            periods = self.member_periods(group_id, user_id)
            if not periods:
                self._conn.execute(
                    """INSERT INTO members (group_id, ordinal, user_id, periods, is_current)
                       VALUES (?, (SELECT COALESCE(MAX(ordinal), 0) + 1 FROM members WHERE group_id = ?),
                               ?, ?, 1)""",
                    (group_id, group_id, user_id, _dump([(join_seq, None)])),
                )
                return
            self._conn.execute(
                "UPDATE members SET periods = ?, is_current = 1 WHERE group_id = ? AND user_id = ?",
                (_dump([*periods, (join_seq, None)]), group_id, user_id),
            )

    def close_period(self, group_id: str, user_id: str, leave_seq: int) -> None:
        with self._db.atomic():
            periods = self.member_periods(group_id, user_id)
            periods[-1] = (periods[-1][0], leave_seq)
            self._conn.execute(
                "UPDATE members SET periods = ?, is_current = 0 WHERE group_id = ? AND user_id = ?",
                (_dump(periods), group_id, user_id),
            )

    def members_from(self, group_id: str, ordinal: int) -> Iterator[tuple[int, str, list[Period]]]:
        """Stream the group's members from ``ordinal`` on, ``MEMBER_BATCH`` at a time.

        Each batch is read completely before anything is yielded, so no cursor stays open while
        the caller works (or stops early) and writes in between are safe.
        """
        start = max(ordinal, 1)
        while True:
            rows = self._conn.execute(
                """SELECT ordinal, user_id, periods FROM members WHERE group_id = ? AND ordinal >= ?
                   ORDER BY ordinal LIMIT ?""",
                (group_id, start, MEMBER_BATCH),
            ).fetchall()
            for member_ordinal, user_id, periods in rows:
                yield member_ordinal, user_id, _periods(periods)
            if len(rows) < MEMBER_BATCH:
                return
            start = rows[-1][0] + 1

    def memberships_of(self, user_id: str) -> list[tuple[str, list[Period]]]:
        rows = self._conn.execute(
            """SELECT m.group_id, m.periods FROM members m JOIN groups g ON g.group_id = m.group_id
               WHERE m.user_id = ? ORDER BY g.rowid""",
            (user_id,),
        )
        return [(group_id, _periods(periods)) for group_id, periods in rows]

    # conversations
    def add_peer_conversation(self, key: str, user_a: str, user_b: str) -> None:
        self._conn.execute(
            """INSERT INTO conversations (key, user_a, user_b) VALUES (?, ?, ?)
               ON CONFLICT (key) DO UPDATE SET user_a = COALESCE(user_a, excluded.user_a),
                                               user_b = COALESCE(user_b, excluded.user_b)""",
            (key, user_a, user_b),
        )

    def peer_conversations_of(self, user_id: str) -> list[str]:
        # in the order the conversations were created, as the in-memory store answers
        rows = self._conn.execute(
            "SELECT key FROM conversations WHERE user_a = ? OR user_b = ? ORDER BY rowid", (user_id, user_id)
        )
        return [r[0] for r in rows]

    def next_seq(self, key: str) -> int:
        with self._db.atomic():
            self._conn.execute(
                """INSERT INTO conversations (key, last_seq) VALUES (?, 1)
                   ON CONFLICT (key) DO UPDATE SET last_seq = last_seq + 1""",
                (key,),
            )
            return self.last_seq(key)

    def last_seq(self, key: str) -> int:
        row = self._conn.execute("SELECT last_seq FROM conversations WHERE key = ?", (key,)).fetchone()
        return int(row[0]) if row else 0

    # messages
    def add_message(self, record: MessageRecord) -> None:
        self._conn.execute(
            f"INSERT INTO messages ({_MESSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.message_id,
                record.conversation_key,
                int(record.conversation_type),
                record.target_id,
                record.sender_user_id,
                record.seq,
                int(record.message_type),
                encode_payload(record.payload),
                record.timestamp,
                int(record.status),
                record.eligible,
                record.read,
                record.delivered,
                record.expires_at,
                record.read_time,
            ),
        )

    def save_message(self, record: MessageRecord) -> None:
        """Save what the engine changes on a message: status, counters, expiry, read time."""
        self._conn.execute(
            """UPDATE messages SET status = ?, eligible = ?, read = ?, delivered = ?, expires_at = ?,
                   read_time = ? WHERE message_id = ?""",
            (
                int(record.status),
                record.eligible,
                record.read,
                record.delivered,
                record.expires_at,
                record.read_time,
                record.message_id,
            ),
        )

    def get_message(self, message_id: int) -> MessageRecord | None:
        row = self._conn.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE message_id = ?", (message_id,)
        ).fetchone()
        return _record(row) if row else None

    def messages_between(self, key: str, low: int, high: int) -> list[MessageRecord]:
        rows = self._conn.execute(
            f"""SELECT {_MESSAGE_COLUMNS} FROM messages
                WHERE conversation_key = ? AND seq BETWEEN ? AND ? ORDER BY seq""",
            (key, low, high),
        )
        return [_record(r) for r in rows]

    def receipt_seqs_between(self, key: str, low: int, high: int, not_from: str) -> list[int]:
        rows = self._conn.execute(
            """SELECT seq FROM messages WHERE conversation_key = ? AND seq BETWEEN ? AND ?
               AND status != 0 AND sender_user_id != ? ORDER BY seq""",
            (key, low, high, not_from),
        )
        return [r[0] for r in rows]

    def active_messages(self, key: str) -> list[MessageRecord]:
        rows = self._conn.execute(
            f"""SELECT {_MESSAGE_COLUMNS} FROM messages
                WHERE conversation_key = ? AND {ACTIVE_SQL} ORDER BY seq""",
            (key,),
        )
        return [_record(r) for r in rows]

    def next_expiry(self) -> float | None:
        row = self._conn.execute(
            f"SELECT MIN(expires_at) FROM messages WHERE {ACTIVE_SQL} AND expires_at IS NOT NULL"
        ).fetchone()
        return None if row[0] is None else float(row[0])

    def due_expiries(self, now: float) -> list[MessageRecord]:
        rows = self._conn.execute(
            f"""SELECT {_MESSAGE_COLUMNS} FROM messages
                WHERE {ACTIVE_SQL} AND expires_at IS NOT NULL AND expires_at <= ?
                ORDER BY expires_at, message_id""",
            (now,),
        )
        return [_record(r) for r in rows]

    # per-reader state
    def read_ranges(self, key: str, user_id: str) -> list[Range]:
        row = self._conn.execute(
            "SELECT read_ranges FROM readers WHERE conversation_key = ? AND user_id = ?", (key, user_id)
        ).fetchone()
        return [(low, high) for low, high in json.loads(row[0])] if row else []

    def save_read_ranges(self, key: str, user_id: str, ranges: list[Range]) -> None:
        text = _dump(ranges)
        self._conn.execute(
            """INSERT INTO readers (conversation_key, user_id, read_ranges) VALUES (?, ?, ?)
               ON CONFLICT (conversation_key, user_id) DO UPDATE SET read_ranges = excluded.read_ranges""",
            (key, user_id, text),
        )

    def delivered_seq(self, key: str, user_id: str) -> int:
        row = self._conn.execute(
            "SELECT delivered_seq FROM readers WHERE conversation_key = ? AND user_id = ?", (key, user_id)
        ).fetchone()
        return int(row[0]) if row else 0

    def save_delivered_seq(self, key: str, user_id: str, seq: int) -> None:
        self._conn.execute(
            """INSERT INTO readers (conversation_key, user_id, delivered_seq) VALUES (?, ?, ?)
               ON CONFLICT (conversation_key, user_id)
               DO UPDATE SET delivered_seq = excluded.delivered_seq""",
            (key, user_id, seq),
        )

    # outbox
    def add_outbox(self, user_id: str, order_key: int, event: OutboxEvent) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO outbox (user_id, order_key, kind, infos) VALUES (?, ?, ?, ?)",
            (user_id, order_key, event.kind, encode_infos(event.infos)),
        )

    def outbox(self, user_id: str) -> list[tuple[int, OutboxEvent]]:
        rows = self._conn.execute(
            "SELECT order_key, kind, infos FROM outbox WHERE user_id = ? ORDER BY order_key", (user_id,)
        )
        return [(order, OutboxEvent(kind, decode_infos(infos))) for order, kind, infos in rows]

    def remove_outbox(self, user_id: str, order_key: int) -> None:
        self._conn.execute("DELETE FROM outbox WHERE user_id = ? AND order_key = ?", (user_id, order_key))

    # ------------------------------------------------------------------ inspection
    def table_counts(self) -> dict[str, int]:
        """Rows per table (benchmarks and tests: proof that state stays compact)."""
        names = [
            r[0]
            for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        ]
        return {
            name: int(self._conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]) for name in names
        }

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the main file (so its size is the data's size)."""
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
