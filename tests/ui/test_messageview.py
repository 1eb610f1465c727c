"""The conversation view: receipt changes repaint without re-layout; new messages follow the
bottom; scrolling to the top asks for older history."""

from __future__ import annotations

from PySide6.QtCore import Qt
from readtick.core import ConversationType, MessageDirection, MessageReceiptInfo, ReceiptStatus, TextMessage
from readtick.ui.messagemodel import MessageListModel
from readtick.ui.messageview import MessageView

PEER = ConversationType.PEER


def message(seq: int) -> TextMessage:
    return TextMessage(
        f"message number {seq} " + "with some words " * (seq % 4),
        message_id=seq,
        conversation_id="bob",
        conversation_type=PEER,
        sender_user_id="alice",
        direction=MessageDirection.SEND,
        conversation_seq=seq,
        receipt_status=ReceiptStatus.PROCESSING,
    )


def make_view(qtbot, count: int) -> tuple[MessageView, MessageListModel]:
    model = MessageListModel()
    model.set_conversation("bob", PEER, [message(s) for s in range(1, count + 1)])
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


def test_receipt_change_does_not_relayout(qtbot, qapp) -> None:
    view, model = make_view(qtbot, 2000)
    qtbot.waitUntil(lambda: view.is_at_bottom())
    delegate = view.delegate()
    settle(qapp, delegate)
    before = delegate.size_hint_calls
    model.apply_infos([MessageReceiptInfo("bob", PEER, 1999, ReceiptStatus.DONE, 1, 0)])
    qapp.processEvents()  # run any (wrongly) scheduled delayed layout; there must be none
    # Repainting one row may ask for that row's size; re-laying out would ask all 2,000 rows.
    assert delegate.size_hint_calls - before < 10
    assert view.full_relayouts == 0
    # The probe works: a change of another role does re-lay out.
    index = model.index(1999, 0)
    model.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])
    qapp.processEvents()
    qtbot.waitUntil(lambda: delegate.size_hint_calls > before + 1000)
    assert view.full_relayouts == 1


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
