"""Rule 5: group counts: members at send time minus the sender, leavers drop out, joiners never count."""

from __future__ import annotations

from readtick.core import ConversationType, GroupMessageReceiptMemberQueryConfig, ReceiptStatus
from receipt_world import make_world

GROUP = ConversationType.GROUP
USERS = ["alice", "bob", "carol", "dave"]


async def read(world, user, message):
    await world[user].send_message_receipts_read([world.copy_of(user, message)], "team", GROUP)
    await world.settle()


def counts(world, message):
    info = world["alice"].cached_receipt_info(message.message_id)
    return info.read_member_count, info.unread_member_count, info.status


async def test_counts_down_to_done_with_one_event_per_read():
    world = await make_world(USERS, groups={"team": USERS})
    sent = await world.send("alice", "team", group=True)
    assert counts(world, sent) == (0, 3, ReceiptStatus.PROCESSING)
    await read(world, "bob", sent)
    assert counts(world, sent) == (1, 2, ReceiptStatus.PROCESSING)
    await read(world, "carol", sent)
    await read(world, "dave", sent)
    assert counts(world, sent) == (3, 0, ReceiptStatus.DONE)
    infos = world.handler("alice").receipt_infos()
    assert [(i.read_member_count, i.unread_member_count, i.status) for i in infos] == [
        (1, 2, ReceiptStatus.PROCESSING),
        (2, 1, ReceiptStatus.PROCESSING),
        (3, 0, ReceiptStatus.DONE),
    ]
    assert world.copy_of("alice", sent).receipt_status is ReceiptStatus.DONE


async def test_a_member_who_leaves_unread_drops_out_and_may_complete_the_message():
    world = await make_world(USERS, groups={"team": USERS})
    sent = await world.send("alice", "team", group=True)
    await read(world, "bob", sent)
    await read(world, "carol", sent)
    world.engine.remove_group_members("team", ["dave"])
    await world.settle()
    assert counts(world, sent) == (2, 0, ReceiptStatus.DONE)


async def test_a_member_who_read_then_left_still_counts_as_read():
    world = await make_world(USERS, groups={"team": USERS})
    sent = await world.send("alice", "team", group=True)
    await read(world, "bob", sent)
    world.engine.remove_group_members("team", ["bob"])
    await world.settle()
    assert counts(world, sent) == (1, 2, ReceiptStatus.PROCESSING)
    result = await world["alice"].query_group_message_receipt_read_member_list(
        sent, "team", GroupMessageReceiptMemberQueryConfig(count=10)
    )
    assert result.user_list == ("bob",)


async def test_a_member_who_joins_later_is_never_counted():
    world = await make_world([*USERS, "erin"], groups={"team": USERS})
    sent = await world.send("alice", "team", group=True)
    world.engine.add_group_members("team", ["erin"])
    await world.settle()
    assert counts(world, sent) == (0, 3, ReceiptStatus.PROCESSING)
    assert world.handler("erin").received() == []
    later = await world.send("alice", "team", "after erin joined", group=True)
    assert counts(world, later) == (0, 4, ReceiptStatus.PROCESSING)


async def test_read_plus_unread_equals_eligible_through_every_step():
    world = await make_world(USERS, groups={"team": USERS})
    sent = [await world.send("alice", "team", f"m{i}", group=True) for i in range(3)]
    steps = [("bob", 0), ("carol", 1), ("leave", "carol"), ("dave", 2), ("bob", 2), ("leave", "bob")]
    for who, what in steps:
        if who == "leave":
            world.engine.remove_group_members("team", [what])
            await world.settle()
        else:
            await read(world, who, sent[what])
        for message in sent:
            record = world.engine.store.get_message(message.message_id)
            assert record.read + (record.eligible - record.read) == record.eligible >= 0
            assert record.read <= record.eligible


async def test_a_peer_message_counts_one_reader():
    world = await make_world()
    sent = await world.send("alice", "bob")
    assert counts(world, sent) == (0, 1, ReceiptStatus.PROCESSING)
