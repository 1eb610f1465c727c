"""Rule 9 on the receiving side: a receiver's copy of a receipt that expired unread becomes EXPIRED
by itself, through its link (in order, after its latency, on reconnect when it was offline), so
its cache listeners hear of it and a window never has to ask."""

from __future__ import annotations

from datetime import timedelta

from readtick.core import ConversationType, ReceiptStatus
from receipt_world import make_world

GROUP, PEER = ConversationType.GROUP, ConversationType.PEER
HOUR = timedelta(hours=1)


class Recorder:
    """A cache listener that keeps the statuses written to the cache, by message id."""

    def __init__(self) -> None:
        self.statuses: dict[int, list[ReceiptStatus]] = {}

    def message_cached(self, client, message):
        self.statuses.setdefault(message.message_id, []).append(message.receipt_status)

    def receipt_info_cached(self, client, info):
        pass


async def expire(world) -> None:
    world.clock.advance(HOUR.total_seconds())
    await world.settle()


async def test_an_online_receiver_sees_its_unread_copy_expire():
    world = await make_world(receipt_lifetime=HOUR)
    sent = await world.send("alice", "bob")
    seen = Recorder()
    world["bob"].add_cache_listener(seen)
    calls_before = list(world.handler("bob").calls)
    await expire(world)
    assert world.copy_of("bob", sent).receipt_status is ReceiptStatus.EXPIRED
    assert seen.statuses == {sent.message_id: [ReceiptStatus.EXPIRED]}
    # the SDK's handler reports receipts of one's own messages only: the receiver's handler is quiet
    assert world.handler("bob").calls == calls_before


async def test_the_expiry_waits_for_the_receivers_latency():
    world = await make_world(receipt_lifetime=HOUR, latency={"bob": 5.0})
    sent = await world.send("alice", "bob")
    world.clock.advance(5)
    await world.settle()
    assert world.copy_of("bob", sent).receipt_status is ReceiptStatus.PROCESSING
    world.clock.advance(HOUR.total_seconds() - 5)
    await world.settle()
    assert world.copy_of("alice", sent).receipt_status is ReceiptStatus.EXPIRED
    assert world.copy_of("bob", sent).receipt_status is ReceiptStatus.PROCESSING  # still on its way
    world.clock.advance(5)
    await world.settle()
    assert world.copy_of("bob", sent).receipt_status is ReceiptStatus.EXPIRED


async def test_in_a_group_only_members_who_had_not_read_it_see_it_expire():
    users = ["alice", "bob", "carol", "dave"]
    world = await make_world(users, groups={"team": users}, receipt_lifetime=HOUR)
    sent = await world.send("alice", "team", group=True)
    await world["bob"].send_message_receipts_read([world.copy_of("bob", sent)], "team", GROUP)
    seen = {user: Recorder() for user in users}
    for user in users:
        world[user].add_cache_listener(seen[user])
    await expire(world)
    assert [world.copy_of(u, sent).receipt_status for u in users] == [
        ReceiptStatus.EXPIRED,  # the sender's aggregate
        ReceiptStatus.DONE,  # bob read it in time
        ReceiptStatus.EXPIRED,
        ReceiptStatus.EXPIRED,
    ]
    assert seen["bob"].statuses == {}
    assert seen["carol"].statuses == {sent.message_id: [ReceiptStatus.EXPIRED]}


async def test_an_offline_receiver_sees_it_expire_when_it_reconnects():
    world = await make_world(receipt_lifetime=HOUR)
    sent = await world.send("alice", "bob")
    seen = Recorder()
    world["bob"].add_cache_listener(seen)
    world["bob"].set_online(False)
    await expire(world)
    assert world.copy_of("bob", sent).receipt_status is ReceiptStatus.PROCESSING  # nothing reached it
    world["bob"].set_online(True)
    await world.settle()
    assert world.copy_of("bob", sent).receipt_status is ReceiptStatus.EXPIRED
    assert seen.statuses == {sent.message_id: [ReceiptStatus.EXPIRED]}
    world["bob"].set_online(False)
    world["bob"].set_online(True)
    await world.settle()
    assert seen.statuses == {sent.message_id: [ReceiptStatus.EXPIRED]}  # once


async def test_a_receiver_logged_out_at_expiry_sees_it_on_its_next_login():
    world = await make_world(receipt_lifetime=HOUR)
    sent = await world.send("alice", "bob")
    await world["bob"].logout()
    await expire(world)
    await world["bob"].login()
    await world.settle()
    assert world.copy_of("bob", sent).receipt_status is ReceiptStatus.EXPIRED


async def test_a_message_that_arrives_after_its_expiry_arrives_expired_once():
    world = await make_world(receipt_lifetime=HOUR, latency={"bob": 2 * HOUR.total_seconds()})
    seen = Recorder()
    world["bob"].add_cache_listener(seen)
    sent = await world.send("alice", "bob")
    await expire(world)
    await expire(world)
    assert seen.statuses == {sent.message_id: [ReceiptStatus.EXPIRED]}
    history = await world["bob"].query_history_message("alice", PEER)
    assert [m.receipt_status for m in history.message_list] == [ReceiptStatus.EXPIRED]
