"""A send is never half applied for its sender: its copy is in the sender's cache (SENDING) before
the engine accepts it, and a client that logs in with a SENDING copy left by a killed process asks
the engine what became of it (accepted: SUCCESS with the engine's ids; not: FAILED)."""

from __future__ import annotations

import pytest
from readtick.core import (
    Client,
    ConversationType,
    MessageSendConfig,
    ReceiptStatus,
    SentStatus,
    TextMessage,
)
from receipt_world import RecordingHandler, make_world

PEER, GROUP = ConversationType.PEER, ConversationType.GROUP


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs in the process that sent."""


class Recorder:
    def __init__(self) -> None:
        self.messages = []

    def message_cached(self, client, message):
        self.messages.append(message)

    def receipt_info_cached(self, client, info):
        pass


async def test_the_senders_copy_is_cached_as_sending_before_the_engine_has_it():
    world = await make_world()
    seen = []
    original = world.engine.accept_message

    def accept(user, draft, has_receipt):
        seen.extend(world["alice"].cached_messages("bob", PEER))
        return original(user, draft, has_receipt)

    world.engine.accept_message = accept
    recorder = Recorder()
    world["alice"].add_cache_listener(recorder)
    sent = await world.send("alice", "bob", "hello")
    [pending] = seen
    assert (pending.sent_status, pending.message_id, pending.message, pending.local_message_id) == (
        SentStatus.SENDING,
        0,
        "hello",
        sent.local_message_id,
    )
    assert [m.sent_status for m in recorder.messages] == [SentStatus.SENDING, SentStatus.SUCCESS]
    [copy] = world["alice"].cached_messages("bob", PEER)
    assert copy == sent and copy.sent_status is SentStatus.SUCCESS


async def test_a_refused_send_turns_its_sending_copy_into_failed_in_place():
    world = await make_world()
    world["alice"].set_online(False)
    with pytest.raises(Exception) as caught:
        await world["alice"].send_message(TextMessage("hi"), "bob", PEER, MessageSendConfig(has_receipt=True))
    failed = caught.value.failed_message
    assert [m for m in world["alice"].cached_messages("bob", PEER)] == [failed]
    assert failed.sent_status is SentStatus.FAILED and failed.receipt_status is ReceiptStatus.FAILED


async def killed_after_accept(world, user, to, text, ctype=PEER):
    """``user`` sends; the process dies right after the engine committed, before the sender's
    cache hears the answer."""

    def die(*args):
        raise Killed

    client = world[user]
    client._copies.replace_draft = die
    with pytest.raises(Killed):
        await client.send_message(TextMessage(text), to, ctype, MessageSendConfig(has_receipt=True))
    await world.engine.committed()


async def killed_before_accept(world, user, to, text):
    """``user`` sends; the process dies before the engine ran the call."""

    async def die(call):
        raise Killed

    original = world.engine.serve
    world.engine.serve = die
    with pytest.raises(Killed):
        await world[user].send_message(TextMessage(text), to, PEER, MessageSendConfig(has_receipt=True))
    world.engine.serve = original


async def restart_client(world, user, *, online=True):
    """A new process's client for ``user`` on the same cache (the old one is gone)."""
    old = world[user]
    await old.logout()  # the killed process's session ends with it
    client = Client(world.engine, user, cache=old.cache)
    client.event_handler = RecordingHandler()
    if not online:
        client.set_online(False)
    await client.login()
    world.clients[user] = client
    return client


async def test_a_send_the_engine_accepted_before_the_kill_is_success_after_login():
    world = await make_world()
    await killed_after_accept(world, "alice", "bob", "made it")
    await world.settle()
    [received] = world["bob"].cached_messages("alice", PEER)  # every receiver has it ...
    [pending] = world["alice"].cached_messages("bob", PEER)
    assert pending.sent_status is SentStatus.SENDING
    alice = await restart_client(world, "alice")
    [copy] = alice.cached_messages("bob", PEER)  # ... and so does its sender, in the same place
    assert copy.sent_status is SentStatus.SUCCESS
    assert (copy.message_id, copy.conversation_seq, copy.local_message_id) == (
        received.message_id,
        received.conversation_seq,
        pending.local_message_id,
    )
    assert copy.receipt_status is ReceiptStatus.PROCESSING
    info = alice.cached_receipt_info(copy.message_id)
    assert (info.status, info.read_member_count, info.unread_member_count) == (ReceiptStatus.PROCESSING, 0, 1)
    await world["bob"].send_message_receipts_read([received], "alice", PEER)
    await world.settle()
    assert alice.cached_message(copy.message_id).receipt_status is ReceiptStatus.DONE


async def test_a_group_send_recovered_after_it_was_read_shows_the_engines_status_now():
    world = await make_world(["alice", "bob"], groups={"team": ["alice", "bob"]})
    await killed_after_accept(world, "alice", "team", "all", GROUP)
    await world.settle()
    [received] = world["bob"].cached_messages("team", GROUP)
    await world["bob"].send_message_receipts_read([received], "team", GROUP)
    await world.settle()
    alice = await restart_client(world, "alice")
    await world.settle()
    [copy] = alice.cached_messages("team", GROUP)
    assert (copy.sent_status, copy.receipt_status) == (SentStatus.SUCCESS, ReceiptStatus.DONE)
    info = alice.cached_receipt_info(copy.message_id)
    assert (info.status, info.read_member_count, info.unread_member_count) == (ReceiptStatus.DONE, 1, 0)


async def test_a_send_the_engine_never_accepted_is_failed_after_login():
    world = await make_world()
    await killed_before_accept(world, "alice", "bob", "lost in flight")
    alice = await restart_client(world, "alice")
    [copy] = alice.cached_messages("bob", PEER)
    assert (copy.sent_status, copy.receipt_status, copy.message_id) == (
        SentStatus.FAILED,
        ReceiptStatus.FAILED,
        0,
    )
    await world.settle()
    assert world["bob"].cached_messages("alice", PEER) == []


async def test_offline_at_login_the_copy_stays_sending_until_the_link_is_up():
    world = await make_world()
    await killed_after_accept(world, "alice", "bob", "made it")
    alice = await restart_client(world, "alice", online=False)
    [copy] = alice.cached_messages("bob", PEER)
    assert copy.sent_status is SentStatus.SENDING  # nobody can know yet
    alice.set_online(True)
    [copy] = alice.cached_messages("bob", PEER)
    assert copy.sent_status is SentStatus.SUCCESS and copy.message_id


async def test_recovery_keeps_the_history_order():
    world = await make_world()
    await world.send("alice", "bob", "one")
    await killed_after_accept(world, "alice", "bob", "two")
    alice = await restart_client(world, "alice")
    await world.send("alice", "bob", "three")
    texts = [(m.message, m.conversation_seq) for m in alice.cached_messages("bob", PEER)]
    assert texts == [("one", 1), ("two", 2), ("three", 3)]
