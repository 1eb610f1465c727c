"""The main window's toolbar (object name ``mainToolBar``): add clients (a new user, or another
device of one, ``AddClientMenu``) and remove them, the theme, the virtual clock's controls, the
timeline, the Record switch and a hint that takes the room left.

The toolbar only offers the controls and keeps their enabled state and tooltips right for the
number of panels (``show_clients``); the window connects them to what they do.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import QLabel, QMenu, QSizePolicy, QToolBar, QToolButton, QWidget
from readtick.core import ReceiptEngine, VirtualClock
from readtick.core.receipt import MAX_CLIENTS, MIN_CLIENTS
from readtick.ui.addclientmenu import AddClientMenu
from readtick.ui.theme import current_theme
from readtick.ui.timecontrol import TimeControl

#: The toolbar's hint, longest first: it shows the longest that fits in the space left.
TOOLBAR_HINTS = (
    "Select messages and mark them read · click ticks of a group message for who read it",
    "Click the ticks of a group message for who read it",
    "Click group ticks: who read it",
)


class WindowToolBar(QToolBar):
    """The toolbar's controls, as attributes: ``add_client_action`` (a click adds a user; its
    arrow opens ``add_client_menu``), ``remove_client_action`` (its menu lists the panels),
    ``theme_action`` (checked: dark), ``advance_action`` (one day;
    hidden when ``time_control`` replaces it on a ``VirtualClock``), ``time_control`` (or None),
    ``timeline_action`` (given) and ``record_action`` (hidden until whoever records shows it).

    Signals:
        removeRequested(str): the user picked this client's panel in the "Remove client" menu.
    """

    removeRequested = Signal(str)

    def __init__(
        self, engine: ReceiptEngine, timeline_action: QAction, parent: QWidget | None = None
    ) -> None:
        super().__init__("readtick", parent)
        clock = engine.clock
        self.setObjectName("mainToolBar")
        self.setMovable(False)
        self.setFloatable(False)
        self.setIconSize(QSize(16, 16))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        title = QLabel("readtick")
        title.setObjectName("appTitle")
        self.addWidget(title)

        self.add_client_action = QAction("＋ Add client", self)
        self.add_client_action.setObjectName("addClientAction")
        self.add_client_menu = AddClientMenu(engine, self)
        self.add_client_action.setMenu(self.add_client_menu)
        self.addAction(self.add_client_action)
        button = self.widgetForAction(self.add_client_action)
        if isinstance(button, QToolButton):  # a click adds a user; the arrow offers devices too
            button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)

        self._remove_menu = QMenu(self)
        self._remove_menu.setObjectName("removeClientMenu")
        self.remove_client_action = QAction("－ Remove client", self)
        self.remove_client_action.setObjectName("removeClientAction")
        self.remove_client_action.setMenu(self._remove_menu)
        self.addAction(self.remove_client_action)
        button = self.widgetForAction(self.remove_client_action)
        if isinstance(button, QToolButton):
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)

        self.addSeparator()
        self.theme_action = QAction("Dark theme", self)
        self.theme_action.setObjectName("themeAction")
        self.theme_action.setCheckable(True)
        self.theme_action.setChecked(current_theme().name == "dark")
        self.addAction(self.theme_action)

        self.advance_action = QAction("Advance clock 1 day", self)
        self.advance_action.setObjectName("advanceClockAction")
        self.advance_action.setToolTip(
            "Move the virtual clock forward one day (receipts expire after their lifetime)"
        )
        self.advance_action.setVisible(hasattr(clock, "advance"))
        self.addAction(self.advance_action)
        self.time_control: TimeControl | None = None
        if isinstance(clock, VirtualClock):
            # Advance by a chosen amount; it replaces the one-day action (kept for automation).
            self.advance_action.setVisible(False)
            self.time_control = TimeControl(clock)
            self.addWidget(self.time_control)

        self.addSeparator()
        self.timeline_action = timeline_action
        self.addAction(timeline_action)
        # Shown by whoever records (the app): the window only offers the switch.
        self.record_action = QAction("● Record", self)
        self.record_action.setObjectName("recordAction")
        self.record_action.setCheckable(True)
        self.record_action.setToolTip("Record every action from now on as a scenario file to replay")
        self.record_action.toggled.connect(
            lambda on: self.record_action.setText("■ Stop and save" if on else "● Record")
        )
        self.record_action.setVisible(False)
        self.addAction(self.record_action)

        hint = _FittingLabel(TOOLBAR_HINTS)
        hint.setObjectName("toolbarHint")
        self.addWidget(hint)

    def show_clients(self, panels: Sequence[tuple[str, str]], users: Sequence[str]) -> None:
        """Enable adding and removing as the number of ``panels`` (client id, name shown) allows
        (saying why not), list them in the "Remove client" menu, and offer another device of
        each of ``users`` (those with a panel)."""
        count = len(panels)
        self.add_client_action.setEnabled(count < MAX_CLIENTS)
        self.add_client_action.setToolTip(
            "Log in one more client and give it a panel"
            if count < MAX_CLIENTS
            else f"At most {MAX_CLIENTS} clients fit side by side"
        )
        self.remove_client_action.setEnabled(count > MIN_CLIENTS)
        self.remove_client_action.setToolTip(
            "Log a client out and close its panel"
            if count > MIN_CLIENTS
            else f"At least {MIN_CLIENTS} clients stay, or there is nobody to talk to"
        )
        self._remove_menu.clear()
        for client_id, name in panels:
            action = self._remove_menu.addAction(name)
            action.triggered.connect(lambda _=False, cid=client_id: self.removeRequested.emit(cid))
        self.add_client_menu.refresh(users, count < MAX_CLIENTS)

    def show_theme(self, name: str) -> None:
        """Check the theme switch for ``name`` without reporting it as the user's choice."""
        self.theme_action.blockSignals(True)
        self.theme_action.setChecked(name == "dark")
        self.theme_action.blockSignals(False)


class _FittingLabel(QLabel):
    """A right-aligned label that takes the space its neighbours leave and shows the longest of
    its texts that fits (none if none fits), with the longest as tooltip: a toolbar hint must not
    push the toolbar's controls into the overflow menu."""

    def __init__(self, texts: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._texts = tuple(texts)
        self.setToolTip(self._texts[0])
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(0, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(0, super().sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        room = self.contentsRect().width()
        metrics = self.fontMetrics()
        self.setText(next((t for t in self._texts if metrics.horizontalAdvance(t) <= room), ""))
