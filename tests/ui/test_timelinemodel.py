"""The timeline's model, checked without pixels: the arrows of a group message read by 3 of its
4 receivers, a slow link's delivery as a slanted arrow, bots on one lane, and a bounded memory."""

from __future__ import annotations

import asyncio

from readtick.core import (
    Client,
    ConversationType,
    MessageSendConfig,
    ReceiptEngine,
    TextMessage,
    VirtualClock,
)
from readtick.ui.timelinemodel import ENGINE, OTHERS, Arrow, EventKind, TimelineModel
from readtick.ui.timelineview import place_arrows

GROUP = ConversationType.GROUP
T0 = 1736156460.0
S, D, R, E = EventKind.SEND, EventKind.DELIVER, EventKind.READ, EventKind.RECEIPT


async def group_read_by_three_of_four(bots: int = 0):
    """alice sends to bob, carol, dave, erin (erin 2 s behind); bob, carol, dave read, 60 s apart."""
    clock = VirtualClock(start=T0)
    engine = ReceiptEngine(clock=clock)
    users = ["alice", "bob", "carol", "dave", "erin"]
    bot_ids = [f"bot{n}" for n in range(bots)]
    engine.create_group("team", users + bot_ids)
    model = TimelineModel(clock.now)
    clients = {}
    for user in users + bot_ids:
        clients[user] = Client(engine, user, latency=2.0 if user == "erin" else 0.0)
        await clients[user].login()
        model.watch(clients[user], collapsed=user in bot_ids)
    sent = await clients["alice"].send_message(
        TextMessage("Standup at 10"), "team", GROUP, MessageSendConfig(has_receipt=True)
    )
    await engine.drain()
    clock.advance(2.0)
    await engine.drain()
    for reader in ("bob", "carol", "dave"):
        clock.advance(60.0)
        [copy] = clients[reader].cached_messages("team", GROUP)
        await clients[reader].send_message_receipts_read([copy], "team", GROUP)
        await engine.drain()
    return model, sent.message.message_id, clients


def test_a_group_message_read_by_three_of_four_has_exactly_its_arrows() -> None:
    model, message_id, _ = asyncio.run(group_read_by_three_of_four())
    assert model.lanes() == [ENGINE, "alice", "bob", "carol", "dave", "erin"]
    read_at = [T0 + 62.0, T0 + 122.0, T0 + 182.0]
    assert model.arrows(message_id) == [
        Arrow(S, "alice", T0, ENGINE, T0, "alice", "sent"),
        Arrow(D, ENGINE, T0, "bob", T0, "bob", "delivered"),
        Arrow(D, ENGINE, T0, "carol", T0, "carol", "delivered"),
        Arrow(D, ENGINE, T0, "dave", T0, "dave", "delivered"),
        Arrow(D, ENGINE, T0, "erin", T0 + 2.0, "erin", "delivered"),  # 2 s of latency: slanted
        Arrow(R, "bob", read_at[0], ENGINE, read_at[0], "bob", "read"),
        Arrow(E, ENGINE, read_at[0], "alice", read_at[0], "alice", "1/4 read"),
        Arrow(R, "carol", read_at[1], ENGINE, read_at[1], "carol", "read"),
        Arrow(E, ENGINE, read_at[1], "alice", read_at[1], "alice", "2/4 read"),
        Arrow(R, "dave", read_at[2], ENGINE, read_at[2], "dave", "read"),
        Arrow(E, ENGINE, read_at[2], "alice", read_at[2], "alice", "3/4 read"),
    ]
    [message] = model.messages()
    assert message.label == f"#{message_id} alice → group team: Standup at 10"


def test_only_delays_slant_an_arrow_and_alike_arrows_share_a_column() -> None:
    model, message_id, _ = asyncio.run(group_read_by_three_of_four())
    drawn, times = place_arrows(model.arrows(message_id))
    assert times == [T0, T0, T0 + 2.0, T0 + 62.0, T0 + 62.0, T0 + 122.0, T0 + 122.0, T0 + 182.0, T0 + 182.0]
    upright = [(d.start_column == d.end_column) for d in drawn]
    assert upright == [True, True, True, True, False, True, True, True, True, True, True]
    assert drawn[4].start_column == 1  # erin's delivery leaves the engine with the others'


def test_bots_share_one_lane_and_their_alike_arrows_merge() -> None:
    model, message_id, _ = asyncio.run(group_read_by_three_of_four(bots=45))
    assert model.lanes()[-1] == OTHERS and len(model.lanes()) == 7
    drawn, _ = place_arrows(model.arrows(message_id))
    [to_bots] = [d for d in drawn if d.arrow.target == OTHERS]
    assert to_bots.count == 45 and to_bots.arrow.kind == D
    assert model.arrows(message_id)[-1].label == "3/49 read"


def test_the_model_keeps_the_newest_messages_only() -> None:
    async def many() -> TimelineModel:
        clock = VirtualClock(start=T0)
        engine = ReceiptEngine(clock=clock)
        alice, bob = Client(engine, "alice"), Client(engine, "bob")
        model = TimelineModel(clock.now, max_messages=5)
        for client in (alice, bob):
            await client.login()
            model.watch(client)
        for n in range(12):
            await alice.send_message(TextMessage(f"n{n}"), "bob", ConversationType.PEER, MessageSendConfig())
            await engine.drain()
        return model

    model = asyncio.run(many())
    assert [m.text for m in model.messages()] == ["n7", "n8", "n9", "n10", "n11"]
    assert all(len(m.arrows) == 2 for m in model.messages())  # sent, delivered


def test_an_expired_receipt_ends_with_one_expiry_arrow_to_each_side() -> None:
    async def expire():
        clock = VirtualClock(start=T0)
        engine = ReceiptEngine(clock=clock)
        alice, bob = Client(engine, "alice"), Client(engine, "bob")
        model = TimelineModel(clock.now)
        for client in (alice, bob):
            await client.login()
            model.watch(client)
        receipt = MessageSendConfig(has_receipt=True)
        sent = await alice.send_message(TextMessage("anyone?"), "bob", ConversationType.PEER, receipt)
        await engine.drain()
        clock.advance(7 * 86400)
        await engine.drain()
        return model.arrows(sent.message.message_id)

    arrows = asyncio.run(expire())
    week = T0 + 7 * 86400
    assert arrows[2:] == [  # the expiry reaches both sides, each once
        Arrow(EventKind.EXPIRE, ENGINE, week, "alice", week, "alice", "expired"),
        Arrow(EventKind.EXPIRE, ENGINE, week, "bob", week, "bob", "expired"),
    ]
