"""The two window rows of issue 11 that need the engine and the window together: how long after
bob's read alice's tick is repainted, and the longest event-loop stall while alice's window is on
screen and she sends to a 10,000-member group.

Run through ``benchmarks/ui_scale.py`` (its table) or alone: ``.venv/bin/python
benchmarks/ui_scale_latency.py`` (offscreen). Not part of the test run.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from engine_scale import WALL, longest_stall  # noqa: E402
from PySide6.QtCore import QEvent, QObject  # noqa: E402
from PySide6.QtWidgets import QApplication, QListView  # noqa: E402
from readtick.core import (  # noqa: E402
    Client,
    ConversationType,
    MessageSendConfig,
    ReceiptEngine,
    ReceiptStatus,
    TextMessage,
    VirtualClock,
)
from readtick.core.sqlitestore import SqliteEngineStore  # noqa: E402
from readtick.ui.mainwindow import MainWindow  # noqa: E402

PEER, GROUP = ConversationType.PEER, ConversationType.GROUP
RECEIPT = MessageSendConfig(has_receipt=True)


class _PaintWatch(QObject):
    """Records when the watched viewport next paints while ``predicate()`` holds."""

    def __init__(self, viewport: QObject, predicate) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.predicate = predicate
        self.painted_at: float | None = None
        viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint and self.painted_at is None and self.predicate():
            self.painted_at = time.perf_counter()
        return False


def _view(window: MainWindow, user: str) -> QListView:
    panel = window.findChild(QObject, f"client:{user}")
    view = panel.findChild(QObject, "messageView")
    assert view is not None
    return view  # type: ignore[return-value]


async def _until(condition, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the window never showed it")
        await asyncio.sleep(0)


async def read_to_repaint(store_kind: str, rounds: int = 20) -> list[float]:
    """Milliseconds from bob's read call to alice's row painting DONE, one sample per message."""
    folder = Path(tempfile.mkdtemp(prefix="readtick-latency-"))
    store = (
        SqliteEngineStore(folder / "engine.sqlite3", synchronous="NORMAL") if store_kind == "sqlite" else None
    )
    engine = ReceiptEngine(clock=VirtualClock(start=1736154000.0), store=store)
    alice, bob = Client(engine, "alice"), Client(engine, "bob")
    for client in (alice, bob):
        await client.login()
    window = MainWindow(engine, [alice, bob])
    window.resize(1200, 800)
    window.show()
    samples = []
    try:
        for i in range(rounds):
            sent = (await alice.send_message(TextMessage(f"ping {i}"), "bob", PEER, RECEIPT)).message
            await engine.drain()
            view = _view(window, "alice")
            model = view.model()
            await _until(
                lambda m=model, wanted=sent.message_id: any(
                    _row_id(m, r) == wanted for r in range(m.rowCount())
                )
            )
            row = next(r for r in range(model.rowCount()) if _row_id(model, r) == sent.message_id)
            copy = bob.cached_message(sent.message_id)
            await asyncio.sleep(0.02)  # let the send's own paints pass
            watch = _PaintWatch(
                view.viewport(),
                lambda m=model, r=row: m.data(m.index(r, 0), _role(m, "receiptStatus")) == ReceiptStatus.DONE,
            )
            start = time.perf_counter()
            await bob.send_message_receipts_read([copy], "alice", PEER)
            await _until(lambda w=watch: w.painted_at is not None)
            samples.append((watch.painted_at - start) * 1000)
            view.viewport().removeEventFilter(watch)
    finally:
        window.close()
        for client in (alice, bob):
            client.cache.close()
        engine.close()
    return samples


def _role(model, name: str) -> int:  # type: ignore[no-untyped-def]
    """A role by its documented name (``message``, ``receiptStatus``)."""
    return next(role for role, role_name in model.roleNames().items() if bytes(role_name) == name.encode())


def _row_id(model, row: int) -> int:  # type: ignore[no-untyped-def]
    return model.data(model.index(row, 0), _role(model, "message")).message_id


async def send_stall(members: int = 10_000) -> tuple[float, float]:
    """Longest gap between heartbeats (one per loop turn, ``engine_scale.longest_stall``) while
    alice sends to ``members`` with the window shown, and the same with nothing sent (baseline)."""
    engine = ReceiptEngine(clock=VirtualClock(start=1736154000.0))
    names = ["alice", "bob"] + [f"m{i:05}" for i in range(members - 2)]
    clients = {}
    for name in names:
        clients[name] = Client(engine, name)
        await clients[name].login()
    engine.create_group("crowd", names)
    window = MainWindow(engine, [clients["alice"], clients["bob"]])
    window.resize(1200, 800)
    window.show()
    await asyncio.sleep(0.05)

    async def idle() -> None:
        await asyncio.sleep(0.2)

    async def send() -> None:
        await clients["alice"].send_message(TextMessage("all hands"), "crowd", GROUP, RECEIPT)
        await engine.drain()
        await asyncio.sleep(0.05)

    baseline = await longest_stall(idle, WALL) * 1000
    measured = await longest_stall(send, WALL) * 1000
    window.close()
    engine.close()
    return measured, baseline


async def latency_rows() -> list[tuple[str, str, str, str]]:
    rows = []
    memory = await read_to_repaint("memory")
    sqlite = await read_to_repaint("sqlite")
    rows.append(
        (
            "B reads A's message → A's tick repainted",
            "≤ 3 ms memory, ≤ 5 ms SQLite",
            f"median {statistics.median(memory):.2f} ms memory, {statistics.median(sqlite):.2f} ms SQLite "
            f"(max {max(memory):.1f} / {max(sqlite):.1f})",
            "",
        )
    )
    stall, floor = await send_stall()
    rows.append(
        (
            "send to a 10,000-member group: longest event-loop stall",
            "≤ 16 ms",
            f"{stall:.1f} ms (window shown, a heartbeat every loop turn)",
            f"{floor:.1f} ms (the same loop, nothing sent)",
        )
    )
    return rows


def main() -> None:
    import qasync

    app = QApplication.instance() or QApplication(sys.argv)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        rows = loop.run_until_complete(latency_rows())
    for row in rows:
        print(" | ".join(row))


if __name__ == "__main__":
    main()
