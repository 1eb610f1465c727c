"""What a run starts with: the engine, the clients with panels, the default group and its bots."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.bots import BotReader, bot_names
from core import Client, Clock, RealClock, ReceiptEngine, VirtualClock
from ui.mainwindow import CLIENT_NAMES

DEFAULT_GROUP = "team"


@dataclass
class World:
    engine: ReceiptEngine
    clients: list[Client]
    bots: list[Client] = field(default_factory=list)
    bot_handler: BotReader | None = None

    def stop(self) -> None:
        if self.bot_handler is not None:
            self.bot_handler.cancel()


async def build_world(
    *,
    clients: int = 2,
    group_size: int | None = None,
    bot_readers: bool = True,
    virtual_clock: bool = False,
    clock_start: float | None = None,
    delivered_status: bool = False,
    group_id: str = DEFAULT_GROUP,
) -> World:
    """Log in ``clients`` panel users and create ``group_id`` with ``group_size`` members: the
    panel users plus bots. Bots read after a random delay when ``bot_readers`` is on; off, they
    are silent members (their "unread" never goes away)."""
    if group_size is None:
        group_size = clients + (3 if bot_readers else 0)
    clock: Clock = VirtualClock(start=clock_start or 0.0) if virtual_clock else RealClock()
    engine = ReceiptEngine(clock=clock, delivered_status=delivered_status)
    users = list(CLIENT_NAMES[:clients])
    bots = bot_names(max(0, group_size - clients), taken=users)
    engine.create_group(group_id, [*users, *bots])
    panel_clients = []
    for user_id in users:
        client = Client(engine, user_id)
        await client.login()
        panel_clients.append(client)
    handler = BotReader(enabled=bot_readers)
    bot_clients = []
    for user_id in bots:
        bot = Client(engine, user_id)
        bot.event_handler = handler
        await bot.login()
        bot_clients.append(bot)
    return World(engine, panel_clients, bot_clients, handler)
