"""Devices on SQLite: their cursors survive a restart, and an engine file written before devices
existed opens with every user's one client as its 'default' device (nothing is sent twice)."""

from __future__ import annotations

import sqlite3

from readtick.core import (
    Client,
    ConversationType,
    MessageSendConfig,
    ReceiptEngine,
    ReceiptStatus,
    TextMessage,
    VirtualClock,
)
from readtick.core.sqlitecache import SqliteLocalCache
from readtick.core.sqlitestore import SqliteEngineStore
from readtick.core.store import peer_key
from receipt_world import RecordingHandler

PEER = ConversationType.PEER
RECEIPT = MessageSendConfig(has_receipt=True)


async def _login(engine, user, cache_path, device="default"):
    client = Client(engine, user, device_id=device, cache=SqliteLocalCache(cache_path))
    client.event_handler = RecordingHandler()
    await client.login()
    await engine.drain()
    return client


async def test_device_cursors_survive_a_restart(tmp_path):
    engine = ReceiptEngine(clock=VirtualClock(), store=SqliteEngineStore(tmp_path / "engine.sqlite3"))
    bob = await _login(engine, "bob", tmp_path / "bob.sqlite3")
    phone = await _login(engine, "alice", tmp_path / "phone.sqlite3", "phone")
    desktop = await _login(engine, "alice", tmp_path / "desktop.sqlite3", "desktop")
    await bob.send_message(TextMessage("one"), "alice", PEER)
    await engine.drain()
    desktop.set_online(False)
    await bob.send_message(TextMessage("two"), "alice", PEER)
    await engine.drain()
    for client in (bob, phone, desktop):
        client.cache.close()
    engine.close()

    engine = ReceiptEngine(clock=VirtualClock(), store=SqliteEngineStore(tmp_path / "engine.sqlite3"))
    phone = await _login(engine, "alice", tmp_path / "phone.sqlite3", "phone")
    desktop = await _login(engine, "alice", tmp_path / "desktop.sqlite3", "desktop")
    assert phone.event_handler.received() == []  # it had both
    assert [m.summary() for m in desktop.event_handler.received()] == ["two"]
    assert engine.store.devices_of("alice") == ["phone", "desktop"]
    for client in (phone, desktop):
        client.cache.close()
    engine.close()


async def test_an_engine_file_from_before_devices_keeps_each_users_place(tmp_path):
    path = tmp_path / "engine.sqlite3"
    engine = ReceiptEngine(clock=VirtualClock(), store=SqliteEngineStore(path))
    bob = await _login(engine, "bob", tmp_path / "bob.sqlite3")
    alice = await _login(engine, "alice", tmp_path / "alice.sqlite3")
    sent = (await bob.send_message(TextMessage("before"), "alice", PEER, RECEIPT)).message
    await engine.drain()
    for client in (bob, alice):
        client.cache.close()
    engine.close()
    _back_to_schema_one(path)

    store = SqliteEngineStore(path)
    assert store.device_seq(peer_key("alice", "bob"), "alice", "default") == sent.conversation_seq
    engine = ReceiptEngine(clock=VirtualClock(), store=store)
    alice = await _login(engine, "alice", tmp_path / "alice.sqlite3")
    assert alice.event_handler.received() == []  # nothing is sent again
    assert alice.cached_message(sent.message_id).receipt_status is ReceiptStatus.PROCESSING
    alice.cache.close()
    engine.close()


def _back_to_schema_one(path) -> None:
    """Make the file what a readtick without devices wrote: no device (or sends) tables, version 1."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DROP TABLE devices")
        conn.execute("DROP TABLE device_cursors")
        conn.execute("DROP TABLE sends")
        conn.execute("DELETE FROM counters WHERE name = 'login'")
        conn.execute("PRAGMA user_version = 1")
    conn.close()


async def test_one_device_keeps_no_cursors_and_a_second_starts_them_where_the_first_was(tmp_path):
    engine = ReceiptEngine(clock=VirtualClock(), store=SqliteEngineStore(tmp_path / "engine.sqlite3"))
    bob = await _login(engine, "bob", tmp_path / "bob.sqlite3")
    alice = await _login(engine, "alice", tmp_path / "alice.sqlite3")
    for text in ("one", "two"):
        await bob.send_message(TextMessage(text), "alice", PEER, RECEIPT)
    await engine.drain()
    engine.store.commit()
    counts = engine.store.table_counts()
    # bob's and alice's one device each are remembered, and keep no cursors
    assert (counts["devices"], counts["device_cursors"]) == (2, 0)

    desktop = await _login(engine, "alice", tmp_path / "desktop.sqlite3", "desktop")
    assert [m.summary() for m in desktop.event_handler.received()] == ["one", "two"]  # its history
    await bob.send_message(TextMessage("three"), "alice", PEER, RECEIPT)
    await engine.drain()
    assert [m.summary() for m in alice.event_handler.received()] == ["one", "two", "three"]  # once each
    assert [m.summary() for m in desktop.event_handler.received()] == ["one", "two", "three"]
    engine.store.commit()
    assert engine.store.table_counts()["device_cursors"] == 2  # one conversation, two devices
    for client in (bob, alice, desktop):
        client.cache.close()
    engine.close()
