"""One paged member list of the member dialog (read or unread): a title with the count loaded so
far, the list, and its "Load more". Pages are appended as they arrive; when members move between
the lists (someone read the message), ``update_members`` brings the loaded range up to date in
place, so the member at the top of the list stays there and nobody is listed twice.

Members arrive in the group's member order (the engine pages by member ordinal), which is what
lets an update walk the old and the new list side by side.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from readtick.ui.avatar import avatar_icon


class MemberColumn(QWidget):
    """One paged list (``<kind>MemberList``, ``loadMore<Kind>Button``).

    Attributes kept for the dialog's paging: ``next_flag`` (where the next page starts; 0 once
    ``finished``), ``loading``, ``pages`` (pages loaded), ``request`` (bumped by every request: a
    page whose request was superseded is dropped).

    Signals:
        endNear(): the user scrolled within a page of the list's end.
    """

    endNear = Signal()

    def __init__(self, title: str, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.label = QLabel(title)
        self.label.setObjectName("sectionLabel")
        self.list = QListWidget()
        self.list.setObjectName(f"{kind}MemberList")
        self.list.setUniformItemSizes(True)
        self.list.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.more = QPushButton("Load more")
        self.more.setObjectName(f"loadMore{kind.capitalize()}Button")
        self.more.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.label)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.more)
        self.next_flag = 0
        self.finished = False
        self.loading = False
        self.pages = 0
        self.request = 0
        self._placeholder: QListWidgetItem | None = None

    def near_end(self) -> bool:
        bar = self.list.verticalScrollBar()
        return bar.value() >= bar.maximum() - bar.pageStep()

    def _on_scrolled(self, value: int) -> None:
        if self.near_end():
            self.endNear.emit()

    def add_page(self, users: Sequence[str], next_flag: int, expected_total: int | None) -> None:
        """Append a page."""
        self._drop_placeholder()
        for user in users:
            QListWidgetItem(avatar_icon(user), user, self.list)
        self.pages += 1
        self._paged(next_flag, expected_total)

    def update_members(
        self, users: Sequence[str], pages: int, next_flag: int, expected_total: int | None
    ) -> None:
        """Make the list ``users`` (the loaded range fetched again, in member order): rows of
        members no longer in it go, new members come in where the order puts them, rows that
        stay are kept; the member at the top of the list stays at the top (if it went, the
        next one that stayed takes its place)."""
        self._drop_placeholder()
        anchor = self._anchor(set(users))
        wanted = set(users)
        row = 0
        for user in users:
            while row < self.list.count() and self.list.item(row).text() not in wanted:
                self.list.takeItem(row)
            if row < self.list.count() and self.list.item(row).text() == user:
                row += 1
                continue
            self.list.insertItem(row, QListWidgetItem(avatar_icon(user), user))
            row += 1
        while self.list.count() > row:
            self.list.takeItem(self.list.count() - 1)
        if anchor is not None:
            self._restore(anchor)
        self.pages = pages
        self._paged(next_flag, expected_total)

    def _anchor(self, staying: set[str]) -> tuple[str, int] | None:
        """The first member shown at the top of the list that stays, and how far below the top
        its row starts (negative: partly scrolled out)."""
        first = self.list.indexAt(QPoint(1, 1))
        if not first.isValid():
            return None
        for row in range(first.row(), self.list.count()):
            item = self.list.item(row)
            if item.text() in staying:
                return item.text(), self.list.visualItemRect(item).top()
        return None

    def _restore(self, anchor: tuple[str, int]) -> None:
        name, offset = anchor
        found = self.list.findItems(name, Qt.MatchFlag.MatchExactly)
        if not found:
            return
        self.list.scrollToItem(found[0], QAbstractItemView.ScrollHint.PositionAtTop)
        if self.list.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerPixel:
            bar = self.list.verticalScrollBar()
            bar.setValue(bar.value() + self.list.visualItemRect(found[0]).top() - offset)

    def _paged(self, next_flag: int, expected_total: int | None) -> None:
        self.next_flag = next_flag
        self.finished = next_flag == 0
        shown = self.list.count()
        total = f" of {expected_total}" if expected_total is not None else ""
        self.label.setText(f"{self.title.upper()} · {shown}{total}")
        self.more.setEnabled(not self.finished)
        self.more.setText("All loaded" if self.finished else "Load more")
        if self.finished and shown == 0:
            self._placeholder = QListWidgetItem("nobody", self.list)
            self._placeholder.setFlags(Qt.ItemFlag.NoItemFlags)

    def _drop_placeholder(self) -> None:
        if self._placeholder is not None:
            self.list.takeItem(self.list.row(self._placeholder))
            self._placeholder = None
