"""The built-in script ``--screenshot`` plays before it renders the window: a peer chat with
every outgoing tick state (read, waiting, no receipt, failed) and a group message half read.

Bots do not read by themselves here: the script drives every read, so the picture is the same
on every run (virtual clock, fixed start time).
"""

from __future__ import annotations

from readtick.app.world import DEFAULT_GROUP, DemoWorld
from readtick.core import Client, ConversationType, MessageSendConfig, ReceiptError, TextMessage
from readtick.ui.mainwindow import MainWindow

#: 2025-01-06 09:41 (UTC): a plausible time on the screenshot instead of 1970.
SCRIPT_START = 1736156460.0

PEER, GROUP = ConversationType.PEER, ConversationType.GROUP


async def _send(
    world: DemoWorld, sender: Client, text: str, to: str, kind: ConversationType, receipt: bool = True
):
    result = await sender.send_message(TextMessage(text), to, kind, MessageSendConfig(has_receipt=receipt))
    await world.engine.drain()
    return result.message


def _copy_of(client: Client, conversation_id: str, kind: ConversationType, message_id: int):
    return next(m for m in client.cached_messages(conversation_id, kind) if m.message_id == message_id)


async def _read(
    world: DemoWorld, reader: Client, conversation_id: str, kind: ConversationType, message_id: int
) -> None:
    await reader.send_message_receipts_read(
        [_copy_of(reader, conversation_id, kind, message_id)], conversation_id, kind
    )
    await world.engine.drain()


async def _tick(world: DemoWorld, seconds: float = 60.0) -> None:
    advance = getattr(world.engine.clock, "advance", None)
    if advance is not None:
        advance(seconds)
    await world.engine.drain()


async def play_demo_script(world: DemoWorld, window: MainWindow) -> None:
    """Alice and bob chat one-to-one; bob posts in the group and two of four members read it."""
    alice, bob = world.clients[0], world.clients[1]
    bots = world.bots
    window.panel(alice.user_id).select_conversation(bob.user_id, PEER)
    window.panel(bob.user_id).select_conversation(DEFAULT_GROUP, GROUP)

    hello = await _send(world, alice, "Hi Bob! Lunch at 12? 🍜", bob.user_id, PEER)
    await _tick(world)
    await _read(world, bob, alice.user_id, PEER, hello.message_id)
    await _tick(world, 30)
    await _send(world, bob, "Sure — 好的，十二点见 👍", alice.user_id, PEER)
    await _tick(world, 45)
    await _send(world, alice, "Great, I'll book a table for two.", bob.user_id, PEER)
    await _send(world, alice, "(this one asks for no receipt)", bob.user_id, PEER, receipt=False)
    await _tick(world, 20)
    alice.set_online(False)
    try:
        await _send(world, alice, "Sent while offline: this one fails", bob.user_id, PEER)
    except ReceiptError:
        pass  # the failed copy is in alice's cache and on screen with a red mark
    alice.set_online(True)
    await world.engine.drain()

    notes = await _send(world, alice, "Stand-up notes are in the doc 📄", DEFAULT_GROUP, GROUP)
    await _tick(world, 40)
    await _read(world, bob, DEFAULT_GROUP, GROUP, notes.message_id)
    thanks = await _send(world, bob, "Thanks! I'll review them today. 谢谢！", DEFAULT_GROUP, GROUP)
    await _tick(world, 30)
    await _read(world, alice, DEFAULT_GROUP, GROUP, thanks.message_id)
    if bots:
        await _read(world, bots[0], DEFAULT_GROUP, GROUP, thanks.message_id)
    await world.engine.drain()
