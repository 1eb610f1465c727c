"""The engine's state in a SQLite file: ``SqliteEngineStore``, the persistent ``EngineStore``.

The hot state lives in memory, exactly as in ``MemoryEngineStore`` (which this store extends), so
reads never touch the disk: users, groups and their members, sequence counters, read ranges,
delivered cursors, the outbox and every open receipt are loaded at open; other messages are
loaded by id when first asked for. Writes change the memory and are remembered as dirty rows;
``commit()`` writes them all in one SQLite transaction (one fsync). With ``autocommit`` on, every
operation commits as it ends; the engine turns it off while a loop runs and commits once per loop
turn (``core.groupcommit``). A commit that fails, or an operation that raises half way, undoes
every uncommitted write and reloads the memory from the file, so the state is always the last
commit: a killed process loses nothing that was acknowledged and leaves nothing half applied.

On disk it stays compact: one row per message (its counters are columns), one row per
(conversation, reader) for read ranges and the delivered cursor, one row per group member (its
membership periods in it) — never a row per member per message.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from readtick.core.devicestate import SqliteDeviceState
from readtick.core.errors import ReceiptError
from readtick.core.memorystore import Membership, MemoryEngineStore
from readtick.core.readranges import Range
from readtick.core.sqlitedb import Database, store_error

# re-exported: the client cache, the app and the tests name these from here
from readtick.core.sqliterows import ACTIVE_SQL as ACTIVE_SQL
from readtick.core.sqliterows import ENGINE_KIND as ENGINE_KIND
from readtick.core.sqliterows import (
    MESSAGE_COLUMNS,
    counter_row,
    dump_pairs,
    dump_periods,
    message_row,
    periods_from_text,
    record_from_row,
)
from readtick.core.sqliterows import active_sql as active_sql
from readtick.core.sqliterows import decode_infos as decode_infos
from readtick.core.sqliterows import decode_payload as decode_payload
from readtick.core.sqliterows import encode_infos as encode_infos
from readtick.core.sqliterows import encode_payload as encode_payload
from readtick.core.store import MessageRecord, OutboxEvent


@dataclass
class _Dirty:
    """What changed in memory since the last commit (ordered, so rows keep their creation order)."""

    order: bool = False
    users: dict[str, None] = field(default_factory=dict)
    groups: dict[str, None] = field(default_factory=dict)
    members: dict[tuple[str, str], None] = field(default_factory=dict)
    conversations: dict[str, None] = field(default_factory=dict)
    new_messages: dict[int, str] = field(default_factory=dict)  # id -> payload, encoded on arrival
    changed_messages: dict[int, None] = field(default_factory=dict)
    readers: dict[tuple[str, str], None] = field(default_factory=dict)
    outbox_added: dict[tuple[str, int], OutboxEvent] = field(default_factory=dict)
    outbox_removed: dict[tuple[str, int], None] = field(default_factory=dict)
    sends: dict[tuple[str, int], int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.order or any(
            (
                self.users,
                self.groups,
                self.members,
                self.conversations,
                self.new_messages,
                self.changed_messages,
                self.readers,
                self.outbox_added,
                self.outbox_removed,
                self.sends,
            )
        )


class _Transaction:
    """One operation on a ``SqliteEngineStore``: nested blocks join the outermost one."""

    __slots__ = ("_store",)

    def __init__(self, store: SqliteEngineStore) -> None:
        self._store = store

    def __enter__(self) -> None:
        self._store._depth += 1

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._store._leave(error)


class SqliteEngineStore(SqliteDeviceState, MemoryEngineStore):
    """``EngineStore`` in a SQLite file (or ``":memory:"``), its hot state in memory.

    Args:
        path: the database file; created with its schema if missing, migrated if older.
        synchronous: ``"FULL"`` (default) or ``"NORMAL"``; see ``core.sqlitedb.Database``.

    Attributes:
        autocommit: commit as each operation ends (on by default).
        commits: how many commits have been written (tests count them).

    Raises:
        ReceiptError: STORE_ERROR if the file is corrupt, not a readtick engine store, or from a
            newer readtick; the file is then left untouched.
    """

    undoes_failed_operations = True
    _dirty: _Dirty

    def __init__(self, path: str | Path, *, synchronous: str = "FULL") -> None:
        self._db = Database(path, ENGINE_KIND, synchronous=synchronous)
        self._conn = self._db.conn
        self.path = self._db.path
        self.autocommit = True
        self.commits = 0
        self._depth = 0
        self._doomed: BaseException | None = None
        try:
            self._load()
        except BaseException:
            self._db.close()
            raise

    def __repr__(self) -> str:
        return f"<SqliteEngineStore {self.path}>"

    # ------------------------------------------------------------------ transactions
    def transaction(self) -> _Transaction:
        """One atomic operation; nested blocks join the outermost one. A block that raises undoes
        the whole operation with every uncommitted write (also when the raise was caught inside)."""
        return _Transaction(self)

    def _leave(self, error: BaseException | None) -> None:
        self._depth -= 1
        if error is not None and self._depth:
            self._doomed = error  # the outermost block undoes everything when it ends
            return
        if error is None and self._depth:
            return
        doomed, self._doomed = self._doomed, None
        if error is not None or doomed is not None:
            self.rollback()
            if error is None:
                raise store_error(self.path, f"an operation was undone: one of its steps failed ({doomed!r})")
            if isinstance(error, sqlite3.Error):
                raise store_error(self.path, f"a write failed and was undone: {error}") from error
            return
        if self.autocommit:
            self.commit()

    def _wrote(self) -> None:
        if not self._depth and self.autocommit:
            self.commit()  # a write outside any operation is one by itself

    def commit(self) -> None:
        """Write every change since the last commit in one SQLite transaction.

        Raises ``ReceiptError`` (STORE_ERROR) if it cannot; the changes are then undone and the
        memory reloaded from the file. Inside an operation it waits for the operation's end.
        """
        dirty = self._dirty
        if self._depth or not (dirty or self._dirty_devices):
            return
        try:
            with self._db.transaction():
                self._flush(dirty)
        except Exception as error:
            self.rollback()
            if isinstance(error, ReceiptError):
                raise
            raise store_error(self.path, f"a write could not be saved and was undone: {error!r}") from error
        self._dirty = _Dirty()
        self.commits += 1

    def rollback(self) -> bool:
        """Forget every uncommitted write: reload the state of the last commit from the file."""
        self._doomed = None
        self._load()
        return True

    def close(self) -> None:
        """Commit what is pending and close the file (idempotent)."""
        if self._db.conn is not None and not self._depth:
            self.commit()
        self._db.close()

    # ------------------------------------------------------------------ loading and saving
    def _load(self) -> None:
        MemoryEngineStore.__init__(self)
        self._dirty = _Dirty()
        conn = self._conn
        self._order = int(conn.execute("SELECT value FROM counters WHERE name = 'order'").fetchone()[0])
        self._users = {user: None for (user,) in conn.execute("SELECT user_id FROM users ORDER BY rowid")}
        for (group_id,) in conn.execute("SELECT group_id FROM groups ORDER BY rowid"):
            self._groups[group_id], self._member_order[group_id] = {}, []
        for group_id, ordinal, user, periods in conn.execute(
            "SELECT group_id, ordinal, user_id, periods FROM members ORDER BY group_id, ordinal"
        ):
            self._groups[group_id][user] = Membership(ordinal, periods_from_text(periods))
            self._member_order[group_id].append(user)
        for key, last_seq, user_a, user_b in conn.execute(
            "SELECT key, last_seq, user_a, user_b FROM conversations ORDER BY rowid"
        ):
            self._seqs[key] = last_seq
            if user_a is not None:
                self._peer_convs[key] = [user_a, user_b]
        for key, message_id in conn.execute(
            "SELECT conversation_key, message_id FROM messages ORDER BY conversation_key, seq"
        ):
            self._by_seq.setdefault(key, []).append(message_id)
        for row in conn.execute(
            f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE {ACTIVE_SQL} ORDER BY conversation_key, seq"
        ):
            self._hold(record_from_row(row))
        for key, user, ranges, delivered in conn.execute(
            "SELECT conversation_key, user_id, read_ranges, delivered_seq FROM readers"
        ):
            if ranges != "[]":
                self._reads[(key, user)] = [(low, high) for low, high in json.loads(ranges)]
            if delivered:
                self._delivered[(key, user)] = delivered
        for user, order, kind, infos in conn.execute(
            "SELECT user_id, order_key, kind, infos FROM outbox ORDER BY user_id, order_key"
        ):
            self._outbox.setdefault(user, {})[order] = OutboxEvent(kind, decode_infos(infos))
        self._load_devices(conn)

    def _flush(self, dirty: _Dirty) -> None:
        conn = self._conn
        if dirty.order:
            conn.execute("UPDATE counters SET value = ? WHERE name = 'order'", (self._order,))
        conn.executemany("INSERT OR IGNORE INTO users (user_id) VALUES (?)", [(u,) for u in dirty.users])
        conn.executemany("INSERT OR IGNORE INTO groups (group_id) VALUES (?)", [(g,) for g in dirty.groups])
        members = [(g, u, self._groups[g][u]) for g, u in dirty.members]
        conn.executemany(
            """INSERT INTO members (group_id, ordinal, user_id, periods, is_current) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (group_id, ordinal)
               DO UPDATE SET periods = excluded.periods, is_current = excluded.is_current""",
            [(g, m.ordinal, u, dump_periods(m.periods), int(m.current)) for g, u, m in members],
        )
        conn.executemany(
            """INSERT INTO conversations (key, last_seq, user_a, user_b) VALUES (?, ?, ?, ?)
               ON CONFLICT (key) DO UPDATE SET last_seq = excluded.last_seq,
                   user_a = COALESCE(user_a, excluded.user_a), user_b = COALESCE(user_b, excluded.user_b)""",
            [(k, self._seqs.get(k, 0), *self._peer_convs.get(k, (None, None))) for k in dirty.conversations],
        )
        conn.executemany(
            f"INSERT INTO messages ({MESSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [message_row(self._messages[i], payload) for i, payload in dirty.new_messages.items()],
        )
        conn.executemany(
            """UPDATE messages SET status = ?, eligible = ?, read = ?, delivered = ?, expires_at = ?,
                   read_time = ? WHERE message_id = ?""",
            [counter_row(self._messages[i]) for i in dirty.changed_messages if i not in dirty.new_messages],
        )
        conn.executemany(
            """INSERT INTO readers (conversation_key, user_id, read_ranges, delivered_seq) VALUES (?, ?, ?, ?)
               ON CONFLICT (conversation_key, user_id) DO UPDATE
               SET read_ranges = excluded.read_ranges, delivered_seq = excluded.delivered_seq""",
            [
                (k, u, dump_pairs(self._reads.get((k, u), ())), self._delivered.get((k, u), 0))
                for k, u in dirty.readers
            ],
        )
        conn.executemany(
            "INSERT OR REPLACE INTO outbox (user_id, order_key, kind, infos) VALUES (?, ?, ?, ?)",
            [(u, o, e.kind, encode_infos(e.infos)) for (u, o), e in dirty.outbox_added.items()],
        )
        conn.executemany("DELETE FROM outbox WHERE user_id = ? AND order_key = ?", list(dirty.outbox_removed))
        conn.executemany(
            "INSERT OR REPLACE INTO sends (sender, local_id, message_id) VALUES (?, ?, ?)",
            [(sender, local_id, message_id) for (sender, local_id), message_id in dirty.sends.items()],
        )
        self._flush_devices(conn)

    # ------------------------------------------------------------------ writes: memory, then dirty
    def next_order_key(self) -> int:
        key = super().next_order_key()
        self._dirty.order = True
        self._wrote()
        return key

    def add_user(self, user_id: str) -> None:
        if user_id not in self._users:
            super().add_user(user_id)
            self._dirty.users[user_id] = None
            self._wrote()

    def add_group(self, group_id: str) -> None:
        if group_id not in self._groups:
            super().add_group(group_id)
            self._dirty.groups[group_id] = None
            self._wrote()

    def open_period(self, group_id: str, user_id: str, join_seq: int) -> None:
        super().open_period(group_id, user_id, join_seq)
        self._dirty.members[(group_id, user_id)] = None
        self._wrote()

    def close_period(self, group_id: str, user_id: str, leave_seq: int, left_at: float) -> None:
        super().close_period(group_id, user_id, leave_seq, left_at)
        self._dirty.members[(group_id, user_id)] = None
        self._wrote()

    def add_peer_conversation(self, key: str, user_a: str, user_b: str) -> None:
        if key not in self._peer_convs:
            super().add_peer_conversation(key, user_a, user_b)
            self._dirty.conversations[key] = None
            self._wrote()

    def next_seq(self, key: str) -> int:
        seq = super().next_seq(key)
        self._dirty.conversations[key] = None
        self._wrote()
        return seq

    def add_message(self, record: MessageRecord) -> None:
        payload = encode_payload(record.payload)  # fails this operation, not a later commit
        super().add_message(record)
        self._dirty.new_messages[record.message_id] = payload
        self._wrote()

    def save_message(self, record: MessageRecord) -> None:
        super().save_message(record)
        self._dirty.changed_messages[record.message_id] = None
        self._wrote()

    def get_message(self, message_id: int) -> MessageRecord | None:
        record = self._messages.get(message_id)
        if record is None and type(message_id) is int:
            row = self._conn.execute(
                f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE message_id = ?", (message_id,)
            ).fetchone()
            if row is not None:
                record = self._messages[message_id] = record_from_row(row)
        return record

    def add_send(self, sender: str, local_id: int, message_id: int) -> None:
        super().add_send(sender, local_id, message_id)
        self._dirty.sends[(sender, local_id)] = message_id
        self._wrote()

    def send_of(self, sender: str, local_id: int) -> MessageRecord | None:
        """Asked only when a client connects with an unsettled send: not loaded at open."""
        record = super().send_of(sender, local_id)
        if record is None and type(local_id) is int:
            row = self._conn.execute(
                "SELECT message_id FROM sends WHERE sender = ? AND local_id = ?", (sender, local_id)
            ).fetchone()
            record = None if row is None else self.get_message(row[0])
        return record

    def save_read_ranges(self, key: str, user_id: str, ranges: list[Range]) -> None:
        super().save_read_ranges(key, user_id, ranges)
        self._dirty.readers[(key, user_id)] = None
        self._wrote()

    def save_delivered_seq(self, key: str, user_id: str, seq: int) -> None:
        super().save_delivered_seq(key, user_id, seq)
        self._dirty.readers[(key, user_id)] = None
        self._wrote()

    def add_outbox(self, user_id: str, order_key: int, event: OutboxEvent) -> None:
        super().add_outbox(user_id, order_key, event)
        self._dirty.outbox_added[(user_id, order_key)] = event
        self._dirty.outbox_removed.pop((user_id, order_key), None)
        self._wrote()

    def remove_outbox(self, user_id: str, order_key: int) -> None:
        super().remove_outbox(user_id, order_key)
        if self._dirty.outbox_added.pop((user_id, order_key), None) is None:
            self._dirty.outbox_removed[(user_id, order_key)] = None
        self._wrote()

    # ------------------------------------------------------------------ inspection
    def table_counts(self) -> dict[str, int]:
        """Rows per table, as committed (benchmarks and tests: proof that state stays compact)."""
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
