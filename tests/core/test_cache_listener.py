"""Client cache listeners: every change to a client's cache is reported, whoever caused it."""

from __future__ import annotations

from readtick.core import ConversationType, ReceiptStatus
from receipt_world import make_world

PEER = ConversationType.PEER


class Recorder:
    def __init__(self) -> None:
        self.seen: list[tuple[str, int, ReceiptStatus]] = []

    def message_cached(self, client, message):
        self.seen.append(("message", message.message_id, message.receipt_status))

    def receipt_info_cached(self, client, info):
        self.seen.append(("info", info.message_id, info.status))


async def test_own_sends_and_reads_and_incoming_receipts_are_all_reported():
    world = await make_world()
    alice_seen, bob_seen = Recorder(), Recorder()
    world["alice"].add_cache_listener(alice_seen)
    world["bob"].add_cache_listener(bob_seen)
    sent = await world.send("alice", "bob")
    assert alice_seen.seen == [
        ("message", 0, ReceiptStatus.PROCESSING),  # the SENDING copy, before the engine has it
        ("message", sent.message_id, ReceiptStatus.PROCESSING),  # accepted: it takes that place
        ("info", sent.message_id, ReceiptStatus.PROCESSING),
    ]
    await world["bob"].send_message_receipts_read([world.copy_of("bob", sent)], "alice", PEER)
    await world.settle()
    assert bob_seen.seen == [
        ("message", sent.message_id, ReceiptStatus.PROCESSING),  # received
        ("message", sent.message_id, ReceiptStatus.DONE),  # bob's own read, no event tells bob
    ]
    assert alice_seen.seen[-2:] == [
        ("info", sent.message_id, ReceiptStatus.DONE),
        ("message", sent.message_id, ReceiptStatus.DONE),
    ]


async def test_a_listener_that_raises_is_reported_and_changes_nothing_else():
    import asyncio

    world = await make_world()
    reported = []
    asyncio.get_running_loop().set_exception_handler(lambda loop, context: reported.append(context))

    class Broken:
        def message_cached(self, client, message):
            raise RuntimeError("listener bug")

        def receipt_info_cached(self, client, info):
            pass

    world["bob"].add_cache_listener(Broken())
    await world.send("alice", "bob", "still arrives")
    assert [m.message for m in world.handler("bob").received()] == ["still arrives"]
    assert "listener bug" in str(reported[0]["exception"])
    assert world["bob"].cached_message(world.handler("bob").received()[0].message_id) is not None
