"""Several devices per user: each device its own client, cache and handler; what one device does
reaches the user's others (``is_self_operated``), and the other side still counts one reader."""

from __future__ import annotations

import pytest
from readtick.core import (
    Client,
    ConversationType,
    ErrorCode,
    GroupMessageReceiptMemberQueryConfig,
    MessageDirection,
    MessageSendConfig,
    ReceiptError,
    ReceiptStatus,
    TextMessage,
)
from receipt_world import RecordingHandler, World, make_world

PEER, GROUP = ConversationType.PEER, ConversationType.GROUP
RECEIPT = MessageSendConfig(has_receipt=True)


async def add_device(world: World, user: str, device: str, latency: float = 0.0) -> Client:
    client = Client(world.engine, user, latency, device_id=device)
    client.event_handler = RecordingHandler()
    await client.login()
    world.clients[f"{user}/{device}"] = client
    return client


async def two_devices(users=("bob", "carol"), groups=None) -> World:
    world = await make_world(users, groups=groups)
    await add_device(world, "alice", "phone")
    await add_device(world, "alice", "desktop")
    await world.settle()
    return world


async def test_a_message_to_the_user_reaches_every_device():
    world = await two_devices()
    sent = await world.send("bob", "alice", "hi both")
    for device in ("alice/phone", "alice/desktop"):
        [received] = world.handler(device).received()
        assert received.message_id == sent.message_id and received.direction is MessageDirection.RECEIVE


async def test_a_message_sent_on_one_device_appears_on_the_others_as_sent():
    world = await two_devices()
    sent = await world.send("alice/phone", "bob", "from my phone")
    desktop = world.handler("alice/desktop")
    [(name, messages, conversation)] = desktop.named("on_peer_message_received")
    assert conversation == "bob" and messages[0].direction is MessageDirection.SEND
    assert messages[0].message_id == sent.message_id
    assert world.handler("alice/phone").received() == []  # the sending device holds it already
    assert [m.message_id for m in world["alice/desktop"].cached_messages("bob", PEER)] == [sent.message_id]


async def test_reading_on_one_device_moves_the_others_and_says_self_operated():
    world = await two_devices()
    sent = await world.send("bob", "alice", "read me once")
    phone, desktop = world["alice/phone"], world["alice/desktop"]
    await phone.send_message_receipts_read([world.copy_of("alice/phone", sent)], "bob", PEER)
    await world.settle()
    assert world.copy_of("alice/desktop", sent).receipt_status is ReceiptStatus.DONE
    [info] = world.handler("alice/desktop").receipt_infos()
    assert info.is_self_operated and info.message_id == sent.message_id
    assert (info.conversation_id, info.status) == ("bob", ReceiptStatus.DONE)
    assert world.handler("alice/phone").receipt_infos() == []  # the device that read knows
    [bob_info] = world.handler("bob").receipt_infos()
    assert not bob_info.is_self_operated and bob_info.read_member_count == 1
    # the desktop cannot read it a second time
    with pytest.raises(ReceiptError, match="already read"):
        await desktop.send_message_receipts_read([world.copy_of("alice/desktop", sent)], "bob", PEER)


async def test_counts_are_per_user_never_per_device():
    world = await two_devices(groups={"team": ["alice", "bob", "carol"]})
    sent = await world.send("bob", "team", "stand-up", group=True)
    await world["alice/phone"].send_message_receipts_read([world.copy_of("alice/phone", sent)], "team", GROUP)
    await world.settle()
    [info] = world.handler("bob").receipt_infos()
    assert (info.read_member_count, info.unread_member_count) == (1, 1)
    page = await world["bob"].query_group_message_receipt_read_member_list(
        sent, "team", GroupMessageReceiptMemberQueryConfig(count=10)
    )
    assert page.user_list == ("alice",)
    with pytest.raises(ReceiptError, match="already read"):
        await world["alice/desktop"].send_message_receipts_read(
            [world.copy_of("alice/desktop", sent)], "team", GROUP
        )
    await world["carol"].send_message_receipts_read([world.copy_of("carol", sent)], "team", GROUP)
    await world.settle()
    assert world.copy_of("bob", sent).receipt_status is ReceiptStatus.DONE
    assert world.handler("bob").receipt_infos()[-1].read_member_count == 2


