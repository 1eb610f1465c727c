"""The conversation feed: which reads its buttons and receipt markers ask for, and why not."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton
from readtick.core import ConversationType, MessageDirection, ReceiptStatus, SentStatus, TextMessage
from readtick.ui.conversationfeed import GROUP_READ_TOOLTIP, ConversationFeed

PEER, GROUP = ConversationType.PEER, ConversationType.GROUP


def message(
    seq: int,
    *,
    incoming: bool = True,
    conversation: str = "bob",
    kind: ConversationType = PEER,
    status: ReceiptStatus = ReceiptStatus.PROCESSING,
    sent: SentStatus = SentStatus.SUCCESS,
) -> TextMessage:
    return TextMessage(
        f"message {seq}",
        message_id=seq,
        conversation_id=conversation,
        conversation_type=kind,
        sender_user_id="bob" if incoming else "alice",
        direction=MessageDirection.RECEIVE if incoming else MessageDirection.SEND,
        conversation_seq=seq,
        receipt_status=status,
        sent_status=sent,
        timestamp=1736156460.0 + seq,
    )


def make_feed(qtbot, messages, conversation: str = "bob", kind: ConversationType = PEER) -> ConversationFeed:
    feed = ConversationFeed()
    feed.show_conversation(conversation, kind, messages, (), has_older=False)
    qtbot.addWidget(feed)
    feed.resize(460, 700)
    feed.show()
    qtbot.waitExposed(feed)
    return feed


def button(feed: ConversationFeed, name: str) -> QPushButton:
    return feed.findChild(QPushButton, name)


def click_row(qtbot, feed: ConversationFeed, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    view = feed.view()
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, modifier, QPoint(rect.left() + 4, rect.center().y())
    )


def click_marker(qtbot, feed: ConversationFeed, row: int) -> None:
    view = feed.view()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.marker_point(row))


def test_mark_selected_read_asks_to_read_what_awaits_the_read(qtbot) -> None:
    done = message(2, status=ReceiptStatus.DONE)
    feed = make_feed(qtbot, [message(1), done, message(3)])
    mark = button(feed, "markReadButton")
    assert not mark.isEnabled() and "Select received messages" in mark.toolTip()
    click_row(qtbot, feed, 1)
    assert not mark.isEnabled()
    assert mark.toolTip() == "None of the selected messages awaits your read receipt."
    feed.view().selectAll()
    assert mark.isEnabled() and mark.text() == "Mark 2 read"
    with qtbot.waitSignal(feed.readRequested, timeout=1000) as asked:
        qtbot.mouseClick(mark, Qt.MouseButton.LeftButton)
    assert [m.message_id for m in asked.args[0]] == [1, 3]  # the DONE one is not asked again


def test_more_than_ten_selected_cannot_be_read_at_once(qtbot) -> None:
    feed = make_feed(qtbot, [message(seq) for seq in range(1, 12)])
    mark = button(feed, "markReadButton")
    feed.view().selectAll()
    assert not mark.isEnabled() and mark.toolTip() == "11 selected: one read carries at most 10 messages."


def test_clicking_an_awaiting_marker_asks_to_read_that_message(qtbot) -> None:
    feed = make_feed(qtbot, [message(1), message(2)])
    with qtbot.waitSignal(feed.readRequested, timeout=1000) as asked:
        click_marker(qtbot, feed, 1)
    assert [m.message_id for m in asked.args[0]] == [2]


def test_mark_conversation_read_asks_for_the_peer_and_is_refused_in_a_group(qtbot) -> None:
    feed = make_feed(qtbot, [message(1)])
    mark = button(feed, "markConversationReadButton")
    assert mark.isEnabled() and mark.toolTip() == "Mark every message bob sent you so far as read"
    with qtbot.waitSignal(feed.conversationReadRequested, timeout=1000) as asked:
        qtbot.mouseClick(mark, Qt.MouseButton.LeftButton)
    assert asked.args == ["bob"]
    feed.show_conversation("team", GROUP, [], (), has_older=False)
    assert not mark.isEnabled() and mark.toolTip() == GROUP_READ_TOOLTIP


def test_own_group_marker_asks_for_the_member_list_and_a_failed_one_says_why(qtbot) -> None:
    own = message(1, incoming=False, conversation="team", kind=GROUP)
    failed = message(2, incoming=False, conversation="team", kind=GROUP, sent=SentStatus.FAILED)
    failed = dataclasses.replace(failed, receipt_status=ReceiptStatus.FAILED)
    feed = make_feed(qtbot, [own, failed], "team", GROUP)
    with qtbot.waitSignal(feed.memberListRequested, timeout=1000) as asked:
        click_marker(qtbot, feed, 0)
    assert asked.args[0].row() == 0
    with qtbot.waitSignal(feed.statusMessage, timeout=1000) as told:
        click_marker(qtbot, feed, 1)
    assert told.args == ["“message 2” was not sent (the client was offline).", "error"]


def test_upserted_messages_of_another_conversation_are_not_shown(qtbot) -> None:
    feed = make_feed(qtbot, [message(1)])
    feed.upsert_message(message(2, conversation="carol"))
    assert feed.model().rowCount() == 1
    feed.upsert_message(message(3))
    assert feed.model().rowCount() == 2 and feed.awaits_own_read()
    feed.clear()
    assert feed.model().rowCount() == 0 and not feed.awaits_own_read()
