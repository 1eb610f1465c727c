"""What keeps delivery fast at scale and the window fluid: the pump visits only clients with
something due, spreads a big fan-out over loop turns (and drain still waits for all of it), hands a
zero-latency read to its sender before the reader's call returns, and gives a sender one callback
for the receipts that arrived together."""

from __future__ import annotations

import asyncio
import math
from collections import Counter

from readtick.core import Client, ConversationType, MessageSendConfig, TextMessage
from receipt_world import RecordingHandler, make_world

GROUP = ConversationType.GROUP


async def test_a_read_visits_only_the_sender_however_many_clients_are_logged_in():
    world = await make_world(["alice", "bob"])
    for i in range(300):
        await world.add_client(f"idle{i:03}")
    sent = await world.send("alice", "bob")
    delivery = world.engine._delivery
    before = delivery.visits
    await world["bob"].send_message_receipts_read(
        [world.copy_of("bob", sent)], "alice", ConversationType.PEER
    )
    await world.settle()
    assert delivery.visits - before == 1  # alice, who had the receipt event due; no idle client


async def test_a_10000_member_send_is_delivered_over_several_loop_turns_and_drain_waits_for_all():
    world = await make_world(["alice"])
    members = [f"m{i:05}" for i in range(9_999)]
    world.engine.create_group("big", ["alice", *members])
    turn = 0
    turns_seen: list[int] = []

    class Member(RecordingHandler):
        def on_group_message_received(self, client, messages, from_group_id):
            turns_seen.append(turn)

    for user in members:
        client = Client(world.engine, user)
        client.event_handler = Member()
        await client.login()
        world.clients[user] = client

    async def count_turns() -> None:
        nonlocal turn
        while True:
            await asyncio.sleep(0)
            turn += 1

    counter = asyncio.ensure_future(count_turns())
    try:
        sent = await world.send("alice", "big", group=True)  # drains
    finally:
        counter.cancel()
    assert len(turns_seen) == 9_999  # everyone has it once drain returned
    assert all(world[m].cached_message(sent.message_id) is not None for m in members)
    # bounded per loop turn (drain and the scheduled pump may each run a slice in one turn)
    slice_parcels = world.engine._delivery.slice_parcels
    per_turn = Counter(turns_seen)
    assert max(per_turn.values()) <= 2 * slice_parcels
    assert len(per_turn) >= math.ceil(9_999 / (2 * slice_parcels))


async def test_a_zero_latency_read_reaches_the_sender_in_the_loop_turn_the_readers_call_returns_in():
    world = await make_world(["alice", "bob"])
    sent = await world.send("alice", "bob")
    bob_copy = world.copy_of("bob", sent)
    await world["bob"].send_message_receipts_read([bob_copy], "alice", ConversationType.PEER)
    # bob's own copy first (his call's continuation), then alice, by the next callback: no drain
    assert world.copy_of("bob", sent).receipt_status.name == "DONE"
    assert world.handler("alice").receipt_infos() == []
    await asyncio.sleep(0)
    assert [info.message_id for info in world.handler("alice").receipt_infos()] == [sent.message_id]


async def test_receipts_arriving_together_reach_the_sender_in_one_callback_with_the_latest_counts():
    readers = [f"r{i:02}" for i in range(40)]
    world = await make_world(["alice", *readers], groups={"g": ["alice", *readers]})
    sent = await world.send("alice", "g", group=True)
    await asyncio.gather(
        *(world[r].send_message_receipts_read([world.copy_of(r, sent)], "g", GROUP) for r in readers)
    )
    await world.settle()
    calls = world.handler("alice").named("on_message_receipt_changed")
    assert len(calls) == 1
    [info] = calls[0][1]
    assert (info.read_member_count, info.unread_member_count) == (40, 0)
    assert world.copy_of("alice", sent).receipt_status.name == "DONE"


async def test_a_sent_message_is_in_the_senders_cache_before_any_event_about_it_arrives():
    world = await make_world(["alice", "bob"], delivered_status=True)
    result = await world["alice"].send_message(
        TextMessage("hi"), "bob", ConversationType.PEER, MessageSendConfig(has_receipt=True)
    )
    await world.settle()
    assert world.copy_of("alice", result.message).receipt_status.name == "DELIVERED"