async def test_delivered_counts_one_user_once_whichever_device_has_it():
    world = await make_world(["bob"], delivered_status=True)
    await add_device(world, "alice", "phone")
    await add_device(world, "alice", "desktop", latency=5)
    sent = await world.send("bob", "alice", "where are you")
    assert world.copy_of("bob", sent).receipt_status is ReceiptStatus.DELIVERED
    world.clock.advance(5)
    await world.settle()
    assert world.copy_of("bob", sent).receipt_status is ReceiptStatus.DELIVERED
    info = world["bob"].cached_receipt_info(sent.message_id)
    assert info.delivered_member_count == 1


async def test_a_conversation_read_on_one_device_reaches_the_others():
    world = await two_devices()
    first = await world.send("bob", "alice", "one")
    second = await world.send("bob", "alice", "two")
    await world["alice/desktop"].send_conversation_message_receipt_read("bob", PEER)
    await world.settle()
    phone = world.handler("alice/phone")
    [(_, infos)] = phone.named("on_conversation_message_receipt_changed")
    assert infos[0].is_self_operated and infos[0].message_id == second.message_id
    for message in (first, second):
        assert world.copy_of("alice/phone", message).receipt_status is ReceiptStatus.DONE
    [(_, bob_infos)] = world.handler("bob").named("on_conversation_message_receipt_changed")
    assert not bob_infos[0].is_self_operated
    assert world.handler("alice/desktop").named("on_conversation_message_receipt_changed") == []


async def test_a_device_that_was_offline_catches_up_on_reads_done_elsewhere():
    world = await two_devices()
    sent = await world.send("bob", "alice", "later")
    desktop = world["alice/desktop"]
    desktop.set_online(False)
    await world["alice/phone"].send_message_receipts_read([world.copy_of("alice/phone", sent)], "bob", PEER)
    await world.settle()
    assert world.copy_of("alice/desktop", sent).receipt_status is ReceiptStatus.PROCESSING
    desktop.set_online(True)
    await world.settle()
    assert world.copy_of("alice/desktop", sent).receipt_status is ReceiptStatus.DONE
    [info] = world.handler("alice/desktop").receipt_infos()
    assert info.is_self_operated and info.message_id == sent.message_id


async def test_receipts_of_the_users_own_messages_reach_every_device():
    world = await two_devices()
    sent = await world.send("alice/phone", "bob", "did you read it")
    await world["bob"].send_message_receipts_read([world.copy_of("bob", sent)], "alice", PEER)
    await world.settle()
    for device in ("alice/phone", "alice/desktop"):
        [info] = world.handler(device).receipt_infos()
        assert info.status is ReceiptStatus.DONE and not info.is_self_operated
        assert world.copy_of(device, sent).receipt_status is ReceiptStatus.DONE


async def test_an_offline_device_gets_the_receipt_events_it_missed():
    world = await two_devices()
    sent = await world.send("alice/phone", "bob", "hello")
    world["alice/desktop"].set_online(False)
    await world["bob"].send_message_receipts_read([world.copy_of("bob", sent)], "alice", PEER)
    await world.settle()
    assert world.handler("alice/desktop").receipt_infos() == []
    world["alice/desktop"].set_online(True)
    await world.settle()
    [info] = world.handler("alice/desktop").receipt_infos()
    assert info.status is ReceiptStatus.DONE
    # every remembered device took it: the outbox holds nothing more for alice
    assert world.engine.store.outbox("alice") == []


async def test_a_device_logging_in_later_gets_the_history():
    world = await make_world(["bob"])
    phone = await add_device(world, "alice", "phone")
    sent_by_bob = await world.send("bob", "alice", "before the desktop")
    sent_by_phone = await world.send("alice/phone", "bob", "me too")
    await phone.send_message_receipts_read([world.copy_of("alice/phone", sent_by_bob)], "bob", PEER)
    desktop = await add_device(world, "alice", "desktop")
    await world.settle()
    copies = desktop.cached_messages("bob", PEER)
    assert [(m.message_id, m.direction, m.receipt_status) for m in copies] == [
        (sent_by_bob.message_id, MessageDirection.RECEIVE, ReceiptStatus.DONE),
        (sent_by_phone.message_id, MessageDirection.SEND, ReceiptStatus.PROCESSING),
    ]


