"""A small on/off switch (a checkable button painted as a sliding pill), used for "online"."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QAbstractButton, QWidget
from readtick.ui.theme import current_theme


class ToggleSwitch(QAbstractButton):
    """A checkable button drawn as a switch: accent-coloured and knob right when checked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCheckable(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(38, 22)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        theme = current_theme()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        track = QRectF(1, 3, 36, 18)
        on = self.isChecked()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.color("accent") if on else theme.color("panel_border"))
        if not self.isEnabled():
            painter.setOpacity(0.5)
        painter.drawRoundedRect(track, 9, 9)
        knob = QRectF(track.right() - 16 if on else track.left() + 2, track.top() + 2, 14, 14)
        painter.setBrush(theme.color("accent_text") if on else theme.color("panel"))
        painter.drawEllipse(knob)
        if self.hasFocus():
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(theme.color("accent"))
            painter.drawRoundedRect(track.adjusted(-1, -1, 1, 1), 10, 10)
        painter.end()
