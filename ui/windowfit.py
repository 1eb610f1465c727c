"""How big the window opens and where: never larger than the screen's available geometry; one
row of panels at their preferred width, more rows take the screen; adding a panel grows the window
at most to the screen's edge and never moves it.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QWidget
from readtick.ui.panelgrid import PREFERRED_PANEL_WIDTH, SPACING, grid_shape

#: Room kept for the window's frame (title bar) and, before it is shown, for toolbar + status bar.
FRAME_ALLOWANCE = QSize(16, 40)
CHROME_HEIGHT = 80
#: A window with one row of panels opens this tall (if the screen has it).
PREFERRED_HEIGHT = 860


def keep_frame_on_screen(window: QWidget, available: QRect) -> None:
    """Once the real frame is known: shrink and move the window so all of it is on screen."""
    frame = window.frameGeometry()
    extra_w, extra_h = frame.width() - window.width(), frame.height() - window.height()
    if frame.width() > available.width() or frame.height() > available.height():
        width = min(window.width(), available.width() - extra_w)
        window.resize(width, min(window.height(), available.height() - extra_h))
        frame = window.frameGeometry()
    x = min(max(frame.left(), available.left()), available.right() + 1 - frame.width())
    y = min(max(frame.top(), available.top()), available.bottom() + 1 - frame.height())
    if (x, y) != (frame.left(), frame.top()):
        window.move(x, y)


def fit_window(window: QWidget, available: QRect, count: int, *, first: bool = False) -> None:
    """Open at a size that fits the screen; later (a panel added) grow at most to its edge."""
    most_w = available.width() - FRAME_ALLOWANCE.width()
    most_h = available.height() - FRAME_ALLOWANCE.height()
    _, rows, fits = grid_shape(count, most_w - 2 * SPACING, most_h - CHROME_HEIGHT)
    if rows == 1 and fits:
        wanted = 2 * SPACING + count * PREFERRED_PANEL_WIDTH + (count - 1) * SPACING
        width, height = min(max(wanted, 960), most_w), min(PREFERRED_HEIGHT, most_h)
    else:
        width, height = most_w, most_h
    if first:
        window.resize(width, height)
        window.move(
            available.left() + (available.width() - width - FRAME_ALLOWANCE.width()) // 2,
            available.top() + (available.height() - height - FRAME_ALLOWANCE.height()) // 2,
        )
        return
    room_w = available.right() + 1 - max(window.x(), available.left()) - FRAME_ALLOWANCE.width()
    room_h = available.bottom() + 1 - max(window.y(), available.top()) - FRAME_ALLOWANCE.height()
    window.resize(
        max(window.width(), min(width, room_w)),
        max(window.height(), min(height, room_h)),
    )
