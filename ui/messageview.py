"""The conversation view: a QListView that repaints receipt changes without re-laying out,
keeps the newest message in view when the user is at the bottom, and asks for older history
when the user scrolls to the top.

QListView re-lays out every row on any ``dataChanged`` when row heights vary (about 2 s at
100,000 rows, measured). Rows never change height with their receipt, so
when only ``RECEIPT_ROLES`` changed, ``dataChanged`` here just repaints the changed rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget
from readtick.ui.messagedelegate import MessageDelegate
from readtick.ui.messagemodel import RECEIPT_ROLES

#: How close to the bottom (pixels) still counts as "at the bottom".
_BOTTOM_SLACK = 24


class MessageView(QListView):
    """List view of one conversation's messages.

    Signals:
        olderHistoryRequested(): the user scrolled to the top; load the page before the first row.
        receiptClicked(QModelIndex): forwarded from the delegate (a receipt marker was clicked).
    """

    olderHistoryRequested = Signal()
    receiptClicked = Signal(QModelIndex)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageView")
        self.setUniformItemSizes(False)
        self.setWordWrap(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setMouseTracking(True)
        self.verticalScrollBar().setSingleStep(24)
        self._delegate = MessageDelegate(self)
        self._delegate.receiptClicked.connect(self.receiptClicked)
        self.setItemDelegate(self._delegate)
        self._stick_to_bottom = True
        self._keep_distance_from_bottom: int | None = None
        self.full_relayouts = 0  # counted for tests: receipt changes must not add to it
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.verticalScrollBar().rangeChanged.connect(self._on_range_changed)

    def delegate(self) -> MessageDelegate:
        return self._delegate

    def setModel(self, model) -> None:  # noqa: N802 (Qt's name)
        old = self.model()
        if old is not None:
            old.rowsAboutToBeInserted.disconnect(self._before_insert)
            old.rowsInserted.disconnect(self._after_insert)
            old.modelReset.disconnect(self._after_reset)
        super().setModel(model)
        if model is not None:
            model.rowsAboutToBeInserted.connect(self._before_insert)
            model.rowsInserted.connect(self._after_insert)
            model.modelReset.connect(self._after_reset)

    # --- receipt repaints -----------------------------------------------------------------------

    def dataChanged(  # noqa: N802 (Qt's name)
        self,
        top_left: QModelIndex | QPersistentModelIndex,
        bottom_right: QModelIndex | QPersistentModelIndex,
        roles: Sequence[int] = (),
    ) -> None:
        if roles and set(roles) <= set(RECEIPT_ROLES):
            viewport = self.viewport()
            for row in range(top_left.row(), bottom_right.row() + 1):
                rect = self.visualRect(self.model().index(row, 0))
                if rect.isValid() and rect.intersects(viewport.rect()):
                    viewport.update(rect)
            return
        self.full_relayouts += 1
        super().dataChanged(top_left, bottom_right, roles)

    # --- scrolling ------------------------------------------------------------------------------

    def is_at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - _BOTTOM_SLACK

    def _before_insert(self, parent: QModelIndex, first: int, last: int) -> None:
        model = self.model()
        if first >= model.rowCount():  # appended: follow it if we were following
            self._stick_to_bottom = self.is_at_bottom()
        elif first == 0 and model.rowCount() > 0:  # history prepended: keep what is on screen
            bar = self.verticalScrollBar()
            self._keep_distance_from_bottom = bar.maximum() - bar.value()

    def _after_insert(self, parent: QModelIndex, first: int, last: int) -> None:
        if self._keep_distance_from_bottom is not None:
            # Lay out now, so the scroll range already includes the new rows.
            self.doItemsLayout()
            bar = self.verticalScrollBar()
            bar.setValue(bar.maximum() - self._keep_distance_from_bottom)
            self._keep_distance_from_bottom = None
        elif self._stick_to_bottom and last == self.model().rowCount() - 1:
            self.scrollToBottom()
            QTimer.singleShot(0, self, self._scroll_if_sticking)

    def _after_reset(self) -> None:
        self._stick_to_bottom = True
        QTimer.singleShot(0, self, self._scroll_if_sticking)

    def _scroll_if_sticking(self) -> None:
        if self._stick_to_bottom:
            self.scrollToBottom()

    def _on_range_changed(self, minimum: int, maximum: int) -> None:
        # A delayed layout grew the range after an append: stay at the bottom if we were there.
        if self._stick_to_bottom and self._keep_distance_from_bottom is None:
            self.verticalScrollBar().setValue(maximum)

    def _on_scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        self._stick_to_bottom = value >= bar.maximum() - _BOTTOM_SLACK
        if value == bar.minimum() and bar.maximum() > bar.minimum():
            self.olderHistoryRequested.emit()

    def request_older_if_not_scrollable(self) -> None:
        """A short window that does not fill the view cannot be scrolled to the top; ask for
        older history directly so the view fills up."""
        bar = self.verticalScrollBar()
        if bar.maximum() == bar.minimum():
            self.olderHistoryRequested.emit()

    # --- pointer feedback -------------------------------------------------------------------------

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        index = self.indexAt(event.position().toPoint())
        over_marker = index.isValid() and self._delegate.marker_at(
            QRectF(self.visualRect(index)), index, event.position()
        )
        self.viewport().setCursor(
            Qt.CursorShape.PointingHandCursor if over_marker else Qt.CursorShape.ArrowCursor
        )
        super().mouseMoveEvent(event)

    def marker_point(self, row: int) -> QPoint:
        """The centre of a row's receipt marker in viewport coordinates (for tests and demos)."""
        index = self.model().index(row, 0)
        geometry = self._delegate.layout(QRectF(self.visualRect(index)), index)
        if geometry.marker is None:
            raise ValueError(f"row {row} has no receipt marker")
        return geometry.marker.center().toPoint()
