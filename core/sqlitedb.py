"""Opening readtick's SQLite files safely, creating and migrating their schema, and transactions.

Both SQLite stores (``core.sqlitestore``: the engine, ``core.sqlitecache``: one client's cache)
open their file through ``Database``. It never writes to a file it has not recognised: a file is
first inspected without writing (``core.sqlitefile``: no symbolic links, a regular file, its header,
``application_id``, ``user_version`` and every page through a read-only connection), and only a
healthy readtick file of this kind at this or an older schema version, or an empty file, is then
opened for writing, put in WAL mode and migrated. Anything else raises
``ReceiptError(STORE_ERROR)`` naming the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from readtick.core.enums import ConversationType, ReceiptStatus
from readtick.core.results import MessageReceiptInfo

# re-exported: the stores and the app name these from here
from readtick.core.sqlitefile import HEADER_APPLICATION_ID as HEADER_APPLICATION_ID
from readtick.core.sqlitefile import HEADER_USER_VERSION as HEADER_USER_VERSION
from readtick.core.sqlitefile import KINDS as KINDS
from readtick.core.sqlitefile import SQLITE_HEADER as SQLITE_HEADER
from readtick.core.sqlitefile import DatabaseKind as DatabaseKind
from readtick.core.sqlitefile import Migration as Migration
from readtick.core.sqlitefile import check_same_file, inspect, judge
from readtick.core.sqlitefile import register_kind as register_kind
from readtick.core.sqlitefile import store_error as store_error

SYNCHRONOUS_MODES = ("FULL", "NORMAL")


class Database:
    """One connection to a readtick SQLite file, with nestable transactions.

    ``transaction()`` runs BEGIN IMMEDIATE ... COMMIT (ROLLBACK on an exception); a transaction
    opened inside another joins it, as a savepoint, so an inner failure undoes only its own writes
    and nothing is committed before the outermost block ends. A statement run outside any
    transaction commits by itself (the connection is in autocommit mode), so it is durable too.

    Args:
        path: a file path, or ``":memory:"`` for a private in-memory database (tests).
        kind: which schema the file must hold.
        synchronous: ``"FULL"`` (default): a commit is on disk before it returns, even across a
            power loss. ``"NORMAL"``: in WAL mode a commit still survives the process being
            killed (the log is written before the commit returns; only the fsync is deferred to
            checkpoints), but the newest commits may be lost, never half applied, if the machine
            itself crashes. About twice as fast per commit.
    """

    def __init__(self, path: str | Path, kind: DatabaseKind, *, synchronous: str = "FULL") -> None:
        if synchronous not in SYNCHRONOUS_MODES:
            raise ValueError(
                f"synchronous must be one of {', '.join(SYNCHRONOUS_MODES)}, got {synchronous!r}"
            )
        self.path = str(path)
        self.kind = kind
        self.synchronous = synchronous
        self._depth = 0
        on_disk = self.path != ":memory:"
        identity = inspect(self.path, kind) if on_disk else None
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.Error as error:
            raise store_error(self.path, f"cannot open the {kind.name}: {error}") from None
        try:
            if on_disk:
                check_same_file(self.path, kind, identity)
            self._configure()
            self._migrate()
        except sqlite3.Error as error:
            self.conn.close()
            raise store_error(self.path, f"cannot prepare the {kind.name}: {error}") from None
        except BaseException:
            self.conn.close()
            raise

    # ------------------------------------------------------------------ opening
    def _configure(self) -> None:
        conn = self.conn
        conn.execute("PRAGMA busy_timeout = 5000")
        if self.path != ":memory:":
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise store_error(self.path, f"could not switch to write-ahead logging (journal mode {mode})")
        conn.execute(f"PRAGMA synchronous = {self.synchronous}")

    def _migrate(self) -> None:
        with self.transaction():
            application_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if application_id not in (0, self.kind.application_id) or version > self.kind.version:
                # another process changed the file between the check and now
                tables = [
                    r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                ]
                judge(self.path, self.kind, application_id, version, tables)
            for number in range(version + 1, self.kind.version + 1):
                for statement in self.kind.migrations[number - 1]:
                    self.conn.execute(statement)
            if version != self.kind.version or application_id != self.kind.application_id:
                self.conn.execute(f"PRAGMA application_id = {int(self.kind.application_id)}")
                self.conn.execute(f"PRAGMA user_version = {int(self.kind.version)}")

    # ------------------------------------------------------------------ use
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of writes; nested blocks join the outermost one."""
        conn = self.conn
        if self._depth == 0:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                raise store_error(self.path, f"cannot start a write: {error}") from None
            self._depth = 1
            try:
                yield
            except sqlite3.Error as error:
                # disk full, I/O error, a corrupt page met mid-operation: undone, and reported as
                # the one error type every failed call raises
                self._depth = 0
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise store_error(self.path, f"a write failed and was undone: {error}") from error
            except BaseException:
                self._depth = 0
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            self._depth = 0
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as error:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise store_error(self.path, f"a write could not be saved and was undone: {error}") from None
            return
        savepoint = f"nested_{self._depth}"
        conn.execute(f"SAVEPOINT {savepoint}")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            conn.execute(f"ROLLBACK TO {savepoint}")
            conn.execute(f"RELEASE {savepoint}")
            raise
        self._depth -= 1
        conn.execute(f"RELEASE {savepoint}")

    def atomic(self) -> AbstractContextManager[None]:
        """Make a few statements one unit: joins the running transaction (whose rollback covers
        them) without the cost of a savepoint, or opens one when called outside any."""
        return nullcontext() if self._depth else self.transaction()

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def counter(self, name: str) -> int:
        """Add one to the named counter (table ``counters``) and return the new value."""
        with self.atomic():
            self.conn.execute("UPDATE counters SET value = value + 1 WHERE name = ?", (name,))
            return int(self.conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()[0])

    def close(self) -> None:
        """Close the connection (idempotent). Committed data is already on disk."""
        conn = getattr(self, "conn", None)
        if conn is None:
            return
        if self._depth:
            raise store_error(self.path, "cannot close the store inside a transaction")
        try:
            conn.close()
        finally:
            self.conn = None  # type: ignore[assignment]


InfoRow = tuple[str, int, int, int, int, int, int, int, float]
"""A ``MessageReceiptInfo`` as plain SQL values, in the order of ``INFO_COLUMNS``."""

INFO_COLUMNS = (
    "conversation_id, conversation_type, message_id, status, read_member_count, "
    "unread_member_count, delivered_member_count, is_self_operated, read_time"
)


def info_to_row(info: MessageReceiptInfo) -> InfoRow:
    return (
        info.conversation_id,
        int(info.conversation_type),
        info.message_id,
        int(info.status),
        info.read_member_count,
        info.unread_member_count,
        info.delivered_member_count,
        int(info.is_self_operated),
        info.read_time,
    )


def info_from_row(row: Sequence[Any]) -> MessageReceiptInfo:
    cid, ctype, mid, status, read, unread, delivered, self_op, read_time = row
    return MessageReceiptInfo(
        conversation_id=str(cid),
        conversation_type=ConversationType(ctype),
        message_id=int(mid),
        status=ReceiptStatus(status),
        read_member_count=int(read),
        unread_member_count=int(unread),
        delivered_member_count=int(delivered),
        is_self_operated=bool(self_op),
        read_time=float(read_time),
    )
