"""Rules 8 and 9: DELIVERED when every eligible client received it (option), EXPIRED after the lifetime."""

from __future__ import annotations

from datetime import timedelta

import pytest
from readtick.core import ConversationType, ReceiptError, ReceiptStatus
from receipt_world import make_world

GROUP, PEER = ConversationType.GROUP, ConversationType.PEER
USERS = ["alice", "bob", "carol"]


async def test_delivered_once_every_reader_received_then_done():
    world = await make_world(USERS, groups={"team": USERS}, delivered_status=True, latency={"carol": 3.0})
    sent = await world.send("alice", "team", group=True)
    assert world.copy_of("alice", sent).receipt_status is ReceiptStatus.PROCESSING  # carol's copy on its way
    world.clock.advance(3)
    await world.settle()
    assert world.copy_of("alice", sent).receipt_status is ReceiptStatus.DELIVERED
    [info] = world.handler("alice").receipt_infos()
    assert info.status is ReceiptStatus.DELIVERED and info.delivered_member_count == 2
    for reader in ("bob", "carol"):
        await world[reader].send_message_receipts_read([world.copy_of(reader, sent)], "team", GROUP)
    await world.settle()
    assert world.copy_of("alice", sent).receipt_status is ReceiptStatus.DONE


async def test_without_the_option_delivery_notifies_nobody():
    world = await make_world(USERS, groups={"team": USERS})
    sent = await world.send("alice", "team", group=True)
    assert world.copy_of("alice", sent).receipt_status is ReceiptStatus.PROCESSING
    assert world.handler("alice").calls[1:] == []  # only the login's connection event


async def test_peer_delivered_with_the_option():
    world = await make_world(delivered_status=True)
    sent = await world.send("alice", "bob")
    assert world.copy_of("alice", sent).receipt_status is ReceiptStatus.DELIVERED


async def test_a_receipt_expires_after_its_lifetime_and_the_sender_is_told():
    world = await make_world(receipt_lifetime=timedelta(hours=1))
    sent = await world.send("alice", "bob")
    world.clock.advance(3599)
    await world.settle()
    assert world.copy_of("alice", sent).receipt_status is ReceiptStatus.PROCESSING
    world.clock.advance(1)
    await world.settle()
    assert world.copy_of("alice", sent).receipt_status is ReceiptStatus.EXPIRED
    [info] = world.handler("alice").receipt_infos()
    assert info.status is ReceiptStatus.EXPIRED and info.message_id == sent.message_id


async def test_reading_an_expired_message_puts_it_in_error_ids():
    world = await make_world()
    expired = await world.send("alice", "bob", "old")
    world.clock.advance(timedelta(days=7).total_seconds())
    await world.settle()
    fresh = await world.send("alice", "bob", "new")
    copies = [world.copy_of("bob", expired), world.copy_of("bob", fresh)]
    result = await world["bob"].send_message_receipts_read(copies, "alice", PEER)
    assert result.error_message_ids == (expired.message_id,)
    with pytest.raises(ReceiptError, match="expired"):
        await world["bob"].send_message_receipts_read(copies[:1], "alice", PEER)
    history = await world["bob"].query_history_message("alice", PEER)
    assert [m.receipt_status for m in history.message_list] == [ReceiptStatus.EXPIRED, ReceiptStatus.DONE]


async def test_a_done_receipt_never_expires():
    world = await make_world()
    sent = await world.send("alice", "bob")
    await world["bob"].send_message_receipts_read([world.copy_of("bob", sent)], "alice", PEER)
    world.clock.advance(timedelta(days=30).total_seconds())
    await world.settle()
    assert world.copy_of("alice", sent).receipt_status is ReceiptStatus.DONE
    assert [i.status for i in world.handler("alice").receipt_infos()] == [ReceiptStatus.DONE]
