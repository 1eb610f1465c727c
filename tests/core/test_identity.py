"""Rule 12, the login: a client's identity is bound when it logs in and cannot be changed from
outside; the engine takes the acting user from the session it issued, and a client reads only
messages that reached it."""

from __future__ import annotations

import pytest
from readtick.core import ConversationType, ErrorCode, Message, ReceiptError, ReceiptStatus, TextMessage
from readtick.core.sessions import Session
from receipt_world import make_world

PEER = ConversationType.PEER


async def test_user_id_and_device_id_cannot_be_reassigned():
    world = await make_world(["alice", "bob", "mallory"])
    sent = await world.send("alice", "bob", "for bob only")
    mallory = world["mallory"]
    for name, value in (("user_id", "bob"), ("device_id", "phone"), ("client_id", "bob")):
        with pytest.raises(AttributeError):
            setattr(mallory, name, value)
    assert mallory.user_id == "mallory"
    with pytest.raises(ReceiptError):
        await mallory.send_message_receipts_read([world.copy_of("bob", sent)], "alice", PEER)
    await world.settle()
    assert world.copy_of("alice", sent).receipt_status is ReceiptStatus.PROCESSING


async def test_the_engine_acts_for_the_session_it_issued_not_for_what_a_client_says():
    world = await make_world(["alice", "bob", "mallory"])
    sent = await world.send("alice", "bob", "for bob only")
    mallory = world["mallory"]
    # even with its private name changed, the engine knows mallory by its session
    mallory._user_id = "bob"
    with pytest.raises(ReceiptError):
        await mallory.send_message_receipts_read([world.copy_of("bob", sent)], "alice", PEER)
    # a session the engine did not make is no login at all
    mallory._session = Session("bob", "default", mallory)
    with pytest.raises(ReceiptError) as caught:
        await mallory.send_message_receipts_read([world.copy_of("bob", sent)], "alice", PEER)
    assert caught.value.code is ErrorCode.NOT_LOGGED_IN
    await world.settle()
    assert world.copy_of("alice", sent).receipt_status is ReceiptStatus.PROCESSING
    assert world.handler("alice").receipt_infos() == []


async def test_a_session_ends_with_the_logout():
    world = await make_world(["alice", "bob"])
    bob = world["bob"]
    session = bob._session
    await bob.logout()
    with pytest.raises(ReceiptError) as caught:
        world.engine.mark_conversation_read(session, "alice", PEER)
    assert caught.value.code is ErrorCode.NOT_LOGGED_IN


async def test_a_hand_built_message_not_yet_received_is_not_read():
    world = await make_world(["alice", "bob"], latency={"bob": 10})
    first = await world.send("alice", "bob", "arrived")
    world.clock.advance(10)
    await world.settle()
    second = await world.send("alice", "bob", "on its way")
    forged = TextMessage("whatever", message_id=second.message_id, conversation_id="alice")
    result = await world["bob"].send_message_receipts_read(
        [world.copy_of("bob", first), forged], "alice", PEER
    )
    assert result.error_message_ids == (second.message_id,)
    with pytest.raises(ReceiptError) as caught:
        await world["bob"].send_message_receipts_read([forged], "alice", PEER)
    assert caught.value.code is ErrorCode.PARAMETER_INVALID
    assert "not reached this client" in caught.value.message
    world.clock.advance(10)
    await world.settle()
    assert world.copy_of("alice", second).receipt_status is ReceiptStatus.PROCESSING


async def test_a_conversation_read_covers_only_what_reached_the_client():
    world = await make_world(["alice", "bob"], latency={"bob": 10})
    sent = await world.send("alice", "bob", "in flight")
    await world["bob"].send_conversation_message_receipt_read("alice", PEER)
    world.clock.advance(10)
    await world.settle()
    assert world.copy_of("alice", sent).receipt_status is ReceiptStatus.PROCESSING
    assert isinstance(world.copy_of("bob", sent), Message)
