"""The event log under a title that folds it away (``eventLogToggle``), so a short panel keeps
its room for the messages: folded while the panel is short, until the user opens or folds it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton, QVBoxLayout, QWidget
from readtick.ui.eventlog import EventLog

#: Qt's "no maximum" for a widget's size.
NO_MAXIMUM = 16777215


class EventLogBox(QWidget):
    """A title button and the ``EventLog`` beneath it; ``fit_height`` decides by size until the
    user clicks the title, after which only ``set_open`` (or another click) changes it."""

    def __init__(self, log: EventLog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.log = log
        self._choice: bool | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 10)
        layout.setSpacing(4)
        self.toggle = QToolButton()
        self.toggle.setObjectName("eventLogToggle")
        self.toggle.setText("EVENT LOG · handler callbacks")
        self.toggle.setCheckable(True)
        self.toggle.setChecked(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow)
        self.toggle.setToolTip("Show or fold this client's event log")
        self.toggle.clicked.connect(self.set_open)
        layout.addWidget(self.toggle)
        layout.addWidget(log)

    def is_open(self) -> bool:
        return not self.log.isHidden()

    def set_open(self, open_: bool) -> None:
        """Open or fold the log as the user's choice: the panel's size no longer decides."""
        self._choice = bool(open_)
        self._show(self._choice)

    def fit_height(self, panel_height: int, open_from: int) -> None:
        """Open if the panel is at least ``open_from`` tall, unless the user chose already."""
        wanted = self._choice if self._choice is not None else panel_height >= open_from
        if wanted != self.is_open():
            self._show(wanted)

    def _show(self, open_: bool) -> None:
        self.log.setVisible(open_)
        self.toggle.setChecked(open_)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow)
        self.setMaximumHeight(NO_MAXIMUM if open_ else self.minimumSizeHint().height())
