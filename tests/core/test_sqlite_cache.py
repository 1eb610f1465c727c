"""``SqliteLocalCache`` answers exactly like ``MemoryLocalCache``: history paging, in-place
updates, infos, local ids; plus persistence across reopen and offline login from the file."""

from __future__ import annotations

from dataclasses import replace

import pytest
from readtick.core import (
    CommandMessage,
    ConversationType,
    ErrorCode,
    MessageDirection,
    MessageReceiptInfo,
    MultipleMessage,
    ReceiptError,
    ReceiptStatus,
    SentStatus,
    TextMessage,
)
from readtick.core.sqlitecache import SqliteLocalCache
from sqlite_worlds import CACHES, STORES, add_client, cache_path, close_world, file_world, store_world

PEER, GROUP = ConversationType.PEER, ConversationType.GROUP


@pytest.fixture(params=sorted(CACHES))
def cache_factory(request):
    return CACHES[request.param]


def _message(message_id: int, conversation: str = "bob", **fields) -> TextMessage:
    return TextMessage(
        f"m{message_id}",
        message_id=message_id,
        conversation_id=conversation,
        conversation_type=PEER,
        sender_user_id="alice",
        direction=MessageDirection.SEND,
        sent_status=SentStatus.SUCCESS,
        timestamp=message_id / 3,
        order_key=message_id,
        conversation_seq=message_id,
        receipt_status=ReceiptStatus.PROCESSING,
        **fields,
    )


def test_put_replaces_in_place_and_keeps_arrival_order(cache_factory):
    cache = cache_factory()
    for message_id in (3, 1, 2):
        cache.put(_message(message_id))
    cache.put(_message(5, conversation="team"))
    cache.put(replace(_message(1), receipt_status=ReceiptStatus.DONE))
    failed = replace(_message(0), local_message_id=4, sent_status=SentStatus.FAILED)
    cache.put(failed)
    assert [m.message_id for m in cache.conversation("bob", PEER)] == [3, 1, 2, 0]
    assert cache.get(1).receipt_status is ReceiptStatus.DONE
    assert cache.get(-4) == failed and cache.get(99) is None
    assert cache.conversations() == [("bob", PEER), ("team", PEER)]
    assert cache.conversation("bob", GROUP) == []
    cache.close()


def test_infos_and_local_ids(cache_factory):
    cache = cache_factory()
    info = MessageReceiptInfo("team", GROUP, 7, ReceiptStatus.PROCESSING, 2, 3, 4, True, 1.25)
    cache.put_info(info)
    cache.put_info(replace(info, read_member_count=3, unread_member_count=2))
    assert cache.info(7) == replace(info, read_member_count=3, unread_member_count=2)
    assert type(cache.info(7).status) is ReceiptStatus and cache.info(8) is None
    assert [cache.next_local_id() for _ in range(3)] == [1, 2, 3]
    cache.close()


@pytest.mark.parametrize(
    "message",
    [
        _message(1),
        CommandMessage(b"\x00\x01", message_id=2, conversation_id="bob"),
        MultipleMessage(items=("a", "b"), message_id=3, conversation_id="team", conversation_type=GROUP),
    ],
    ids=["text", "command", "multiple"],
)
def test_messages_round_trip_exactly(message):
    cache = SqliteLocalCache(":memory:")
    cache.put(message)
    assert cache.get(message.message_id) == message
    assert type(cache.get(message.message_id)) is type(message)
    cache.close()


async def _history_world(store_name: str, cache_factory):
    world = await store_world(
        STORES[store_name](),
        ["alice", "bob", "carol"],
        groups={"team": ["alice", "bob", "carol"]},
        cache_factory=cache_factory,
    )
    for i in range(7):
        await world.send("alice", "bob", f"p{i}", receipt=i % 2 == 0)
        await world.send("carol", "team", f"g{i}", group=True, receipt=i % 3 != 0)
    return world


async def _all_pages(client, conversation, ctype, count, reverse):
    pages, anchor = [], None
    while True:
        result = await client.query_history_message(
            conversation, ctype, next_message=anchor, count=count, reverse=reverse
        )
        if not result.message_list:
            return pages
        pages.append(result.message_list)
        anchor = result.message_list[0] if reverse else result.message_list[-1]


