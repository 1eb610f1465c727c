"""The simulated link: events once each and in order, latency on the engine clock, offline catch-up."""

from __future__ import annotations

import asyncio

import pytest
from readtick.core import ConnectionState, ConversationType, ErrorCode, ReceiptError, TextMessage
from receipt_world import make_world

PEER = ConversationType.PEER


def texts(world, user):
    return [m.message for m in world.handler(user).received()]


async def test_latency_delays_delivery_on_the_virtual_clock():
    world = await make_world(latency={"bob": 2.5})
    await world.send("alice", "bob", "slow")
    assert texts(world, "bob") == []
    world.clock.advance(2.4)
    await world.settle()
    assert texts(world, "bob") == []
    world.clock.advance(0.1)
    await world.settle()
    assert texts(world, "bob") == ["slow"]


async def test_lowering_latency_never_reorders():
    world = await make_world(latency={"bob": 10.0})
    await world.send("alice", "bob", "first")
    world["bob"].set_latency(0.0)
    await world.send("alice", "bob", "second")
    assert texts(world, "bob") == []  # "second" waits behind "first"
    world.clock.advance(10)
    await world.settle()
    assert texts(world, "bob") == ["first", "second"]


async def test_an_offline_client_gets_everything_it_missed_in_order_once():
    world = await make_world(["alice", "bob", "carol"], groups={"team": ["alice", "bob", "carol"]})
    first = await world.send("alice", "bob", "before")
    world["alice"].set_online(False)
    world["bob"].set_online(False)
    for text in ("p1", "p2"):
        await world.send("carol", "bob", text)
    await world.send("carol", "team", "g1", group=True)
    await world.settle()
    assert texts(world, "bob") == ["before"]
    world["bob"].set_online(True)
    await world.settle()
    assert texts(world, "bob") == ["before", "p1", "p2", "g1"]
    # bob reads while alice is offline; alice catches up with the receipt once
    await world["bob"].send_message_receipts_read([world.copy_of("bob", first)], "alice", PEER)
    await world.settle()
    world["alice"].set_online(True)
    world["alice"].set_online(False)
    world["alice"].set_online(True)
    await world.settle()
    assert [i.message_id for i in world.handler("alice").receipt_infos()] == [first.message_id]
    states = [c[1] for c in world.handler("alice").named("on_connection_state_changed")]
    assert states == [
        ConnectionState.CONNECTED,
        ConnectionState.DISCONNECTED,
        ConnectionState.CONNECTED,
        ConnectionState.DISCONNECTED,
        ConnectionState.CONNECTED,
    ]


async def test_a_user_not_yet_logged_in_receives_on_login():
    world = await make_world(["alice"])
    world.engine.register_user("bob")
    await world.send("alice", "bob", "waiting for you")
    bob = await world.add_client("bob")
    await world.settle()
    assert [m.message for m in world.handler("bob").received()] == ["waiting for you"]
    assert bob.cached_messages("alice", PEER)[0].message == "waiting for you"


async def test_calls_fail_with_a_network_error_while_offline():
    world = await make_world()
    world["bob"].set_online(False)
    with pytest.raises(ReceiptError) as caught:
        await world["bob"].send_conversation_message_receipt_read("alice", PEER)
    assert caught.value.code is ErrorCode.NETWORK_UNAVAILABLE and "bob" in caught.value.message


async def test_deliveries_happen_by_themselves_on_the_running_loop():
    world = await make_world()
    await world["alice"].send_message(TextMessage("no drain"), "bob", PEER)
    for _ in range(5):
        await asyncio.sleep(0)
    assert texts(world, "bob") == ["no drain"]


async def test_a_handler_that_raises_does_not_stop_delivery():
    world = await make_world(["alice", "bob", "carol"])
    reported = []
    asyncio.get_running_loop().set_exception_handler(lambda loop, context: reported.append(context))

    def broken(client, messages, from_user_id):
        raise RuntimeError("handler bug")

    world["bob"].event_handler.on_peer_message_received = broken
    await world.send("alice", "bob", "one")
    await world.send("alice", "carol", "two")
    assert texts(world, "carol") == ["two"]
    assert "handler bug" in str(reported[0]["exception"])
    assert world["bob"].cached_messages("alice", PEER)[0].message == "one"  # cached before the handler


async def test_not_logged_in_calls_say_so():
    world = await make_world(["alice"])
    await world["alice"].logout()
    with pytest.raises(ReceiptError) as caught:
        await world["alice"].send_message(TextMessage("x"), "bob", PEER)
    assert caught.value.code is ErrorCode.NOT_LOGGED_IN


async def test_on_the_real_clock_latency_elapses_by_itself():
    from readtick.core import Client, ReceiptEngine

    engine = ReceiptEngine()  # RealClock: the engine sets its own timer for the due delivery
    alice, bob = Client(engine, "alice"), Client(engine, "bob", latency=0.05)
    await alice.login()
    await bob.login()
    got = []
    bob.event_handler.on_peer_message_received = lambda client, messages, sender: got.extend(messages)
    await alice.send_message(TextMessage("real time"), "bob", PEER)
    assert got == []
    for _ in range(200):  # up to ~10 s; normally done after one timer
        if got:
            break
        await asyncio.sleep(0.05)
    assert [m.message for m in got] == ["real time"]
    engine.close()


async def test_a_message_sent_again_after_a_crash_reaches_the_handler_once():
    # The engine records a delivery only after the client took it, so a crash in between sends
    # it again on the next start; the client recognises the copy it already holds.
    world = await make_world()
    await world.send("alice", "bob", "once")
    [message] = world.handler("bob").received()
    world["bob"].receive_message(message)
    assert texts(world, "bob") == ["once"]
