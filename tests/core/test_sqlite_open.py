"""Opening files: readtick refuses what it does not recognise with a clear STORE_ERROR naming the
file, and leaves that file's bytes exactly as they were; it creates and migrates its own files."""

from __future__ import annotations

import hashlib
import random
import sqlite3
from pathlib import Path

import pytest
from readtick.core import ErrorCode, ReceiptError
from readtick.core.sqlitecache import CACHE_KIND, SqliteLocalCache
from readtick.core.sqlitedb import Database, DatabaseKind
from readtick.core.sqlitestore import ENGINE_KIND, SqliteEngineStore

OPENERS = {"engine": SqliteEngineStore, "cache": SqliteLocalCache}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(opener, path: Path, *expected: str) -> str:
    before = digest(path)
    siblings = sorted(p.name for p in path.parent.iterdir())
    with pytest.raises(ReceiptError) as caught:
        opener(path)
    assert caught.value.code is ErrorCode.STORE_ERROR
    message = caught.value.message
    assert str(path) in message
    for word in expected:
        assert word in message, message
    assert digest(path) == before, "the refused file was modified"
    assert sorted(p.name for p in path.parent.iterdir()) == siblings, "files appeared next to it"
    return message


@pytest.mark.parametrize("kind", sorted(OPENERS))
def test_random_bytes(tmp_path, kind):
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(random.Random(4).randbytes(8192))
    refused(OPENERS[kind], path, "not a SQLite database", "untouched")


@pytest.mark.parametrize("kind", sorted(OPENERS))
def test_a_sqlite_header_over_garbage(tmp_path, kind):
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"SQLite format 3\x00" + random.Random(5).randbytes(8192 - 16))
    refused(OPENERS[kind], path, "corrupt")


@pytest.mark.parametrize("kind", sorted(OPENERS))
def test_a_foreign_sqlite_database(tmp_path, kind):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('soup')")
    conn.commit()
    conn.close()
    message = refused(OPENERS[kind], path, "some other program", "recipes")
    assert "not a readtick" in message


@pytest.mark.parametrize("kind", sorted(OPENERS))
def test_a_newer_schema_version(tmp_path, kind):
    path = tmp_path / "future.sqlite3"
    OPENERS[kind](path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    refused(OPENERS[kind], path, "newer readtick", "99")


def test_the_other_kind_of_readtick_file(tmp_path):
    engine_file, cache_file = tmp_path / "engine.sqlite3", tmp_path / "cache.sqlite3"
    SqliteEngineStore(engine_file).close()
    SqliteLocalCache(cache_file).close()
    refused(SqliteLocalCache, engine_file, "readtick engine store, not a readtick client cache")
    refused(SqliteEngineStore, cache_file, "readtick client cache, not a readtick engine store")


def test_a_directory(tmp_path):
    with pytest.raises(ReceiptError) as caught:
        SqliteEngineStore(tmp_path)
    assert caught.value.code is ErrorCode.STORE_ERROR and "directory" in caught.value.message


def test_a_missing_parent_directory(tmp_path):
    with pytest.raises(ReceiptError) as caught:
        SqliteEngineStore(tmp_path / "nowhere" / "engine.sqlite3")
    assert caught.value.code is ErrorCode.STORE_ERROR


@pytest.mark.parametrize("kind", sorted(OPENERS))
def test_new_and_empty_files_get_the_schema_in_wal_mode(tmp_path, kind):
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    for path in (tmp_path / "new.sqlite3", empty):
        OPENERS[kind](path).close()
        conn = sqlite3.connect(path)
        expected = ENGINE_KIND if kind == "engine" else CACHE_KIND
        assert conn.execute("PRAGMA application_id").fetchone()[0] == expected.application_id
        assert conn.execute("PRAGMA user_version").fetchone()[0] == expected.version
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.close()
        OPENERS[kind](path).close()  # and reopening is a no-op


def test_an_older_schema_is_migrated_in_place_keeping_data(tmp_path):
    v1 = ("CREATE TABLE notes (body TEXT)",)
    v2 = ("ALTER TABLE notes ADD COLUMN stars INTEGER NOT NULL DEFAULT 0", "UPDATE notes SET stars = 1")
    path = tmp_path / "notes.sqlite3"
    old = Database(path, DatabaseKind("notes", 0x7465_7374, [v1]))
    old.conn.execute("INSERT INTO notes (body) VALUES ('kept')")
    old.close()
    new = Database(path, DatabaseKind("notes", 0x7465_7374, [v1, v2]))
    assert new.conn.execute("SELECT body, stars FROM notes").fetchall() == [("kept", 1)]
    assert new.conn.execute("PRAGMA user_version").fetchone()[0] == 2
    new.close()


def test_committed_data_still_in_the_write_ahead_log_is_recognised(tmp_path):
    """A file whose header was never checkpointed (crash right after creation) is still ours."""
    path = tmp_path / "engine.sqlite3"
    store = SqliteEngineStore(path)
    store.add_user("alice")
    # simulate a crash: copy the main file and its log as they are, without a checkpoint
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    for suffix in ("", "-wal"):
        source = Path(str(path) + suffix)
        if source.exists():
            (crashed / (path.name + suffix)).write_bytes(source.read_bytes())
    store.close()
    reopened = SqliteEngineStore(crashed / path.name)
    assert reopened.user_ids() == ["alice"]
    reopened.close()


def test_a_path_that_cannot_be_created_is_a_store_error(tmp_path):
    # (not file permissions: CI runs as root, which ignores them)
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where a directory should be")
    with pytest.raises(ReceiptError) as caught:
        SqliteEngineStore(blocker / "engine.sqlite3")
    assert caught.value.code is ErrorCode.STORE_ERROR
    assert "not-a-directory" in caught.value.message
    assert blocker.read_text() == "a file where a directory should be"


def test_synchronous_is_full_unless_asked(tmp_path):
    full = SqliteEngineStore(tmp_path / "a.sqlite3")
    normal = SqliteLocalCache(tmp_path / "b.sqlite3", synchronous="NORMAL")
    assert full._db.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert normal._db.conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    full.close()
    normal.close()
    with pytest.raises(ValueError, match="synchronous"):
        SqliteEngineStore(tmp_path / "c.sqlite3", synchronous="OFF")
    assert not (tmp_path / "c.sqlite3").exists()
