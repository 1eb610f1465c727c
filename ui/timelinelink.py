"""The window's timeline: the model following every panel's client (and, collapsed onto one
lane, clients without a panel the app adds), the dock showing it, and the selection kept the same
both ways: a message made current in a panel is shown in the timeline, and a message picked in the
timeline becomes current in every panel that shows it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QMainWindow
from readtick.core.client import Client
from readtick.core.engine import ReceiptEngine
from readtick.ui.alive import is_alive
from readtick.ui.clientpanel import ClientPanel
from readtick.ui.timelinemodel import TimelineModel
from readtick.ui.timelineview import TimelineDock


class TimelineLink(QObject):
    """Owns ``model`` and ``dock`` (bottom, hidden until ``action`` shows it)."""

    def __init__(self, window: QMainWindow, engine: ReceiptEngine) -> None:
        super().__init__(window)
        self.model = TimelineModel(engine.clock.now)
        self.dock = TimelineDock(self.model, window)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        self.action = self.dock.toggleViewAction()
        self.action.setText("Timeline")
        self.action.setObjectName("timelineAction")
        self.action.setToolTip("Show the life of the selected message across every client")
        self._panels: dict[str, ClientPanel] = {}
        self._unwatch: dict[str, Callable[[], None]] = {}
        self._syncing = False
        self._window = window
        self.dock.messageSelected.connect(self._select_in_panels)
        self.dock.visibilityChanged.connect(self._give_room)

    def _give_room(self, visible: bool) -> None:
        """Shown: as tall as its lanes need, up to half the window (the panels keep the rest)."""
        if visible:
            # after the dock's own layout pass, which would otherwise keep it at its minimum
            QTimer.singleShot(0, self._resize_dock)

    def _resize_dock(self) -> None:
        if is_alive(self._window) and self.dock.isVisible():
            wanted = self.dock.canvas.minimumHeight() + 70  # the picker and the margins
            height = min(wanted, self._window.height() // 2)
            self._window.resizeDocks([self.dock], [height], Qt.Orientation.Vertical)

    def panel_added(self, panel: ClientPanel, client: Client) -> None:
        self._panels[client.user_id] = panel
        self._unwatch[client.user_id] = self.model.watch(client)
        panel.messageSelected.connect(self._select_in_timeline)

    def panel_removed(self, user_id: str) -> None:
        self._panels.pop(user_id, None)
        unwatch = self._unwatch.pop(user_id, None)
        if unwatch is not None:
            unwatch()
        self.model.unwatch_lane(user_id)

    def watch_without_panel(self, client: Client) -> None:
        """Follow a client that has no panel (a bot) on the shared lane."""
        self.model.watch(client, collapsed=True)

    def _select_in_timeline(self, message_id: int) -> None:
        if not self._syncing:
            self.dock.select_message(message_id)

    def _select_in_panels(self, message_id: int) -> None:
        self._syncing = True
        try:
            for panel in self._panels.values():
                panel.select_message(message_id)
        finally:
            self._syncing = False
