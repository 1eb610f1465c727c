"""query_history_message: pages from the local cache, also offline, with current statuses."""

from __future__ import annotations

import pytest
from readtick.core import ConversationType, ErrorCode, ReceiptError, ReceiptStatus
from readtick.core.localcache import MemoryLocalCache
from readtick.core.memorystore import MemoryEngineStore
from receipt_world import make_world
from sqlite_worlds import store_world

PEER = ConversationType.PEER


async def test_pages_backwards_and_forwards():
    world = await make_world()
    for i in range(7):
        await world.send("alice", "bob", f"m{i}", receipt=False)
    bob = world["bob"]
    newest = await bob.query_history_message("alice", PEER, count=3)
    assert [m.message for m in newest.message_list] == ["m4", "m5", "m6"]
    older = await bob.query_history_message("alice", PEER, next_message=newest.message_list[0], count=3)
    assert [m.message for m in older.message_list] == ["m1", "m2", "m3"]
    oldest = await bob.query_history_message("alice", PEER, next_message=older.message_list[0], count=3)
    assert [m.message for m in oldest.message_list] == ["m0"]
    forward = await bob.query_history_message("alice", PEER, count=2, reverse=False)
    assert [m.message for m in forward.message_list] == ["m0", "m1"]


async def test_history_works_offline_and_shows_the_readers_view():
    world = await make_world()
    sent = await world.send("alice", "bob", "read me")
    await world["bob"].send_message_receipts_read([world.copy_of("bob", sent)], "alice", PEER)
    await world.settle()
    world["bob"].set_online(False)
    world["alice"].set_online(False)
    bobs = await world["bob"].query_history_message("alice", PEER)
    alices = await world["alice"].query_history_message("bob", PEER)
    assert [m.receipt_status for m in bobs.message_list] == [ReceiptStatus.DONE]
    assert [m.receipt_status for m in alices.message_list] == [ReceiptStatus.DONE]


@pytest.mark.parametrize("count", [0, 101])
async def test_count_is_bounded(count):
    world = await make_world()
    with pytest.raises(ReceiptError) as caught:
        await world["bob"].query_history_message("alice", PEER, count=count)
    assert caught.value.code is ErrorCode.PARAMETER_INVALID


async def test_unknown_conversation():
    world = await make_world()
    with pytest.raises(ReceiptError) as caught:
        await world["bob"].query_history_message("ghost", ConversationType.GROUP)
    assert caught.value.code is ErrorCode.CONVERSATION_DOES_NOT_EXIST


async def test_a_history_page_reads_one_page_never_the_whole_conversation(counting_cache):
    world = await store_world(MemoryEngineStore(), cache_factory=lambda: counting_cache(MemoryLocalCache()))
    bob = world["bob"]
    cache = bob.cache
    for i in range(40):
        await world.send("alice", "bob", f"m{i}", receipt=False)
    older = None
    seen = []
    while True:
        page = await bob.query_history_message("alice", PEER, next_message=older, count=15)
        if not page.message_list:
            break
        seen[0:0] = [m.message for m in page.message_list]
        older = page.message_list[0]
    assert seen == [f"m{i}" for i in range(40)]
    forward = await bob.query_history_message("alice", PEER, next_message=older, count=5, reverse=False)
    assert [m.message for m in forward.message_list] == ["m1", "m2", "m3", "m4", "m5"]
    assert cache.calls == {"messages_before": 4, "messages_after": 1}
