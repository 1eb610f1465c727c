"""A burst of reads of one group message: the sender's row is told of them and measured a small
constant number of times (at most once per frame), not once per read, and what the window then
shows is the final count."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QImage
from readtick.core import ConversationType, MessageReceiptInfo, ReceiptStatus
from readtick.ui.messagedelegate import receipt_caption
from readtick.ui.messagemodel import ReadMemberCountRole, UnreadMemberCountRole

GROUP = ConversationType.GROUP
READERS = 1000


def test_a_thousand_reads_in_a_burst_repaint_the_senders_row_once(message_to_crowd, qapp) -> None:
    h, sent = message_to_crowd(READERS)
    panel = h.panel("alice")
    model, view = panel.model(), panel.view()
    h.qtbot.waitUntil(
        lambda: model.rowCount() == 1 and model.index(0, 0).data(UnreadMemberCountRole) is not None
    )
    for _ in range(3):
        qapp.processEvents()
    changes: list[int] = []
    model.dataChanged.connect(lambda top_left, *_: changes.append(top_left.row()))
    measured = view.delegate().size_hint_calls

    # The client caches one info per receipt event and its bridge reports each, synchronously;
    # a burst is what one loop turn of deliveries hands over.
    for read in range(1, READERS + 1):
        info = MessageReceiptInfo(
            "crowd", GROUP, sent.message_id, ReceiptStatus.PROCESSING, read, READERS + 1 - read
        )
        panel.bridge.receiptInfoCached.emit(info)

    h.qtbot.waitUntil(lambda: bool(changes))
    for _ in range(3):
        qapp.processEvents()
    assert 1 <= len(changes) <= 2
    assert view.delegate().size_hint_calls - measured <= 2
    index = model.index(0, 0)
    assert (index.data(ReadMemberCountRole), index.data(UnreadMemberCountRole)) == (READERS, 1)
    assert receipt_caption(model.message_at(0), READERS, 1) == "1 unread"
    # What the window shows is what a full repaint with the final counts draws.
    viewport = view.viewport()
    corner = viewport.mapTo(h.window, viewport.rect().topLeft())
    screen = QGuiApplication.primaryScreen()
    shown = screen.grabWindow(h.window.winId(), corner.x(), corner.y(), viewport.width(), viewport.height())
    fresh = viewport.grab()
    assert as_rgb(shown) == as_rgb(fresh)


def as_rgb(pixmap) -> QImage:
    return pixmap.toImage().convertToFormat(QImage.Format.Format_RGB32)
