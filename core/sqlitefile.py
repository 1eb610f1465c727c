"""What is at a path before readtick opens it as one of its SQLite files, found without writing.

``inspect`` is the gate ``core.sqlitedb.Database`` passes every file through before it opens a
connection that may write. It refuses, with ``ReceiptError(STORE_ERROR)`` naming the file and the
way out, and without changing a byte anywhere:

- a symbolic link, at the file's own name or at the names SQLite keeps beside it (``-wal``,
  ``-shm``, ``-journal``): SQLite follows links, so a link would make readtick write into (or
  create) some other file. A dangling link is refused too (opening it would create its target);
- anything that is not a regular file (a directory, a named pipe that would block the open,
  a device);
- a file that is not a SQLite database, one of another program or of the other readtick kind,
  or one written by a newer readtick;
- a readtick file with damaged pages inside: ``PRAGMA quick_check`` reads every page through a
  read-only connection, so a file damaged deep inside (not just in its header) is refused at
  open instead of failing half way through a later write, and nothing (no log checkpoint, no
  journal-mode switch, no schema creation) ever writes into it. On a healthy file the check costs
  about one read of the file (``benchmarks/persistence_scale.py`` measures it).

Links are refused rather than resolved because readtick owns these names: it never makes a link
there, and reading the file through one and writing its log beside the target would split one
database over two folders.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from readtick.core.errors import ErrorCode, ReceiptError

SQLITE_HEADER = b"SQLite format 3\x00"
HEADER_USER_VERSION = slice(60, 64)
HEADER_APPLICATION_ID = slice(68, 72)
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database (write-ahead log, its index, a rollback journal)."""

UNTOUCHED = "it was left untouched"
O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # POSIX; Windows has no such flag (the lstat check stays)
O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # so a named pipe does not wait for a writer

Migration = Sequence[str]
"""The statements that move a schema from version ``n - 1`` to ``n`` (no transaction control)."""

Identity = tuple[int, int]
"""(device, inode) of the regular file that was inspected."""


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


NO_FOLLOW = "readtick does not follow links in its data directory"


def link_phrase(path: str | os.PathLike[str]) -> str:
    """ "is a symbolic link to <target>" (the target as the link names it, without following)."""
    try:
        return f"is a symbolic link to {os.readlink(path)}"
    except OSError:
        return "is a symbolic link"


def link_error(path: str, what: str, noun: str = "file") -> ReceiptError:
    """A symbolic link where readtick keeps ``what``: named, with where it points, and the way out."""
    return store_error(
        path,
        f"{link_phrase(path)}, not the {what} itself; {NO_FOLLOW}, so nothing is written through "
        f"one. Move the link away, or put the {noun} itself there; {UNTOUCHED}.",
    )


def refuse_links(path: str, kind: DatabaseKind) -> None:
    """Refuse ``path`` or a file SQLite keeps beside it being a symbolic link (dangling or not)."""
    for name, what in [(path, f"{kind.name} file")] + [
        (path + suffix, f"{kind.name}'s {suffix[1:]} file") for suffix in SIDE_SUFFIXES
    ]:
        if os.path.islink(name):
            raise link_error(name, what)


