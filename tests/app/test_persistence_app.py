"""The interactive demo on a data directory: the world comes back after a restart (caches,
statuses, counts, and the panels showing them), ``--reset --yes`` empties it, a bad file stops the
start with one line and is left as it was, and a second instance on the same directory is refused.

Runs of the real entry point (``python -m app``) use ``--exit-after-start``; nothing here sleeps.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.__main__ import EXIT_DATA_DIR, main
from app.datadir import client_cache_path, engine_store_path, open_engine_store
from app.persistence import DataDirBusy, DataDirLock, Persistence, PersistenceError, open_persistence
from app.world import DEFAULT_GROUP, World, build_world
from core import ConversationType, MessageSendConfig, ReceiptStatus, TextMessage
from core.localcache import MemoryLocalCache
from core.sqlitecache import SqliteLocalCache
from core.store import MemoryEngineStore, peer_key

ROOT = Path(__file__).resolve().parents[2]
PEER, GROUP = ConversationType.PEER, ConversationType.GROUP
T0 = 1736156460.0  # 2025-01-06 09:41 UTC
RECEIPT = MessageSendConfig(has_receipt=True)


def run_app(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """``python -m app`` offscreen, with every platform data directory under ``home``."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TZ="UTC", HOME=str(home))
    env["XDG_DATA_HOME"] = str(home / "xdg")
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


async def open_world(data_dir: Path, **options: object) -> tuple[World, Persistence]:
    persistence = open_persistence(data_dir)
    options.setdefault("group_size", int(options.get("clients", 2)) + 3)  # type: ignore[call-overload]
    world = await build_world(
        bot_readers=False,  # three silent bots: the group's unread count stays put
        virtual_clock=True,
        clock_start=T0,
        store=persistence.store,
        cache_for=persistence.cache_for,
        **options,  # type: ignore[arg-type]
    )
    return world, persistence


def close_world(world: World, persistence: Persistence) -> None:
    world.stop()
    persistence.release()


async def _chat(data_dir: Path) -> dict[str, int]:
    """alice writes bob (read) and the group (read by bob only); returns the message ids."""
    world, persistence = await open_world(data_dir)
    try:
        alice, bob = world.clients
        peer = (await alice.send_message(TextMessage(message="hi bob"), "bob", PEER, RECEIPT)).message
        group = (
            await alice.send_message(TextMessage(message="hi team"), DEFAULT_GROUP, GROUP, RECEIPT)
        ).message
        unread = (await alice.send_message(TextMessage(message="later"), "bob", PEER, RECEIPT)).message
        await world.engine.drain()
        received = {m.message_id: m for m in bob.cached_messages("alice", PEER)}
        await bob.send_message_receipts_read([received[peer.message_id]], "alice", PEER)
        await bob.send_message_receipts_read([bob.cached_message(group.message_id)], DEFAULT_GROUP, GROUP)
        await world.engine.drain()
        assert alice.cached_message(peer.message_id).receipt_status is ReceiptStatus.DONE
        return {"peer": peer.message_id, "group": group.message_id, "unread": unread.message_id}
    finally:
        close_world(world, persistence)


def chat(data_dir: Path) -> dict[str, int]:
    return asyncio.run(_chat(data_dir))


