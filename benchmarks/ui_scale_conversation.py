"""``ui_scale``'s measurements of one long conversation: opening it, the frame that pages older
history in while scrolling up, an append while thousands of rows are shown, and one row's paint,
each next to a baseline from the same run (a small conversation, a plain QListView, Qt's own
delegate).
"""

from __future__ import annotations

import gc
import statistics
import time

from PySide6.QtCore import QRect, QStringListModel
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication, QListView, QStyledItemDelegate, QStyleOptionViewItem
from readtick.core.localcache import LocalCache
from readtick.ui.messagemodel import MessageListModel
from readtick.ui.messageview import MessageView
from ui_scale_window import GROUP, PEER, close, history, rss_mb, settle, window_on


async def open_conversation(cache: LocalCache) -> tuple[float, float, float]:
    """Median ms (wall, cpu) to show the conversation (picker change to painted rows), and the
    RSS growth of the first open in MB."""
    window, panel = await window_on(cache)
    walls, cpus, growth = [], [], 0.0
    for attempt in range(7):
        panel.select_conversation("team", GROUP)
        await settle()
        gc.collect()
        before = rss_mb()
        wall, cpu = time.perf_counter(), time.thread_time()
        panel.select_conversation("bob", PEER)
        QApplication.processEvents()  # the paint
        walls.append((time.perf_counter() - wall) * 1e3)
        cpus.append((time.thread_time() - cpu) * 1e3)
        await settle()
        if attempt == 0:
            gc.collect()
            growth = rss_mb() - before
    close(window)
    return statistics.median(walls), statistics.median(cpus), growth


# --- the frame that pages older history in ---------------------------------------------------------


async def paging_frames(cache: LocalCache, pages: int = 8) -> tuple[float, float, float, float, float]:
    """Scroll up a wheel notch at a time (72 px) through ``pages`` history pages. Returns, for
    the frames that paged history in (scroll, page loaded, painted), the longest and the median
    wall time and the longest main-thread CPU time, the longest garbage-collector pause in
    them, and the median frame that only scrolled."""
    window, panel = await window_on(cache)
    panel.select_conversation("bob", PEER)
    await settle()
    model, bar = panel.model(), panel.view().verticalScrollBar()
    paged: list[tuple[float, float, float]] = []
    scrolled: list[float] = []
    collections: list[float] = []

    def collector(phase: str, info: dict[str, int]) -> None:
        collections.append(time.perf_counter() if phase == "start" else -time.perf_counter())

    gc.callbacks.append(collector)
    while len(paged) < pages and model.has_older():
        first = model.message_at(0)
        collections.clear()
        wall, cpu = time.perf_counter(), time.thread_time()
        bar.setValue(bar.value() - 72)
        await settle()
        QApplication.processEvents()
        frame = (time.perf_counter() - wall) * 1e3
        if model.message_at(0) == first:
            scrolled.append(frame)
            continue
        starts, ends = collections[::2], collections[1::2]
        pauses = [(-end - start) * 1e3 for start, end in zip(starts, ends, strict=False)]
        paged.append((frame, (time.thread_time() - cpu) * 1e3, max(pauses, default=0.0)))
    gc.callbacks.remove(collector)
    close(window)
    walls = [frame for frame, _, _ in paged]
    return (
        max(walls),
        statistics.median(walls),
        max(cpu for _, cpu, _ in paged),
        max(pause for _, _, pause in paged),
        statistics.median(scrolled),
    )


# --- an append to a long list -------------------------------------------------------------------------


def append_to_rows(app: QApplication, shown: int) -> tuple[float, float, float]:
    """Median ms (wall, cpu) to append one message to a view of ``shown`` rows at its bottom and
    paint, and the delegate's sizeHint calls per append."""
    messages = list(history(shown + 40))
    model = MessageListModel()
    model.set_conversation("bob", PEER, messages[:shown])
    view = MessageView()
    view.setModel(model)
    view.resize(420, 700)
    view.show()
    for _ in range(5):
        app.processEvents()
    times, cpus, calls = [], [], []
    for message in messages[shown:]:
        before = view.delegate().size_hint_calls
        start, cpu = time.perf_counter(), time.thread_time()
        model.add_messages([message])
        app.processEvents()  # the paint
        times.append((time.perf_counter() - start) * 1e3)
        cpus.append((time.thread_time() - cpu) * 1e3)
        calls.append(view.delegate().size_hint_calls - before)
    view.deleteLater()
    return statistics.median(times), statistics.median(cpus), statistics.mean(calls)


def append_plain_listview(app: QApplication, shown: int) -> float:
    """The floor: one string appended to a plain QListView of uniform rows and repainted."""
    model = QStringListModel([f"message {i}" for i in range(shown)])
    view = QListView()
    view.setUniformItemSizes(True)
    view.setModel(model)
    view.resize(420, 700)
    view.show()
    app.processEvents()
    times = []
    for i in range(40):
        start = time.perf_counter()
        row = model.rowCount()
        model.insertRows(row, 1)
        model.setData(model.index(row, 0), f"new {i}")
        view.scrollToBottom()
        app.processEvents()
        times.append((time.perf_counter() - start) * 1e3)
    view.deleteLater()
    return statistics.median(times)


# --- one row's paint ------------------------------------------------------------------------------------


def row_paint(app: QApplication) -> tuple[float, float]:
    """ms per row (main-thread CPU, which other processes on the machine do not inflate):
    readtick's delegate on a mix of rows, and Qt's own delegate on the same rows."""
    model = MessageListModel()
    model.set_conversation("bob", PEER, list(history(12)))
    view = MessageView()
    view.setModel(model)
    view.resize(420, 700)
    view.show()
    app.processEvents()
    image = QImage(420, 200, QImage.Format.Format_ARGB32_Premultiplied)
    results = []
    for delegate in (view.delegate(), QStyledItemDelegate()):
        painter = QPainter(image)
        option = QStyleOptionViewItem()
        rounds = []
        for _ in range(7):
            start = time.thread_time()
            for _ in range(100):
                for row in range(12):
                    index = model.index(row, 0)
                    option.rect = QRect(0, 0, 420, view.visualRect(index).height())
                    delegate.paint(painter, option, index)
            rounds.append((time.thread_time() - start) * 1e3 / 1200)
        painter.end()
        results.append(statistics.median(rounds))
    view.deleteLater()
    return results[0], results[1]
