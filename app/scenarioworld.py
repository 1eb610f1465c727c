"""The world a scenario plays in: an engine on a virtual clock, its groups, and the logged-in
clients (one per user, or one per device of a user with ``devices``, keyed "alice/phone").
Qt-free; ``readtick.app.scenarioplayer`` plays steps against it, the window shows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from readtick.app.scenariomodel import Scenario
from readtick.core import Client, ReceiptEngine, VirtualClock
from readtick.core.sessions import split_client_id


@dataclass
class ScenarioWorld:
    """The engine, its virtual clock and the logged-in clients: one per scenario user, or one
    per device of a user with ``devices`` (keyed "alice/phone")."""

    engine: ReceiptEngine
    clock: VirtualClock
    clients: dict[str, Client] = field(default_factory=dict)

    def user_of(self, client_id: str) -> str:
        """The user a client is for ("alice/phone" -> "alice")."""
        return self.clients[client_id].user_id

    def clients_of(self, name: str) -> list[str]:
        """The clients a name stands for: a client itself, or every client of a user."""
        if name in self.clients:
            return [name]
        return [cid for cid, client in self.clients.items() if client.user_id == name]

    @classmethod
    async def create(cls, scenario: Scenario) -> ScenarioWorld:
        """Engine with the scenario's options, its groups, and its clients logged in (online or not)."""
        clock = VirtualClock(start=scenario.start)
        engine = ReceiptEngine(
            clock=clock,
            receipt_lifetime=timedelta(seconds=scenario.engine.receipt_lifetime),
            delivered_status=scenario.engine.delivered_status,
        )
        world = cls(engine, clock)
        for user in scenario.users:
            engine.register_user(user.id)
        for group in scenario.groups:
            engine.create_group(group.id, list(group.members))
        for user in scenario.users:
            for client_id in user.client_ids:
                _, device = split_client_id(client_id)
                client = Client(engine, user.id, latency=user.latency, device_id=device)
                client.set_online(user.online)
                await client.login()
                world.clients[client_id] = client
        await engine.drain()
        return world

    def panel_clients(self, scenario: Scenario) -> list[Client]:
        """The clients that get a panel (users without ``panel = false``), in file order."""
        return [self.clients[cid] for user in scenario.users if user.panel for cid in user.client_ids]

    def close(self) -> None:
        self.engine.close()
