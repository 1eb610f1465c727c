"""Rule 7: read / unread / filtered member lists of one's own group messages, paged."""

from __future__ import annotations

import pytest
from readtick.core import (
    ConversationType,
    ErrorCode,
    GroupMessageReceiptMemberQueryConfig,
    ReceiptError,
    ReceiptFilter,
)
from receipt_world import make_world

GROUP = ConversationType.GROUP
Config = GroupMessageReceiptMemberQueryConfig


async def pages(call, message, count):
    """Every page of a member-list call, following next_flag."""
    result, flag, seen = [], 0, 0
    while True:
        page = await call(message, "team", Config(next_flag=flag, count=count))
        result.append(page.user_list)
        flag = page.next_flag
        seen += 1
        assert seen < 10_000
        if flag == 0:
            return result


async def test_pages_list_every_member_once_without_a_trailing_empty_page():
    members = ["alice"] + [f"m{i:02}" for i in range(7)]
    world = await make_world(["alice", "m00", "m03"], groups={"team": members})
    sent = await world.send("alice", "team", group=True)
    for reader in ("m00", "m03"):
        await world[reader].send_message_receipts_read([world.copy_of(reader, sent)], "team", GROUP)
    unread = await pages(world["alice"].query_group_message_receipt_unread_member_list, sent, 2)
    assert unread == [("m01", "m02"), ("m04", "m05"), ("m06",)]
    read = await pages(world["alice"].query_group_message_receipt_read_member_list, sent, 2)
    assert read == [("m00", "m03")]  # exactly full last page: next_flag 0, no empty page after it


async def test_filtered_list_and_delivered_filter():
    world = await make_world(["alice", "bob"], groups={"team": ["alice", "bob", "carol"]})
    sent = await world.send("alice", "team", group=True)  # bob's client receives it; carol has none
    call = world["alice"].query_group_message_receipt_member_list
    delivered = await call(sent, "team", 10, Config(filter=ReceiptFilter.DELIVERED))
    unread = await call(sent, "team", 10, Config(filter=ReceiptFilter.UNREAD))
    read = await call(sent, "team", 10, Config(filter=ReceiptFilter.READ))
    assert (delivered.user_list, unread.user_list, read.user_list) == (("bob",), ("bob", "carol"), ())


@pytest.mark.parametrize("count", [0, 101, -1])
async def test_count_out_of_range_is_6000001(count):
    world = await make_world(groups={"team": ["alice", "bob"]})
    sent = await world.send("alice", "team", group=True)
    with pytest.raises(ReceiptError) as caught:
        await world["alice"].query_group_message_receipt_read_member_list(sent, "team", Config(count=count))
    assert caught.value.code is ErrorCode.PARAMETER_INVALID and "count" in caught.value.message


async def test_only_for_own_receipt_messages_by_a_current_member():
    world = await make_world(
        ["alice", "bob", "carol"], groups={"team": ["alice", "bob"], "other": ["alice", "carol"]}
    )
    sent = await world.send("alice", "team", group=True)
    plain = await world.send("alice", "team", receipt=False, group=True)
    peer = await world.send("alice", "bob")
    cases = [
        (world["bob"], world.copy_of("bob", sent), "team", ErrorCode.PARAMETER_INVALID),  # not bob's message
        (world["alice"], plain, "team", ErrorCode.PARAMETER_INVALID),  # no receipt
        (world["alice"], peer, "team", ErrorCode.PARAMETER_INVALID),  # not in that group
        (world["alice"], sent, "other", ErrorCode.PARAMETER_INVALID),  # wrong group
        (world["carol"], sent, "team", ErrorCode.NOT_GROUP_MEMBER),
        (world["alice"], sent, "ghost", ErrorCode.GROUP_DOES_NOT_EXIST),
    ]
    for client, message, group, code in cases:
        with pytest.raises(ReceiptError) as caught:
            await client.query_group_message_receipt_unread_member_list(message, group, Config())
        assert caught.value.code is code, (client.user_id, group, caught.value)


async def test_a_1500_member_group_pages_every_unread_member_exactly_once():
    members = ["alice"] + [f"u{i:04}" for i in range(1500)]
    world = await make_world(["alice", "u0007"], groups={"team": members})
    sent = await world.send("alice", "team", group=True)
    await world["u0007"].send_message_receipts_read([world.copy_of("u0007", sent)], "team", GROUP)
    await world.settle()
    unread = await pages(world["alice"].query_group_message_receipt_unread_member_list, sent, 100)
    listed = [user for page in unread for user in page]
    assert len(listed) == len(set(listed)) == 1499
    assert set(listed) == set(members[1:]) - {"u0007"}
    assert len(unread) == 15 and all(len(page) == 100 for page in unread[:-1])
    info = world["alice"].cached_receipt_info(sent.message_id)
    assert (info.read_member_count, info.unread_member_count) == (1, 1499)


async def test_pages_agree_with_the_rules_after_reads_deliveries_leaves_and_rejoins():
    """The page index is derived state: after any mix of events it lists what the rules say."""
    import random

    from readtick.core.receipt import lists_member

    rng = random.Random(7)
    members = [f"m{i:02}" for i in range(12)]
    world = await make_world(["alice", *members], groups={"team": ["alice", *members]})
    engine = world.engine
    sent = []
    for step in range(60):
        roll = rng.random()
        current = engine.group_members("team")
        if roll < 0.25 and "alice" in current:
            sent.append(await world.send("alice", "team", f"s{step}", group=True))
        elif roll < 0.6 and sent:
            reader = rng.choice(members)
            message = rng.choice(sent)
            copy = world[reader].cached_message(message.message_id)
            if copy is not None and reader in current:
                try:
                    await world[reader].send_message_receipts_read([copy], "team", GROUP)
                except ReceiptError:
                    pass  # already read, or expired: nothing changes
        elif roll < 0.75:
            user = rng.choice(members)
            world[user].set_online(not world[user].online)
        elif roll < 0.9:
            leaver = rng.choice(members)
            if leaver in current:
                engine.remove_group_members("team", [leaver])
        else:
            joiner = rng.choice(members)
            if joiner not in current:
                engine.add_group_members("team", [joiner])
        await world.settle()
    facts = engine._facts
    for message in sent:
        record = engine.store.get_message(message.message_id)
        for member_filter in (ReceiptFilter.READ, ReceiptFilter.UNREAD, ReceiptFilter.DELIVERED):
            expected = [
                m for m in engine.store.member_ids("team") if lists_member(facts, record, m, member_filter)
            ]
            flag, listed = 0, []
            while True:
                flag, page = engine.receipt_members("alice", message, "team", member_filter, flag, 3)
                listed += page
                if flag == 0:
                    break
            assert listed == expected, (message.message_id, member_filter)
