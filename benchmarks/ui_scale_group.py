"""``ui_scale``'s measurements of a large group: the member dialog's unread list of a 10,000-member
group scrolled to its end (and a read arriving while all of it is loaded), and a burst of reads
reaching the sender's window, each next to a baseline from the same run.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from readtick.core import (
    Client,
    MessageSendConfig,
    ReceiptEngine,
    ReceiptFilter,
    TextMessage,
    VirtualClock,
)
from readtick.core.messages import Message
from readtick.core.store import EngineStore
from readtick.ui.mainwindow import MainWindow
from readtick.ui.memberlistdialog import MemberListDialog
from readtick.ui.messageroles import UnreadMemberCountRole
from ui_scale_window import GROUP, T0, PaintCounter, close, settle


async def group_window(
    store: EngineStore, members: int
) -> tuple[ReceiptEngine, MainWindow, Message, list[str]]:
    """The window of alice and bob, alice's panel on a group of ``members`` (the others have no
    client), after alice sent it a message with a receipt nobody has read yet and its fan-out
    was delivered. Returns the engine, the window, alice's copy and the other members."""
    engine = ReceiptEngine(clock=VirtualClock(start=T0), store=store)
    alice, bob = Client(engine, "alice"), Client(engine, "bob")
    await alice.login()
    await bob.login()
    crowd = [f"m{i:05}" for i in range(members - 2)]
    engine.create_group("crowd", ["alice", "bob", *crowd])
    window = MainWindow(engine, [alice, bob])
    window.show()
    window.panel("alice").select_conversation("crowd", GROUP)
    sent = await alice.send_message(
        TextMessage("to everyone"), "crowd", GROUP, MessageSendConfig(has_receipt=True)
    )
    await engine.drain()
    await settle()
    return engine, window, sent.message, crowd


class StallWatch:
    """The longest gap between two turns of the event loop while it runs (ms): how long the
    window could not paint."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._running = True
        self._task = asyncio.ensure_future(self._watch())

    async def _watch(self) -> None:
        last = time.perf_counter()
        while self._running:
            await asyncio.sleep(0)
            now = time.perf_counter()
            self.longest = max(self.longest, (now - last) * 1e3)
            last = now

    async def stop(self) -> float:
        self._running = False
        await self._task
        return self.longest


async def unread_list_to_the_end(store: EngineStore, members: int) -> dict[str, Any]:
    """Open the member dialog of alice's message to a group of ``members`` nobody has read, and
    scroll its unread list to the end. Then one member reads while the whole list is loaded.
    Returns the seconds the scrolling took (``seconds``), the ``pages``, the engine's time (ms)
    for each unread page and for each read page (``unread_pages``, ``read_pages``: the read list is
    empty, one page), and for the read: the ms until both lists showed it (``refresh``) and the
    longest event-loop stall meanwhile (``stall``)."""
    engine, window, sent, crowd = await group_window(store, members)
    panel = window.panel("alice")
    page_times: dict[ReceiptFilter, list[float]] = {ReceiptFilter.READ: [], ReceiptFilter.UNREAD: []}
    member_page = engine.receipt_members

    def timed_page(*args: Any) -> tuple[int, list[str]]:
        start = time.perf_counter()
        try:
            return member_page(*args)
        finally:
            page_times[args[3]].append((time.perf_counter() - start) * 1e3)

    engine.receipt_members = timed_page
    start = time.perf_counter()
    dialog = MemberListDialog(panel.bridge, sent, "crowd", unread_count=members - 1, parent=panel)
    dialog.show()
    dialog.start()
    column = dialog.column(False)
    bar = column.list.verticalScrollBar()
    while not column.finished:
        shown = column.list.count()
        while bar.maximum() <= bar.value() and not column.finished:
            await asyncio.sleep(0)  # the new rows are laid out
        bar.setValue(bar.maximum())
        while column.list.count() == shown and not column.finished:
            await asyncio.sleep(0)
    elapsed = time.perf_counter() - start
    assert column.list.count() == members - 1, column.list.count()
    pages, unread_pages, read_pages = (
        column.pages,
        list(page_times[ReceiptFilter.UNREAD]),
        list(page_times[ReceiptFilter.READ]),
    )

    await settle()
    reader = crowd[len(crowd) // 2]
    watch = StallWatch()
    start = time.perf_counter()
    engine.mark_read(reader, [sent], "crowd", GROUP)
    read_list = dialog.column(True).list
    while column.list.count() != members - 2 or read_list.count() != 1 or read_list.item(0).text() != reader:
        await asyncio.sleep(0)
    refresh = (time.perf_counter() - start) * 1e3
    stall = await watch.stop()
    dialog.close()
    close(window)
    return {
        "seconds": elapsed,
        "pages": pages,
        "unread_pages": unread_pages,
        "read_pages": read_pages,
        "refresh": refresh,
        "stall": stall,
    }


async def read_burst(store: EngineStore, members: int, readers: int) -> dict[str, float]:
    """``readers`` members of a group of ``members`` read alice's message back to back (the
    engine's calls, as their clients would make them), and the running window takes the news in.
    Returns the receipt infos alice's client cached (``infos``: the engine may report reads that
    arrive together as one), the ``changes``
    (dataChanged) her row got and the ``paints`` of her message view meanwhile, the ms from the
    first read to the final count on screen (``ms``), and the longest event-loop stall while the
    news was delivered (``stall``)."""
    engine, window, sent, crowd = await group_window(store, members)
    panel = window.panel("alice")
    model, view = panel.model(), panel.view()
    final = members - 1 - readers
    infos: list[float] = []
    changes: list[float] = []
    panel.bridge.receiptInfoCached.connect(lambda info: infos.append(time.perf_counter()))
    model.dataChanged.connect(lambda *_: changes.append(time.perf_counter()))
    painter = PaintCounter()
    view.viewport().installEventFilter(painter)
    start = time.perf_counter()
    for member in crowd[:readers]:
        engine.mark_read(member, [sent], "crowd", GROUP)
    watch = StallWatch()
    # Until the final count is in the row and painted after the row's last change.
    while (
        model.index(0, 0).data(UnreadMemberCountRole) != final or not changes or painter.last < max(changes)
    ):
        await asyncio.sleep(0)
    elapsed = (painter.last - start) * 1e3
    stall = await watch.stop()
    await settle()
    view.viewport().removeEventFilter(painter)
    close(window)
    return {
        "infos": len(infos),
        "changes": len(changes),
        "paints": painter.paints,
        "ms": elapsed,
        "stall": stall,
    }


def slice_floor(members: int) -> float:
    """The floor of a page: 100 ids sliced from a list of ``members`` (ms)."""
    ids = [f"m{i:05}" for i in range(members)]
    start = time.perf_counter()
    for offset in range(0, members, 100):
        tuple(ids[offset : offset + 100])
    return (time.perf_counter() - start) * 1e3 / (members // 100)
