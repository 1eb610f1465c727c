"""Every receipt state rendered offscreen into tests/ui/_output/ (git-ignored) for people to look
at; each test also asserts the state it pictures, so a screenshot never shows the wrong thing."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton
from readtick.core import ConversationType, MessageSendConfig, ReceiptError, ReceiptStatus, TextMessage
from readtick.ui.memberlistdialog import MemberListDialog

from tests.ui.conftest import save_screenshot

PEER, GROUP = ConversationType.PEER, ConversationType.GROUP


def send(h, sender: str, text: str, to: str, kind=PEER, receipt: bool = True):
    client = h.clients[sender]
    message = h.run(
        client.send_message(TextMessage(text), to, kind, MessageSendConfig(has_receipt=receipt))
    ).message
    h.drain()
    return message


def read(h, reader: str, conversation: str, kind, message_id: int) -> None:
    client = h.clients[reader]
    copy = next(m for m in client.cached_messages(conversation, kind) if m.message_id == message_id)
    h.run(client.send_message_receipts_read([copy], conversation, kind))
    h.drain()


def peer_story(h) -> None:
    first = send(h, "alice", "Hi Bob! 你好 👋 Lunch at 12?", "bob")
    h.clock.advance(60)
    read(h, "bob", "alice", PEER, first.message_id)
    send(h, "bob", "Sure, see you there 🍜", "alice")
    h.clock.advance(60)
    send(h, "alice", "Booked a table for two.", "bob")
    send(h, "alice", "(no receipt asked)", "bob", receipt=False)
    h.clients["alice"].set_online(False)
    try:
        send(h, "alice", "This one was sent offline", "bob")
    except ReceiptError:
        pass
    h.clients["alice"].set_online(True)
    h.drain()


def test_peer_states_light(make_receipt_window) -> None:
    h = make_receipt_window()
    peer_story(h)
    assert h.statuses("alice") == [
        ReceiptStatus.DONE,
        ReceiptStatus.PROCESSING,
        ReceiptStatus.PROCESSING,
        ReceiptStatus.NONE,
        ReceiptStatus.FAILED,
    ]
    save_screenshot(h.window, "peer_states_light")


def test_peer_states_dark(make_receipt_window) -> None:
    h = make_receipt_window(theme="dark")
    peer_story(h)
    h.panel("bob").view().selectAll()
    save_screenshot(h.window, "peer_states_dark_bob_selected")


def test_delivered_and_expired(make_receipt_window) -> None:
    h = make_receipt_window(delivered_status=True)
    send(h, "alice", "Delivered, not read yet", "bob")
    assert h.statuses("alice") == [ReceiptStatus.DELIVERED]
    h.engine.receipt_lifetime = timedelta(days=7)
    h.clients["bob"].set_online(False)
    send(h, "alice", "Nobody read me for a week", "bob")
    h.clock.advance(8 * 86400)
    h.drain()
    h.qtbot.waitUntil(lambda: h.statuses("alice") == [ReceiptStatus.EXPIRED, ReceiptStatus.EXPIRED])
    h.clients["bob"].set_online(True)  # no event tells a receiver: bob's panel asks on connecting
    h.drain()
    h.qtbot.waitUntil(lambda: h.statuses("bob") == [ReceiptStatus.EXPIRED, ReceiptStatus.EXPIRED])
    save_screenshot(h.window, "expired")


def test_group_half_read_and_member_dialog(make_receipt_window) -> None:
    h = make_receipt_window(groups={"team": ["alice", "bob", "mia", "noah", "olivia"]})
    for user in ("alice", "bob"):
        h.open(user, "team", GROUP)
    notes = send(h, "alice", "Stand-up notes are in the doc 📄", "team", GROUP)
    h.clock.advance(30)
    read(h, "bob", "team", GROUP, notes.message_id)
    read(h, "mia", "team", GROUP, notes.message_id)
    everyone = send(h, "alice", "Lunch order closes at 11:30", "team", GROUP)
    for reader in ("bob", "mia", "noah", "olivia"):
        read(h, reader, "team", GROUP, everyone.message_id)
    h.qtbot.waitUntil(lambda: h.statuses("alice") == [ReceiptStatus.PROCESSING, ReceiptStatus.DONE])
    save_screenshot(h.window, "group_half_read")

    view = h.panel("alice").view()
    h.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.marker_point(0))
    dialog = h.panel("alice").findChild(MemberListDialog, "memberListDialog")
    h.qtbot.waitUntil(
        lambda: dialog.column(True).list.count() == 2 and dialog.column(False).list.count() == 2
    )
    save_screenshot(dialog, "member_list_dialog")
    dialog.close()


def test_long_cjk_and_emoji_text_wraps(make_receipt_window) -> None:
    h = make_receipt_window(size=(760, 600))
    composer = h.widget("alice", "composer", QLineEdit)
    composer.setText("这是一条很长的中文消息，用来检查换行是否正确，以及表情符号 😀🎉👍 是否以彩色显示。" * 2)
    h.qtbot.mouseClick(h.widget("alice", "sendButton", QPushButton), Qt.MouseButton.LeftButton)
    h.qtbot.waitUntil(lambda: h.panel("bob").model().rowCount() == 1)
    composer.setText("averyveryveryveryveryveryveryveryveryveryveryveryverylongwordwithoutanyspacesatall")
    h.qtbot.mouseClick(h.widget("alice", "sendButton", QPushButton), Qt.MouseButton.LeftButton)
    h.qtbot.waitUntil(lambda: h.panel("bob").model().rowCount() == 2)
    save_screenshot(h.window, "cjk_emoji_wrapping")
