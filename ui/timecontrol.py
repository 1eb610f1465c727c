"""The "advance time" control of a virtual clock: pick an amount, press Advance.

The engine subscribes to its clock, so after ``clock.advance`` it delivers and expires what
became due by itself on the running loop; this widget only moves the clock.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget
from readtick.core import VirtualClock

#: (label, seconds) offered in the combo box; "1 day" is the default.
AMOUNTS: tuple[tuple[str, float], ...] = (
    ("1 second", 1.0),
    ("5 seconds", 5.0),
    ("1 minute", 60.0),
    ("1 hour", 3600.0),
    ("1 day", 86400.0),
    ("7 days", 7 * 86400.0),
    ("30 days", 30 * 86400.0),
)
DEFAULT_AMOUNT = "1 day"


class TimeControl(QWidget):
    """A combo box of amounts (``advanceAmount``) and a button (``advanceButton``).

    Signals:
        advanced(float): the clock moved forward by this many seconds.
    """

    advanced = Signal(float)

    def __init__(self, clock: VirtualClock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeControl")
        self._clock = clock
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(6)
        label = QLabel("Virtual time:")
        self._amount = QComboBox()
        self._amount.setObjectName("advanceAmount")
        for text, seconds in AMOUNTS:
            self._amount.addItem(text, seconds)
        self._amount.setCurrentIndex(self._amount.findText(DEFAULT_AMOUNT))
        self._amount.setToolTip("How far the Advance button moves the virtual clock")
        self._button = QPushButton("Advance")
        self._button.setObjectName("advanceButton")
        self._button.setToolTip(
            "Move the virtual clock forward: delayed messages arrive, "
            "unread receipts expire after their lifetime"
        )
        self._button.clicked.connect(self._advance)
        label.setBuddy(self._amount)
        layout.addWidget(label)
        layout.addWidget(self._amount)
        layout.addWidget(self._button)

    def seconds(self) -> float:
        """The amount chosen now, in seconds."""
        return float(self._amount.currentData())

    def set_seconds(self, seconds: float) -> None:
        index = self._amount.findData(float(seconds))
        if index < 0:
            raise ValueError(f"{seconds} s is not one of the offered amounts")
        self._amount.setCurrentIndex(index)

    def _advance(self) -> None:
        seconds = self.seconds()
        self._clock.advance(seconds)
        self.advanced.emit(seconds)
