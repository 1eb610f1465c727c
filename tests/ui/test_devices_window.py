"""Several devices of one user in the window: each its own panel, named "alice · phone" under the
user's avatar; what one device does shows on the others."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from readtick.core import MessageDirection, ReceiptStatus
from readtick.ui.messagemodel import MessageRole


def test_a_read_on_alices_phone_panel_turns_her_desktop_panels_copy_to_read(make_receipt_window):
    w = make_receipt_window(clients=["alice/phone", "alice/desktop", "bob"], size=(1400, 760))
    w.send("bob", "Dinner at 8?", to="alice")
    for device in ("alice/phone", "alice/desktop"):
        w.open(device, "bob")
        w.wait_for_status(device, "Dinner at 8?", ReceiptStatus.PROCESSING)

    w.read("alice/phone", "Dinner at 8?")

    w.wait_for_status("alice/desktop", "Dinner at 8?", ReceiptStatus.DONE)
    assert "self=True" in w.log_text("alice/desktop")  # is_self_operated, in her desktop's log
    w.wait_for_status("bob", "Dinner at 8?", ReceiptStatus.DONE)
    assert "self=False" in w.log_text("bob")


def test_a_message_sent_on_one_device_shows_on_the_other_as_sent(make_receipt_window):
    w = make_receipt_window(clients=["alice/phone", "alice/desktop", "bob"], size=(1400, 760))
    w.open("alice/desktop", "bob")
    w.send("alice/phone", "On my way", to="bob")
    row = w.wait_for_message("alice/desktop", "On my way")
    copy = w.model("alice/desktop").index(row, 0).data(MessageRole)
    assert copy.direction is MessageDirection.SEND
    w.wait_for_status("alice/desktop", "On my way", ReceiptStatus.PROCESSING)
    w.read("bob", "On my way")
    w.wait_for_status("alice/desktop", "On my way", ReceiptStatus.DONE)
    w.wait_for_status("alice/phone", "On my way", ReceiptStatus.DONE)


def test_panels_of_one_user_show_the_device_under_the_same_avatar(make_receipt_window):
    w = make_receipt_window(clients=["alice/phone", "alice/desktop", "bob"], size=(1400, 760))
    names = {
        cid: w.panel(cid).findChild(QLabel, "userName").text()
        for cid in ("alice/phone", "alice/desktop", "bob")
    }
    assert names == {"alice/phone": "alice · phone", "alice/desktop": "alice · desktop", "bob": "bob"}
    avatars = [w.panel(cid).findChild(QLabel).pixmap().toImage() for cid in ("alice/phone", "alice/desktop")]
    assert avatars[0] == avatars[1]


def test_add_client_adds_another_device_of_a_user(make_receipt_window):
    w = make_receipt_window(clients=["alice", "bob"])
    w.send("alice", "sent before the desktop", to="bob")
    menu = w.window.findChild(type(w.window.add_client_menu), "addClientMenu")
    menu.refresh(["alice", "bob"], True)
    action = next(a for a in menu.actions() if a.objectName() == "addDeviceAction:alice")
    assert action.text() == "Another device of alice (alice · desktop)"
    action.trigger()
    w.qtbot.waitUntil(lambda: len(w.window.panels()) == 3)
    assert w.window.client_ids() == ["alice", "bob", "alice/desktop"]
    assert w.window.user_ids() == ["alice", "bob"]  # what is saved: users, not their extra devices
    assert w.panel("alice/desktop").findChild(QLabel, "userName").text() == "alice · desktop"
    w.open("alice/desktop", "bob")
    w.wait_for_status("alice/desktop", "sent before the desktop", ReceiptStatus.PROCESSING)
    assert w.window.statusBar().currentMessage() == "alice logged in on desktop too."


def test_the_device_menu_stops_at_the_engines_limit(make_receipt_window):
    w = make_receipt_window(clients=["alice", "alice/desktop", "alice/phone", "bob"], size=(1800, 760))
    menu = w.window.add_client_menu
    menu.refresh(["alice", "bob"], True)
    action = next(a for a in menu.actions() if a.objectName() == "addDeviceAction:alice")
    assert not action.isEnabled() and "no more allowed" in action.text()
