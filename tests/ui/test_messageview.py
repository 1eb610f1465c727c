"""The conversation view: it measures only rows that are new or changed (an append or a receipt
change asks the delegate for one row's size, whatever the number of rows); new messages follow
the bottom; paging history in or out keeps the message under the user's eyes in place; the next
page is asked for before the user reaches an end."""

from __future__ import annotations

import dataclasses
import math

from PySide6.QtCore import QPoint, QRectF
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QAbstractItemView
from readtick.core import ConversationType, MessageDirection, MessageReceiptInfo, ReceiptStatus, TextMessage
from readtick.ui.bubbleshape import ROW_GAP
from readtick.ui.messagemodel import MessageIdRole, MessageListModel
from readtick.ui.messageview import MessageView

PEER = ConversationType.PEER


def message(seq: int) -> TextMessage:
    return TextMessage(
        f"message number {seq} " + "with some more words " * (seq % 5),
        message_id=seq,
        conversation_id="bob",
        conversation_type=PEER,
        sender_user_id="alice",
        direction=MessageDirection.SEND,
        conversation_seq=seq,
        receipt_status=ReceiptStatus.PROCESSING,
    )


def make_view(qtbot, count: int, *, first: int = 1) -> tuple[MessageView, MessageListModel]:
    model = MessageListModel()
    model.set_conversation("bob", PEER, [message(s) for s in range(first, first + count)], has_older=True)
    view = MessageView()
    view.setModel(model)
    qtbot.addWidget(view)
    view.resize(420, 500)
    view.show()
    qtbot.waitExposed(view)
    return view, model


def settle(qapp, delegate) -> None:
    """Let the initial layouts finish (the view lays out again once its scroll bar appears)."""
    previous = -1
    while previous != delegate.size_hint_calls:
        previous = delegate.size_hint_calls
        for _ in range(3):
            qapp.processEvents()


def test_receipt_change_measures_and_repaints_one_row(qtbot, qapp) -> None:
    view, model = make_view(qtbot, 2000)
    qtbot.waitUntil(lambda: view.is_at_bottom())
    delegate = view.delegate()
    settle(qapp, delegate)
    before, relayouts = delegate.size_hint_calls, view.full_relayouts
    model.apply_infos([MessageReceiptInfo("bob", PEER, 1999, ReceiptStatus.DONE, 1, 0)])
    qapp.processEvents()
    assert delegate.size_hint_calls - before == 1
    assert view.full_relayouts == relayouts