async def test_history_pages_identically_on_both_caches():
    results = []
    for name in sorted(CACHES):
        world = await _history_world("memory", CACHES[name])
        read = world.copy_of("bob", (await world["bob"].query_history_message("alice", PEER)).message_list[0])
        await world["bob"].send_message_receipts_read([read], "alice", PEER)
        await world.settle()
        pages = []
        for user, conversation, ctype in [
            ("bob", "alice", PEER),
            ("alice", "bob", PEER),
            ("bob", "team", GROUP),
        ]:
            for count in (1, 3, 100):
                for reverse in (True, False):
                    pages.append(await _all_pages(world[user], conversation, ctype, count, reverse))
        world["bob"].set_online(False)
        pages.append(await _all_pages(world["bob"], "team", GROUP, 4, True))
        results.append(pages)
        close_world(world)
    assert results[0] == results[1]
    assert [len(p) for p in results[0][:2]] == [7, 7]


async def test_next_message_from_another_conversation_is_refused(cache_factory):
    world = await _history_world("sqlite", cache_factory)
    stranger = (await world["bob"].query_history_message("team", GROUP, count=1)).message_list[0]
    with pytest.raises(ReceiptError) as caught:
        await world["bob"].query_history_message("alice", PEER, next_message=stranger)
    assert caught.value.code is ErrorCode.PARAMETER_INVALID
    close_world(world)


async def test_offline_login_reads_history_and_infos_from_the_cache_file(tmp_path):
    world = await file_world(tmp_path, ["alice", "bob"])
    sent = await world.send("alice", "bob", "read me")
    unread = await world.send("alice", "bob", "not yet")
    await world["bob"].send_message_receipts_read([world.copy_of("bob", sent)], "alice", PEER)
    await world.settle()
    expected = await world["alice"].query_history_message("bob", PEER)
    close_world(world)

    world = await file_world(tmp_path, ["alice"], offline=["alice"])  # the link is down from the start
    alice = world["alice"]
    assert alice.logged_in and not alice.online
    history = await alice.query_history_message("bob", PEER)
    assert history.message_list == expected.message_list
    assert [m.receipt_status for m in history.message_list] == [ReceiptStatus.DONE, ReceiptStatus.PROCESSING]
    info = alice.cached_receipt_info(sent.message_id)
    assert (info.status, info.read_member_count, info.unread_member_count) == (ReceiptStatus.DONE, 1, 0)
    assert alice.cached_receipt_info(unread.message_id).status is ReceiptStatus.PROCESSING
    older = await alice.query_history_message("bob", PEER, next_message=history.message_list[1], count=5)
    assert [m.message_id for m in older.message_list] == [sent.message_id]
    with pytest.raises(ReceiptError) as caught:
        await alice.send_message_receipts_read(list(history.message_list), "bob", PEER)
    assert caught.value.code is ErrorCode.NETWORK_UNAVAILABLE
    close_world(world)


async def test_local_ids_are_never_reused_across_restarts(tmp_path):
    world = await file_world(tmp_path, ["alice", "bob"])
    first = await world.send("alice", "bob")
    world["alice"].set_online(False)
    with pytest.raises(ReceiptError) as caught:
        await world["alice"].send_message(TextMessage("offline"), "bob", PEER)
    failed = caught.value.failed_message
    close_world(world)
    world = await file_world(tmp_path, ["alice", "bob"])
    again = await world.send("alice", "bob")
    ids = [first.local_message_id, failed.local_message_id, again.local_message_id]
    assert ids == [1, 2, 3]
    history = world["alice"].cached_messages("bob", PEER)
    assert [m.sent_status for m in history] == [SentStatus.SUCCESS, SentStatus.FAILED, SentStatus.SUCCESS]
    close_world(world)


async def test_a_cache_belongs_to_one_user(tmp_path):
    SqliteLocalCache(cache_path(tmp_path, "alice"), user_id="alice").close()
    with pytest.raises(ReceiptError) as caught:
        SqliteLocalCache(cache_path(tmp_path, "alice"), user_id="bob")
    assert caught.value.code is ErrorCode.STORE_ERROR
    assert "belongs to 'alice'" in caught.value.message and "cache-alice.sqlite3" in caught.value.message
    cache = SqliteLocalCache(cache_path(tmp_path, "alice"), user_id="alice")
    assert cache.user_id == "alice"
    cache.close()


