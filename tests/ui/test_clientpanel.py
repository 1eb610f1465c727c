"""Click-level tests of the panels: everything goes through object names, as a GUI test or a
person would (readtick's pytest plugin: make_receipt_window), and waits with
waitUntil/waitSignal (never sleeps)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QPushButton
from readtick.core import (
    Client,
    ConversationType,
    MessageDirection,
    MessageSendConfig,
    ReceiptStatus,
    SentStatus,
    TextMessage,
)
from readtick.core.localcache import MemoryLocalCache
from readtick.ui.composer import MAX_TEXT_LENGTH
from readtick.ui.conversationfeed import GROUP_READ_TOOLTIP
from readtick.ui.conversationpicker import ConversationTypeRole
from readtick.ui.memberlistdialog import MemberListDialog
from readtick.ui.messagemodel import MessageRole, UnreadMemberCountRole

PEER, GROUP = ConversationType.PEER, ConversationType.GROUP


def test_object_names_and_picker(make_receipt_window) -> None:
    h = make_receipt_window()
    assert h.window.objectName() == "mainWindow"
    for name, kind in [
        ("conversationPicker", QComboBox),
        ("messageView", QAbstractItemView),
        ("composer", QLineEdit),
        ("receiptToggle", QCheckBox),
        ("sendButton", QPushButton),
        ("markReadButton", QPushButton),
        ("markConversationReadButton", QPushButton),
        ("onlineToggle", None),
        ("eventLog", QPlainTextEdit),
    ]:
        widget = h.widget("alice", name) if kind is None else h.widget("alice", name, kind)
        assert widget.objectName() == name
    picker = h.widget("alice", "conversationPicker", QComboBox)
    entries = [(picker.itemData(i), picker.itemData(i, ConversationTypeRole)) for i in range(picker.count())]
    assert entries == [("bob", PEER), ("team", GROUP)]
    assert h.widget("alice", "receiptToggle", QCheckBox).isChecked()


def test_send_with_receipt_then_bob_reads_selected(make_receipt_window) -> None:
    h = make_receipt_window()
    h.send("alice", "hello bob")
    h.qtbot.waitUntil(lambda: h.rows("alice") == 1 and h.rows("bob") == 1)
    assert h.status("alice", 0) == ReceiptStatus.PROCESSING
    bob_copy = h.panel("bob").model().message_at(0)
    assert (bob_copy.direction, bob_copy.message) == (MessageDirection.RECEIVE, "hello bob")
    assert h.widget("alice", "composer", QLineEdit).text() == ""

    mark = h.widget("bob", "markReadButton", QPushButton)
    assert not mark.isEnabled() and mark.toolTip()
    h.click_row("bob", 0)
    assert mark.isEnabled()
    h.qtbot.mouseClick(mark, Qt.MouseButton.LeftButton)
    h.qtbot.waitUntil(lambda: h.status("alice", 0) == ReceiptStatus.DONE)
    assert h.status("bob", 0) == ReceiptStatus.DONE
    assert "on_message_receipt_changed" in h.log_text("alice")
    assert "status=DONE" in h.log_text("alice")
    assert "on_peer_message_received" in h.log_text("bob")


def test_clicking_the_awaiting_marker_reads_the_message(make_receipt_window) -> None:
    h = make_receipt_window()
    h.send("alice", "tap me")
    h.qtbot.waitUntil(lambda: h.rows("bob") == 1)
    h.click_receipt("bob", 0)
    h.qtbot.waitUntil(lambda: h.status("alice", 0) == ReceiptStatus.DONE)


def test_mark_selected_read_takes_at_most_ten(make_receipt_window) -> None:
    h = make_receipt_window()
    for number in range(11):
        h.send("alice", f"m{number}")
    h.qtbot.waitUntil(lambda: h.rows("bob") == 11)
    h.panel("bob").view().selectAll()
    mark = h.widget("bob", "markReadButton", QPushButton)
    assert not mark.isEnabled()
    assert "at most 10" in mark.toolTip()
    h.click_row("bob", 0, Qt.KeyboardModifier.ControlModifier)  # deselect one: 10 left
    assert mark.isEnabled()
    h.qtbot.mouseClick(mark, Qt.MouseButton.LeftButton)
    h.qtbot.waitUntil(lambda: [h.status("alice", r) for r in range(11)].count(ReceiptStatus.DONE) == 10)
    assert h.status("alice", 0) == ReceiptStatus.PROCESSING


def test_conversation_read(make_receipt_window) -> None:
    h = make_receipt_window()
    for text in ("one", "two", "three"):
        h.send("alice", text)
    h.qtbot.waitUntil(lambda: h.rows("bob") == 3)
    h.qtbot.mouseClick(h.widget("bob", "markConversationReadButton", QPushButton), Qt.MouseButton.LeftButton)
    h.qtbot.waitUntil(lambda: all(h.status("alice", r) == ReceiptStatus.DONE for r in range(3)))
    assert all(h.status("bob", r) == ReceiptStatus.DONE for r in range(3))
    assert "on_conversation_message_receipt_changed" in h.log_text("alice")


def test_conversation_read_is_disabled_in_a_group_with_a_reason(make_receipt_window) -> None:
    h = make_receipt_window()
    button = h.widget("alice", "markConversationReadButton", QPushButton)
    assert button.isEnabled()
    h.open("alice", "team", GROUP)
    assert not button.isEnabled()
    assert button.toolTip() == GROUP_READ_TOOLTIP
    h.open("alice", "bob", PEER)
    assert button.isEnabled()


def test_group_unread_counts_down_then_read_by_all(make_receipt_window) -> None:
    h = make_receipt_window(["alice", "bob", "carol"], {"team": ["alice", "bob", "carol", "mia"]})
    h.open("alice", "team", GROUP)
    h.open("bob", "team", GROUP)
    h.send("alice", "standup in 5")
    model = h.panel("alice").model()
    unread = lambda: model.data(model.index(0, 0), UnreadMemberCountRole)  # noqa: E731
    h.qtbot.waitUntil(lambda: h.rows("alice") == 1 and unread() == 3)

    h.qtbot.waitUntil(lambda: h.rows("bob") == 1)
    h.click_receipt("bob", 0)
    h.qtbot.waitUntil(lambda: unread() == 2)
    assert h.status("alice", 0) == ReceiptStatus.PROCESSING

    mia = h.clients["mia"]
    mia_copy = mia.cached_messages("team", GROUP)[0]
    h.run(mia.send_message_receipts_read([mia_copy], "team", GROUP))
    h.qtbot.waitUntil(lambda: unread() == 1)

    h.open("carol", "team", GROUP)
    h.qtbot.waitUntil(lambda: h.rows("carol") == 1)
    h.click_row("carol", 0)
    h.qtbot.mouseClick(h.widget("carol", "markReadButton", QPushButton), Qt.MouseButton.LeftButton)
    h.qtbot.waitUntil(lambda: h.status("alice", 0) == ReceiptStatus.DONE)
    assert unread() == 0
    geometry = (
        h.panel("alice")
        .view()
        .delegate()
        .layout(h.panel("alice").view().visualRect(model.index(0, 0)).toRectF(), model.index(0, 0))
    )
    assert geometry.caption_text == "read by all"


def test_member_list_dialog_pages(make_receipt_window) -> None:
    extra = ("mia", "noah", "olivia", "liam", "emma")
    h = make_receipt_window(groups={"team": ["alice", "bob", *extra]})
    h.open("alice", "team", GROUP)
    h.send("alice", "who reads this?")
    h.drain()  # the members' clients have it
    for reader in ("mia", "noah", "olivia"):
        client = h.clients[reader]
        h.run(client.send_message_receipts_read(client.cached_messages("team", GROUP), "team", GROUP))
    model = h.panel("alice").model()
    h.qtbot.waitUntil(lambda: model.data(model.index(0, 0), UnreadMemberCountRole) == 3)

    h.panel("alice").member_page_size = 2
    h.click_receipt("alice", 0)
    dialog = h.panel("alice").findChild(MemberListDialog, "memberListDialog")
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    read_list, unread_list = dialog.column(True).list, dialog.column(False).list
    h.qtbot.waitUntil(lambda: read_list.count() == 2 and unread_list.count() == 2)
    more_read = dialog.findChild(QPushButton, "loadMoreReadButton")
    more_unread = dialog.findChild(QPushButton, "loadMoreUnreadButton")
    assert more_read.isEnabled() and more_unread.isEnabled()
    h.qtbot.mouseClick(more_read, Qt.MouseButton.LeftButton)
    h.qtbot.mouseClick(more_unread, Qt.MouseButton.LeftButton)
    h.qtbot.waitUntil(lambda: read_list.count() == 3 and unread_list.count() == 3)
    assert not more_read.isEnabled() and not more_unread.isEnabled()
    names = lambda widget: sorted(widget.item(i).text() for i in range(widget.count()))  # noqa: E731
    assert names(read_list) == ["mia", "noah", "olivia"]
    assert names(unread_list) == ["bob", "emma", "liam"]
    dialog.close()


def test_offline_holds_events_until_back_online(make_receipt_window) -> None:
    h = make_receipt_window()
    h.send("alice", "are you there?")
    h.qtbot.waitUntil(lambda: h.rows("bob") == 1)
    online = h.widget("alice", "onlineToggle")
    h.qtbot.mouseClick(online, Qt.MouseButton.LeftButton)
    assert not h.clients["alice"].online
    h.qtbot.waitUntil(lambda: "on_connection_state_changed" in h.log_text("alice"))

    h.click_receipt("bob", 0)
    h.qtbot.waitUntil(lambda: h.status("bob", 0) == ReceiptStatus.DONE)
    h.drain()
    assert h.status("alice", 0) == ReceiptStatus.PROCESSING  # the event waits
    assert "on_message_receipt_changed" not in h.log_text("alice")

    h.qtbot.mouseClick(online, Qt.MouseButton.LeftButton)
    h.qtbot.waitUntil(lambda: h.status("alice", 0) == ReceiptStatus.DONE)
    assert "on_message_receipt_changed" in h.log_text("alice")


def test_sending_offline_shows_a_failed_row_and_the_reason(make_receipt_window) -> None:
    h = make_receipt_window()
    h.qtbot.mouseClick(h.widget("alice", "onlineToggle"), Qt.MouseButton.LeftButton)
    h.send("alice", "lost in space")
    h.qtbot.waitUntil(lambda: h.rows("alice") == 1)
    message = h.panel("alice").model().message_at(0)
    assert message.sent_status == SentStatus.FAILED
    assert h.status("alice", 0) == ReceiptStatus.FAILED
    h.qtbot.waitUntil(lambda: "NETWORK_UNAVAILABLE" in h.panel("alice").status_text())
    assert "offline" in h.panel("alice").status_text()


def test_untrusted_input_gets_a_clear_message(make_receipt_window) -> None:
    h = make_receipt_window()
    panel = h.panel("alice")
    h.qtbot.mouseClick(h.widget("alice", "sendButton", QPushButton), Qt.MouseButton.LeftButton)
    h.qtbot.waitUntil(lambda: "empty" in panel.status_text())
    h.widget("alice", "composer", QLineEdit).setText("x" * (MAX_TEXT_LENGTH + 1))
    h.qtbot.mouseClick(h.widget("alice", "sendButton", QPushButton), Qt.MouseButton.LeftButton)
    h.qtbot.waitUntil(lambda: f"limit is {MAX_TEXT_LENGTH}" in panel.status_text())
    assert h.rows("alice") == 0


def test_message_for_another_conversation_badges_the_picker(make_receipt_window) -> None:
    h = make_receipt_window()
    h.open("bob", "team", GROUP)
    h.send("alice", "psst")
    picker = h.widget("bob", "conversationPicker", QComboBox)
    h.qtbot.waitUntil(lambda: "1 new" in picker.itemText(0))
    h.open("bob", "alice", PEER)
    assert "new" not in picker.itemText(0)
    assert h.rows("bob") == 1


def test_model_role_message_is_the_clients_copy(make_receipt_window) -> None:
    h = make_receipt_window()
    h.send("alice", "roles")
    h.qtbot.waitUntil(lambda: h.rows("alice") == 1)
    model = h.panel("alice").model()
    message = model.data(model.index(0, 0), MessageRole)
    assert message.message_id == h.clients["alice"].cached_messages("bob", PEER)[0].message_id


def test_add_and_remove_clients(make_receipt_window) -> None:
    h = make_receipt_window()
    remove = h.window.remove_client_action
    assert not remove.isEnabled()
    h.window.add_client_action.trigger()
    h.qtbot.waitUntil(lambda: len(h.window.panels()) == 3)
    carol = h.panel("carol")
    picker = h.widget("alice", "conversationPicker", QComboBox)
    assert [picker.itemData(i) for i in range(picker.count())] == ["bob", "carol", "team"]
    assert remove.isEnabled()
    h.run(h.window.remove_client("carol"))
    assert [p.user_id for p in h.window.panels()] == ["alice", "bob"]
    h.qtbot.waitUntil(lambda: not shiboken6.isValid(carol))
    assert [picker.itemData(i) for i in range(picker.count())] == ["bob", "team"]
    assert not remove.isEnabled()


class ClosingCache(MemoryLocalCache):
    def __init__(self) -> None:
        super().__init__()
        self.closed = 0

    def close(self) -> None:
        self.closed += 1


def test_added_clients_come_from_the_factory_and_removing_one_closes_its_cache(make_receipt_window) -> None:
    made: dict[str, Client] = {}

    def make_client(engine, user_id: str) -> Client:  # type: ignore[no-untyped-def]
        if user_id == "mallory":
            raise OSError("no room for mallory's cache")
        made[user_id] = Client(engine, user_id, cache=ClosingCache())
        return made[user_id]

    h = make_receipt_window(make_client=make_client)
    h.window.add_client_action.trigger()
    h.qtbot.waitUntil(lambda: len(h.window.panels()) == 3)
    carol = made["carol"]
    assert carol.logged_in
    assert h.run(h.window.create_client("mallory")) is None  # the factory failed: no panel, a reason
    assert "Could not add mallory: no room for mallory's cache" in h.window.statusBar().currentMessage()
    assert h.window.user_ids() == ["alice", "bob", "carol"]
    h.run(h.window.remove_client("carol"))
    assert not carol.logged_in and carol.cache.closed == 1


def test_actions_on_the_clients_themselves_reach_both_panels(make_receipt_window) -> None:
    """A script or the scenario player calls the clients directly: the panels mirror the caches,
    so the sender's own send and the reader's own read show up with no call into the UI."""
    h = make_receipt_window()
    alice, bob = h.clients["alice"], h.clients["bob"]
    sent = h.run(alice.send_message(TextMessage("direct"), "bob", PEER, MessageSendConfig(has_receipt=True)))
    h.drain()
    h.qtbot.waitUntil(lambda: h.rows("alice") == 1 and h.rows("bob") == 1)
    assert h.panel("alice").model().message_at(0).message_id == sent.message.message_id
    assert h.status("alice", 0) == h.status("bob", 0) == ReceiptStatus.PROCESSING

    h.run(bob.send_message_receipts_read(bob.cached_messages("alice", PEER), "alice", PEER))
    assert h.status("bob", 0) == ReceiptStatus.DONE  # the reader's own read, at once
    h.drain()
    h.qtbot.waitUntil(lambda: h.status("alice", 0) == ReceiptStatus.DONE)

    h.run(alice.send_message(TextMessage("again"), "bob", PEER, MessageSendConfig(has_receipt=True)))
    h.drain()
    h.run(bob.send_conversation_message_receipt_read("alice", PEER))
    h.drain()
    h.qtbot.waitUntil(lambda: h.rows("alice") == 2 and h.status("alice", 1) == ReceiptStatus.DONE)
    assert h.status("bob", 1) == ReceiptStatus.DONE


def test_open_member_list_follows_new_reads(make_receipt_window) -> None:
    h = make_receipt_window(groups={"team": ["alice", "bob", "mia", "noah", "olivia"]})
    h.open("alice", "team", GROUP)
    h.send("alice", "read me")
    h.drain()  # the members' clients have it
    h.panel("alice").member_page_size = 2
    h.click_receipt("alice", 0)
    dialog = h.panel("alice").findChild(MemberListDialog, "memberListDialog")
    read_list, unread_list = dialog.column(True).list, dialog.column(False).list
    names = lambda widget: [widget.item(i).text() for i in range(widget.count())]  # noqa: E731
    h.qtbot.waitUntil(lambda: names(read_list) == ["nobody"] and unread_list.count() == 2)

    mia = h.clients["mia"]
    h.run(mia.send_message_receipts_read(mia.cached_messages("team", GROUP), "team", GROUP))
    h.drain()  # alice's client caches the new counts: the open dialog reloads by itself
    h.qtbot.waitUntil(lambda: names(read_list) == ["mia"])
    assert dialog.isVisible() and not dialog.isModal()
    assert dialog.column(True).label.text() == "READ · 1 of 1"
    assert dialog.column(False).label.text() == "UNREAD · 2 of 3"
    assert dialog.findChild(QPushButton, "loadMoreUnreadButton").isEnabled()
    dialog.close()
