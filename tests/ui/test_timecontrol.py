"""The virtual-clock control in the toolbar: advancing delivers delayed messages and expires
unread receipts by itself, and it is there only when the clock is virtual."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton
from readtick.core import (
    Client,
    ConversationType,
    MessageSendConfig,
    RealClock,
    ReceiptEngine,
    ReceiptStatus,
    TextMessage,
)
from readtick.ui.mainwindow import MainWindow
from readtick.ui.messagemodel import ReceiptStatusRole
from readtick.ui.timecontrol import TimeControl

PEER = ConversationType.PEER


def control(h) -> TimeControl:
    found = h.window.findChild(TimeControl, "timeControl")
    assert found is not None and found.isVisible()
    return found


def test_advancing_expires_an_unread_receipt_and_updates_the_clock(make_receipt_window) -> None:
    h = make_receipt_window()
    h.open("alice", "bob", PEER)
    h.run(
        h.clients["alice"].send_message(TextMessage("hi"), "bob", PEER, MessageSendConfig(has_receipt=True))
    )
    h.drain()
    model = h.panel("alice").model()
    assert model.data(model.index(0, 0), ReceiptStatusRole) == ReceiptStatus.PROCESSING
    time_control = control(h)
    assert not h.window.advance_action.isVisible()
    amount = time_control.findChild(QComboBox, "advanceAmount")
    amount.setCurrentIndex(amount.findText("7 days"))
    assert time_control.seconds() == 7 * 86400
    before = h.clock.now()
    with h.qtbot.waitSignal(time_control.advanced):
        h.qtbot.mouseClick(time_control.findChild(QPushButton, "advanceButton"), Qt.MouseButton.LeftButton)
    assert h.clock.now() == before + 7 * 86400
    # nobody drains: the engine delivers the expiry by itself on the running loop
    h.qtbot.waitUntil(lambda: model.data(model.index(0, 0), ReceiptStatusRole) == ReceiptStatus.EXPIRED)
    labels = [label.text() for label in h.window.statusBar().findChildren(QLabel)]
    assert any("2025-01-13" in text for text in labels), labels


def test_advancing_delivers_a_delayed_message(make_receipt_window) -> None:
    h = make_receipt_window()
    h.clients["bob"].set_latency(5.0)
    h.open("bob", "alice", PEER)
    h.run(
        h.clients["alice"].send_message(TextMessage("slow"), "bob", PEER, MessageSendConfig(has_receipt=True))
    )
    h.drain()
    assert h.panel("bob").model().rowCount() == 0
    time_control = control(h)
    time_control.set_seconds(5.0)
    h.qtbot.mouseClick(time_control.findChild(QPushButton, "advanceButton"), Qt.MouseButton.LeftButton)
    h.qtbot.waitUntil(lambda: h.panel("bob").model().rowCount() == 1)


def test_no_time_control_on_a_real_clock(qtbot, run_async) -> None:
    engine = ReceiptEngine(clock=RealClock())
    clients = [Client(engine, "alice"), Client(engine, "bob")]
    for client in clients:
        run_async(client.login())
    window = MainWindow(engine, clients)
    qtbot.addWidget(window)
    assert window.time_control is None
    assert window.findChild(TimeControl) is None


def test_a_receiver_sees_its_unread_receipt_expire_when_time_jumps(make_receipt_window) -> None:
    """The expiry reaches the receiver as an event through its client's cache; no panel polls."""
    h = make_receipt_window()
    h.open("bob", "alice", PEER)
    h.run(
        h.clients["alice"].send_message(TextMessage("hi"), "bob", PEER, MessageSendConfig(has_receipt=True))
    )
    h.drain()
    model = h.panel("bob").model()
    h.qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert model.data(model.index(0, 0), ReceiptStatusRole) == ReceiptStatus.PROCESSING
    h.clock.advance(8 * 86400)  # past the receipt lifetime, by whoever moves the clock
    h.qtbot.waitUntil(lambda: model.data(model.index(0, 0), ReceiptStatusRole) == ReceiptStatus.EXPIRED)