async def test_a_client_on_a_sqlite_cache_receives_what_it_missed_after_login(tmp_path):
    world = await file_world(tmp_path, ["alice"])
    world.engine.register_user("bob")
    sent = await world.send("alice", "bob", "waiting for you")
    bob = await add_client(world, "bob", SqliteLocalCache(cache_path(tmp_path, "bob"), user_id="bob"))
    await world.settle()
    assert [m.message_id for m in bob.cached_messages("alice", PEER)] == [sent.message_id]
    close_world(world)


def test_awaiting_read_lists_received_messages_still_open(cache_factory):
    cache = cache_factory()

    def received(message_id, status=ReceiptStatus.PROCESSING):
        return replace(_message(message_id), direction=MessageDirection.RECEIVE, receipt_status=status)

    cache.put(received(1))
    cache.put(received(2, ReceiptStatus.DONE))
    cache.put(received(3, ReceiptStatus.EXPIRED))
    cache.put(_message(4))  # sent by this client: not for it to read
    cache.put(received(5))
    assert sorted(cache.awaiting_read()) == [1, 5]


def test_a_cache_file_from_the_first_schema_is_migrated_and_keeps_its_messages(tmp_path):
    from readtick.core.sqlitecache import CACHE_KIND, SCHEMA_V1
    from readtick.core.sqlitedb import Database, DatabaseKind

    path = tmp_path / "old.sqlite3"
    Database(path, DatabaseKind(CACHE_KIND.name, CACHE_KIND.application_id, [SCHEMA_V1])).close()
    old = SqliteLocalCache(path)
    old.put(replace(_message(1), direction=MessageDirection.RECEIVE))
    assert old.awaiting_read() == [1]
    old.close()


def test_pages_by_key_newest_first(cache_factory):
    cache = cache_factory()
    for message_id in (5, 1, 2, 9, 3):  # arrival order, not id order, is the history's order
        cache.put(_message(message_id))
        cache.put(_message(100 + message_id, conversation="team"))
    failed = replace(_message(0), local_message_id=4, sent_status=SentStatus.FAILED)
    cache.put(failed)
    cache.put(replace(_message(2), receipt_status=ReceiptStatus.DONE))  # keeps its place

    def ids(page):
        return [m.message_id or -m.local_message_id for m in page]

    assert ids(cache.messages_before("bob", PEER, None, 3)) == [-4, 3, 9]
    assert ids(cache.messages_before("bob", PEER, 9, 2)) == [2, 1]
    assert ids(cache.messages_before("bob", PEER, 1, 10)) == [5]
    assert cache.messages_before("bob", PEER, 5, 10) == []
    assert ids(cache.messages_after("bob", PEER, None, 2)) == [1, 5]
    assert ids(cache.messages_after("bob", PEER, 2, 10)) == [-4, 3, 9]
    assert ids(cache.messages_after("bob", PEER, 3, 1)) == [-4]
    assert cache.messages_after("bob", PEER, -4, 5) == []
    assert cache.messages_before("bob", PEER, 1, 1)[0].receipt_status is ReceiptStatus.PROCESSING
    assert cache.messages_after("bob", PEER, 1, 1)[0].receipt_status is ReceiptStatus.DONE
    # an anchor the conversation does not hold gives nothing, never another conversation's page
    assert cache.messages_before("bob", PEER, 103, 5) == []
    assert cache.messages_after("bob", PEER, 77, 5) == []
    assert cache.messages_before("bob", GROUP, None, 5) == []
    cache.close()


def _vm_steps_for_a_page(total: int) -> int:
    """SQLite virtual-machine steps (in units of 100) to read a page of 30 from the middle of a
    ``total``-message conversation: flat if the page is read from the index by key."""
    cache = SqliteLocalCache(":memory:")
    conn = cache._db.conn
    conn.execute("BEGIN")
    for message_id in range(1, total + 1):
        cache.put(_message(message_id))
        cache.put(_message(total + message_id, conversation="team"))
    conn.execute("COMMIT")
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    conn.set_progress_handler(count, 100)
    before = cache.messages_before("bob", PEER, total // 2, 30)
    after = cache.messages_after("bob", PEER, total // 2, 30)
    conn.set_progress_handler(None, 0)
    assert len(before) == len(after) == 30
    cache.close()
    return steps


def test_a_sqlite_page_does_not_walk_the_conversation():
    small, large = _vm_steps_for_a_page(200), _vm_steps_for_a_page(20_000)
    assert large <= small + 2, f"a page costs {small} steps at 200 messages but {large} at 20,000"
