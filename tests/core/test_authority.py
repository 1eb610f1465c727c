"""Rule 12 (and 11): a client acts only as its own user; forged message objects change nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from readtick.core import ConversationType, ErrorCode, MessageDirection, ReceiptError, ReceiptStatus
from receipt_world import make_world

PEER, GROUP = ConversationType.PEER, ConversationType.GROUP


async def test_cannot_read_a_conversation_one_is_not_in():
    world = await make_world(["alice", "bob", "mallory"])
    sent = await world.send("alice", "bob")
    forged = replace(
        sent, direction=MessageDirection.RECEIVE, conversation_id="alice", sender_user_id="alice"
    )
    with pytest.raises(ReceiptError) as caught:
        await world["mallory"].send_message_receipts_read([forged], "alice", PEER)
    assert caught.value.code is ErrorCode.PARAMETER_INVALID
    await world.settle()
    assert world.copy_of("alice", sent).receipt_status is ReceiptStatus.PROCESSING
    assert world.handler("alice").receipt_infos() == []


async def test_cannot_read_in_a_group_one_is_not_a_member_of():
    world = await make_world(["alice", "bob", "mallory"], groups={"team": ["alice", "bob"]})
    sent = await world.send("alice", "team", group=True)
    with pytest.raises(ReceiptError) as caught:
        await world["mallory"].send_message_receipts_read([sent], "team", GROUP)
    assert caught.value.code is ErrorCode.NOT_GROUP_MEMBER


async def test_forged_fields_are_ignored_only_the_id_counts():
    world = await make_world(["alice", "bob", "carol"])
    sent = await world.send("alice", "bob")
    # carol claims bob's message is hers to read in her conversation with alice
    forged = replace(sent, conversation_id="alice", direction=MessageDirection.RECEIVE)
    with pytest.raises(ReceiptError, match="another conversation"):
        await world["carol"].send_message_receipts_read([forged], "alice", PEER)


async def test_cannot_see_another_users_counts():
    world = await make_world(["alice", "bob", "carol"], groups={"team": ["alice", "bob", "carol"]})
    sent = await world.send("alice", "team", group=True)
    result = await world["carol"].query_message_receipts_info([sent], "team", GROUP)
    assert [(i.read_member_count, i.unread_member_count) for i in result.infos] == [(0, 0)]
    outsider = await world.send("alice", "bob", "private")
    result = await world["carol"].query_message_receipts_info([outsider], "team", GROUP)
    assert result.error_message_ids == (outsider.message_id,)


async def test_receipts_do_not_touch_anything_but_receipts():
    """Rule 11: readtick shows no unread counters; a read changes only receipt state."""
    world = await make_world()
    sent = await world.send("alice", "bob", "text stays")
    await world["bob"].send_message_receipts_read([world.copy_of("bob", sent)], "alice", PEER)
    await world.settle()
    after = world.copy_of("alice", sent)
    assert replace(after, receipt_status=sent.receipt_status) == sent
