"""The conversation feed of a client's panel: the shown conversation's messages (``MessageListModel``
in a ``MessageView``) and, beneath them, the read actions "Mark selected read" and "Mark
conversation read", enabled only where the receipt rules allow, with a tooltip saying why not.

The feed decides what a click asks for (which selected messages can be read, what a click on a
receipt marker means) and reports it upward by signals; it calls no client itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QItemSelection, QModelIndex, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget
from readtick.core.enums import ConversationType, MessageDirection, ReceiptStatus, SentStatus
from readtick.core.messages import Message
from readtick.core.receipt import READ_LIMIT, awaits_read
from readtick.core.results import MessageReceiptInfo
from readtick.ui.messagemodel import MessageListModel
from readtick.ui.messageview import MessageView

#: Most rows the model holds: what is on screen plus a few pages either way. Rows beyond are
#: dropped at the end away from where the user reads, and paged back in (``HistoryPager``).
WINDOW_ROWS = 300

#: Narrower than this, the read buttons say it in fewer words ("Mark read", "Read all").
COMPACT_BELOW = 400

GROUP_READ_TOOLTIP = (
    "Conversation read is for one-to-one chats only (the SDK refuses it in groups). "
    "In a group, select messages and use “Mark selected read”."
)


class ConversationFeed(QWidget):
    """The message list of one conversation (``messageView``) with ``markReadButton`` and
    ``markConversationReadButton`` beneath it.

    Signals:
        readRequested(list): send read receipts for these messages: received ones that await
            this client's read, 1 to ``READ_LIMIT`` of them, all of the shown conversation.
        conversationReadRequested(str): mark the one-to-one conversation with this peer read.
        memberListRequested(QModelIndex): show who read the own group message at this index.
        olderHistoryRequested(): the user is within a page of the first row; load the page
            before it, if older messages are left out.
        newerHistoryRequested(): the user is within a page of the last row; load the page after
            it, if newer messages are left out.
        statusMessage(str, str): something to tell the user: the text and its severity
            ("info" or "error").
    """

    readRequested = Signal(list)
    conversationReadRequested = Signal(str)
    memberListRequested = Signal(QModelIndex)
    olderHistoryRequested = Signal()
    newerHistoryRequested = Signal()
    statusMessage = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationFeed")
        self._model = MessageListModel(self)
        self._view = MessageView()
        self._view.setModel(self._model)
        self._view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self._view.receiptClicked.connect(self._on_receipt_clicked)
        self._view.olderHistoryRequested.connect(self.olderHistoryRequested)
        self._view.newerHistoryRequested.connect(self.newerHistoryRequested)

        self._mark_read = QPushButton("Mark selected read")
        self._mark_read.setObjectName("markReadButton")
        self._mark_read.clicked.connect(self._on_mark_selected_clicked)
        self._mark_conversation = QPushButton("Mark conversation read")
        self._mark_conversation.setObjectName("markConversationReadButton")
        self._mark_conversation.clicked.connect(self._on_mark_conversation_clicked)
        actions = QHBoxLayout()
        actions.setContentsMargins(10, 8, 10, 0)
        actions.setSpacing(8)
        actions.addWidget(self._mark_read)
        actions.addWidget(self._mark_conversation)
        actions.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._view, 1)
        layout.addLayout(actions)
        self.refresh_actions()

    def model(self) -> MessageListModel:
        return self._model

    def view(self) -> MessageView:
        return self._view

    # --- what is shown ----------------------------------------------------------------------------

    def show_conversation(
        self,
        conversation_id: str,
        conversation_type: ConversationType,
        messages: Sequence[Message],
        infos: Iterable[MessageReceiptInfo],
        *,
        has_older: bool,
    ) -> None:
        """Show another conversation, starting from ``messages`` (its newest, oldest first)."""
        self._model.set_conversation(conversation_id, conversation_type, messages, infos, has_older=has_older)
        peer = conversation_type == ConversationType.PEER
        self._mark_conversation.setEnabled(peer)
        self._mark_conversation.setToolTip(
            f"Mark every message {conversation_id} sent you so far as read" if peer else GROUP_READ_TOOLTIP
        )
        self.refresh_actions()

    def clear(self) -> None:
        """Show no conversation."""
        self._model.clear()
        self.refresh_actions()

    def upsert_message(self, message: Message) -> None:
        """A message of the client's cache was added or changed: show it if it belongs to the
        shown conversation, following the newest row if the view was at the bottom."""
        if not self._model.is_showing(message.conversation_id, ConversationType(message.conversation_type)):
            return
        following = self._view.is_at_bottom()
        if self._model.upsert_message(message):
            if message.direction == MessageDirection.SEND:
                self._view.scrollToBottom()  # this client's own new message: show it
                following = True
            if following:
                self._model.trim_oldest(WINDOW_ROWS)
        if self._view.selectionModel().hasSelection():
            self.refresh_actions()  # a selected message may have become (un)readable

    def set_upload_progress(self, message: Message, current: int, total: int) -> None:
        """The upload of the client's media ``message`` came this far: its row's bar follows."""
        self._model.set_upload_progress(message, current, total)

    def apply_info(self, info: MessageReceiptInfo) -> None:
        """A receipt info of the client's cache changed: update its row's counts, if shown."""
        self._model.apply_infos([info])

    def add_page(
        self, page: Sequence[Message], infos: Iterable[MessageReceiptInfo], *, older: bool, last: bool
    ) -> int:
        """Put a page of history (oldest first, with its own messages' counts) above the first
        row (``older``) or below the last, and trim the window's other end back to
        ``WINDOW_ROWS``; ``last``: nothing exists beyond the page. Returns how many rows were new."""
        if older:
            if last:
                self._model.set_has_older(False)
            added = self._model.prepend_history(page, infos)
            self._model.trim_newest(WINDOW_ROWS)
        else:
            if last:
                self._model.set_has_newer(False)
            added = self._model.append_history(page, infos)
            self._model.trim_oldest(WINDOW_ROWS)
        return added

    def awaits_own_read(self) -> bool:
        """Whether a received message shown still awaits this client's read receipt."""
        return any(
            m.direction == MessageDirection.RECEIVE and awaits_read(m.receipt_status)
            for m in self._model.messages()
        )

    # --- read actions -----------------------------------------------------------------------------

    def refresh_actions(self) -> None:
        """Enable "Mark selected read" for what is selected now, and say why not otherwise."""
        readable = _readable(self._selected_messages())
        selected = len(self._view.selectionModel().selectedRows())
        if not readable:
            enabled = False
            tip = (
                "None of the selected messages awaits your read receipt."
                if selected
                else "Select received messages that ask for a receipt (dot + “tap to read”)."
            )
        elif len(readable) > READ_LIMIT:
            enabled = False
            tip = f"{len(readable)} selected: one read carries at most {READ_LIMIT} messages."
        else:
            enabled = True
            tip = f"Send read receipts for {len(readable)} message{'s' if len(readable) != 1 else ''}."
        self._mark_read.setEnabled(enabled)
        self._mark_read.setToolTip(tip)
        compact = self.width() < COMPACT_BELOW
        self._mark_read.setText(
            f"Mark {len(readable)} read"
            if enabled and len(readable) > 1
            else ("Mark read" if compact else "Mark selected read")
        )
        self._mark_conversation.setText("Read all" if compact else "Mark conversation read")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if (self.width() < COMPACT_BELOW) != (self._mark_conversation.text() == "Read all"):
            self.refresh_actions()

    def _selected_messages(self) -> list[Message]:
        rows = sorted(index.row() for index in self._view.selectionModel().selectedRows())
        return [self._model.message_at(row) for row in rows]

    def _on_selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        self.refresh_actions()

    def _on_mark_selected_clicked(self) -> None:
        readable = _readable(self._selected_messages())
        if self._model.conversation() is None or not readable:
            self.statusMessage.emit("Select received messages that await your read first.", "error")
        elif len(readable) > READ_LIMIT:
            self.statusMessage.emit(
                f"Select at most {READ_LIMIT} messages per read ({len(readable)} selected).", "error"
            )
        else:
            self.readRequested.emit(readable)

    def _on_mark_conversation_clicked(self) -> None:
        shown = self._model.conversation()
        if shown is None:
            return
        conversation_id, conversation_type = shown
        if conversation_type != ConversationType.PEER:
            self.statusMessage.emit(GROUP_READ_TOOLTIP, "error")
        else:
            self.conversationReadRequested.emit(conversation_id)

    def _on_receipt_clicked(self, index: QModelIndex) -> None:
        message: Message = self._model.message_at(index.row())
        if message.direction == MessageDirection.RECEIVE:
            if awaits_read(message.receipt_status):
                self.readRequested.emit([message])
            return
        if message.sent_status == SentStatus.FAILED:
            self.statusMessage.emit(
                f"“{message.summary()[:40]}” was not sent (the client was offline).", "error"
            )
        elif (
            message.conversation_type == ConversationType.GROUP
            and message.receipt_status != ReceiptStatus.NONE
        ):
            self.memberListRequested.emit(index)
        else:
            self.statusMessage.emit(
                f"#{message.message_id} to {message.conversation_id}: receipt {message.receipt_status.name}.",
                "info",
            )


def _readable(messages: Sequence[Message]) -> list[Message]:
    """The received messages among ``messages`` that still await this client's read."""
    return [m for m in messages if m.direction == MessageDirection.RECEIVE and awaits_read(m.receipt_status)]