def inspect(path: str, kind: DatabaseKind) -> Identity | None:
    """Refuse anything but a missing file, an empty one or a healthy readtick file of ``kind``.

    Returns the (device, inode) of the file found (None if there is none yet), so the caller can
    make sure the connection it opens next is on that same file (``check_same_file``).
    """
    refuse_links(path, kind)
    try:
        fd = os.open(path, os.O_RDONLY | O_NOFOLLOW | O_NONBLOCK | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise store_error(path, f"is a directory, not a {kind.name} file") from None
    except OSError as error:
        if error.errno == errno.ELOOP:  # became a link since refuse_links looked
            raise link_error(path, f"{kind.name} file") from None
        raise store_error(path, f"cannot read the {kind.name}: {error.strerror}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise store_error(path, f"is a directory, not a {kind.name} file")
        if not stat.S_ISREG(info.st_mode):
            raise store_error(
                path,
                f"is not a regular file (a named pipe, socket or device); readtick cannot use it as "
                f"its {kind.name}. Move it away; {UNTOUCHED}.",
            )
        header = os.read(fd, 100)
    except OSError as error:
        raise store_error(path, f"cannot read the {kind.name}: {error.strerror}") from None
    finally:
        os.close(fd)
    identity = (info.st_dev, info.st_ino)
    wal = Path(path + "-wal")
    if not header and not wal.exists():
        return identity  # an empty file: SQLite treats it as a new database
    if header and (len(header) < 100 or not header.startswith(SQLITE_HEADER)):
        raise store_error(
            path,
            f"is not a SQLite database (corrupt, or some other file); readtick cannot use it as its "
            f"{kind.name}. Move it away or pick another data directory; {UNTOUCHED}.",
        )
    _probe(path, kind, wal_mode=header[18:20] == b"\x02\x02", has_log=wal.exists() and wal.stat().st_size > 0)
    return identity


def _probe(path: str, kind: DatabaseKind, *, wal_mode: bool, has_log: bool) -> None:
    """Read the file's kind, version and every page through a connection that cannot write.

    A WAL-mode file with no log next to it is fully described by its main file: read it as
    immutable, which creates no -wal/-shm files. With a log (a crash before checkpoint) the
    read-only connection must read the log too, and may create the -shm index beside it.
    """
    mode = "immutable=1" if wal_mode and not has_log else "mode=ro"
    uri = f"file:{quote(str(Path(path).resolve()))}?{mode}"
    try:
        probe = sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as error:
        raise store_error(path, f"cannot open the {kind.name} to check it: {error}") from None
    try:
        try:
            application_id = probe.execute("PRAGMA application_id").fetchone()[0]
            version = probe.execute("PRAGMA user_version").fetchone()[0]
            tables = [row[0] for row in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        except sqlite3.DatabaseError as error:
            raise store_error(
                path,
                f"is corrupt or not a SQLite database ({error}); readtick cannot use it as its "
                f"{kind.name}. Move it away or pick another data directory; {UNTOUCHED}.",
            ) from None
        judge(path, kind, application_id, version, tables)
        problem = _first_problem(probe)
    finally:
        probe.close()
    if problem:
        raise store_error(
            path,
            f"is damaged: SQLite found corrupt pages inside it ({problem}); readtick cannot use it "
            f"as its {kind.name}. Move it away (or delete it to start afresh); {UNTOUCHED}.",
        )


def _first_problem(probe: sqlite3.Connection) -> str:
    """The first problem ``PRAGMA quick_check`` finds, on one line ("" for a healthy file)."""
    try:
        rows = probe.execute("PRAGMA quick_check(1)").fetchall()
    except sqlite3.DatabaseError as error:  # a page so broken the check itself cannot go on
        return str(error)
    if rows == [("ok",)]:
        return ""
    lines = [line.strip() for row in rows for line in str(row[0]).splitlines()]
    return "; ".join(line for line in lines if line and not line.startswith("***")) or "unknown damage"


def judge(path: str, kind: DatabaseKind, application_id: int, version: int, tables: list[str]) -> None:
    """Refuse a database that is not a readtick ``kind`` file this readtick can read."""
    if application_id == kind.application_id:
        if version > kind.version:
            raise store_error(
                path,
                f"this {kind.name} was written by a newer readtick (schema version {version}; "
                f"this readtick reads up to {kind.version}). Upgrade readtick, or use another "
                f"data directory; the file was left untouched.",
            )
        return
    if application_id == 0 and version == 0 and not tables:
        return  # a fresh, empty database
    if application_id in KINDS:
        what = f"a readtick {KINDS[application_id]}"
    else:
        listed = ", ".join(sorted(tables)[:5]) or "none"
        what = (
            f"a SQLite database of some other program (application_id {application_id:#x}, tables: {listed})"
        )
    raise store_error(
        path,
        f"is {what}, not a readtick {kind.name}; {UNTOUCHED}. Pick another data directory or file.",
    )


def check_same_file(path: str, kind: DatabaseKind, identity: Identity | None) -> None:
    """After connecting: the path still names the regular file that was inspected (or, if there
    was none, a regular file now), not a link or another file swapped in meanwhile.

    SQLite opens by name and follows links, so this narrows the race between ``inspect`` and
    the connection to the connect call itself; nothing has been written yet when it runs.
    """
    refuse_links(path, kind)
    try:
        info = os.lstat(path)
    except OSError:
        return  # SQLite creates a new file lazily, at the first write
    if not stat.S_ISREG(info.st_mode) or (identity is not None and identity != (info.st_dev, info.st_ino)):
        raise store_error(path, f"was replaced while readtick opened it; {UNTOUCHED}. Try again.")
