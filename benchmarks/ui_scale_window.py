"""The window ``ui_scale`` measures: a conversation of alice with bob written straight into alice's
cache (a fixture, not a measured path, with message ids the engine does not hold), the window of
alice and bob opened on it, and waiting for what the window started (pages loading, paints).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from readtick.core import (
    Client,
    ConversationType,
    MessageDirection,
    ReceiptEngine,
    ReceiptStatus,
    SentStatus,
    TextMessage,
    VirtualClock,
)
from readtick.core.localcache import LocalCache, MemoryLocalCache
from readtick.core.memorystore import MemoryEngineStore
from readtick.core.messages import Message
from readtick.core.sqlitecache import SqliteLocalCache
from readtick.core.store import EngineStore
from readtick.ui.clientpanel import ClientPanel
from readtick.ui.mainwindow import MainWindow

PEER, GROUP = ConversationType.PEER, ConversationType.GROUP
T0 = 1736156460.0
FIRST_ID = 1_000_000_000  # ids the engine never hands out: these messages live in the cache only


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def history(count: int) -> Iterator[Message]:
    """A conversation of alice with bob: alternating, a few lengths of text, all receipts read."""
    for i in range(1, count + 1):
        outgoing = i % 2 == 1
        yield TextMessage(
            f"message {i} " + "with a few more words to wrap " * (i % 4),
            message_id=FIRST_ID + i,
            local_message_id=i,
            conversation_id="bob",
            conversation_type=PEER,
            sender_user_id="alice" if outgoing else "bob",
            direction=MessageDirection.SEND if outgoing else MessageDirection.RECEIVE,
            sent_status=SentStatus.SUCCESS,
            timestamp=T0 + i,
            order_key=i,
            conversation_seq=i,
            receipt_status=ReceiptStatus.DONE,
        )


def alice_cache(kind: str, count: int, folder: Path) -> LocalCache:
    if kind == "memory":
        cache: LocalCache = MemoryLocalCache()
        for message in history(count):
            cache.put(message)
        return cache
    sqlite = SqliteLocalCache(folder / f"alice-{count}.sqlite3", user_id="alice")
    with sqlite._db.transaction():  # fixture only: one commit instead of one per message
        for message in history(count):
            sqlite.put(message)
    return sqlite


async def turns(count: int = 3) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


async def settle() -> None:
    """Run every task the window started (pages loading) and the Qt events they caused."""
    current = asyncio.current_task()
    for _ in range(10_000):
        if not [t for t in asyncio.all_tasks() if t is not current and not t.done()]:
            break
        await asyncio.sleep(0)
    await turns()


async def window_on(cache: LocalCache, store: EngineStore | None = None) -> tuple[MainWindow, ClientPanel]:
    """The window with alice's and bob's panels; alice's client on ``cache``, showing the group."""
    engine = ReceiptEngine(clock=VirtualClock(start=T0 + 10**7), store=store or MemoryEngineStore())
    engine.create_group("team", ["alice", "bob"])
    alice, bob = Client(engine, "alice", cache=cache), Client(engine, "bob")
    await alice.login()
    await bob.login()
    window = MainWindow(engine, [alice, bob])
    window.resize(980, 760)
    window.show()
    await turns(10)
    panel = window.panel("alice")
    panel.select_conversation("team", GROUP)
    await settle()
    return window, panel


def close(window: MainWindow) -> None:
    window.close()
    window.deleteLater()


class PaintCounter(QObject):
    """Counts the paint events of the widget it is installed on (``installEventFilter``) and
    keeps the time of the last one (``time.perf_counter``)."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0
        self.last = 0.0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
            self.last = time.perf_counter()
        return False
