"""The window's timeline: it follows the clients live, and a message selected in a panel is the
one the timeline shows, and the other way round."""

from __future__ import annotations

from PySide6.QtCore import Qt
from readtick.core import ConversationType
from readtick.ui.timelinemodel import EventKind

PEER = ConversationType.PEER


def test_selection_follows_between_panels_and_timeline(make_receipt_window) -> None:
    h = make_receipt_window()
    timeline = h.window.timeline
    h.window.findChild(type(timeline.action), "timelineAction").trigger()
    assert timeline.dock.isVisible()
    h.send("alice", "first")
    h.send("alice", "second")
    h.drain()
    first, second = (m.message_id for m in h.clients["alice"].cached_messages("bob", PEER))
    assert timeline.dock.selected_id() == second  # follows the newest until one is picked

    h.click_row("bob", 0)
    assert timeline.dock.selected_id() == first

    picker = timeline.dock._picker
    picker.activated.emit(picker.findData(second))
    for user in ("alice", "bob"):
        view = h.panel(user).view()
        assert h.panel(user).model().message_at(view.currentIndex().row()).message_id == second


def test_the_timeline_follows_live_events_of_the_message_shown(make_receipt_window) -> None:
    h = make_receipt_window()
    dock = h.window.timeline.dock
    h.send("alice", "read me")
    h.drain()
    [message_id] = [m.message_id for m in h.clients["alice"].cached_messages("bob", PEER)]
    assert [a.kind for a in dock.canvas.message().arrows] == [EventKind.SEND, EventKind.DELIVER]
    h.click_row("bob", 0)
    h.qtbot.mouseClick(h.widget("bob", "markReadButton"), Qt.MouseButton.LeftButton)
    h.qtbot.waitUntil(lambda: len(dock.canvas.message().arrows) == 4)
    assert [a.kind for a in dock.canvas.message().arrows][2:] == [EventKind.READ, EventKind.RECEIPT]
    assert dock.selected_id() == message_id
