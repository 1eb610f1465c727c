"""Rules 1 and 2: who may ask for a receipt, and the statuses right after a send."""

from __future__ import annotations

import pytest
from media_files import write_png
from readtick.core import (
    BarrageMessage,
    Client,
    CommandMessage,
    ConversationType,
    ErrorCode,
    ImageMessage,
    MessageSendConfig,
    ReceiptError,
    ReceiptStatus,
    SentStatus,
    TextMessage,
)
from receipt_world import make_world

RECEIPT = MessageSendConfig(has_receipt=True)


@pytest.mark.parametrize(
    ("message", "ctype", "words"),
    [
        (TextMessage("hi"), ConversationType.ROOM, "ROOM"),
        (CommandMessage(b"\x01"), ConversationType.PEER, "COMMAND"),
        (BarrageMessage("wow"), ConversationType.GROUP, "BARRAGE"),
    ],
)
async def test_receipt_refused_where_the_sdk_refuses_it(message, ctype, words):
    world = await make_world(groups={"team": ["alice", "bob"]})
    target = "team" if ctype is ConversationType.GROUP else "bob"
    with pytest.raises(ReceiptError) as caught:
        await world["alice"].send_message(message, target, ctype, RECEIPT)
    assert caught.value.code is ErrorCode.PARAMETER_INVALID
    assert words in caught.value.message and "rule 1" in caught.value.message
    assert world["alice"].cached_messages(target, ConversationType.PEER) == []


async def test_rule_one_is_checked_before_anything_else():
    world = await make_world(["bob"])
    stranger = Client(world.engine, "alice")  # never logged in
    with pytest.raises(ReceiptError) as caught:
        await stranger.send_message(CommandMessage(b"x"), "bob", ConversationType.PEER, RECEIPT)
    assert caught.value.code is ErrorCode.PARAMETER_INVALID  # not NOT_LOGGED_IN


async def test_sender_and_receiver_copies_are_processing_with_a_receipt():
    world = await make_world(groups={"team": ["alice", "bob"]})
    sent = await world.send("alice", "bob", "with receipt")
    assert sent.receipt_status is ReceiptStatus.PROCESSING and sent.sent_status is SentStatus.SUCCESS
    received = world.handler("bob").received()[-1]
    assert received.receipt_status is ReceiptStatus.PROCESSING
    assert received.conversation_id == "alice" and sent.conversation_id == "bob"
    group_sent = await world.send("alice", "team", "group", group=True)
    assert group_sent.receipt_status is ReceiptStatus.PROCESSING
    assert world.handler("bob").received()[-1].receipt_status is ReceiptStatus.PROCESSING


async def test_without_a_receipt_both_copies_are_none():
    world = await make_world()
    sent = await world.send("alice", "bob", receipt=False)
    assert sent.receipt_status is ReceiptStatus.NONE
    assert world.handler("bob").received()[-1].receipt_status is ReceiptStatus.NONE


async def test_media_messages_may_carry_receipts(tmp_path):
    world = await make_world()
    result = await world["alice"].send_media_message(
        ImageMessage(file_local_path=str(write_png(tmp_path / "cat.png"))),
        "bob",
        ConversationType.PEER,
        RECEIPT,
    )
    assert result.message.receipt_status is ReceiptStatus.PROCESSING


async def test_a_failed_receipt_send_is_failed_twice_and_kept():
    world = await make_world()
    world["alice"].set_online(False)
    with pytest.raises(ReceiptError) as caught:
        await world["alice"].send_message(TextMessage("lost?"), "bob", ConversationType.PEER, RECEIPT)
    assert caught.value.code is ErrorCode.NETWORK_UNAVAILABLE and "offline" in caught.value.message
    failed = caught.value.failed_message
    assert failed.sent_status is SentStatus.FAILED and failed.receipt_status is ReceiptStatus.FAILED
    assert world["alice"].cached_messages("bob", ConversationType.PEER) == [failed]
    world["alice"].set_online(True)
    await world.settle()
    assert world.handler("bob").received() == []  # a failed message never arrives


async def test_send_to_unknown_targets_fails_with_the_sdk_codes():
    world = await make_world(["alice", "bob", "carol"], groups={"team": ["bob", "carol"]})
    cases = [
        ("nobody", ConversationType.PEER, ErrorCode.TARGET_DOES_NOT_EXIST),
        ("nogroup", ConversationType.GROUP, ErrorCode.GROUP_DOES_NOT_EXIST),
        ("team", ConversationType.GROUP, ErrorCode.NOT_GROUP_MEMBER),
    ]
    for target, ctype, code in cases:
        with pytest.raises(ReceiptError) as caught:
            await world["alice"].send_message(TextMessage("x"), target, ctype, RECEIPT)
        assert caught.value.code is code and target in caught.value.message
        assert caught.value.failed_message.receipt_status is ReceiptStatus.FAILED
