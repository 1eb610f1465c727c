"""The read / unread member lists of one of the user's own group messages, side by side, each
paged through the SDK's member-list calls, 100 members a page (the SDK's most): the next page is
loaded when the user scrolls within a page of the list's end, or with "Load more". Rows share
their avatar images (``avatar_icon``), so a 10,000-member list costs no image per row. While open,
a new receipt info for the message (someone read it) fetches the loaded range of each list again
and updates it in place (``MemberColumn.update_members``): the pages already loaded stay and the
list does not move under the user. A burst of reads refreshes the lists at most once per frame.

The dialog is non-modal (``show()``): ``exec()`` would block inside a coroutine on the qasync loop.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget
from readtick.core.errors import ReceiptError
from readtick.core.messages import Message
from readtick.core.receipt import MEMBER_PAGE_MAX
from readtick.core.results import MessageReceiptInfo
from readtick.ui.alive import alive_slot, survive
from readtick.ui.clientbridge import ClientBridge
from readtick.ui.framebatch import FrameBatch
from readtick.ui.membercolumn import MemberColumn
from readtick.ui.messagedelegate import format_time

DEFAULT_PAGE_SIZE = MEMBER_PAGE_MAX


class MemberListDialog(QDialog):
    """Who read, and who has not yet read, one group message (object name ``memberListDialog``).

    Inside: ``readMemberList``/``unreadMemberList`` (QListWidget) and
    ``loadMoreReadButton``/``loadMoreUnreadButton``; ``memberListStatus`` shows errors. Follows
    the bridge's ``receiptInfoCached`` for its message while open (``refresh``).
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
        self._read = MemberColumn("Read", "read")
        self._unread = MemberColumn("Unread", "unread")
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

        self._moved: FrameBatch[str] = FrameBatch(self, lambda _: self.refresh())
        self._refreshing = False
        self._refresh_again = False
        bridge.receiptInfoCached.connect(self._on_receipt_info_cached)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        # Focus starts on Close: a list with focus draws a focus frame on its first name, as if
        # that member had been picked.
        self._close.setFocus(Qt.FocusReason.OtherFocusReason)

    def column(self, read: bool) -> MemberColumn:
        return self._read if read else self._unread

    def start(self) -> None:
        """Load the first page of both lists."""
        self.load_more_read()
        self.load_more_unread()

    def _on_receipt_info_cached(self, info: MessageReceiptInfo) -> None:
        if info.message_id != self._message.message_id or info.conversation_id != self._group_id:
            return
        self._totals = {True: info.read_member_count, False: info.unread_member_count}
        self._moved.add(["lists"])

    @alive_slot()
    async def refresh(self) -> None:
        """Fetch the loaded range of both lists again and update them in place (members moved
        from one to the other). Reads that arrive meanwhile are taken in by one more round."""
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True
        try:
            while True:
                self._refresh_again = False
                await self._refetch(read=True)
                await self._refetch(read=False)
                if not self._refresh_again:
                    break
        finally:
            self._refreshing = False

    @alive_slot()
    async def load_more_read(self) -> None:
        await self._load(read=True)

    @alive_slot()
    async def load_more_unread(self) -> None:
        await self._load(read=False)

    async def _load(self, *, read: bool) -> None:
        """The next page of one list."""
        column = self.column(read)
        if column.loading or column.finished:
            return
        request = self._begin(column)
        column.more.setText("Loading…")
        try:
            users, next_flag = await self._page(read, column.next_flag)
        except ReceiptError as error:
            self._failed(column, request, error)
            return
        if column.request == request:
            column.loading = False
            column.add_page(users, next_flag, self._totals[read])

    async def _refetch(self, *, read: bool) -> None:
        """The pages of one list loaded so far, fetched again (a next page on its way is
        superseded, and asked for again afterwards)."""
        column = self.column(read)
        resume = column.loading and column.pages > 0
        # Members before the ordinal ``through`` are loaded (0: all of them).
        if column.pages == 0:
            if not column.loading:
                return  # never loaded (an error): its first page brings the news
            through = 1  # the first page, on its way: fetched again
        else:
            through = 0 if column.finished else column.next_flag
        request = self._begin(column)
        users: list[str] = []
        pages, flag = 0, 0
        try:
            while True:
                page, flag = await self._page(read, flag)
                users += page
                pages += 1
                if flag == 0 or (through and flag >= through):
                    break
        except ReceiptError as error:
            self._failed(column, request, error)
            return
        if column.request != request:
            return
        column.loading = False
        column.update_members(users, pages, flag, self._totals[read])
        if resume:
            await self._load(read=read)

    def _begin(self, column: MemberColumn) -> int:
        column.request += 1
        column.loading = True
        column.more.setEnabled(False)
        return column.request

    async def _page(self, read: bool, next_flag: int) -> tuple[list[str], int]:
        page = self._bridge.member_page(
            self._message, self._group_id, read=read, next_flag=next_flag, count=self._page_size
        )
        return await survive(self, page)

    def _failed(self, column: MemberColumn, request: int, error: ReceiptError) -> None:
        if column.request != request:
            return  # superseded while the page was on its way
        column.loading = False
        self._status.setText(f"Could not load the {column.title.lower()} list: {error.message}")
        column.more.setEnabled(True)
        column.more.setText("Retry")


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
