"""``World``: one engine on a virtual clock with N logged-in clients that record their events.

Lets a test say "alice sends, bob reads, alice's handler saw exactly this" in three lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from readtick.core import (
    Client,
    ConversationType,
    EventHandler,
    Message,
    MessageSendConfig,
    ReceiptEngine,
    TextMessage,
    VirtualClock,
)


class RecordingHandler(EventHandler):
    """Records every callback as ``(name, args...)`` without the client argument."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def on_peer_message_received(self, client, messages, from_user_id):
        self.calls.append(("on_peer_message_received", list(messages), from_user_id))

    def on_group_message_received(self, client, messages, from_group_id):
        self.calls.append(("on_group_message_received", list(messages), from_group_id))

    def on_message_receipt_changed(self, client, infos):
        self.calls.append(("on_message_receipt_changed", list(infos)))

    def on_conversation_message_receipt_changed(self, client, infos):
        self.calls.append(("on_conversation_message_receipt_changed", list(infos)))

    def on_connection_state_changed(self, client, state):
        self.calls.append(("on_connection_state_changed", state))

    def named(self, name: str) -> list[tuple]:
        return [call for call in self.calls if call[0] == name]

    def receipt_infos(self) -> list:
        return [info for call in self.named("on_message_receipt_changed") for info in call[1]]

    def received(self) -> list[Message]:
        return [
            m
            for call in self.calls
            if call[0] in ("on_peer_message_received", "on_group_message_received")
            for m in call[1]
        ]


class World:
    """One engine on a virtual clock with logged-in clients, each recording its events.

    ``await world.send("alice", "bob", "hi")`` sends with a receipt and lets it arrive;
    ``world.handler("alice").receipt_infos()`` is what alice's handler saw.
    """

    def __init__(self, engine: ReceiptEngine, clock: VirtualClock) -> None:
        self.engine, self.clock = engine, clock
        self.clients: dict[str, Client] = {}

    def __getitem__(self, user: str) -> Client:
        return self.clients[user]

    def handler(self, user: str) -> RecordingHandler:
        handler = self.clients[user].event_handler
        assert isinstance(handler, RecordingHandler)
        return handler

    async def add_client(self, user: str, latency: float = 0.0) -> Client:
        client = Client(self.engine, user, latency=latency)
        client.event_handler = RecordingHandler()
        await client.login()
        self.clients[user] = client
        return client

    async def send(
        self,
        sender: str,
        to: str,
        text: str = "hi",
        *,
        receipt: bool = True,
        group: bool = False,
        settle: bool = True,
    ) -> Message:
        ctype = ConversationType.GROUP if group else ConversationType.PEER
        result = await self.clients[sender].send_message(
            TextMessage(text), to, ctype, MessageSendConfig(has_receipt=receipt)
        )
        if settle:
            await self.engine.drain()
        return result.message

    def copy_of(self, user: str, message: Message) -> Message:
        """``user``'s cached copy of ``message``."""
        cached = self.clients[user].cache.get(message.message_id)
        assert cached is not None, f"{user} has no copy of message {message.message_id}"
        return cached

    async def settle(self) -> None:
        await self.engine.drain()


async def make_world(
    users: Iterable[str] = ("alice", "bob"),
    *,
    groups: dict[str, list[str]] | None = None,
    delivered_status: bool = False,
    receipt_lifetime: timedelta = timedelta(days=7),
    latency: dict[str, float] | None = None,
) -> World:
    clock = VirtualClock()
    engine = ReceiptEngine(clock=clock, delivered_status=delivered_status, receipt_lifetime=receipt_lifetime)
    world = World(engine, clock)
    for user in users:
        await world.add_client(user, (latency or {}).get(user, 0.0))
    for group_id, members in (groups or {}).items():
        engine.create_group(group_id, members)
    return world
