"""Rule 4: conversation read, PEER only, covering what was delivered before the call."""

from __future__ import annotations

import pytest
from readtick.core import ConversationType, ErrorCode, ReceiptError, ReceiptStatus
from receipt_world import make_world

PEER, GROUP = ConversationType.PEER, ConversationType.GROUP


@pytest.mark.parametrize("ctype", [GROUP, ConversationType.ROOM])
async def test_only_peer_conversations(ctype):
    world = await make_world(groups={"team": ["alice", "bob"]})
    await world.send("alice", "team", group=True)
    with pytest.raises(ReceiptError) as caught:
        await world["bob"].send_conversation_message_receipt_read("team", ctype)
    assert caught.value.code is ErrorCode.PARAMETER_INVALID and "PEER" in caught.value.message


async def test_covers_delivered_messages_and_leaves_later_ones_processing():
    world = await make_world(latency={"bob": 5.0})
    first = await world.send("alice", "bob", "one")
    second = await world.send("alice", "bob", "two")
    world.clock.advance(5)
    await world.settle()
    late = await world.send("alice", "bob", "three")  # still on its way to bob
    await world["bob"].send_conversation_message_receipt_read("alice", PEER)
    await world.settle()
    [call] = world.handler("alice").named("on_conversation_message_receipt_changed")
    [info] = call[1]
    assert info.message_id == second.message_id and info.status is ReceiptStatus.DONE
    assert info.conversation_id == "bob"
    statuses = {m.message_id: m.receipt_status for m in world["alice"].cached_messages("bob", PEER)}
    assert statuses == {
        first.message_id: ReceiptStatus.DONE,
        second.message_id: ReceiptStatus.DONE,
        late.message_id: ReceiptStatus.PROCESSING,
    }
    assert world.handler("alice").receipt_infos() == []  # conversation read uses its own event
    world.clock.advance(5)
    await world.settle()
    bob_view = {m.message_id: m.receipt_status for m in world["bob"].cached_messages("alice", PEER)}
    assert bob_view[late.message_id] is ReceiptStatus.PROCESSING
    assert bob_view[first.message_id] is ReceiptStatus.DONE


async def test_a_second_conversation_read_emits_nothing():
    world = await make_world()
    await world.send("alice", "bob")
    await world["bob"].send_conversation_message_receipt_read("alice", PEER)
    await world.settle()
    await world["bob"].send_conversation_message_receipt_read("alice", PEER)
    await world.settle()
    assert len(world.handler("alice").named("on_conversation_message_receipt_changed")) == 1


async def test_a_conversation_without_messages_does_not_exist():
    world = await make_world()
    with pytest.raises(ReceiptError) as caught:
        await world["bob"].send_conversation_message_receipt_read("alice", PEER)
    assert caught.value.code is ErrorCode.CONVERSATION_DOES_NOT_EXIST


async def test_a_receipt_arriving_after_history_refreshed_the_copy_still_updates_the_info():
    """The copy is DONE already (history asked the engine); the late event must still bring the
    cached info to DONE 1/0 instead of leaving PROCESSING 0/1 for good."""
    world = await make_world(latency={"alice": 5.0})
    first = await world.send("alice", "bob", "one")
    second = await world.send("alice", "bob", "two")
    world.clock.advance(5)
    await world.settle()
    await world["bob"].send_conversation_message_receipt_read("alice", PEER)
    page = await world["alice"].query_history_message("bob", PEER)
    assert [m.receipt_status for m in page.message_list] == [ReceiptStatus.DONE] * 2
    world.clock.advance(5)
    await world.settle()
    for sent in (first, second):
        info = world["alice"].cached_receipt_info(sent.message_id)
        assert (info.status, info.read_member_count, info.unread_member_count) == (
            ReceiptStatus.DONE,
            1,
            0,
        )


async def test_a_message_receipt_arriving_after_history_refreshed_the_copy_updates_the_info():
    world = await make_world(latency={"alice": 5.0})
    sent = await world.send("alice", "bob", "one")
    world.clock.advance(5)
    await world.settle()
    await world["bob"].send_message_receipts_read([world.copy_of("bob", sent)], "alice", PEER)
    await world["alice"].query_history_message("bob", PEER)
    world.clock.advance(5)
    await world.settle()
    info = world["alice"].cached_receipt_info(sent.message_id)
    assert (info.status, info.read_member_count, info.unread_member_count) == (ReceiptStatus.DONE, 1, 0)
