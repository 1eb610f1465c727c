"""Opening readtick's SQLite files safely, creating and migrating their schema, and transactions.

Both SQLite stores (``core.sqlitestore``: the engine, ``core.sqlitecache``: one client's cache)
open their file through ``Database``. It never writes to a file it has not recognised: a file is
first inspected through a read-only connection (header, ``application_id``, ``user_version``), and
only a readtick file of this kind at this or an older schema version, or an empty file, is then
opened for writing, put in WAL mode and migrated. Anything else raises
``ReceiptError(STORE_ERROR)`` naming the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any
from urllib.parse import quote

from readtick.core.enums import ConversationType, ReceiptStatus
from readtick.core.errors import ErrorCode, ReceiptError
from readtick.core.results import MessageReceiptInfo

SQLITE_HEADER = b"SQLite format 3\x00"
HEADER_USER_VERSION = slice(60, 64)
HEADER_APPLICATION_ID = slice(68, 72)

SYNCHRONOUS_MODES = ("FULL", "NORMAL")

Migration = Sequence[str]
"""The statements that move a schema from version ``n - 1`` to ``n`` (no transaction control)."""


def store_error(path: str, reason: str) -> ReceiptError:
    return ReceiptError(ErrorCode.STORE_ERROR, f"{path}: {reason}")


class DatabaseKind:
    """What sort of readtick file a schema describes: its name, id and migrations.

    Attributes:
        name: for messages ("engine store", "client cache").
        application_id: written to ``PRAGMA application_id``; tells readtick files apart.
        migrations: ``migrations[n - 1]`` builds schema version ``n`` from ``n - 1``.
    """

    def __init__(self, name: str, application_id: int, migrations: Sequence[Migration]) -> None:
        self.name = name
        self.application_id = application_id
        self.migrations = list(migrations)

    @property
    def version(self) -> int:
        """The schema version this code writes (and the newest it can read)."""
        return len(self.migrations)


KINDS: dict[int, str] = {}
"""Every readtick ``application_id`` -> kind name, so a wrong readtick file is named as such."""


def register_kind(kind: DatabaseKind) -> DatabaseKind:
    KINDS[kind.application_id] = kind.name
    return kind


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
        if self.path != ":memory:":
            self._inspect()
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.Error as error:
            raise store_error(self.path, f"cannot open the {kind.name}: {error}") from None
        try:
            self._configure()
            self._migrate()
        except sqlite3.Error as error:
            self.conn.close()
            raise store_error(self.path, f"cannot prepare the {kind.name}: {error}") from None
        except BaseException:
            self.conn.close()
            raise

    # ------------------------------------------------------------------ opening
    def _inspect(self) -> None:
        """Refuse a file that is not an empty database or a readable readtick file of this kind.

        Reads the header with plain file I/O, then asks a read-only connection (which also sees
        committed changes still in the write-ahead log). Nothing here can modify the file.
        """
        path = Path(self.path)
        if path.is_dir():
            raise store_error(self.path, f"is a directory, not a {self.kind.name} file")
        if not path.exists():
            return
        try:
            with path.open("rb") as file:
                header = file.read(100)
        except OSError as error:
            raise store_error(self.path, f"cannot read the {self.kind.name}: {error.strerror}") from None
        wal = Path(self.path + "-wal")
        if not header and not wal.exists():
            return  # an empty file: SQLite treats it as a new database
        if header and (len(header) < 100 or not header.startswith(SQLITE_HEADER)):
            raise store_error(
                self.path,
                f"is not a SQLite database (corrupt, or some other file); readtick cannot use it as its "
                f"{self.kind.name}. Move it away or pick another data directory; it was left untouched.",
            )
        # A WAL-mode file with no log next to it is fully described by its main file: read it as
        # immutable, which creates no -wal/-shm files. With a log (a crash before checkpoint) the
        # read-only connection must read the log too, and may create the -shm index beside it.
        wal_mode = header[18:20] == b"\x02\x02"
        has_log = wal.exists() and wal.stat().st_size > 0
        mode = "immutable=1" if wal_mode and not has_log else "mode=ro"
        uri = f"file:{quote(str(path.resolve()))}?{mode}"
        try:
            probe = sqlite3.connect(uri, uri=True, isolation_level=None)
        except sqlite3.Error as error:
            raise store_error(self.path, f"cannot open the {self.kind.name} to check it: {error}") from None
        try:
            application_id = probe.execute("PRAGMA application_id").fetchone()[0]
            version = probe.execute("PRAGMA user_version").fetchone()[0]
            tables = [row[0] for row in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        except sqlite3.DatabaseError as error:
            raise store_error(
                self.path,
                f"is corrupt or not a SQLite database ({error}); readtick cannot use it as its "
                f"{self.kind.name}. Move it away or pick another data directory; it was left untouched.",
            ) from None
        finally:
            probe.close()
        self._judge(application_id, version, tables)

    def _judge(self, application_id: int, version: int, tables: list[str]) -> None:
        if application_id == self.kind.application_id:
            if version > self.kind.version:
                raise store_error(
                    self.path,
                    f"this {self.kind.name} was written by a newer readtick (schema version {version}; "
                    f"this readtick reads up to {self.kind.version}). Upgrade readtick, or use another "
                    "data directory; the file was left untouched.",
                )
            return
        if application_id == 0 and version == 0 and not tables:
            return  # a fresh, empty database
        if application_id in KINDS:
            what = f"a readtick {KINDS[application_id]}"
        else:
            listed = ", ".join(sorted(tables)[:5]) or "none"
            what = (
                f"a SQLite database of some other program (application_id {application_id:#x}, "
                f"tables: {listed})"
            )
        raise store_error(
            self.path,
            f"is {what}, not a readtick {self.kind.name}; it was left untouched. "
            "Pick another data directory or file.",
        )

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
                self._judge(application_id, version, tables)
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