async def test_a_device_reads_only_what_reached_it():
    world = await make_world(["bob"])
    await add_device(world, "alice", "phone")
    slow = await add_device(world, "alice", "desktop", latency=10)
    sent = await world.send("bob", "alice", "not there yet")
    phone_copy = world.copy_of("alice/phone", sent)
    with pytest.raises(ReceiptError, match="not reached this client"):
        await slow.send_message_receipts_read([phone_copy], "bob", PEER)
    assert await slow.send_conversation_message_receipt_read("bob", PEER) is not None
    assert world.copy_of("alice/phone", sent).receipt_status is ReceiptStatus.PROCESSING
    world.clock.advance(10)
    await world.settle()
    await slow.send_message_receipts_read([world.copy_of("alice/desktop", sent)], "bob", PEER)
    await world.settle()
    assert world.copy_of("alice/phone", sent).receipt_status is ReceiptStatus.DONE


async def test_at_most_max_devices_are_logged_in_at_once():
    world = await make_world(["bob"])
    assert world.engine.max_devices == 3
    devices = [await add_device(world, "alice", name) for name in ("phone", "desktop", "tablet")]
    with pytest.raises(ReceiptError) as caught:
        await Client(world.engine, "alice", device_id="laptop").login()
    assert caught.value.code is ErrorCode.DEVICE_LIMIT_EXCEEDED
    assert "phone, desktop, tablet" in caught.value.message and "max_devices=3" in caught.value.message
    await devices[0].logout()
    laptop = Client(world.engine, "alice", device_id="laptop")
    await laptop.login()
    assert world.engine.devices_logged_in("alice") == ["desktop", "tablet", "laptop"]


async def test_the_device_limit_is_the_engines_to_choose():
    from readtick.core import ReceiptEngine, VirtualClock

    engine = ReceiptEngine(clock=VirtualClock(), max_devices=1)
    await Client(engine, "alice", device_id="phone").login()
    with pytest.raises(ReceiptError) as caught:
        await Client(engine, "alice", device_id="desktop").login()
    assert caught.value.code is ErrorCode.DEVICE_LIMIT_EXCEEDED
    for bad in (0, 17, "3", True):
        with pytest.raises(ReceiptError):
            ReceiptEngine(max_devices=bad)


async def test_one_device_logged_in_twice_is_refused():
    world = await make_world(["bob"])
    await add_device(world, "alice", "phone")
    with pytest.raises(ReceiptError) as caught:
        await Client(world.engine, "alice", device_id="phone").login()
    assert caught.value.code is ErrorCode.ALREADY_LOGGED_IN and "'phone'" in caught.value.message


async def test_the_engine_remembers_at_most_max_devices_and_a_forgotten_one_starts_afresh():
    world = await make_world(["bob"])
    world.engine.register_user("alice")
    sent = await world.send("bob", "alice", "for whoever logs in")
    for name in ("one", "two", "three", "four"):
        device = await add_device(world, "alice", name)
        await world.settle()
        await device.logout()
    assert world.engine.store.devices_of("alice") == ["two", "three", "four"]
    again = await add_device(world, "alice", "one")  # forgotten: a new device, it gets the history
    await world.settle()
    assert [m.message_id for m in again.cached_messages("bob", PEER)] == [sent.message_id]
    assert world.engine.store.devices_of("alice") == ["three", "four", "one"]


async def test_bad_device_ids_are_refused():
    world = await make_world(["bob"])
    for bad in ("", "has space", "x" * 33, 7, None):
        with pytest.raises(ReceiptError) as caught:
            Client(world.engine, "alice", device_id=bad)
        assert caught.value.code is ErrorCode.PARAMETER_INVALID and "device id" in caught.value.message


async def test_each_device_has_its_own_cache_and_handler():
    world = await two_devices()
    phone, desktop = world["alice/phone"], world["alice/desktop"]
    assert phone.cache is not desktop.cache and phone.event_handler is not desktop.event_handler
    assert (phone.client_id, desktop.client_id) == ("alice/phone", "alice/desktop")
    assert world["bob"].client_id == "bob"
    await phone.send_message(TextMessage("mine"), "bob", PEER, RECEIPT)
    assert len(phone.cached_messages("bob", PEER)) == 1
