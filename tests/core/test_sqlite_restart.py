"""Close and reopen: a world on files comes back identical (histories, statuses, counts, member
lists), and what was still pending (outbox events, undelivered messages, expiries) still arrives."""

from __future__ import annotations

from datetime import timedelta

from readtick.core import ConversationType, GroupMessageReceiptMemberQueryConfig, ReceiptStatus
from sqlite_worlds import check_invariants, close_world, file_world, snapshot

PEER, GROUP = ConversationType.PEER, ConversationType.GROUP
USERS = ["alice", "bob", "carol"]


async def read(world, user, message, conversation):
    ctype = message.conversation_type
    await world[user].send_message_receipts_read([world.copy_of(user, message)], conversation, ctype)
    await world.settle()


async def _first_session(data_dir):
    """Build a world with read, unread, left-member, undelivered and pending-event state."""
    world = await file_world(data_dir, USERS)
    world.engine.create_group("team", [*USERS, "dave"])
    sent = {}
    sent["a1"] = await world.send("alice", "bob", "peer")
    await read(world, "bob", sent["a1"], "alice")
    sent["g1"] = await world.send("alice", "team", "g1", group=True)
    sent["g2"] = await world.send("alice", "team", "g2", group=True)
    await world.send("alice", "team", "no receipt", group=True, receipt=False)
    await read(world, "bob", sent["g1"], "team")
    await read(world, "carol", sent["g1"], "team")
    world["carol"].set_online(False)
    sent["b1"] = await world.send("bob", "carol", "for carol, offline")
    sent["g3"] = await world.send("bob", "team", "g3", group=True)
    world.engine.remove_group_members("team", ["dave"])  # g1 completes, g2 and g3 drop a reader
    await world.settle()
    world["alice"].set_online(False)
    await read(world, "bob", sent["g2"], "team")  # alice's event waits in the outbox
    world.clock.advance(10)
    await world.settle()
    return world, sent


async def test_everything_comes_back_and_pending_events_still_arrive(tmp_path):
    world, sent = await _first_session(tmp_path)
    assert world.engine.store.outbox("alice") and world.engine.store.outbox("carol") == []
    before = snapshot(world)
    now = world.clock.now()
    close_world(world)

    world = await file_world(tmp_path, USERS, now=now, offline=["alice", "carol"])
    assert snapshot(world) == before
    info = world["alice"].cached_receipt_info(sent["g1"].message_id)
    assert (info.status, info.read_member_count, info.unread_member_count) == (ReceiptStatus.DONE, 2, 0)
    members = await world["bob"].query_group_message_receipt_unread_member_list(
        sent["g3"], "team", GroupMessageReceiptMemberQueryConfig(count=10)
    )
    assert members.user_list == ("alice", "carol")
    check_invariants(world.engine.store)

    world["alice"].set_online(True)
    world["carol"].set_online(True)
    await world.settle()
    [info] = world.handler("alice").receipt_infos()  # bob's read of g2, made while alice was away
    assert (info.message_id, info.read_member_count, info.unread_member_count) == (
        sent["g2"].message_id,
        1,
        1,
    )
    assert world["alice"].cached_receipt_info(sent["g2"].message_id) == info
    carol_got = [m.message_id for m in world.handler("carol").received()]
    assert carol_got == [sent["b1"].message_id, sent["g3"].message_id]  # in order, once each
    assert world.handler("bob").received() == []  # bob had everything: nothing again
    assert world.engine.store.outbox("alice") == []

    await read(world, "carol", sent["g2"], "team")
    await read(world, "carol", sent["b1"], "bob")
    assert world.copy_of("alice", sent["g2"]).receipt_status is ReceiptStatus.DONE
    assert world.copy_of("bob", sent["b1"]).receipt_status is ReceiptStatus.DONE
    check_invariants(world.engine.store)
    close_world(world)


async def test_receipts_expire_on_time_after_a_restart(tmp_path):
    world = await file_world(tmp_path, ["alice", "bob"], receipt_lifetime=timedelta(seconds=60))
    sent = await world.send("alice", "bob")
    close_world(world)
    world = await file_world(tmp_path, ["alice", "bob"], now=30, receipt_lifetime=timedelta(seconds=60))
    await world.settle()
    assert world.handler("alice").receipt_infos() == []
    world.clock.advance(31)
    await world.settle()
    [info] = world.handler("alice").receipt_infos()
    assert info.status is ReceiptStatus.EXPIRED and info.message_id == sent.message_id
    assert world.copy_of("alice", sent).receipt_status is ReceiptStatus.EXPIRED
    close_world(world)


async def test_ids_and_sequences_continue_after_a_restart(tmp_path):
    world = await file_world(tmp_path, ["alice", "bob"])
    first = await world.send("alice", "bob")
    close_world(world)
    world = await file_world(tmp_path, ["alice", "bob"])
    second = await world.send("bob", "alice")
    assert second.message_id > first.message_id
    assert second.conversation_seq == first.conversation_seq + 1
    history = await world["alice"].query_history_message("bob", PEER)
    assert [m.message_id for m in history.message_list] == [first.message_id, second.message_id]
    close_world(world)


async def test_a_receipt_that_expired_while_closed_reaches_the_receiver_on_the_next_start(tmp_path):
    lifetime = timedelta(seconds=60)
    world = await file_world(tmp_path, ["alice", "bob"], receipt_lifetime=lifetime)
    sent = await world.send("alice", "bob")
    close_world(world)
    world = await file_world(tmp_path, ["alice", "bob"], now=120, receipt_lifetime=lifetime)
    await world.settle()
    assert world.copy_of("bob", sent).receipt_status is ReceiptStatus.EXPIRED
    close_world(world)
