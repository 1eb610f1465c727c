"""Rule 6: counts are real only on the caller's own messages; NONE goes to the error list."""

from __future__ import annotations

from readtick.core import ConversationType, ReceiptStatus
from receipt_world import make_world

GROUP = ConversationType.GROUP
USERS = ["alice", "bob", "carol"]


async def test_own_messages_have_counts_others_have_zero():
    world = await make_world(USERS, groups={"team": USERS})
    sent = await world.send("alice", "team", group=True)
    await world["bob"].send_message_receipts_read([world.copy_of("bob", sent)], "team", GROUP)
    await world.settle()
    mine = await world["alice"].query_message_receipts_info([sent], "team", GROUP)
    [info] = mine.infos
    assert (info.read_member_count, info.unread_member_count, info.status) == (1, 1, ReceiptStatus.PROCESSING)
    theirs = await world["carol"].query_message_receipts_info([world.copy_of("carol", sent)], "team", GROUP)
    [info] = theirs.infos
    assert (info.read_member_count, info.unread_member_count) == (0, 0)
    assert info.status is ReceiptStatus.PROCESSING
    bobs = await world["bob"].query_message_receipts_info([world.copy_of("bob", sent)], "team", GROUP)
    assert bobs.infos[0].status is ReceiptStatus.DONE and bobs.infos[0].read_member_count == 0


async def test_messages_without_receipt_go_to_error_ids():
    world = await make_world(USERS, groups={"team": USERS})
    plain = await world.send("alice", "team", receipt=False, group=True)
    with_receipt = await world.send("alice", "team", group=True)
    result = await world["alice"].query_message_receipts_info([plain, with_receipt], "team", GROUP)
    assert result.error_message_ids == (plain.message_id,)
    assert [i.message_id for i in result.infos] == [with_receipt.message_id]