def test_a_world_comes_back_from_its_data_dir(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ids = chat(data)

    async def reopen() -> None:
        world, persistence = await open_world(data)
        try:
            alice, bob = world.clients
            assert all(isinstance(c.cache, SqliteLocalCache) for c in world.clients)
            assert all(isinstance(b.cache, MemoryLocalCache) for b in world.bots)  # bots: memory
            assert [m.message for m in alice.cached_messages("bob", PEER)] == ["hi bob", "later"]
            statuses = [m.receipt_status for m in alice.cached_messages("bob", PEER)]
            assert statuses == [ReceiptStatus.DONE, ReceiptStatus.PROCESSING]
            group = alice.cached_message(ids["group"])
            assert group.message == "hi team" and group.receipt_status is ReceiptStatus.PROCESSING
            info = alice.cached_receipt_info(ids["group"])
            assert (info.read_member_count, info.unread_member_count) == (1, 3)  # bob read; 3 bots not
            # bob's side: what he received and what he read
            assert [m.message for m in bob.cached_messages("alice", PEER)] == ["hi bob", "later"]
            assert bob.cached_message(ids["peer"]).receipt_status is ReceiptStatus.DONE
            # the engine agrees, and the group was reused, not re-created
            assert sorted(world.engine.group_members(DEFAULT_GROUP)) == [
                "alice",
                "bob",
                "mia",
                "noah",
                "olivia",
            ]
            await world.engine.drain()
            assert alice.cached_receipt_info(ids["group"]).unread_member_count == 3
            # and it goes on from there: bob reads the rest, alice hears of it
            await bob.send_message_receipts_read([bob.cached_message(ids["unread"])], "alice", PEER)
            await world.engine.drain()
            assert alice.cached_message(ids["unread"]).receipt_status is ReceiptStatus.DONE
        finally:
            close_world(world, persistence)

    asyncio.run(reopen())


def test_reopening_adds_only_the_missing_members(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ids = chat(data)

    async def reopen_with_carol() -> None:
        world, persistence = await open_world(data, clients=3)
        try:
            assert sorted(world.engine.group_members(DEFAULT_GROUP)) == sorted(
                ["alice", "bob", "carol", "mia", "noah", "olivia"]
            )
            carol = world.clients[2]
            assert carol.cached_messages(DEFAULT_GROUP, GROUP) == []  # joined after the message
            alice = world.clients[0]
            assert alice.cached_receipt_info(ids["group"]).unread_member_count == 3  # carol not counted
        finally:
            close_world(world, persistence)

    asyncio.run(reopen_with_carol())


class ClosingCache(MemoryLocalCache):
    def __init__(self) -> None:
        super().__init__()
        self.closed = 0

    def close(self) -> None:
        self.closed += 1


class ClosingStore(MemoryEngineStore):
    closed = 0

    def close(self) -> None:
        self.closed += 1


def test_stop_closes_every_cache_and_the_engine_once() -> None:
    store, caches = ClosingStore(), {}
    world = asyncio.run(build_world(store=store, cache_for=lambda u: caches.setdefault(u, ClosingCache())))
    assert [c.cache for c in world.clients] == [caches["alice"], caches["bob"]]
    world.stop()
    world.stop()
    assert [c.closed for c in caches.values()] == [1, 1] and store.closed == 1


def test_a_cache_that_cannot_be_opened_closes_what_was_opened() -> None:
    store, caches = ClosingStore(), {}

    def cache_for(user_id: str) -> ClosingCache:
        if user_id == "bob":
            raise PersistenceError("bob's cache is broken")
        return caches.setdefault(user_id, ClosingCache())

    with pytest.raises(PersistenceError):
        asyncio.run(build_world(store=store, cache_for=cache_for))
    assert caches["alice"].closed == 1 and store.closed == 1
    assert store.group_ids() == []  # nothing was written before the caches were all open


def test_a_window_on_the_reopened_world_shows_history_and_statuses(qapp, tmp_path: Path) -> None:
    from ui.mainwindow import MainWindow
    from ui.messagemodel import ReceiptStatusRole, UnreadMemberCountRole

    data = tmp_path / "data"
    chat(data)
    world, persistence = asyncio.run(open_world(data))
    window = None
    try:
        for client in world.clients:
            client.set_online(False)  # whatever the panels show now comes from the cache files
        window = MainWindow(world.engine, world.clients)
        panel = window.panel("alice")
        panel.select_conversation("bob", PEER)
        assert rows_of(panel.model(), ReceiptStatusRole) == [ReceiptStatus.DONE, ReceiptStatus.PROCESSING]
        panel.select_conversation(DEFAULT_GROUP, GROUP)
        assert rows_of(panel.model(), ReceiptStatusRole) == [ReceiptStatus.PROCESSING]
        assert rows_of(panel.model(), UnreadMemberCountRole) == [3]
        bob = window.panel("bob")
        bob.select_conversation("alice", PEER)
        assert len(rows_of(bob.model(), ReceiptStatusRole)) == 2
    finally:
        if window is not None:
            window.close()
            window.deleteLater()
        close_world(world, persistence)


def rows_of(model, role: int) -> list[object]:  # type: ignore[no-untyped-def]
    return [model.data(model.index(row, 0), role) for row in range(model.rowCount())]


# ------------------------------------------------------------------ the command line
def test_the_demo_persists_by_default_and_comes_back(tmp_path: Path) -> None:
    default = tmp_path / "xdg" / "readtick"
    chat(default)
    shot = tmp_path / "start.png"
    result = run_app("--exit-after-start", str(shot), home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    store = open_engine_store(default)
    try:
        assert len(store.messages_between(peer_key("alice", "bob"), 1, 10)) == 2  # still there, nothing lost
    finally:
        store.close()


def test_no_persist_and_memory_touch_no_directory(tmp_path: Path) -> None:
    for args in (["--no-persist"], ["--data-dir", ":memory:"]):
        result = run_app(*args, "--exit-after-start", home=tmp_path)
        assert result.returncode == 0, result.stderr
        assert not (tmp_path / "xdg").exists()
        assert not (ROOT / ":memory:").exists()


def test_reset_yes_starts_empty(tmp_path: Path) -> None:
    data = tmp_path / "data"
    chat(data)
    (data / "notes.txt").write_text("mine")
    refused = run_app("--data-dir", str(data), "--reset", "--exit-after-start", home=tmp_path)
    assert refused.returncode == EXIT_DATA_DIR and "pass --yes" in refused.stdout
    assert client_cache_path(data, "alice").exists()  # no terminal, no --yes: nothing deleted

    result = run_app("--data-dir", str(data), "--reset", "--yes", "--exit-after-start", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "deleted" in result.stdout
    assert (data / "notes.txt").read_text() == "mine"  # not readtick's: kept

    async def reopen() -> None:
        world, persistence = await open_world(data)
        try:
            alice = world.clients[0]
            assert (
                alice.cached_messages("bob", PEER) == [] and alice.cached_messages(DEFAULT_GROUP, GROUP) == []
            )
            assert world.engine.store.last_seq(peer_key("alice", "bob")) == 0
        finally:
            close_world(world, persistence)

    asyncio.run(reopen())


@pytest.mark.parametrize("which", ["engine", "client cache"])
def test_a_corrupt_file_stops_the_start_with_one_line_and_is_left_alone(tmp_path: Path, which: str) -> None:
    data = tmp_path / "data"
    chat(data)
    bad = engine_store_path(data) if which == "engine" else client_cache_path(data, "bob")
    for side in (Path(f"{bad}-wal"), Path(f"{bad}-shm")):
        side.unlink(missing_ok=True)
    garbage = b"this is not a database\n" * 50
    bad.write_bytes(garbage)
    before = sorted(p.name for p in data.rglob("*"))

    result = run_app("--data-dir", str(data), "--exit-after-start", home=tmp_path)

    assert result.returncode == EXIT_DATA_DIR
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert str(bad) in lines[0] and "--data-dir" in lines[0] and "STORE_ERROR" in lines[0]
    assert bad.read_bytes() == garbage
    assert sorted(p.name for p in data.rglob("*")) == before


def test_a_newer_engine_file_points_at_reset(tmp_path: Path) -> None:
    import sqlite3

    data = tmp_path / "data"
    chat(data)
    path = engine_store_path(data)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 999")
    connection.close()
    content = path.read_bytes()

    result = run_app("--data-dir", str(data), "--exit-after-start", home=tmp_path)

    assert result.returncode == EXIT_DATA_DIR
    assert "newer readtick" in result.stderr and "--reset" in result.stderr and str(path) in result.stderr
    assert path.read_bytes() == content


def test_a_second_instance_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    lock = DataDirLock(data)
    try:
        if not lock.enforced:
            pytest.skip("this file system does not support locks")
        with pytest.raises(DataDirBusy, match="in use by another readtick"):
            DataDirLock(data)
        result = run_app("--data-dir", str(data), "--reset", "--yes", "--exit-after-start", home=tmp_path)
        assert result.returncode == EXIT_DATA_DIR
        assert f"{data} is in use by another readtick (pid {os.getpid()})" in result.stderr
        assert "--data-dir" in result.stderr
        assert not engine_store_path(data).exists()  # refused before opening (or resetting) anything
    finally:
        lock.release()
    DataDirLock(data).release()  # free again once the first one let go


@pytest.mark.parametrize(
    "argv",
    [
        ["--screenshot", "x.png", "--data-dir", "somewhere"],
        ["--gallery", "out", "--reset"],
        ["--headless", "--data-dir", "somewhere"],
        ["--no-persist", "--reset"],
        ["--data-dir", ":memory:", "--reset"],
        ["--no-persist", "--data-dir", "somewhere"],
    ],
)
def test_options_that_do_not_fit_are_refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "readtick: error:" in capsys.readouterr().err
