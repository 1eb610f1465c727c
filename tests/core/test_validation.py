"""Untrusted input: every bad argument is a clear 6000001 (or the SDK's code) and changes nothing."""

from __future__ import annotations

import pytest
from readtick.core import (
    Client,
    ConversationType,
    ErrorCode,
    MessageSendConfig,
    ReceiptEngine,
    ReceiptError,
    TextMessage,
    VirtualClock,
)
from readtick.core.store import peer_key
from receipt_world import make_world

PEER, GROUP = ConversationType.PEER, ConversationType.GROUP


def snapshot(engine):
    store = engine.store
    members = {g: store.current_members(g) for g in store.group_ids()}
    return store.user_ids(), members, store.last_seq(peer_key("alice", "bob"))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((TextMessage(""), "bob", PEER), "empty"),
        ((TextMessage("   "), "bob", PEER), "empty"),
        ((TextMessage("x" * 40_000), "bob", PEER), "limit"),
        (("hello", "bob", PEER), "TextMessage"),
        ((TextMessage("hi"), "", PEER), "conversation id"),
        ((TextMessage("hi"), "bob smith", PEER), "not a valid id"),
        ((TextMessage("hi"), 42, PEER), "must be a string"),
        ((TextMessage("hi"), "bob", 7), "conversation_type"),
        ((TextMessage("hi"), "alice", PEER), "yourself"),
    ],
)
async def test_bad_send_arguments(args, words):
    world = await make_world()
    before = snapshot(world.engine)
    with pytest.raises(ReceiptError) as caught:
        await world["alice"].send_message(*args, MessageSendConfig(has_receipt=True))
    assert caught.value.code is ErrorCode.PARAMETER_INVALID
    assert words in caught.value.message
    assert snapshot(world.engine) == before
    await world.settle()
    assert world.handler("bob").received() == []


@pytest.mark.parametrize(
    ("messages", "words"),
    [([], "empty"), ("abc", "list of messages"), ([1, 2], "not a Message"), (None, "list of messages")],
)
async def test_bad_read_arguments(messages, words):
    world = await make_world()
    with pytest.raises(ReceiptError) as caught:
        await world["bob"].send_message_receipts_read(messages, "alice", PEER)
    assert caught.value.code is ErrorCode.PARAMETER_INVALID and words in caught.value.message


def test_group_administration_is_checked_before_it_changes_anything():
    engine = ReceiptEngine(clock=VirtualClock())
    engine.create_group("team", ["alice", "bob"])
    with pytest.raises(ReceiptError, match="already exists"):
        engine.create_group("team", ["carol"])
    with pytest.raises(ReceiptError, match="more than once"):
        engine.add_group_members("team", ["carol", "carol"])
    with pytest.raises(ReceiptError) as caught:
        engine.remove_group_members("team", ["bob", "zed"])
    assert caught.value.code is ErrorCode.NOT_GROUP_MEMBER and "zed" in caught.value.message
    with pytest.raises(ReceiptError) as caught:
        engine.add_group_members("nope", ["carol"])
    assert caught.value.code is ErrorCode.GROUP_DOES_NOT_EXIST
    with pytest.raises(ReceiptError, match="not a valid id"):
        engine.create_group("bad group", ["x"])
    assert engine.group_members("team") == ["alice", "bob"]  # bob was not removed half-way
    assert "carol" not in engine.user_ids() and "zed" not in engine.user_ids()


def test_client_construction_checks_its_arguments():
    engine = ReceiptEngine(clock=VirtualClock())
    with pytest.raises(ReceiptError, match="latency"):
        Client(engine, "alice", latency=-1)
    with pytest.raises(ReceiptError, match="not a valid id"):
        Client(engine, "")
    client = Client(engine, "alice")
    with pytest.raises(ReceiptError, match="True or False"):
        client.set_online("yes")


async def test_one_client_per_user():
    world = await make_world()
    with pytest.raises(ReceiptError) as caught:
        await Client(world.engine, "alice").login()
    assert caught.value.code is ErrorCode.ALREADY_LOGGED_IN
