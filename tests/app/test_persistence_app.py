"""The interactive demo on a data directory: the world comes back after a restart (caches,
statuses, counts, and the panels showing them, also panels added from the toolbar; a virtual
clock resumes where it was), ``--reset --yes`` empties it, a bad file stops the start with one
line and is left as it was, and a second instance on the same directory is refused.

Runs of the real entry point (``python -m app``) use ``--exit-after-start``; nothing here sleeps.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from readtick.app.__main__ import main
from readtick.app.cli import EXIT_DATA_DIR, build_parser
from readtick.app.datadir import client_cache_path, engine_store_path, open_engine_store, readtick_files
from readtick.app.demo import build_demo_world, demo_window
from readtick.app.persistence import DataDirBusy, DataDirLock, Persistence, PersistenceError, open_persistence
from readtick.app.session import SESSION_FILE, Session, session_path, temp_path
from readtick.app.world import DEFAULT_GROUP, DemoWorld, build_world, panel_users
from readtick.core import ConversationType, MessageSendConfig, ReceiptStatus, TextMessage, VirtualClock
from readtick.core.localcache import MemoryLocalCache
from readtick.core.memorystore import MemoryEngineStore
from readtick.core.sqlitecache import SqliteLocalCache
from readtick.core.store import peer_key

ROOT = Path(__file__).resolve().parents[2]
PEER, GROUP = ConversationType.PEER, ConversationType.GROUP
T0 = 1736156460.0  # 2025-01-06 09:41 UTC
RECEIPT = MessageSendConfig(has_receipt=True)


def run_app(*args: str, home: Path, **options: Any) -> subprocess.CompletedProcess[str]:
    """``python -m app`` offscreen, with every platform data directory under ``home``
    (``options``: more for ``subprocess.run``)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TZ="UTC", HOME=str(home))
    env["XDG_DATA_HOME"] = str(home / "xdg")
    return subprocess.run(
        [sys.executable, "-m", "readtick.app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        **options,
    )


async def open_world(data_dir: Path, **options: object) -> tuple[DemoWorld, Persistence]:
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


def close_world(world: DemoWorld, persistence: Persistence) -> None:
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
    from readtick.ui.mainwindow import MainWindow
    from readtick.ui.messagemodel import ReceiptStatusRole, UnreadMemberCountRole

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

    result = run_app(
        "--data-dir", str(data), "--reset", "--yes", "--empty", "--exit-after-start", home=tmp_path
    )  # --empty: no sample conversation in the directory made anew
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


# ------------------------------------------------------------------ panels and the virtual clock
def demo_args(data: Path, *argv: str) -> object:
    """The demo's command line on ``data``: a virtual clock and silent bots (no random reads)."""
    return build_parser().parse_args(["--data-dir", str(data), "--virtual-clock", "--no-bot-readers", *argv])


async def open_demo(data: Path, *argv: str) -> tuple[DemoWorld, Persistence, object]:
    """What ``python -m app`` does on ``data`` up to showing the window: world, window, session."""
    persistence = open_persistence(data)
    try:
        world = await build_demo_world(demo_args(data, *argv), persistence)  # type: ignore[arg-type]
    except BaseException:
        persistence.release()
        raise
    return world, persistence, demo_window(world, persistence)


async def close_demo(world: DemoWorld, persistence: Persistence, window: object) -> None:
    """What ``python -m app`` does when the window closes, once the panels' pending refreshes
    (async slots started by selecting a conversation) have run."""
    pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    await asyncio.gather(*pending, return_exceptions=True)
    window.close()  # type: ignore[attr-defined]
    window.deleteLater()  # type: ignore[attr-defined]
    persistence.finish(world.engine.clock)
    close_world(world, persistence)


def saved_session(data: Path) -> dict[str, object]:
    return json.loads(session_path(data).read_text(encoding="utf-8"))


def test_a_panel_added_from_the_toolbar_comes_back_with_its_history(qapp, tmp_path: Path) -> None:
    from readtick.ui.messagemodel import ReceiptStatusRole

    data = tmp_path / "data"
    before = time.time()

    async def first_run() -> dict[str, object]:
        world, persistence, window = await open_demo(data)
        try:
            clock = world.engine.clock
            assert isinstance(clock, VirtualClock)
            assert before <= clock.now() <= time.time()  # no saved time: the wall clock's now, not 1970
            assert window.user_ids() == ["alice", "bob"]
            panel = await window.create_client(window.next_free_name())
            assert panel is not None and window.user_ids() == ["alice", "bob", "carol"]
            carol = world.added[0]
            assert carol.user_id == "carol" and isinstance(carol.cache, SqliteLocalCache)
            assert world.engine.group_ids_of("carol") == [DEFAULT_GROUP]  # the app's join policy
            assert saved_session(data)["panels"] == ["alice", "bob", "carol"]  # saved as it happened
            assert not temp_path(data).exists()

            alice = world.clients[0]
            read = (await alice.send_message(TextMessage(message="hi carol"), "carol", PEER, RECEIPT)).message
            unread = (await alice.send_message(TextMessage(message="later"), "carol", PEER, RECEIPT)).message
            await world.engine.drain()
            clock.advance(60)  # carol answers a minute later
            mine = (await carol.send_message(TextMessage(message="hi alice"), "alice", PEER, RECEIPT)).message
            await world.engine.drain()
            await carol.send_message_receipts_read([carol.cached_message(read.message_id)], "alice", PEER)
            await world.engine.drain()
            assert alice.cached_message(read.message_id).receipt_status is ReceiptStatus.DONE
            clock.advance(3 * 86400)
            await world.engine.drain()
            stopped_at = clock.now()
            assert saved_session(data)["virtual_time"] == stopped_at  # saved as it advanced
            return {
                "read": read.message_id,
                "unread": unread.message_id,
                "mine": mine.message_id,
                "at": stopped_at,
            }
        finally:
            await close_demo(world, persistence, window)

    ids = asyncio.run(first_run())

    async def second_run() -> None:
        world, persistence, window = await open_demo(data)
        try:
            assert world.engine.clock.now() == ids["at"]  # the virtual clock resumes where it was
            assert window.user_ids() == ["alice", "bob", "carol"]  # the added panel is back, in order
            carol = world.clients[2]
            assert carol.user_id == "carol" and isinstance(carol.cache, SqliteLocalCache)
            for client in world.clients:
                client.set_online(False)  # what the panels show now comes from the cache files
            assert [m.message for m in carol.cached_messages("alice", PEER)] == [
                "hi carol",
                "later",
                "hi alice",
            ]
            assert carol.cached_message(ids["read"]).receipt_status is ReceiptStatus.DONE
            assert carol.cached_message(ids["mine"]).receipt_status is ReceiptStatus.PROCESSING
            panel = window.panel("carol")
            panel.select_conversation("alice", PEER)
            assert rows_of(panel.model(), ReceiptStatusRole) == [
                ReceiptStatus.DONE,
                ReceiptStatus.PROCESSING,
                ReceiptStatus.PROCESSING,
            ]
            alice = window.panel("alice")
            alice.select_conversation("carol", PEER)
            assert rows_of(alice.model(), ReceiptStatusRole)[:2] == [
                ReceiptStatus.DONE,
                ReceiptStatus.PROCESSING,
            ]
            # and it goes on from there: carol reads the rest, alice hears of it
            for client in world.clients:
                client.set_online(True)
            await carol.send_message_receipts_read([carol.cached_message(ids["unread"])], "alice", PEER)
            await world.engine.drain()
            assert world.clients[0].cached_message(ids["unread"]).receipt_status is ReceiptStatus.DONE
        finally:
            await close_demo(world, persistence, window)

    asyncio.run(second_run())


def test_a_removed_panel_stays_away_and_its_cache_is_closed(qapp, tmp_path: Path) -> None:
    data = tmp_path / "data"

    async def first_run() -> None:
        world, persistence, window = await open_demo(data)
        try:
            await window.create_client("carol")
            await window.create_client("dave")
            carol = world.added[0]
            await window.remove_client("carol")  # an async slot: returns its task
            assert window.user_ids() == ["alice", "bob", "dave"]
            assert not carol.logged_in
            assert carol.cache._db.conn is None  # type: ignore[attr-defined]  # its file is closed
            assert saved_session(data)["panels"] == ["alice", "bob", "dave"]
        finally:
            await close_demo(world, persistence, window)

    asyncio.run(first_run())

    async def reopen(*argv: str) -> list[str]:
        world, persistence, window = await open_demo(data, *argv)
        try:
            return list(window.user_ids())
        finally:
            await close_demo(world, persistence, window)

    assert asyncio.run(reopen()) == ["alice", "bob", "dave"]
    # an explicit --clients wins: that many default names, and that is what is saved from now on
    assert asyncio.run(reopen("--clients", "3")) == ["alice", "bob", "carol"]
    assert asyncio.run(reopen()) == ["alice", "bob", "carol"]


def test_panel_users_keeps_2_to_8() -> None:
    assert panel_users() == ["alice", "bob"]
    assert panel_users(["dave", "alice", "carol"]) == ["dave", "alice", "carol"]
    assert panel_users(["dave"]) == ["dave", "alice"]
    assert panel_users([f"u{n}" for n in range(10)]) == [f"u{n}" for n in range(8)]
    assert panel_users(["dave", "erin", "frank"], 2) == ["alice", "bob"]


def test_a_real_clock_run_moves_the_saved_virtual_time_forward(qapp, tmp_path: Path) -> None:
    """Messages sent on the real clock carry the wall clock's time: a virtual clock saved earlier
    must not resume before them."""
    data = tmp_path / "data"
    data.mkdir()
    session = Session(data, virtual_time=T0)
    session.save()
    before = time.time()

    async def real_run() -> None:
        persistence = open_persistence(data)
        args = build_parser().parse_args(["--data-dir", str(data), "--no-bot-readers"])
        world = await build_demo_world(args, persistence)
        window = demo_window(world, persistence)
        await close_demo(world, persistence, window)

    asyncio.run(real_run())
    assert before <= saved_session(data)["virtual_time"] <= time.time()  # type: ignore[operator]


def test_in_memory_runs_and_scenarios_write_no_session(tmp_path: Path) -> None:
    result = run_app("--no-persist", "--virtual-clock", "--exit-after-start", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "xdg").exists()


@pytest.mark.parametrize(
    "content, why",
    [
        ("not json at all", "not a readtick session file"),
        ('{"some": "other program"}', "not a readtick session file"),
        ('{"kind": "readtick-session", "version": 99}', "newer readtick"),
        ('{"kind": "readtick-session", "version": 1, "panels": ["a b"]}', "damaged panel list"),
        ('{"kind": "readtick-session", "version": 1, "virtual_time": -1}', "damaged virtual time"),
    ],
)
def test_a_bad_session_file_stops_the_start_with_one_line_and_is_left_alone(
    tmp_path: Path, content: str, why: str
) -> None:
    data = tmp_path / "data"
    chat(data)
    session_path(data).write_text(content, encoding="utf-8")
    before = sorted(p.name for p in data.rglob("*"))

    result = run_app("--data-dir", str(data), "--exit-after-start", home=tmp_path)

    assert result.returncode == EXIT_DATA_DIR
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert str(session_path(data)) in lines[0] and why in lines[0] and "--data-dir" in lines[0]
    assert session_path(data).read_text(encoding="utf-8") == content
    assert sorted(p.name for p in data.rglob("*")) == before


def test_reset_deletes_the_session_file_only_if_it_is_readticks(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    Session(data, panels=["alice", "bob", "carol"], virtual_time=T0).save()
    assert session_path(data) in readtick_files(data)
    session_path(data).write_text('{"some": "other program"}', encoding="utf-8")
    assert session_path(data) not in readtick_files(data)
    assert SESSION_FILE == session_path(data).name
