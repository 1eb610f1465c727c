"""The read / unread member lists of one of the user's own group messages, side by side, each
paged through the SDK's member-list calls, 100 members a page (the SDK's most): the next page is
loaded when the user scrolls within a page of the list's end, or with "Load more". Rows share
their avatar images (``avatar_icon``), so a 10,000-member list costs no image per row. While open,
a new receipt info for the message (someone read it) reloads the first page of each.

The dialog is non-modal (``show()``): ``exec()`` would block inside a coroutine on the qasync loop.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from readtick.core.errors import ReceiptError
from readtick.core.messages import Message
from readtick.core.receipt import MEMBER_PAGE_MAX
from readtick.core.results import MessageReceiptInfo
from readtick.ui.alive import alive_slot, survive
from readtick.ui.avatar import avatar_icon
from readtick.ui.clientbridge import ClientBridge
from readtick.ui.messagedelegate import format_time

DEFAULT_PAGE_SIZE = MEMBER_PAGE_MAX


class _MemberColumn(QWidget):
    """One paged list: a title with the count loaded so far, the list and its "Load more".

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
        #: Bumped by every request; a page whose request was superseded (a reload) is dropped.
        self.request = 0

    def _on_scrolled(self, value: int) -> None:
        bar = self.list.verticalScrollBar()
        if value >= bar.maximum() - bar.pageStep():
            self.endNear.emit()

    def add_page(
        self, users: list[str], next_flag: int, expected_total: int | None, *, first: bool = False
    ) -> None:
        """Append a page, or with ``first`` replace the list by it (the old rows stay on screen
        until the new page is there, so a reload does not flicker)."""
        if first:
            self.list.clear()
            self.pages = 0
        for user in users:
            QListWidgetItem(avatar_icon(user), user, self.list)
        self.pages += 1
        self.next_flag = next_flag
        self.finished = next_flag == 0
        shown = self.list.count()
        total = f" of {expected_total}" if expected_total is not None else ""
        self.label.setText(f"{self.title.upper()} · {shown}{total}")
        self.more.setEnabled(not self.finished)
        self.more.setText("All loaded" if self.finished else "Load more")
        if self.finished and shown == 0:
            placeholder = QListWidgetItem("nobody", self.list)
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)


class MemberListDialog(QDialog):
    """Who read, and who has not yet read, one group message (object name ``memberListDialog``).

    Inside: ``readMemberList``/``unreadMemberList`` (QListWidget) and
    ``loadMoreReadButton``/``loadMoreUnreadButton``; ``memberListStatus`` shows errors. Follows
    the bridge's ``receiptInfoCached`` for its message while open (``reload``).
    """

    def __init__(
        self,
        bridge: ClientBridge,
        message: Message,
        group_id: str,
        *,
        read_count: int | None = None,
        unread_count: int | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("memberListDialog")
        self.setWindowTitle(f"Read receipts · {group_id}")
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.resize(440, 360)
        self._bridge = bridge
        self._message = message
        self._group_id = group_id
        self._page_size = page_size
        self._totals = {True: read_count, False: unread_count}

        title = QLabel(f"“{_short(message.summary())}”")
        title.setObjectName("memberListTitle")
        subtitle = QLabel(
            f"sent {format_time(message.timestamp)} to {group_id} · message #{message.message_id}"
        )
        subtitle.setObjectName("memberListSubtitle")
        self._read = _MemberColumn("Read", "read")
        self._unread = _MemberColumn("Unread", "unread")
        self._read.more.clicked.connect(self.load_more_read)
        self._unread.more.clicked.connect(self.load_more_unread)
        self._read.endNear.connect(self.load_more_read)
        self._unread.endNear.connect(self.load_more_unread)
        self._status = QLabel("")
        self._status.setObjectName("memberListStatus")
        self._status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        self._close = buttons.button(QDialogButtonBox.StandardButton.Close)

        columns = QHBoxLayout()
        columns.setSpacing(12)
        columns.addWidget(self._read)
        columns.addWidget(self._unread)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addLayout(columns, 1)
        layout.addWidget(self._status)
        layout.addWidget(buttons)

        bridge.receiptInfoCached.connect(self._on_receipt_info_cached)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        # Focus starts on Close: a list with focus draws a focus frame on its first name, as if
        # that member had been picked.
        self._close.setFocus(Qt.FocusReason.OtherFocusReason)

    def column(self, read: bool) -> _MemberColumn:
        return self._read if read else self._unread

    def start(self) -> None:
        """Load the first page of both lists."""
        self.load_more_read()
        self.load_more_unread()

    def _on_receipt_info_cached(self, info: MessageReceiptInfo) -> None:
        if info.message_id != self._message.message_id or info.conversation_id != self._group_id:
            return
        self._totals = {True: info.read_member_count, False: info.unread_member_count}
        self.reload()

    @alive_slot()
    async def reload(self) -> None:
        """Fetch the first page of both lists again (the counts moved); pages loaded beyond it
        are dropped, "Load more" brings them back."""
        await self._load(read=True, first=True)
        await self._load(read=False, first=True)

    @alive_slot()
    async def load_more_read(self) -> None:
        await self._load(read=True)

    @alive_slot()
    async def load_more_unread(self) -> None:
        await self._load(read=False)

    async def _load(self, *, read: bool, first: bool = False) -> None:
        column = self.column(read)
        if not first and (column.loading or column.finished):
            return
        column.request += 1
        request = column.request
        column.loading = True
        column.more.setEnabled(False)
        if not first:
            column.more.setText("Loading…")
        page = self._bridge.member_page(
            self._message,
            self._group_id,
            read=read,
            next_flag=0 if first else column.next_flag,
            count=self._page_size,
        )
        try:
            users, next_flag = await survive(self, page)
        except ReceiptError as error:
            if column.request != request:
                return  # superseded by a reload while the page was on its way
            column.loading = False
            self._status.setText(f"Could not load the {column.title.lower()} list: {error.message}")
            column.more.setEnabled(True)
            column.more.setText("Retry")
            return
        if column.request != request:
            return
        column.loading = False
        column.add_page(users, next_flag, self._totals[read], first=first)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
