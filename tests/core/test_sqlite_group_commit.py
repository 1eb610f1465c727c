"""Group commit on SQLite: the reads of one loop turn share one commit, each returns only after it,
and a commit that fails fails every read of its batch and puts the state back as it was."""

from __future__ import annotations

import asyncio

import pytest
from readtick.core import ConversationType, ErrorCode, ReceiptError, ReceiptStatus
from readtick.core.sqlitestore import SqliteEngineStore
from readtick.core.store import group_key
from sqlite_worlds import check_invariants, store_world

GROUP = ConversationType.GROUP
READERS = [f"r{i:02}" for i in range(20)]


async def group_of_readers(tmp_path):
    store = SqliteEngineStore(tmp_path / "engine.sqlite3", synchronous="NORMAL")
    world = await store_world(store, ["alice", *READERS], groups={"g": ["alice", *READERS]})
    sent = [await world.send("alice", "g", f"m{i}", group=True) for i in range(2)]
    return world, store, sent


def read_all(world, message):
    return [world[r].send_message_receipts_read([world.copy_of(r, message)], "g", GROUP) for r in READERS]


async def test_concurrent_reads_share_one_commit_and_return_after_it(tmp_path):
    world, store, sent = await group_of_readers(tmp_path)
    before = store.commits
    await asyncio.gather(*read_all(world, sent[0]))
    concurrent = store.commits - before
    await world.settle()
    before = store.commits
    for call in read_all(world, sent[1]):
        await call
    one_by_one = store.commits - before
    # 20 reads in one turn: one commit for the reads (and one for the sender's deliveries);
    # awaited one by one: a commit each
    assert concurrent <= 2 and one_by_one >= len(READERS)
    await world.settle()
    world.engine.close()
    reopened = SqliteEngineStore(tmp_path / "engine.sqlite3")
    assert reopened.get_message(sent[0].message_id).read == len(READERS)  # all of it on disk
    reopened.close()


async def test_a_failed_commit_fails_every_read_of_the_batch_and_reloads_the_state(tmp_path):
    world, store, sent = await group_of_readers(tmp_path)
    message = sent[0]
    store._conn.execute("PRAGMA query_only = ON")  # the next commit cannot write
    results = await asyncio.gather(*read_all(world, message), return_exceptions=True)
    assert all(isinstance(r, ReceiptError) and r.code is ErrorCode.STORE_ERROR for r in results)
    await world.settle()
    # nothing of the batch is left: not in the engine, not in the readers' or the sender's caches
    assert store.get_message(message.message_id).read == 0
    assert all(store.read_ranges(group_key("g"), r) == [] for r in READERS)
    assert all(world.copy_of(r, message).receipt_status is ReceiptStatus.PROCESSING for r in READERS)
    assert world.handler("alice").receipt_infos() == []
    check_invariants(store)
    # once the disk takes writes again, the same reads work
    store._conn.execute("PRAGMA query_only = OFF")
    await asyncio.gather(*read_all(world, message))
    await world.settle()
    assert store.get_message(message.message_id).read == len(READERS)
    assert world.copy_of("alice", message).receipt_status is ReceiptStatus.DONE
    world.engine.close()


async def test_a_send_whose_commit_fails_is_failed_in_the_senders_cache(tmp_path):
    world, store, _ = await group_of_readers(tmp_path)
    store._conn.execute("PRAGMA query_only = ON")
    with pytest.raises(ReceiptError) as caught:
        await world.send("alice", "g", "lost", group=True)
    assert caught.value.code is ErrorCode.STORE_ERROR
    assert caught.value.failed_message is not None
    assert caught.value.failed_message.receipt_status is ReceiptStatus.FAILED
    store._conn.execute("PRAGMA query_only = OFF")
    await world.settle()
    assert store.last_seq(group_key("g")) == 2  # the engine never had it
    assert all(m.message != "lost" for r in READERS for m in world[r].cached_messages("g", GROUP))
    world.engine.close()
