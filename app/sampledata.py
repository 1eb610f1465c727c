"""What a brand-new demo starts with, so there is something to show: a short one-to-one chat with
read and unread messages and a group message half read, sent through the SDK like any other
message and marked as sample data by its first line. ``readtick --empty`` starts without it; a
data directory gets it once, on the run that creates it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from readtick.core import Client, ConversationType, MessageSendConfig, ReceiptEngine, TextMessage
from readtick.core.messages import Message

if TYPE_CHECKING:
    from readtick.app.world import DemoWorld

#: The demo's group (``readtick.app.world.DEFAULT_GROUP``), named here so this module stays light.
DEFAULT_GROUP = "team"

SAMPLE_NOTE = "Sample conversation – readtick made these messages on first run (start with --empty for none)"
PEER, GROUP = ConversationType.PEER, ConversationType.GROUP


async def add_sample_history(
    engine: ReceiptEngine,
    clients: Sequence[Client],
    group_id: str | None = None,
    group_readers: Sequence[Client] = (),
) -> list[Message]:
    """Between the first two ``clients``: the sample note, a message the second read, one it has
    not read yet, and a reply the first has not read. In ``group_id`` (if given and the first is a
    member): a message read by half its receivers, the second client and then ``group_readers``
    (the demo's bots) in order. Returns the senders' copies."""
    first, second = clients[0], clients[1]
    sent = [
        await _send(engine, first, second.user_id, PEER, SAMPLE_NOTE, receipt=False),
        await _send(engine, first, second.user_id, PEER, "Hi! Lunch at 12? 🍜"),
    ]
    await _read(engine, second, first.user_id, PEER, sent[-1])
    sent.append(await _send(engine, second, first.user_id, PEER, "Sure, see you there!"))
    sent.append(await _send(engine, first, second.user_id, PEER, "Booked a table for two."))
    if group_id is not None and first.user_id in engine.group_members(group_id):
        message = await _send(engine, first, group_id, GROUP, "Sample: stand-up notes are in the doc 📄")
        sent.append(message)
        receivers = [m for m in engine.group_members(group_id) if m != first.user_id]
        by_id = {c.user_id: c for c in (second, *group_readers)}
        readers = [by_id[m] for m in by_id if m in receivers][: len(receivers) // 2]
        for reader in readers:
            await _read(engine, reader, group_id, GROUP, message)
    return sent


async def _send(
    engine: ReceiptEngine, sender: Client, to: str, kind: ConversationType, text: str, *, receipt: bool = True
) -> Message:
    result = await sender.send_message(TextMessage(text), to, kind, MessageSendConfig(has_receipt=receipt))
    await engine.drain()
    return result.message


async def _read(
    engine: ReceiptEngine, reader: Client, conversation: str, kind: ConversationType, sent: Message
) -> None:
    copy = next(m for m in reader.cached_messages(conversation, kind) if m.message_id == sent.message_id)
    await reader.send_message_receipts_read([copy], conversation, kind)
    await engine.drain()


async def add_sample_to_world(world: DemoWorld, group_id: str = DEFAULT_GROUP) -> list[Message]:
    """The sample history in the demo's world; its bots do not read it by themselves (else the
    group message would not stay half read for long)."""
    handler = world.bot_handler
    enabled = handler.enabled if handler is not None else False
    if handler is not None:
        handler.enabled = False
    try:
        group = group_id if group_id in world.engine.group_ids() else None
        return await add_sample_history(world.engine, world.clients, group, world.bots)
    finally:
        if handler is not None:
            handler.enabled = enabled