def test_a_text_change_measures_that_row_and_moves_the_rows_below(qtbot, qapp) -> None:
    view, model = make_view(qtbot, 2000)
    settle(qapp, view.delegate())
    view.scrollTo(model.index(1000, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    before, relayouts = view.delegate().size_hint_calls, view.full_relayouts
    below = view.visualRect(model.index(1001, 0)).top()
    longer = dataclasses.replace(message(1001), message="a much longer text " * 20)
    assert not model.upsert_message(longer)  # replaces the row in place
    qapp.processEvents()
    assert view.delegate().size_hint_calls - before == 1
    assert view.full_relayouts == relayouts
    assert view.visualRect(model.index(1001, 0)).top() > below
    assert view.visualRect(model.index(1000, 0)).top() == 0  # the row above did not move


def test_an_append_to_3000_rows_measures_one_row_and_follows_it(qtbot, qapp) -> None:
    view, model = make_view(qtbot, 3000)
    qtbot.waitUntil(view.is_at_bottom)
    settle(qapp, view.delegate())
    before, relayouts = view.delegate().size_hint_calls, view.full_relayouts
    model.add_messages([message(3001)])
    qapp.processEvents()
    assert view.delegate().size_hint_calls - before == 1
    assert view.full_relayouts == relayouts
    assert view.is_at_bottom()
    assert view.viewport().rect().contains(view.visualRect(model.index(3000, 0)))


def message_under(view: MessageView, point: QPoint) -> tuple[int, int]:
    """The id of the message at a viewport point, and where its row starts."""
    index = view.indexAt(point)
    return index.data(MessageIdRole), view.visualRect(index).top()


def test_a_prepended_page_leaves_the_message_under_the_same_pixel(qtbot, qapp) -> None:
    view, model = make_view(qtbot, 300, first=301)
    view.scrollTo(model.index(100, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
    qapp.processEvents()
    point = QPoint(200, 210)
    before = message_under(view, point)
    model.prepend_history([message(s) for s in range(251, 301)])
    qapp.processEvents()
    assert message_under(view, point) == before
    model.trim_newest(250)  # the newest rows go: nothing on screen moves
    qapp.processEvents()
    assert message_under(view, point) == before
    model.trim_oldest(200)  # the oldest rows go: what is on screen moves up with them
    qapp.processEvents()
    assert message_under(view, point) == before


def test_the_next_page_is_asked_for_within_a_page_of_an_end(qtbot, qapp) -> None:
    view, model = make_view(qtbot, 200)
    view.prefetch_rows = 30
    bar = view.verticalScrollBar()
    with qtbot.assertNotEmitted(view.olderHistoryRequested):
        view.scrollTo(model.index(100, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        qapp.processEvents()
    with qtbot.waitSignal(view.olderHistoryRequested, timeout=1000):
        view.scrollTo(model.index(29, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    assert bar.value() > 0  # asked for before reaching the top
    with qtbot.waitSignal(view.newerHistoryRequested, timeout=1000):
        view.scrollTo(model.index(170, 0), QAbstractItemView.ScrollHint.PositionAtBottom)
    assert bar.value() < bar.maximum()


def test_a_new_width_measures_every_row_again_and_keeps_the_bottom(qtbot, qapp) -> None:
    view, model = make_view(qtbot, 100)
    qtbot.waitUntil(view.is_at_bottom)
    tall = view.visualRect(model.index(98, 0)).height()
    relayouts = view.full_relayouts
    view.resize(1000, 500)
    qapp.processEvents()
    assert view.full_relayouts > relayouts
    assert view.visualRect(model.index(98, 0)).height() < tall  # fewer lines when wider
    assert view.is_at_bottom()


def test_new_message_scrolls_into_view_when_at_bottom(qtbot) -> None:
    view, model = make_view(qtbot, 60)
    qtbot.waitUntil(view.is_at_bottom)
    model.add_messages([message(61)])
    qtbot.waitUntil(lambda: view.is_at_bottom() and view.verticalScrollBar().maximum() > 0)
    last = view.visualRect(model.index(60, 0))
    assert view.viewport().rect().intersects(last)


def test_new_message_does_not_yank_a_reader_who_scrolled_up(qtbot, qapp) -> None:
    view, model = make_view(qtbot, 60)
    qtbot.waitUntil(view.is_at_bottom)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    value = view.verticalScrollBar().value()
    model.add_messages([message(61)])
    qapp.processEvents()
    assert view.verticalScrollBar().value() == value


def test_scrolling_to_the_top_asks_for_history_and_keeps_the_position(qtbot) -> None:
    view, model = make_view(qtbot, 40)
    qtbot.waitUntil(view.is_at_bottom)
    with qtbot.waitSignal(view.olderHistoryRequested, timeout=1000):
        view.verticalScrollBar().setValue(0)
    first_visible = view.indexAt(view.viewport().rect().topLeft() + view.viewport().rect().center() * 0).row()
    model.prepend_history([message(-s) for s in range(30, 0, -1)])
    # the row that was at the top is still at the top, now 30 rows further down
    assert view.indexAt(view.viewport().rect().topLeft()).row() == first_visible + 30


def test_a_view_deleted_before_its_deferred_scroll_does_not_crash(qtbot, qapp) -> None:
    """Showing a conversation defers a scroll to the bottom; a panel closed at once (the view
    deleted) must cancel it rather than scroll a deleted view."""
    import shiboken6

    model = MessageListModel()
    view = MessageView()
    view.setModel(model)
    view.show()
    qtbot.waitExposed(view)
    model.set_conversation("bob", PEER, [message(1)])  # a reset: the scroll waits for the loop
    shiboken6.delete(view)  # not through qtbot, which would close it at teardown
    qapp.processEvents()  # pytest-qt fails the test on an exception raised in here


def test_each_row_is_as_high_as_the_bubble_painted_in_it(qtbot) -> None:
    group_rows = [
        dataclasses.replace(message(s), conversation_type=ConversationType.GROUP, direction=direction)
        for s in range(1, 11)
        for direction in (MessageDirection.SEND, MessageDirection.RECEIVE)
    ]
    model = MessageListModel()
    model.set_conversation("bob", ConversationType.GROUP, group_rows)
    view = MessageView()
    view.setModel(model)
    qtbot.addWidget(view)
    view.show()
    for width in (300, 420, 900):
        view.resize(width, 500)
        assert view.viewport().width() <= width
        for row in range(model.rowCount()):
            rect = view.visualRect(model.index(row, 0))
            bubble = view.delegate().layout(QRectF(rect), model.index(row, 0)).bubble
            assert rect.height() == math.ceil(bubble.height() + 2 * ROW_GAP), (width, row)


def test_what_is_on_screen_is_what_a_full_repaint_draws(qtbot, qapp) -> None:
    """The view repaints only what moved (an append scrolls the pixels it already has): the
    window's pixels after each change must be a fresh rendering of the view (up to the
    rasteriser's rounding where a row is clipped: a channel may be off by a few levels)."""
    view, model = make_view(qtbot, 100, first=100)
    screen = QGuiApplication.primaryScreen()

    def assert_fresh(change: str) -> None:
        for _ in range(3):
            qapp.processEvents()
        shown = screen.grabWindow(view.winId()).toImage().convertToFormat(QImage.Format.Format_RGB32)
        fresh = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
        pairs = zip(bytes(shown.constBits()), bytes(fresh.constBits()), strict=True)
        off = [abs(a - b) > 4 for a, b in pairs]
        assert not any(off), f"{sum(off)} stale channels after {change}"

    qtbot.waitUntil(view.is_at_bottom)
    assert_fresh("opening")
    model.add_messages([message(200)])
    assert_fresh("an append at the bottom")
    model.apply_infos([MessageReceiptInfo("bob", PEER, 199, ReceiptStatus.DONE, 1, 0)])
    assert_fresh("a receipt change")
    view.scrollTo(model.index(50, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
    assert_fresh("scrolling")
    model.add_messages([message(201)])
    assert_fresh("an append below the screen")
    model.prepend_history([message(s) for s in range(50, 100)])
    assert_fresh("a page prepended")
    model.trim_newest(120)
    assert_fresh("the newest rows trimmed")
    model.trim_oldest(80)
    assert_fresh("the oldest rows trimmed")
    model.upsert_message(dataclasses.replace(message(130), message="now a much longer text " * 9))
    assert_fresh("a row grown taller")
