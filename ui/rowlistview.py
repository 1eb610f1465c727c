"""A list view for rows of different heights that lays them out itself, row by row.

QListView lays out every row again, asking the delegate for each row's size, on any insert,
removal or size-changing data change when rows differ in height: one message appended to 3,000
rows cost 6,000 ``sizeHint`` calls. ``RowListView`` keeps each row's height once measured
(``RowHeights``) and measures only rows that are new or changed; only a new width measures every
row again.

Rows inserted or removed above what is on screen move the scroll position by their height, so
the row under the user's eyes stays under the same pixel; while the user is at the bottom the view
follows it. Only what moved on screen is repainted: an append followed at the bottom scrolls the
pixels already drawn (the viewport is opaque: the view paints its own ``background()``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    Qt,
)
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QRegion, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyleOptionViewItem, QWidget
from readtick.ui.rowheights import RowHeights

#: How close to the bottom (pixels) still counts as "at the bottom".
_BOTTOM_SLACK = 24

_Index = QModelIndex | QPersistentModelIndex
_Cursor = QAbstractItemView.CursorAction


class RowListView(QAbstractItemView):
    """A one-column list whose rows are as high as the item delegate's ``sizeHint`` says."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Before any setter below: Qt calls back into the geometry methods from them.
        self._rows = RowHeights()
        self._measured_width = -1
        self._stick_to_bottom = True
        self._adjusting = 0
        self._removing = False
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalScrollBar().setSingleStep(24)
        # Painting its own background lets Qt scroll the viewport's pixels instead of
        # repainting all of it.
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.full_relayouts = 0  # counted for tests: only a reset or a new width measures all rows
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)

    def setModel(self, model) -> None:  # noqa: N802 (Qt's name)
        old = self.model()
        if old is not None:
            old.rowsRemoved.disconnect(self._after_remove)
            old.layoutChanged.disconnect(self._relayout)
        super().setModel(model)  # resets, which measures every row
        if model is not None:
            model.rowsRemoved.connect(self._after_remove)
            model.layoutChanged.connect(self._relayout)

    # --- geometry -------------------------------------------------------------------------------

    def _option(self) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        return option

    def _measure(self, rows: range) -> list[int]:
        model, option = self.model(), self._option()
        delegate = self.itemDelegate()
        return [delegate.sizeHint(option, model.index(row, 0)).height() for row in rows]

    def _relayout(self, *_: object) -> None:
        """Measure every row (a new model, a new width), keeping the same message on screen."""
        self.full_relayouts += 1
        anchor = self._anchor()
        model = self.model()
        self._measured_width = self.viewport().width()
        self._rows.reset(self._measure(range(model.rowCount() if model is not None else 0)))
        self._settle(anchor)

    def _following(self) -> bool:
        """Whether the view keeps to the bottom as rows come and go: the user is at the bottom
        (a subclass may add conditions)."""
        return self._stick_to_bottom

    def _anchor(self) -> tuple[int, int] | None:
        """The first row on screen and how far above the viewport's top it starts; None when
        following the bottom (then the bottom is what stays)."""
        if self._following() or not len(self._rows):
            return None
        value = self.verticalScrollBar().value()
        row = self._rows.row_at(value)
        return row, value - self._rows.top(row)

    def _settle(self, anchor: tuple[int, int] | None) -> None:
        """Fit the scroll range to the rows and put ``anchor`` back where it was."""
        with self._adjusting_scroll():
            self._update_range()
            bar = self.verticalScrollBar()
            if anchor is None:
                bar.setValue(bar.maximum())
            elif anchor[0] < len(self._rows):
                bar.setValue(self._rows.top(anchor[0]) + anchor[1])
        self.viewport().update()
        self._rows_moved()

    def _update_range(self) -> None:
        bar, page = self.verticalScrollBar(), self.viewport().height()
        bar.setPageStep(page)
        bar.setRange(0, max(0, self._rows.total - page))
        self.horizontalScrollBar().setRange(0, 0)

    @contextmanager
    def _adjusting_scroll(self) -> Iterator[None]:
        """Scroll moves made here follow the rows; they are not the user scrolling."""
        self._adjusting += 1
        try:
            yield
        finally:
            self._adjusting -= 1

    # --- model changes: only the rows that changed are measured ---------------------------------

    def reset(self) -> None:
        super().reset()
        self._stick_to_bottom = True
        self._relayout()

    def doItemsLayout(self) -> None:  # noqa: N802 (Qt's name)
        # Qt asks for a layout after a reset (done already) and on style changes.
        if self.viewport().width() != self._measured_width or len(self._rows) != self._row_count():
            self._relayout()
        super().doItemsLayout()

    def rowsInserted(self, parent: _Index, first: int, last: int) -> None:  # noqa: N802 (Qt's name)
        super().rowsInserted(parent, first, last)
        if parent.isValid():
            return
        bar = self.verticalScrollBar()
        value = bar.value()
        # Rows that go in at or above the first row on screen push it down; follow it.
        above = first < len(self._rows) and self._rows.top(first) <= value
        at = self._rows.top(first)
        heights = self._measure(range(first, last + 1))
        self._rows.insert(first, heights)
        with self._adjusting_scroll():
            self._update_range()
            if self._following():
                bar.setValue(bar.maximum())
            elif above:
                bar.setValue(value + sum(heights))
        self._repaint_moved(value, at, at, sum(heights))
        inserted = QRect(0, at - bar.value(), self.viewport().width(), sum(heights))
        if inserted.intersects(self.viewport().rect()):
            self.viewport().update(inserted)
        self._rows_moved()

    def rowsAboutToBeRemoved(self, parent: _Index, first: int, last: int) -> None:  # noqa: N802 (Qt's name)
        self._removing = True
        super().rowsAboutToBeRemoved(parent, first, last)

    def currentChanged(self, current: _Index, previous: _Index) -> None:  # noqa: N802 (Qt's name)
        # Qt moves the current index off rows being removed (trimmed out of the window) and
        # would scroll to where it lands: the user did not move, so nothing scrolls.
        if self._removing:
            self.viewport().update()
            return
        super().currentChanged(current, previous)

    def _after_remove(self, parent: QModelIndex, first: int, last: int) -> None:
        self._removing = False
        if parent.isValid() or last >= len(self._rows):
            return
        bar = self.verticalScrollBar()
        value = bar.value()
        top, bottom = self._rows.top(first), self._rows.top(last + 1)
        removed = self._rows.remove(first, last)
        with self._adjusting_scroll():
            self._update_range()
            if self._following():
                bar.setValue(bar.maximum())
            elif bottom <= value:  # all above the screen: what is on screen moves up with them
                bar.setValue(value - removed)
            elif top < value:  # the first row on screen went: its successor takes its place
                bar.setValue(top)
        self._repaint_moved(value, top, bottom, -removed)
        self._rows_moved()

    def _repaint_moved(self, value: int, start: int, end: int, delta: int) -> None:
        """Repaint what a change of rows moved on screen, and no more. ``value`` was the scroll
        position and ``start..end`` the changed span before the change (empty for an insert);
        the rows below it moved by ``delta``. An append followed at the bottom moves everything
        up by one row: the pixels are scrolled and only the uncovered strip is painted. Rows
        paged in or trimmed out above the screen, with the scroll position following them,
        move nothing on screen: nothing is painted."""
        page = self.viewport().height()
        moved = self.verticalScrollBar().value() - value
        rows_above = start > value  # rows above the span are on screen
        rows_below = end < value + page  # rows below the span are on screen
        span_shown = end > value and start < value + page
        shift = -moved if rows_above else delta - moved
        if span_shown or (rows_above and rows_below) or abs(shift) >= page:
            self.viewport().update()
        elif shift:
            self.viewport().scroll(0, shift)

    def dataChanged(  # noqa: N802 (Qt's name)
        self, top_left: _Index, bottom_right: _Index, roles: Sequence[int] = ()
    ) -> None:
        """Measure the changed rows again (one ``sizeHint`` each, usually a cache look-up); if
        none changed height, repaint just them."""
        first, last = max(top_left.row(), 0), min(bottom_right.row(), len(self._rows) - 1)
        value = self.verticalScrollBar().value()
        shift, moved = 0, False
        for row, height in zip(range(first, last + 1), self._measure(range(first, last + 1)), strict=True):
            old = self._rows.height(row)
            if self._rows.set_height(row, height):
                moved = True
                if self._rows.top(row) + old <= value:  # above the screen
                    shift += height - old
        if not moved:
            for row in range(first, last + 1):
                rect = self.visualRect(self.model().index(row, 0))
                if rect.intersects(self.viewport().rect()):
                    self.viewport().update(rect)
            return
        with self._adjusting_scroll():
            self._update_range()
            bar = self.verticalScrollBar()
            bar.setValue(bar.maximum() if self._following() else value + shift)
        self.viewport().update()

    def _row_count(self) -> int:
        model = self.model()
        return model.rowCount() if model is not None else 0

    # --- QAbstractItemView's geometry interface -------------------------------------------------

    def updateGeometries(self) -> None:  # noqa: N802 (Qt's name)
        super().updateGeometries()
        self._update_range()

    def verticalOffset(self) -> int:  # noqa: N802 (Qt's name)
        return self.verticalScrollBar().value()

    def horizontalOffset(self) -> int:  # noqa: N802 (Qt's name)
        return 0

    def isIndexHidden(self, index: _Index) -> bool:  # noqa: N802 (Qt's name)
        return False

    def visualRect(self, index: _Index) -> QRect:  # noqa: N802 (Qt's name)
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._rows):
            return QRect()
        top = self._rows.top(row) - self.verticalOffset()
        return QRect(0, top, self.viewport().width(), self._rows.height(row))

    def indexAt(self, point: QPoint) -> QModelIndex:  # noqa: N802 (Qt's name)
        y = point.y() + self.verticalOffset()
        if (
            self.model() is None
            or not 0 <= y < self._rows.total
            or not 0 <= point.x() < self.viewport().width()
        ):
            return QModelIndex()
        return self.model().index(self._rows.row_at(y), 0)

    def scrollTo(  # noqa: N802 (Qt's name)
        self, index: _Index, hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible
    ) -> None:
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._rows):
            return
        top, height, page = self._rows.top(row), self._rows.height(row), self.viewport().height()
        bar = self.verticalScrollBar()
        value = bar.value()
        hints = QAbstractItemView.ScrollHint
        if hint == hints.PositionAtTop or (hint == hints.EnsureVisible and (top < value or height > page)):
            bar.setValue(top)
        elif hint == hints.PositionAtBottom or (hint == hints.EnsureVisible and top + height > value + page):
            bar.setValue(top + height - page)
        elif hint == hints.PositionAtCenter:
            bar.setValue(top + (height - page) // 2)

    def moveCursor(  # noqa: N802 (Qt's name)
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        count = self._row_count()
        if count == 0 or len(self._rows) != count:
            return QModelIndex()
        current = self.currentIndex()
        row = current.row() if current.isValid() else count - 1
        page = self.viewport().height()
        if action in (_Cursor.MoveUp, _Cursor.MovePrevious):
            row -= 1
        elif action in (_Cursor.MoveDown, _Cursor.MoveNext):
            row += 1
        elif action == _Cursor.MoveHome:
            row = 0
        elif action == _Cursor.MoveEnd:
            row = count - 1
        elif action == _Cursor.MovePageUp:
            row = self._rows.row_at(self._rows.top(row) - page)
        elif action == _Cursor.MovePageDown:
            row = self._rows.row_at(self._rows.top(row) + page)
        return self.model().index(min(max(row, 0), count - 1), 0)

    def setSelection(  # noqa: N802 (Qt's name)
        self, rect: QRect, command: QItemSelectionModel.SelectionFlag
    ) -> None:
        area = rect.normalized()
        offset = self.verticalOffset()
        selection = QItemSelection()
        if len(self._rows) and area.top() + offset < self._rows.total:
            first = self._rows.row_at(area.top() + offset)
            last = self._rows.row_at(area.bottom() + offset)
            selection.select(self.model().index(first, 0), self.model().index(last, 0))
        self.selectionModel().select(selection, command)

    def visualRegionForSelection(self, selection: QItemSelection) -> QRegion:  # noqa: N802 (Qt's name)
        region = QRegion()
        offset, width = self.verticalOffset(), self.viewport().width()
        for selected in selection:
            first, last = selected.top(), min(selected.bottom(), len(self._rows) - 1)
            if 0 <= first <= last:
                top = self._rows.top(first) - offset
                region += QRect(0, top, width, self._rows.top(last + 1) - offset - top)
        return region

    # --- painting and resizing ------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self.viewport())
        painter.fillRect(event.rect(), self.background())
        model = self.model()
        if model is None or not len(self._rows) or len(self._rows) != model.rowCount():
            painter.end()
            return
        option = self._option()
        plain = option.state
        selected = plain | QStyle.StateFlag.State_Selected
        selection = self.selectionModel()
        offset, width = self.verticalOffset(), self.viewport().width()
        area, delegate = event.rect(), self.itemDelegate()
        first = self._rows.row_at(area.top() + offset)
        last = self._rows.row_at(area.bottom() + offset)
        for row in range(first, last + 1):
            index = model.index(row, 0)
            option.rect = QRect(0, self._rows.top(row) - offset, width, self._rows.height(row))
            option.state = selected if selection.isSelected(index) else plain
            delegate.paint(painter, option, index)
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        # Also called for the viewport's own resizes (a scroll bar appearing narrows it).
        anchor = self._anchor()
        super().resizeEvent(event)
        if self.viewport().width() != self._measured_width:
            self._relayout()  # a new width: every row's lines change
        else:
            self._settle(anchor)

    # --- scrolling ------------------------------------------------------------------------------

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 (Qt's name)
        # A scroll that follows a change of rows is repainted by that change (_repaint_moved):
        # moving the pixels here too would move rows that stayed where they were on screen.
        if not self._adjusting:
            super().scrollContentsBy(dx, dy)

    def is_at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - _BOTTOM_SLACK

    def _on_scrolled(self, value: int) -> None:
        if self._adjusting:
            return
        self._stick_to_bottom = value >= self.verticalScrollBar().maximum() - _BOTTOM_SLACK
        self._rows_moved()

    def _rows_moved(self) -> None:
        """Called when the rows on screen may have changed (a scroll, rows in or out)."""

    def rows_on_screen(self) -> tuple[int, int]:
        """The first and the last row the viewport shows, (-1, -1) without rows."""
        if not len(self._rows):
            return -1, -1
        value = self.verticalScrollBar().value()
        return self._rows.row_at(value), self._rows.row_at(value + self.viewport().height() - 1)

    def background(self) -> QColor:
        """What the viewport is filled with under the rows."""
        return self.viewport().palette().color(self.viewport().backgroundRole())
