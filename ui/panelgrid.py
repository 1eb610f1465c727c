"""Where the client panels go: a grid that fits the space the window has, and an overview strip
for when even the grid cannot show every panel at its usable minimum.

``grid_shape`` is the decision (plain arithmetic, tested without widgets): the columns × rows
that give every panel the most room for its shape (``PREFERRED_PANEL_SIZE``: taller than wide),
among the shapes in which each panel keeps at least ``MIN_PANEL_SIZE``; 8 panels in 1920×1000
are 4×2, 4 in 1366×650 are 4×1.
When no shape keeps that minimum, as many rows as fit the height scroll sideways, and the
``OverviewStrip`` (every client's name and its "new" count) jumps to a panel in one click.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

#: The smallest a panel gets: header, picker, a few wrapped bubbles and the composer still fit.
MIN_PANEL_SIZE = QSize(300, 380)
#: What a panel would like when there is room (one row of panels opens this wide).
PREFERRED_PANEL_SIZE = QSize(460, 700)
PREFERRED_PANEL_WIDTH = PREFERRED_PANEL_SIZE.width()
SPACING = 10


def grid_shape(count: int, width: int, height: int, spacing: int = SPACING) -> tuple[int, int, bool]:
    """``(columns, rows, fits)`` for ``count`` panels in ``width`` × ``height`` pixels.

    ``fits`` is False when no shape keeps every panel at ``MIN_PANEL_SIZE``: then the rows that
    fit the height are used and the columns overflow sideways (the area scrolls).
    """
    count = max(1, count)
    best: tuple[float, int, int, int] | None = None  # (room, -rows, -empty cells, columns)
    for columns in range(1, count + 1):
        rows = math.ceil(count / columns)
        cell_w = (width - (columns - 1) * spacing) / columns
        cell_h = (height - (rows - 1) * spacing) / rows
        if cell_w < MIN_PANEL_SIZE.width() or cell_h < MIN_PANEL_SIZE.height():
            continue
        room = min(cell_w / PREFERRED_PANEL_SIZE.width(), cell_h / PREFERRED_PANEL_SIZE.height())
        candidate = (room, -rows, -(columns * rows - count), columns)
        if best is None or candidate > best:
            best = candidate
    if best is not None:
        columns = best[3]
        return columns, math.ceil(count / columns), True
    rows = max(1, min(count, (height + spacing) // (MIN_PANEL_SIZE.height() + spacing)))
    return math.ceil(count / rows), rows, False


class OverviewStrip(QWidget):
    """One button per client (object name ``overview:<user_id>``): its name and "n new".

    Signals:
        jumpRequested(str): the user clicked a client's button.
    """

    jumpRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overviewStrip")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 6)
        self._layout.setSpacing(6)
        self._layout.addStretch(1)
        self._buttons: dict[str, QToolButton] = {}
        self._counts: dict[str, int] = {}

    def set_users(self, user_ids: Sequence[str]) -> None:
        for user_id in list(self._buttons):
            if user_id not in user_ids:
                self._buttons.pop(user_id).deleteLater()
                self._counts.pop(user_id, None)
        for index, user_id in enumerate(user_ids):
            button = self._buttons.get(user_id)
            if button is None:
                button = QToolButton()
                button.setObjectName(f"overview:{user_id}")
                button.setToolTip(f"Show {user_id}'s panel")
                button.clicked.connect(lambda _=False, uid=user_id: self.jumpRequested.emit(uid))
                self._buttons[user_id] = button
            self._layout.insertWidget(index, button)
            self._show(user_id)

    def set_new_count(self, user_id: str, count: int) -> None:
        self._counts[user_id] = count
        self._show(user_id)

    def button(self, user_id: str) -> QToolButton:
        return self._buttons[user_id]

    def _show(self, user_id: str) -> None:
        count = self._counts.get(user_id, 0)
        self._buttons[user_id].setText(f"{user_id} · {count} new" if count else user_id)


class PanelArea(QWidget):
    """The panels in a grid inside a scroll area (object name ``panelsArea``), re-flowed on
    every resize, with the ``OverviewStrip`` above it shown only while some panel is cut off."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panelsArea")
        self._panels: list[QWidget] = []
        self._shape: tuple[int, int, bool] | None = None
        self.overview = OverviewStrip()
        self.overview.jumpRequested.connect(self.show_panel)
        self._grid_host = QWidget()
        self._grid_host.setObjectName("panelGrid")
        self._grid = QGridLayout(self._grid_host)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(SPACING)
        self._scroll = _ResizeReportingScrollArea(self._reflow)
        self._scroll.setObjectName("panelScroll")
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._scroll.setWidget(self._grid_host)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACING, SPACING, SPACING, SPACING)
        layout.setSpacing(0)
        layout.addWidget(self.overview)
        layout.addWidget(self._scroll, 1)
        self.overview.hide()

    def set_panels(self, panels: Sequence[QWidget], user_ids: Sequence[str]) -> None:
        """Show these panels, in this order (added ones are taken in, missing ones let go)."""
        for panel in self._panels:
            if panel not in panels:
                self._grid.removeWidget(panel)
        self._panels = list(panels)
        self.overview.set_users(user_ids)
        self._shape = None
        self._reflow()

    def shape(self) -> tuple[int, int, bool]:
        """The grid's (columns, rows, fits) as last laid out."""
        return self._shape or grid_shape(len(self._panels), self._scroll.width(), self._scroll.height())

    def show_panel(self, user_id: str) -> None:
        """Scroll the panel of ``user_id`` into view and put the cursor in its composer."""
        for panel in self._panels:
            if panel.objectName() == f"client:{user_id}":
                self._scroll.ensureWidgetVisible(panel, 0, 0)
                focus = getattr(panel, "focus_composer", None)
                if focus is not None:
                    focus()

    def _reflow(self) -> None:
        # The strip takes height from the panels only while some panel is cut off.
        strip = self.overview.sizeHint().height()
        width = self._scroll.width()
        height = self._scroll.height() + (strip if self.overview.isVisible() else 0)
        shape = grid_shape(len(self._panels), width, height)
        if not shape[2]:
            bar = self._scroll.horizontalScrollBar().sizeHint().height()
            shape = grid_shape(len(self._panels), width, height - strip - bar)
        columns, rows, fits = shape
        # Cut off sideways: as many whole panels as fit share the view's width.
        self._grid_host.setMinimumWidth(0 if fits else columns * self._scrolled_width(width) - SPACING)
        if shape == self._shape:
            return
        self._shape = shape
        for index, panel in enumerate(self._panels):
            self._grid.addWidget(panel, index // columns, index % columns)
            panel.show()
        for column in range(self._grid.columnCount()):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)
        for row in range(self._grid.rowCount()):
            self._grid.setRowStretch(row, 1 if row < rows else 0)
        self.overview.setVisible(not fits)

    @staticmethod
    def _scrolled_width(view_width: int) -> int:
        """A panel's width plus spacing when the panels scroll sideways."""
        step = MIN_PANEL_SIZE.width() + SPACING
        return (view_width + SPACING) // max(1, (view_width + SPACING) // step)


class _ResizeReportingScrollArea(QScrollArea):
    """A scroll area that asks for a re-flow whenever its own size changes."""

    def __init__(self, on_resize, parent: QWidget | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._on_resize = on_resize

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._on_resize()
