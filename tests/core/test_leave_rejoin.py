"""Rule 5 through leave and rejoin: eligibility is fixed at send and can only be lost, a leaver is
subtracted at most once, and counts and member lists freeze once a receipt is final."""

from __future__ import annotations

import pytest
from readtick.core import (
    ConversationType,
    ErrorCode,
    GroupMessageReceiptMemberQueryConfig,
    ReceiptError,
    ReceiptStatus,
)
from receipt_world import make_world

GROUP = ConversationType.GROUP
USERS = ["alice", "bob", "carol", "dave"]


def counts(world, message):
    record = world.engine.store.get_message(message.message_id)
    return record.read, record.eligible - record.read, record.status


async def engine_counts(world, message):
    """The sender's numbers as the engine answers them."""
    result = await world["alice"].query_message_receipts_info([message], "team", GROUP)
    [info] = result.infos
    return info.read_member_count, info.unread_member_count, info.status


async def members(world, message, which):
    query = (
        world["alice"].query_group_message_receipt_read_member_list
        if which == "read"
        else world["alice"].query_group_message_receipt_unread_member_list
    )
    result = await query(message, "team", GroupMessageReceiptMemberQueryConfig(count=100))
    return sorted(result.user_list)


def leave(world, user):
    world.engine.remove_group_members("team", [user])


def join(world, user):
    world.engine.add_group_members("team", [user])


async def test_a_rejoined_member_cannot_read_what_was_sent_before_it_left():
    world = await make_world(USERS, groups={"team": USERS})
    sent = await world.send("alice", "team", group=True)
    copy = world.copy_of("dave", sent)
    leave(world, "dave")
    join(world, "dave")
    later = await world.send("alice", "team", "after the rejoin", group=True)
    result = await world["dave"].send_message_receipts_read(
        [copy, world.copy_of("dave", later)], "team", GROUP
    )
    assert result.error_message_ids == (sent.message_id,)
    with pytest.raises(ReceiptError) as caught:
        await world["dave"].send_message_receipts_read([copy], "team", GROUP)
    assert caught.value.code is ErrorCode.PARAMETER_INVALID
    assert "left" in caught.value.message
    await world["bob"].send_message_receipts_read([world.copy_of("bob", sent)], "team", GROUP)
    await world.settle()
    # carol has not read it: the message is not DONE
    assert await engine_counts(world, sent) == (1, 1, ReceiptStatus.PROCESSING)
    assert await members(world, sent, "unread") == ["carol"]


async def test_leaving_twice_subtracts_once():
    world = await make_world(USERS, groups={"team": USERS})
    sent = await world.send("alice", "team", group=True)
    leave(world, "dave")
    join(world, "dave")
    leave(world, "dave")
    await world.settle()
    assert await engine_counts(world, sent) == (0, 2, ReceiptStatus.PROCESSING)
    assert await members(world, sent, "unread") == ["bob", "carol"]
    info = world["alice"].cached_receipt_info(sent.message_id)
    assert (info.read_member_count, info.unread_member_count) == (0, 2)


async def test_leaving_twice_never_drives_unread_below_zero():
    world = await make_world(["alice", "bob"], groups={"team": ["alice", "bob"]})
    sent = await world.send("alice", "team", group=True)
    leave(world, "bob")
    join(world, "bob")
    leave(world, "bob")
    await world.settle()
    assert counts(world, sent) == (0, 0, ReceiptStatus.PROCESSING)


async def test_after_expiry_a_leaver_stays_in_the_unread_count_and_list():
    world = await make_world(USERS, groups={"team": USERS})
    sent = await world.send("alice", "team", group=True)
    await world["bob"].send_message_receipts_read([world.copy_of("bob", sent)], "team", GROUP)
    world.clock.advance(7 * 24 * 3600)
    await world.settle()
    assert await engine_counts(world, sent) == (1, 2, ReceiptStatus.EXPIRED)
    leave(world, "carol")
    leave(world, "bob")
    await world.settle()
    assert await engine_counts(world, sent) == (1, 2, ReceiptStatus.EXPIRED)
    assert await members(world, sent, "unread") == ["carol", "dave"]
    assert await members(world, sent, "read") == ["bob"]


async def test_a_leaver_before_expiry_is_out_of_the_expired_counts_and_lists():
    world = await make_world(USERS, groups={"team": USERS})
    sent = await world.send("alice", "team", group=True)
    leave(world, "carol")
    world.clock.advance(7 * 24 * 3600)
    await world.settle()
    join(world, "carol")
    leave(world, "dave")
    await world.settle()
    assert await engine_counts(world, sent) == (0, 2, ReceiptStatus.EXPIRED)
    assert await members(world, sent, "unread") == ["bob", "dave"]


async def test_a_leaver_after_done_changes_nothing():
    world = await make_world(["alice", "bob", "carol"], groups={"team": ["alice", "bob", "carol"]})
    sent = await world.send("alice", "team", group=True)
    for user in ("bob", "carol"):
        await world[user].send_message_receipts_read([world.copy_of(user, sent)], "team", GROUP)
    leave(world, "bob")
    await world.settle()
    assert await engine_counts(world, sent) == (2, 0, ReceiptStatus.DONE)
    assert await members(world, sent, "read") == ["bob", "carol"]
    assert await members(world, sent, "unread") == []


async def test_a_message_not_delivered_yet_cannot_be_read():
    world = await make_world(["alice", "bob"], latency={"bob": 5.0})
    sent = await world.send("alice", "bob")
    assert world["bob"].cached_message(sent.message_id) is None
    with pytest.raises(ReceiptError) as caught:
        await world["bob"].send_message_receipts_read([sent], "alice", ConversationType.PEER)
    assert caught.value.code is ErrorCode.PARAMETER_INVALID
    assert "not reached this client" in caught.value.message
    world.clock.advance(5)
    await world.settle()
    await world["bob"].send_message_receipts_read([sent], "alice", ConversationType.PEER)
    await world.settle()
    assert world.copy_of("alice", sent).receipt_status is ReceiptStatus.DONE
