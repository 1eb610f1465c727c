"""``SqliteEngineStore`` behaves like ``MemoryEngineStore``: the same scenarios on both stores,
plus what only SQLite has (encoding round trips, real transactions, compact rows, indexes)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import timedelta

import pytest
import readtick.core.outbound
from readtick.core import (
    AudioMessage,
    CombineMessage,
    CommandMessage,
    ConversationType,
    ErrorCode,
    FileMessage,
    GroupMessageReceiptMemberQueryConfig,
    ImageMessage,
    MessageReceiptInfo,
    MultipleMessage,
    ReceiptEngine,
    ReceiptError,
    ReceiptStatus,
    TextMessage,
    VideoMessage,
    VirtualClock,
)
from readtick.core.messages import message_from_payload
from readtick.core.receipt import IllegalTransition
from readtick.core.sqlitestore import SqliteEngineStore
from readtick.core.store import MessageRecord, OutboxEvent, group_key
from sqlite_worlds import STORES, check_invariants, snapshot, store_world

PEER, GROUP = ConversationType.PEER, ConversationType.GROUP
Config = GroupMessageReceiptMemberQueryConfig


@pytest.fixture(params=sorted(STORES))
def store(request):
    store = STORES[request.param]()
    yield store
    store.close()


async def read(world, user, message, conversation):
    ctype = GROUP if message.conversation_type is GROUP else PEER
    await world[user].send_message_receipts_read([world.copy_of(user, message)], conversation, ctype)
    await world.settle()


async def test_peer_read(store):
    world = await store_world(store)
    sent = await world.send("alice", "bob", "read me")
    await read(world, "bob", sent, "alice")
    [info] = world.handler("alice").receipt_infos()
    assert (info.message_id, info.status, info.read_member_count, info.unread_member_count) == (
        sent.message_id,
        ReceiptStatus.DONE,
        1,
        0,
    )
    assert world.copy_of("alice", sent).receipt_status is ReceiptStatus.DONE
    assert world.copy_of("bob", sent).receipt_status is ReceiptStatus.DONE
    check_invariants(store)


async def test_group_counts_with_a_leaver(store):
    users = ["alice", "bob", "carol", "dave"]
    world = await store_world(store, users, groups={"team": users})
    first = await world.send("alice", "team", group=True)
    second = await world.send("alice", "team", group=True)
    await read(world, "bob", first, "team")
    await read(world, "carol", first, "team")
    world.engine.remove_group_members("team", ["dave"])
    await world.settle()
    info = world["alice"].cached_receipt_info(first.message_id)
    assert (info.read_member_count, info.unread_member_count, info.status) == (2, 0, ReceiptStatus.DONE)
    info = world["alice"].cached_receipt_info(second.message_id)
    assert (info.read_member_count, info.unread_member_count, info.status) == (0, 2, ReceiptStatus.PROCESSING)
    world.engine.add_group_members("team", ["erin"])
    third = await world.send("alice", "team", group=True)
    assert world["alice"].cached_receipt_info(third.message_id).unread_member_count == 3  # bob, carol, erin
    assert world.engine.group_members("team") == ["alice", "bob", "carol", "erin"]
    check_invariants(store)


async def test_expiry(store):
    world = await store_world(store, receipt_lifetime=timedelta(seconds=60))
    sent = await world.send("alice", "bob")
    world.clock.advance(61)
    await world.settle()
    [info] = world.handler("alice").receipt_infos()
    assert info.status is ReceiptStatus.EXPIRED
    assert store.next_expiry() is None
    with pytest.raises(ReceiptError) as caught:
        await world["bob"].send_message_receipts_read([world.copy_of("bob", sent)], "alice", PEER)
    assert caught.value.code is ErrorCode.PARAMETER_INVALID
    check_invariants(store)


async def test_offline_catch_up(store):
    users = ["alice", "bob", "carol"]
    world = await store_world(store, users, groups={"team": users})
    world["alice"].set_online(False)
    world["carol"].set_online(False)
    peer = await world.send("bob", "carol", "while you were away")
    group = await world.send("bob", "team", "all of you", group=True)
    world["alice"].set_online(True)
    await world.settle()
    await read(world, "alice", group, "team")  # bob hears of it; carol still offline
    world["bob"].set_online(False)
    world["carol"].set_online(True)
    await world.settle()
    assert [m.message_id for m in world.handler("carol").received()] == [peer.message_id, group.message_id]
    await read(world, "carol", group, "team")
    world["bob"].set_online(True)
    await world.settle()
    statuses = [i.status for i in world.handler("bob").receipt_infos()]
    assert statuses == [ReceiptStatus.PROCESSING, ReceiptStatus.DONE]  # in order, once each
    assert store.outbox("bob") == []
    check_invariants(store)


async def test_member_list_paging(store):
    members = ["alice"] + [f"m{i:03}" for i in range(250)]
    world = await store_world(store, ["alice", "m007", "m100", "m249"], groups={"big": members})
    sent = await world.send("alice", "big", group=True)
    for reader in ("m007", "m100", "m249"):
        await read(world, reader, sent, "big")
    alice = world["alice"]
    unread, flag, pages = [], 0, 0
    while True:
        page = await alice.query_group_message_receipt_unread_member_list(sent, "big", Config(flag, 100))
        unread += page.user_list
        pages += 1
        flag = page.next_flag
        if flag == 0:
            break
    assert pages == 3 and len(unread) == 247 and len(set(unread)) == 247
    assert unread == [m for m in members[1:] if m not in ("m007", "m100", "m249")]
    read_list = await alice.query_group_message_receipt_read_member_list(sent, "big", Config(0, 100))
    assert read_list.user_list == ("m007", "m100", "m249") and read_list.next_flag == 0


async def test_same_observable_state_on_both_stores():
    """One mixed scenario on each store: every observable detail is identical."""
    views = []
    for name in sorted(STORES):
        store = STORES[name]()
        users = ["alice", "bob", "carol", "dave"]
        world = await store_world(store, users, groups={"team": users}, receipt_lifetime=timedelta(hours=1))
        a = await world.send("alice", "team", "a", group=True)
        b = await world.send("bob", "alice", "b")
        await world.send("carol", "team", "no receipt", group=True, receipt=False)
        await read(world, "bob", a, "team")
        await world["alice"].send_conversation_message_receipt_read("bob", PEER)
        world.engine.remove_group_members("team", ["carol"])
        world["dave"].set_online(False)
        await world.send("alice", "team", "c", group=True)
        world.clock.advance(3601)
        await world.settle()
        check_invariants(store)
        assert b.message_id
        views.append(snapshot(world))
        store.close()
    assert views[0] == views[1]


# ---------------------------------------------------------------------- SQLite only
def _record(store, message_id: int, message) -> MessageRecord:
    key = group_key("g")
    return MessageRecord(
        message_id=message_id,
        conversation_key=key,
        conversation_type=GROUP,
        target_id="g",
        sender_user_id="alice",
        seq=store.next_seq(key),
        message_type=message.type,
        payload=message.payload(),
        timestamp=1.5,
        status=ReceiptStatus.PROCESSING,
        eligible=3,
        expires_at=99.25,
    )


@pytest.mark.parametrize(
    "message",
    [
        TextMessage("héllo 你好 👋"),
        CommandMessage(b"\x00\xffbinary"),
        ImageMessage(file_local_path="/tmp/a.png", file_name="a.png", file_size=12),
        FileMessage(file_local_path="/tmp/a.pdf"),
        AudioMessage(file_local_path="/tmp/a.mp3", audio_duration=7),
        VideoMessage(file_local_path="/tmp/a.mp4", video_duration=9),
        CombineMessage(title="t", summary_text="s"),
        MultipleMessage(items=("one", "two")),
    ],
    ids=lambda m: type(m).__name__,
)
def test_every_payload_kind_round_trips(message):
    store = SqliteEngineStore(":memory:")
    record = _record(store, 1, message)
    store.add_message(record)
    loaded = store.get_message(1)
    assert loaded == record
    rebuilt = message_from_payload(loaded.message_type, loaded.payload)
    assert rebuilt == message
    store.close()


def test_outbox_infos_round_trip_with_their_enums():
    store = SqliteEngineStore(":memory:")
    infos = (
        MessageReceiptInfo("g", GROUP, 7, ReceiptStatus.DONE, 3, 0, 2, False, 12.5),
        MessageReceiptInfo("bob", PEER, 8, ReceiptStatus.EXPIRED, is_self_operated=True),
    )
    store.add_outbox("alice", 5, OutboxEvent("message_receipt", infos))
    store.add_outbox("alice", 3, OutboxEvent("conversation_receipt", infos[1:]))
    [(order_a, first), (order_b, second)] = store.outbox("alice")
    assert (order_a, order_b) == (3, 5)
    assert second == OutboxEvent("message_receipt", infos)
    assert (
        type(second.infos[0].status) is ReceiptStatus
        and type(second.infos[0].conversation_type) is ConversationType
    )
    assert first.kind == "conversation_receipt" and first.infos[0].is_self_operated is True
    store.remove_outbox("alice", 3)
    assert [order for order, _ in store.outbox("alice")] == [5]
    assert store.outbox("bob") == []
    store.close()


def _committed_users(path) -> list[str]:
    """The users a second connection sees in the file: what was committed."""
    with closing(sqlite3.connect(path)) as other:
        return [row[0] for row in other.execute("SELECT user_id FROM users ORDER BY rowid")]


def test_a_failed_operation_leaves_nothing_and_nested_blocks_join_the_outer_one(tmp_path):
    path = tmp_path / "engine.sqlite3"
    store = SqliteEngineStore(path)
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.add_user("ghost")
            raise RuntimeError("boom")
    assert not store.has_user("ghost") and _committed_users(path) == []
    with store.transaction():
        store.add_user("alice")
        with store.transaction():
            store.add_user("bob")
        assert _committed_users(path) == []  # nothing committed before the outer block ends
    assert _committed_users(path) == ["alice", "bob"]
    store.add_user("carol")  # outside any transaction: committed at once
    assert _committed_users(path) == ["alice", "bob", "carol"]
    store.close()


def test_an_inner_failure_undoes_the_whole_operation_even_when_it_was_caught(tmp_path):
    path = tmp_path / "engine.sqlite3"
    store = SqliteEngineStore(path)
    store.add_user("alice")
    with pytest.raises(ReceiptError) as caught:
        with store.transaction():
            store.add_user("bob")
            with pytest.raises(RuntimeError):
                with store.transaction():
                    store.add_user("inner")
                    raise RuntimeError("inner fails")
            store.add_user("carol")
    assert caught.value.code is ErrorCode.STORE_ERROR and "inner fails" in caught.value.message
    assert store.user_ids() == ["alice"] == _committed_users(path)  # never half an operation
    store.close()


def test_an_illegal_transition_mid_operation_rolls_the_whole_operation_back(monkeypatch):
    store = SqliteEngineStore(":memory:")
    engine = ReceiptEngine(clock=VirtualClock(), store=store)
    engine.create_group("g", ["alice", "bob"])
    draft = TextMessage("x", conversation_id="g", conversation_type=GROUP, sender_user_id="alice")
    sent, _ = engine.accept_message("alice", draft, True)
    before = (
        replace(store.get_message(sent.message_id)),  # a copy: the engine changes records in place
        store.read_ranges(group_key("g"), "bob"),
        store.outbox("alice"),
    )

    def broken(*args, **kwargs):
        raise IllegalTransition("simulated")

    monkeypatch.setattr(readtick.core.outbound, "status_after_change", broken)
    with pytest.raises(IllegalTransition):
        engine.mark_read("bob", [sent], "g", GROUP)
    after = (
        store.get_message(sent.message_id),
        store.read_ranges(group_key("g"), "bob"),
        store.outbox("alice"),
    )
    assert after == before
    engine.close()


async def test_a_big_group_costs_rows_per_member_not_per_member_per_message():
    store = SqliteEngineStore(":memory:")
    members = ["alice"] + [f"m{i:03}" for i in range(300)]
    world = await store_world(store, ["alice"], groups={"big": members})
    sent = [await world.send("alice", "big", f"m{i}", group=True) for i in range(20)]
    for member in members[1:]:
        world.engine.mark_read(member, sent[:10], "big", GROUP)
        world.engine.mark_read(member, sent[10:], "big", GROUP)
    await world.settle()
    counts = store.table_counts()
    assert counts["messages"] == 20
    assert counts["members"] == 301  # periods live in the member's row
    assert counts["readers"] == 300  # one row per reader: its ranges [[1, 20]]
    assert store.read_ranges(group_key("big"), "m123") == [(1, 20)]
    assert counts["outbox"] == 0  # alice received every event
    check_invariants(store)
    store.close()


@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("SELECT * FROM messages WHERE conversation_key = 'k' AND seq BETWEEN 1 AND 5", "messages_by_seq"),
        ("SELECT * FROM messages WHERE conversation_key = 'k' AND status IN (1, 5)", "messages_active"),
        (
            "SELECT MIN(expires_at) FROM messages WHERE status IN (1, 5) AND expires_at IS NOT NULL",
            "messages_expiry",
        ),
        ("SELECT * FROM outbox WHERE user_id = 'u' ORDER BY order_key", "PRIMARY KEY"),
        ("SELECT * FROM members WHERE user_id = 'u'", "members_by_user"),
        (
            "SELECT user_id FROM members WHERE group_id = 'g' AND is_current = 1 ORDER BY ordinal",
            "PRIMARY KEY",
        ),
    ],
)
def test_hot_queries_use_an_index(query, index):
    store = SqliteEngineStore(":memory:")
    plan = " ".join(row[3] for row in store._db.conn.execute("EXPLAIN QUERY PLAN " + query))
    assert index in plan and "SCAN" not in plan.split(index)[0], plan
    store.close()


def test_a_database_error_inside_an_operation_is_undone_and_reported_as_store_error():
    store = SqliteEngineStore(":memory:")
    with pytest.raises(ReceiptError) as caught:
        with store.transaction():
            store.add_user("alice")
            store._db.conn.execute("INSERT INTO no_such_table VALUES (1)")
    assert caught.value.code is ErrorCode.STORE_ERROR and ":memory:" in caught.value.message
    assert store.user_ids() == [] and not store._db.conn.in_transaction
    store.close()
