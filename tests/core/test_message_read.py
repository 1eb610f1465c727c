"""Rule 3: reading messages, at most ten per call, only the caller's own received ones."""

from __future__ import annotations

import pytest
from readtick.core import ConversationType, ErrorCode, MessageReceiptInfo, ReceiptError, ReceiptStatus
from receipt_world import make_world

PEER, GROUP = ConversationType.PEER, ConversationType.GROUP


async def test_bob_reads_and_alice_hears_exactly_once():
    world = await make_world()
    sent = await world.send("alice", "bob", "hello")
    received = world.handler("bob").received()
    result = await world["bob"].send_message_receipts_read(received, "alice", PEER)
    await world.settle()
    assert result.error_message_ids == ()
    [info] = world.handler("alice").receipt_infos()
    assert info == MessageReceiptInfo(
        conversation_id="bob",
        conversation_type=PEER,
        message_id=sent.message_id,
        status=ReceiptStatus.DONE,
        read_member_count=1,
        unread_member_count=0,
        delivered_member_count=1,
        read_time=0.0,
    )
    assert world.copy_of("alice", sent).receipt_status is ReceiptStatus.DONE
    assert world.copy_of("bob", sent).receipt_status is ReceiptStatus.DONE


async def test_one_info_per_message_read_in_one_call():
    world = await make_world()
    sent = [await world.send("alice", "bob", f"m{i}") for i in range(3)]
    await world["bob"].send_message_receipts_read(world.handler("bob").received(), "alice", PEER)
    await world.settle()
    [call] = world.handler("alice").named("on_message_receipt_changed")
    assert [i.message_id for i in call[1]] == [m.message_id for m in sent]


async def test_more_than_ten_messages_is_6000282_and_reads_nothing():
    world = await make_world()
    for i in range(11):
        await world.send("alice", "bob", f"m{i}")
    received = world.handler("bob").received()
    with pytest.raises(ReceiptError) as caught:
        await world["bob"].send_message_receipts_read(received, "alice", PEER)
    assert caught.value.code is ErrorCode.READ_LIMIT_EXCEEDED and "11" in caught.value.message
    await world.settle()
    assert world.handler("alice").receipt_infos() == []
    result = await world["bob"].send_message_receipts_read(received[:10], "alice", PEER)
    assert result.error_message_ids == ()


async def test_messages_of_other_conversations_come_back_as_errors():
    world = await make_world(["alice", "bob", "carol"], groups={"team": ["alice", "bob", "carol"]})
    from_alice = await world.send("alice", "bob", "peer")
    from_carol = await world.send("carol", "bob", "other peer")
    in_group = await world.send("alice", "team", "group", group=True)
    mine = await world.send("bob", "alice", "bob's own")
    no_receipt = await world.send("alice", "bob", "plain", receipt=False)
    copies = {m.message_id: world.copy_of("bob", m) for m in (from_alice, from_carol, in_group, no_receipt)}
    result = await world["bob"].send_message_receipts_read(
        [
            copies[from_alice.message_id],
            copies[from_carol.message_id],
            copies[in_group.message_id],
            mine,
            copies[no_receipt.message_id],
        ],
        "alice",
        PEER,
    )
    assert set(result.error_message_ids) == {
        from_carol.message_id,
        in_group.message_id,
        mine.message_id,
        no_receipt.message_id,
    }
    await world.settle()
    assert [i.message_id for i in world.handler("alice").receipt_infos()] == [from_alice.message_id]
    assert world.handler("carol").receipt_infos() == []


async def test_nothing_readable_is_6000001_naming_each_reason():
    world = await make_world()
    mine = await world.send("bob", "alice", "bob's own")
    with pytest.raises(ReceiptError) as caught:
        await world["bob"].send_message_receipts_read([mine], "alice", PEER)
    assert caught.value.code is ErrorCode.PARAMETER_INVALID
    assert str(mine.message_id) in caught.value.message and "you sent it" in caught.value.message


async def test_reading_twice_changes_nothing_and_emits_nothing():
    world = await make_world()
    await world.send("alice", "bob")
    received = world.handler("bob").received()
    await world["bob"].send_message_receipts_read(received, "alice", PEER)
    await world.settle()
    before = list(world.handler("alice").calls)
    with pytest.raises(ReceiptError, match="already read"):
        await world["bob"].send_message_receipts_read(received, "alice", PEER)
    await world.settle()
    assert world.handler("alice").calls == before


async def test_an_offline_sender_hears_of_the_read_on_reconnect():
    world = await make_world()
    sent = await world.send("alice", "bob")
    world["alice"].set_online(False)
    await world["bob"].send_message_receipts_read(world.handler("bob").received(), "alice", PEER)
    await world.settle()
    assert world.handler("alice").receipt_infos() == []
    world["alice"].set_online(True)
    await world.settle()
    assert [i.message_id for i in world.handler("alice").receipt_infos()] == [sent.message_id]
