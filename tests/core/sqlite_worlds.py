"""Worlds on a chosen store and caches (memory or SQLite, in memory or on files), a snapshot of
everything a user can observe, and the store invariants the persistence tests check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path

from readtick.core import (
    Client,
    ConversationType,
    ReceiptEngine,
    ReceiptError,
    ReceiptFilter,
    ReceiptStatus,
    VirtualClock,
)
from readtick.core.localcache import LocalCache, MemoryLocalCache
from readtick.core.memorystore import MemoryEngineStore
from readtick.core.readranges import ReadRanges
from readtick.core.receipt import ACTIVE
from readtick.core.sqlitecache import SqliteLocalCache
from readtick.core.sqlitestore import SqliteEngineStore
from readtick.core.store import EngineStore, MessageRecord, group_key
from receipt_world import RecordingHandler, World

STORES: dict[str, Callable[[], EngineStore]] = {
    "memory": MemoryEngineStore,
    "sqlite": lambda: SqliteEngineStore(":memory:"),
}
CACHES: dict[str, Callable[[], LocalCache]] = {
    "memory": MemoryLocalCache,
    "sqlite": lambda: SqliteLocalCache(":memory:"),
}


async def add_client(
    world: World, user: str, cache: LocalCache | None = None, *, online: bool = True, login: bool = True
) -> Client:
    """A recording client for ``user`` with the given cache, logged in (link up or down)."""
    client = Client(world.engine, user, cache=cache)
    client.event_handler = RecordingHandler()
    if not online:
        client.set_online(False)
    if login:
        await client.login()
    world.clients[user] = client
    return client


async def store_world(
    store: EngineStore,
    users: Iterable[str] = ("alice", "bob"),
    *,
    groups: dict[str, list[str]] | None = None,
    cache_factory: Callable[[], LocalCache] | None = None,
    receipt_lifetime: timedelta = timedelta(days=7),
) -> World:
    """Like ``receipt_world.make_world``, on ``store`` and with caches from ``cache_factory``."""
    clock = VirtualClock()
    world = World(ReceiptEngine(clock=clock, store=store, receipt_lifetime=receipt_lifetime), clock)
    for user in users:
        await add_client(world, user, cache_factory() if cache_factory else None)
    for group_id, members in (groups or {}).items():
        world.engine.create_group(group_id, members)
    return world


def engine_path(data_dir: Path) -> Path:
    return data_dir / "engine.sqlite3"


def cache_path(data_dir: Path, user: str) -> Path:
    return data_dir / f"cache-{user}.sqlite3"


async def file_world(
    data_dir: Path,
    users: Iterable[str],
    *,
    now: float = 0.0,
    offline: Iterable[str] = (),
    receipt_lifetime: timedelta = timedelta(days=7),
    synchronous: str = "FULL",
) -> World:
    """A world whose engine and client caches live in files under ``data_dir`` (reopened if there)."""
    clock = VirtualClock(start=now)
    store = SqliteEngineStore(engine_path(data_dir), synchronous=synchronous)
    engine = ReceiptEngine(clock=clock, store=store, receipt_lifetime=receipt_lifetime)
    world = World(engine, clock)
    offline = set(offline)
    for user in users:
        cache = SqliteLocalCache(cache_path(data_dir, user), user_id=user, synchronous=synchronous)
        await add_client(world, user, cache, online=user not in offline)
    return world


def close_world(world: World) -> None:
    for client in world.clients.values():
        client.cache.close()
    world.engine.close()


def snapshot(world: World) -> dict[str, object]:
    """Everything observable: each client's cached history (every conversation, in order) and
    cached infos; the engine's messages, users, memberships, per-reader state, outboxes, and the
    read / unread member lists of every group message."""
    engine, store = world.engine, world.engine.store
    view: dict[str, object] = {}
    for user, client in world.clients.items():
        history = {ref: client.cached_messages(*ref) for ref in client.cache.conversations()}
        infos = {
            m.message_id: client.cached_receipt_info(m.message_id) for ms in history.values() for m in ms
        }
        view[f"client:{user}"] = (history, infos)
    records = all_records(store)
    view["messages"] = records
    view["users"] = store.user_ids()
    view["groups"] = {g: list(store.members_from(g, 1)) for g in store.group_ids()}
    view["readers"] = {
        (key, user): (store.read_ranges(key, user), store.delivered_seq(key, user))
        for key in {r.conversation_key for r in records}
        for user in store.user_ids()
    }
    view["outbox"] = {user: store.outbox(user) for user in store.user_ids()}
    view["member_lists"] = {
        r.message_id: member_lists(engine, r)
        for r in records
        if r.conversation_type is ConversationType.GROUP and r.has_receipt
    }
    return view


def member_lists(engine: ReceiptEngine, record: MessageRecord) -> tuple[list[str], list[str]]:
    """Read and unread members of a group message, via the engine, in pages of 2."""
    result = []
    for member_filter in (ReceiptFilter.READ, ReceiptFilter.UNREAD):
        flag, users = 0, []
        while True:
            try:
                flag, page = engine.receipt_members(
                    record.sender_user_id,
                    _as_message(engine, record),
                    record.target_id,
                    member_filter,
                    flag,
                    2,
                )
            except ReceiptError:  # the sender left the group: lists are not available to it
                users = ["<sender not a member>"]
                break
            users += page
            if flag == 0:
                break
        result.append(users)
    return result[0], result[1]


def _as_message(engine: ReceiptEngine, record: MessageRecord):  # type: ignore[no-untyped-def]
    return engine.views_of(record.sender_user_id, [record.message_id])[record.message_id]


def all_records(store: EngineStore) -> list[MessageRecord]:
    """Every message record, in id order (via the protocol only)."""
    keys = [group_key(g) for g in store.group_ids()]
    for user in store.user_ids():
        keys += store.peer_conversations_of(user)
    records = []
    for key in dict.fromkeys(keys):
        records += store.messages_between(key, 1, store.last_seq(key))
    return sorted(records, key=lambda r: r.message_id)


def _covered(store: EngineStore, record: MessageRecord, user: str) -> bool:
    """Was ``user`` a recipient of ``record`` (the peer, or a member when it was sent)?"""
    if user == record.sender_user_id:
        return False
    if record.conversation_type is ConversationType.PEER:
        return user == record.target_id
    periods = store.member_periods(record.target_id, user)
    return any(
        p.join_seq < record.seq and (p.leave_seq is None or record.seq <= p.leave_seq) for p in periods
    )


def check_invariants(store: EngineStore) -> None:
    """Read state and counters agree: no half-applied receipt anywhere.

    A read range may also span messages its reader never had to read (no receipt, or sent while it
    was not a member); only recipients of a receipt message count as its readers.
    """
    users = store.user_ids()
    for record in all_records(store):
        what = f"message {record.message_id} ({record})"
        if not record.has_receipt:
            assert record.read == record.eligible == record.delivered == 0, what
            continue
        key = record.conversation_key
        readers = [
            u
            for u in users
            if _covered(store, record, u) and record.seq in ReadRanges(store.read_ranges(key, u))
        ]
        assert record.read == len(readers), what
        assert 0 <= record.read <= record.eligible, what  # read + unread == eligible, unread >= 0
        assert 0 <= record.delivered <= record.eligible, what
        unread = record.eligible - record.read
        if record.status is ReceiptStatus.DONE:
            assert unread == 0, what
        elif record.status in ACTIVE and record.eligible > 0:
            assert unread > 0, what
        assert record.status in (*ACTIVE, ReceiptStatus.DONE, ReceiptStatus.EXPIRED), what
    for key in {r.conversation_key for r in all_records(store)}:
        for user in users:
            ranges = store.read_ranges(key, user)
            for low, high in ranges:
                assert low <= high, (key, user, ranges)
            for (_, high), (low, _) in zip(ranges, ranges[1:], strict=False):
                assert high + 1 < low, f"read ranges of {user} in {key} not sorted and disjoint: {ranges}"
