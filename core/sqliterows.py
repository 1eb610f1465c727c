"""How the engine's state is laid out in SQLite: the engine store's schema and the encodings of
its rows (payloads, infos, membership periods, read ranges), shared by ``core.sqlitestore`` and
``core.sqlitecache``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

from readtick.core.devicestate import DEVICE_SCHEMA
from readtick.core.enums import ConversationType, MessageType, ReceiptStatus
from readtick.core.receipt import ACTIVE
from readtick.core.receiptfacts import Period
from readtick.core.results import MessageReceiptInfo
from readtick.core.sqlitedb import DatabaseKind, info_from_row, info_to_row, register_kind
from readtick.core.store import MessageRecord


def active_sql(column: str) -> str:
    """``core.receipt.ACTIVE`` as a condition on ``column``: ``column IN (1, 5)``."""
    return f"{column} IN ({', '.join(str(int(s)) for s in sorted(ACTIVE))})"


ACTIVE_SQL = active_sql("status")
"""Open receipts in the messages table; the partial indexes use this exact text."""

SCHEMA_V1 = (
    "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
    "INSERT INTO counters (name, value) VALUES ('order', 0)",
    "CREATE TABLE users (user_id TEXT PRIMARY KEY)",
    "CREATE TABLE groups (group_id TEXT PRIMARY KEY)",
    # one row per member: ordinal = its place in the group (1, 2, ...), kept when it leaves and
    # rejoins; periods = its membership periods as JSON [[join_seq, leave_seq or null], ...]
    # (a closed period written since the leave time is kept: [join_seq, leave_seq, left_at]);
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

SENDS_SCHEMA = (
    # which message a sending client's local id became (the newest, if a client reused one): a
    # client killed between the engine's commit and its own cache write asks when it connects
    """CREATE TABLE sends (
        sender TEXT NOT NULL, local_id INTEGER NOT NULL, message_id INTEGER NOT NULL,
        PRIMARY KEY (sender, local_id)) WITHOUT ROWID""",
)

ENGINE_KIND = register_kind(
    DatabaseKind("engine store", 0x5254_4B45, [SCHEMA_V1, DEVICE_SCHEMA, SENDS_SCHEMA])
)  # "RTKE"; 2: devices, 3: sends

MESSAGE_COLUMNS = (
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


def dump_pairs(pairs: Sequence[tuple[int, int | None]]) -> str:
    return json.dumps([[a, b] for a, b in pairs], separators=(",", ":"))


def periods_from_text(text: str) -> tuple[Period, ...]:
    """Periods from JSON: ``[join, leave]`` or, once left with its time, ``[join, leave, left_at]``."""
    return tuple(Period(*values) for values in json.loads(text))


def dump_periods(periods: Sequence[Period]) -> str:
    return json.dumps(
        [list(p) if p.left_at is not None else [p.join_seq, p.leave_seq] for p in periods],
        separators=(",", ":"),
    )


def record_from_row(row: tuple[Any, ...]) -> MessageRecord:
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


def message_row(record: MessageRecord, payload: str) -> tuple[object, ...]:
    return (
        record.message_id,
        record.conversation_key,
        int(record.conversation_type),
        record.target_id,
        record.sender_user_id,
        record.seq,
        int(record.message_type),
        payload,
        record.timestamp,
        *counter_row(record)[:-1],
    )


def counter_row(record: MessageRecord) -> tuple[object, ...]:
    """What the engine changes on a message, then its id (the ``UPDATE``'s parameters)."""
    return (
        int(record.status),
        record.eligible,
        record.read,
        record.delivered,
        record.expires_at,
        record.read_time,
        record.message_id,
    )
