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
        #: The members listed, row by row (the list's texts without asking Qt for each).
        self._names: list[str] = []
        self._placeholder: QListWidgetItem | None = None

    def _on_scrolled(self, value: int) -> None:
        bar = self.list.verticalScrollBar()
        if value >= bar.maximum() - bar.pageStep():
            self.endNear.emit()

    def add_page(self, users: Sequence[str], next_flag: int, expected_total: int | None) -> None:
        """Append a page."""
        self._drop_placeholder()
        for user in users:
            QListWidgetItem(avatar_icon(user), user, self.list)
        self._names += users
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
        wanted = set(users)
        anchor = self._anchor(wanted)
        old, kept, row = self._names, 0, 0  # old[kept] is the list's row ``row`` (or past its end)
        for user in users:
            while kept < len(old) and old[kept] not in wanted:
                self.list.takeItem(row)
                kept += 1
            if kept < len(old) and old[kept] == user:
                kept += 1
            else:  # the walk keeps member order: a new member goes before the old one
                self.list.insertItem(row, QListWidgetItem(avatar_icon(user), user))
            row += 1
        for _ in range(len(old) - kept):
            self.list.takeItem(self.list.count() - 1)
        self._names = list(users)
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
        for row in range(first.row(), len(self._names)):
            if self._names[row] in staying:
                return self._names[row], self.list.visualItemRect(self.list.item(row)).top()
        return None

    def _restore(self, anchor: tuple[str, int]) -> None:
        name, offset = anchor
        item = self.list.item(self._names.index(name))
        self.list.scrollToItem(item, QAbstractItemView.ScrollHint.PositionAtTop)
        if self.list.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerPixel:
            bar = self.list.verticalScrollBar()
            bar.setValue(bar.value() + self.list.visualItemRect(item).top() - offset)

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
