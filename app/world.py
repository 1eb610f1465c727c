"""What a run starts with: the engine, the clients with panels, the default group and its bots.

Given a store that already holds a world (a data directory opened again), the default group is
reused (only members it lacks are added) and each panel client reopens its local cache, so the
panels come back with their history, receipt statuses and counts. Clients added later (the
window's toolbar) come from ``DemoWorld.new_client``, with a cache from the same factory.
Qt-free: the mode is chosen, and the data directory opened, before Qt is loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from readtick.app.bots import BotReader, bot_names
from readtick.core import Client, Clock, RealClock, ReceiptEngine, VirtualClock
from readtick.core.localcache import LocalCache
from readtick.core.receipt import MAX_CLIENTS, MIN_CLIENTS
from readtick.core.store import EngineStore

DEFAULT_GROUP = "team"
#: The users who get the first panels, in order (``--clients N``: the first N of them).
CLIENT_NAMES = (
    "alice",
    "bob",
    "carol",
    "dave",
    "erin",
    "frank",
    "grace",
    "heidi",
    "ivan",
    "judy",
    "mallory",
    "niaj",
)

CacheFactory = Callable[[str], "LocalCache | None"]
"""``cache_for(user_id)``: the local cache a panel client opens (None: a fresh one in memory)."""


def panel_users(saved: Sequence[str] | None = None, count: int | None = None) -> list[str]:
    """The users who get a panel at the start.

    ``count`` (an explicit ``--clients N``) wins: the first ``count`` default names. Otherwise the
    ``saved`` panels in their order, at most ``MAX_CLIENTS`` of them, filled up to ``MIN_CLIENTS``
    with default names they lack; with neither, the first ``MIN_CLIENTS`` default names.
    """
    if count is not None:
        return list(CLIENT_NAMES[:count])
    users = list(dict.fromkeys(saved or ()))[:MAX_CLIENTS]
    for name in CLIENT_NAMES:
        if len(users) >= MIN_CLIENTS:
            break
        if name not in users:
            users.append(name)
    return users


@dataclass
class DemoWorld:
    """The interactive demo's world: the engine, the clients with panels (``clients``), the bots
    of the default group and their handler, and the cache factory for panels added later."""

    engine: ReceiptEngine
    clients: list[Client]
    bots: list[Client] = field(default_factory=list)
    bot_handler: BotReader | None = None
    cache_for: CacheFactory | None = None
    added: list[Client] = field(default_factory=list)
    """Clients made by ``new_client`` (panels added while running); ``stop`` closes them too."""
    stopped: bool = False

    def new_client(self, user_id: str) -> Client:
        """A client (not logged in) for a panel added while running, with its cache from
        ``cache_for`` like the first panels' (in memory without one). Whatever ``cache_for``
        raises (``PersistenceError``) goes to the caller."""
        cache = self.cache_for(user_id) if self.cache_for is not None else None
        client = Client(self.engine, user_id, cache=cache)
        self.added.append(client)
        return client

    def stop(self) -> None:
        """Cancel the bots' pending reads, close every client's cache (closing one a removed
        panel closed already is harmless), then the engine (and its store). Safe to call more
        than once."""
        if self.stopped:
            return
        self.stopped = True
        if self.bot_handler is not None:
            self.bot_handler.cancel()
        try:
            for client in (*self.clients, *self.added, *self.bots):
                client.cache.close()
        finally:
            self.engine.close()


async def build_world(
    *,
    clients: int = 2,
    users: Sequence[str] | None = None,
    group_size: int | None = None,
    bot_readers: bool = True,
    virtual_clock: bool = False,
    clock_start: float | None = None,
    delivered_status: bool = False,
    group_id: str = DEFAULT_GROUP,
    store: EngineStore | None = None,
    cache_for: CacheFactory | None = None,
) -> DemoWorld:
    """Log in the panel users (``users``, else the first ``clients`` default names) and make sure
    ``group_id`` has ``group_size`` members: the panel users plus bots. Bots read after a random
    delay when ``bot_readers`` is on; off, they are silent members (their "unread" never goes
    away).

    ``store`` is the engine's store (in memory if None); the world owns it from here on, and
    closes it on ``stop()`` or if building fails. A group that already exists in it is kept, and
    only the members it lacks are added (they count for messages sent from now on). ``cache_for``
    gives each panel client its local cache; bots always keep theirs in memory (a file per bot
    would cost a commit per bot per group message), and ``DemoWorld.new_client`` uses it later.
    """
    users = list(users) if users is not None else list(CLIENT_NAMES[:clients])
    if group_size is None:
        group_size = len(users) + (3 if bot_readers else 0)
    bots = bot_names(max(0, group_size - len(users)), taken=users)
    caches: dict[str, LocalCache | None] = {}
    clock: Clock = VirtualClock(start=clock_start or 0.0) if virtual_clock else RealClock()
    engine = ReceiptEngine(clock=clock, store=store, delivered_status=delivered_status)
    try:
        # Every cache first: a file that cannot be opened stops the run before anything is written.
        for user_id in users:
            caches[user_id] = cache_for(user_id) if cache_for is not None else None
        if group_id in engine.group_ids():
            present = set(engine.group_members(group_id))
            missing = [u for u in (*users, *bots) if u not in present]
            if missing:
                engine.add_group_members(group_id, missing)
        else:
            engine.create_group(group_id, [*users, *bots])
        panel_clients = []
        for user_id in users:
            client = Client(engine, user_id, cache=caches[user_id])
            await client.login()
            panel_clients.append(client)
        handler = BotReader(enabled=bot_readers)
        bot_clients = []
        for user_id in bots:
            bot = Client(engine, user_id)
            bot.event_handler = handler
            await bot.login()
            bot_clients.append(bot)
    except BaseException:
        for cache in caches.values():
            if cache is not None:
                cache.close()
        engine.close()
        raise
    return DemoWorld(engine, panel_clients, bot_clients, handler, cache_for=cache_for)
