"""The conversation view: message bubbles in a ``RowListView`` (rows laid out one by one, an
append or a receipt change measures one row), following the newest message while the user is at
the bottom of a window that holds it, and asking for the next page of history within
``prefetch_rows`` of either end of the loaded rows, before the user reaches the edge.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QWidget
from readtick.ui.messagedelegate import MessageDelegate
from readtick.ui.messagemodel import MessageListModel
from readtick.ui.rowlistview import RowListView
from readtick.ui.theme import current_theme


class MessageView(RowListView):
    """List view of one conversation's messages (object name ``messageView``).

    Signals:
        olderHistoryRequested(): the first rows are on screen or close to it: load the page
            before the first row (if there is one).
        newerHistoryRequested(): the last rows are on screen or close to it: load the page after
            the last row, if newer messages were left out.
        receiptClicked(QModelIndex): forwarded from the delegate (a receipt marker was clicked).
    """

    olderHistoryRequested = Signal()
    newerHistoryRequested = Signal()
    receiptClicked = Signal(QModelIndex)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageView")
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setMouseTracking(True)
        self._delegate = MessageDelegate(self)
        self._delegate.receiptClicked.connect(self.receiptClicked)
        self.setItemDelegate(self._delegate)
        #: Rows from either end within which the next page is asked for (one page, set by the
        #: panel's history pager).
        self.prefetch_rows = 30

    def delegate(self) -> MessageDelegate:
        return self._delegate

    def background(self) -> QColor:
        return current_theme().color("chat_background")

    def _following(self) -> bool:
        """Keep to the bottom only if the newest message is loaded: pages of newer history are
        read, not followed."""
        model = self.model()
        newer_left_out = isinstance(model, MessageListModel) and model.has_newer()
        return super()._following() and not newer_left_out

    def _rows_moved(self) -> None:
        """Ask for the next page when the rows on screen are within ``prefetch_rows`` of an end
        of the loaded ones (also when everything fits: the view should fill up)."""
        first, last = self.rows_on_screen()
        if first < 0:
            return
        if first < self.prefetch_rows:
            self.olderHistoryRequested.emit()
        if last >= self.model().rowCount() - self.prefetch_rows:
            self.newerHistoryRequested.emit()

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
