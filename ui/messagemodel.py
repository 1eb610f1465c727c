"""The list model of one conversation as one client sees it: a window of the client's cached
messages, oldest first, each with the receipt state and counts the client's cache holds.

The window is a slice of the conversation (``HistoryWindow`` keeps it to a few hundred rows):
older and newer messages outside it are left out (``has_older`` / ``has_newer``) and paged in
with ``prepend_history`` / ``append_history`` while the other end is trimmed.

The model mirrors the client's local cache: the panel feeds it every cache write its bridge
reports (``upsert_message``, ``apply_infos``) and pages of history, and the model translates them
into ``beginInsertRows``/``dataChanged``. It re-implements none of the client's receipt rules. A
receipt change emits ``dataChanged`` for exactly one row and only the ``RECEIPT_ROLES`` (roles are
in ``messageroles``), which ``MessageView`` repaints without re-laying out the list. The row's data
changes at once, but that ``dataChanged`` is gathered per frame (``FrameBatch``): a thousand
members reading one message in a burst repaint its row once, with the last counts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QAbstractListModel, QByteArray, QModelIndex, QPersistentModelIndex, Qt
from readtick.core.enums import ConversationType, MessageDirection, ReceiptStatus, SentStatus
from readtick.core.messages import Message
from readtick.core.receipt import copy_status_after
from readtick.core.results import MessageReceiptInfo
from readtick.ui.framebatch import FrameBatch
from readtick.ui.messageroles import (
    RECEIPT_ROLES,
    ROLE_NAMES,
    IsOutgoingRole,
    MessageIdRole,
    MessageRole,
    ReadMemberCountRole,
    ReceiptStatusRole,
    SenderRole,
    TimestampRole,
    UnreadMemberCountRole,
    UploadProgressRole,
)


def _stale(current: ReceiptStatus, reported: ReceiptStatus) -> bool:
    """Whether a row showing ``current`` must ignore a write saying ``reported``: a status only
    moves the way core's state machine allows (receipt rule 10), so a late event or an answer
    older than what the row shows never moves it back, and an info cannot add a receipt."""
    return copy_status_after(current, reported) != reported


def row_key(message: Message) -> int:
    """Accepted messages are keyed by ``message_id``; failed sends (id 0) by their local id."""
    return message.message_id if message.message_id else -message.local_message_id


@dataclass
class _Row:
    message: Message
    read_count: int | None = None
    unread_count: int | None = None
    upload_progress: float | None = None  # 0..1 while the sender's media file uploads


class MessageListModel(QAbstractListModel):
    """Messages of one conversation, oldest first. ``conversation()`` says which one.

    The model keeps no reference to a client or engine: ``set_conversation``, ``upsert_message``
    and ``apply_infos`` are fed by the panel from its bridge's signals.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._row_of: dict[int, int] = {}
        self._conversation: tuple[str, ConversationType] | None = None
        self._has_older = False
        self._has_newer = False
        #: Rows (by ``row_key``) whose receipt changed since the last frame.
        self._receipt_changes: FrameBatch[int] = FrameBatch(self, self._emit_receipt_changes)

    # --- Qt model interface -------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def roleNames(self) -> dict[int, QByteArray]:
        return {role: QByteArray(name) for role, name in ROLE_NAMES.items()}

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        message = row.message
        if role == Qt.ItemDataRole.DisplayRole:
            return message.summary()
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"#{message.message_id} seq {message.conversation_seq} · {message.receipt_status.name}"
        if role == MessageRole:
            return message
        if role == ReceiptStatusRole:
            return message.receipt_status
        if role == ReadMemberCountRole:
            return row.read_count
        if role == UnreadMemberCountRole:
            return row.unread_count
        if role == IsOutgoingRole:
            return message.direction == MessageDirection.SEND
        if role == SenderRole:
            return message.sender_user_id
        if role == TimestampRole:
            return message.timestamp
        if role == MessageIdRole:
            return message.message_id
        if role == UploadProgressRole:
            return row.upload_progress
        return None

    # --- what the panel feeds in --------------------------------------------------------------

    def conversation(self) -> tuple[str, ConversationType] | None:
        return self._conversation

    def is_showing(self, conversation_id: str, conversation_type: ConversationType) -> bool:
        return self._conversation == (conversation_id, ConversationType(conversation_type))

    def has_older(self) -> bool:
        """Whether older history may exist before the first row (set by ``set_conversation``
        and cleared when a history page comes back short)."""
        return self._has_older

    def set_has_older(self, value: bool) -> None:
        self._has_older = value

    def has_newer(self) -> bool:
        """Whether newer messages than the last row are left out (the window was trimmed at its
        newest end while the user read older history); cleared when a page forward comes back
        short. New messages are then not inserted: paging forward brings them."""
        return self._has_newer

    def set_has_newer(self, value: bool) -> None:
        self._has_newer = value

    def set_conversation(
        self,
        conversation_id: str,
        conversation_type: ConversationType,
        messages: Sequence[Message],
        infos: Iterable[MessageReceiptInfo] = (),
        *,
        has_older: bool = False,
    ) -> None:
        """Show another conversation, starting from its newest ``messages`` (oldest first)."""
        self.beginResetModel()
        self._receipt_changes.clear()
        self._conversation = (conversation_id, ConversationType(conversation_type))
        self._rows = self._rows_for(messages, infos)
        self._reindex()
        self._has_older = has_older
        self._has_newer = False
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._receipt_changes.clear()
        self._conversation = None
        self._rows = []
        self._row_of = {}
        self._has_older = False
        self._has_newer = False
        self.endResetModel()

    def message_at(self, row: int) -> Message:
        return self._rows[row].message

    def messages(self) -> list[Message]:
        return [row.message for row in self._rows]

    def index_of(self, message_id: int) -> QModelIndex:
        """The index of the message with this id (or local id, negated), invalid if not shown."""
        row = self._row_of.get(message_id)
        return QModelIndex() if row is None else self.index(row, 0)

    def contains(self, message: Message) -> bool:
        """Whether a copy of ``message`` is shown."""
        return row_key(message) in self._row_of

    def upsert_message(self, message: Message) -> bool:
        """Mirror one cache write: a message of the shown conversation that is new gets a row
        where its conversation sequence puts it (a failed send, which has none, goes last); a
        known one replaces its row. A change of receipt status only is a ``dataChanged`` of that
        row with the ``RECEIPT_ROLES`` only. Ignored: other conversations, and new messages outside
        the window while history on that side is left out (paging brings them). Returns whether a
        row was inserted."""
        if not self._belongs(message):
            return False
        if row_key(message) not in self._row_of and self._accepted_draft(message):
            self._rekey(message)
        if row_key(message) in self._row_of:
            self._replace(message)
            return False
        if self._before_window(message) or self._after_window(message):
            return False
        position = self._position_for(message)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.insert(position, _Row(message))
        if position == len(self._rows) - 1:
            self._row_of[row_key(message)] = position
        else:
            self._reindex()
        self.endInsertRows()
        return True

    def add_messages(self, messages: Sequence[Message]) -> int:
        """``upsert_message`` for each of ``messages``; returns how many rows were inserted."""
        return sum(self.upsert_message(message) for message in messages)

    def prepend_history(self, messages: Sequence[Message], infos: Iterable[MessageReceiptInfo] = ()) -> int:
        """Insert a page of older history (oldest first), with the counts ``infos`` hold for its
        own messages, before the first row. Returns how many rows were new."""
        return self._insert_page(0, messages, infos)

    def append_history(self, messages: Sequence[Message], infos: Iterable[MessageReceiptInfo] = ()) -> int:
        """Insert a page of newer history (oldest first) after the last row (the window is
        sliding back towards the newest messages). Returns how many rows were new."""
        return self._insert_page(len(self._rows), messages, infos)

    def trim_oldest(self, keep: int) -> int:
        """Drop the oldest rows so at most ``keep`` remain; they come back through history paging.
        Returns how many were dropped."""
        excess = len(self._rows) - keep
        if excess <= 0:
            return 0
        self.beginRemoveRows(QModelIndex(), 0, excess - 1)
        del self._rows[:excess]
        self._reindex()
        self._has_older = True
        self.endRemoveRows()
        return excess

    def trim_newest(self, keep: int) -> int:
        """Drop the newest rows so at most ``keep`` remain (the user is reading older history);
        new messages then wait for paging forward. Returns how many were dropped."""
        excess = len(self._rows) - keep
        if excess <= 0:
            return 0
        self.beginRemoveRows(QModelIndex(), keep, len(self._rows) - 1)
        for row in self._rows[keep:]:
            del self._row_of[row_key(row.message)]
        del self._rows[keep:]
        self._has_newer = True
        self.endRemoveRows()
        return excess

    def apply_infos(self, infos: Iterable[MessageReceiptInfo]) -> list[int]:
        """Apply receipt infos (the client's cached status and counts) to the rows they name.
        Each changed row gets its own ``dataChanged`` with the receipt roles only, at the next
        frame; an info that would move a row out of a final status is stale and ignored. Returns
        the changed rows."""
        changed = []
        for info in infos:
            if not self._conversation_matches(info.conversation_id, info.conversation_type):
                continue
            row_index = self._row_of.get(info.message_id)
            if row_index is None:
                continue
            if self._merge(self._rows[row_index], info):
                self._receipt_changes.add([info.message_id])
                changed.append(row_index)
        return changed

    def set_upload_progress(self, message: Message, current: int, total: int) -> bool:
        """Show how far the upload of the sender's media ``message`` (a draft, keyed by its local
        id) has come; a repaint of its row only. Returns whether the row is shown."""
        row_index = self._row_of.get(row_key(message))
        if row_index is None:
            return False
        self._rows[row_index].upload_progress = current / total if total else 1.0
        index = self.index(row_index, 0)
        self.dataChanged.emit(index, index, [int(UploadProgressRole)])
        return True

    def flush_changes(self) -> None:
        """Emit the receipt changes gathered for the next frame now."""
        self._receipt_changes.flush_now()

    # --- internals ----------------------------------------------------------------------------

    def _accepted_draft(self, message: Message) -> bool:
        """Whether ``message`` is the accepted form of a draft shown under its local id (a media
        message whose upload finished): it takes the draft's row."""
        return bool(message.message_id and message.local_message_id) and (
            -message.local_message_id in self._row_of
        )

    def _rekey(self, message: Message) -> None:
        row_index = self._row_of.pop(-message.local_message_id)
        self._rows[row_index].upload_progress = None
        self._row_of[row_key(message)] = row_index

    @staticmethod
    def _merge(row: _Row, info: MessageReceiptInfo) -> bool:
        """Take an info's status and counts into ``row``; returns whether anything changed."""
        message = row.message
        old_status, status = message.receipt_status, info.status
        if _stale(old_status, status):
            return False
        counts_known = message.direction == MessageDirection.SEND
        new_read = info.read_member_count if counts_known else row.read_count
        new_unread = info.unread_member_count if counts_known else row.unread_count
        if status == old_status and new_read == row.read_count and new_unread == row.unread_count:
            return False
        if status != old_status:
            row.message = dataclasses.replace(message, receipt_status=ReceiptStatus(status))
        row.read_count, row.unread_count = new_read, new_unread
        return True

    def _rows_for(self, messages: Iterable[Message], infos: Iterable[MessageReceiptInfo]) -> list[_Row]:
        """Rows for ``messages`` with the counts of ``infos`` already in (no signal per row)."""
        rows = [_Row(m) for m in messages]
        by_id = {row.message.message_id: row for row in rows if row.message.message_id}
        for info in infos:
            row = by_id.get(info.message_id)
            if row is not None and self._conversation_matches(info.conversation_id, info.conversation_type):
                self._merge(row, info)
        return rows

    def _insert_page(
        self, position: int, messages: Sequence[Message], infos: Iterable[MessageReceiptInfo]
    ) -> int:
        fresh = [m for m in messages if self._belongs(m) and row_key(m) not in self._row_of]
        if not fresh:
            return 0
        self.beginInsertRows(QModelIndex(), position, position + len(fresh) - 1)
        self._rows[position:position] = self._rows_for(fresh, infos)
        self._reindex()
        self.endInsertRows()
        return len(fresh)

    def _replace(self, message: Message) -> None:
        row_index = self._row_of[row_key(message)]
        current = self._rows[row_index].message
        # The sender's own draft (no id yet, SENDING): whatever becomes of it (sent, failed)
        # replaces it, even from NONE.
        draft = not current.message_id and current.sent_status == SentStatus.SENDING
        if not draft and _stale(current.receipt_status, message.receipt_status):
            return
        if message == current:
            return
        self._rows[row_index].message = message
        if dataclasses.replace(current, receipt_status=message.receipt_status) == message:
            self._receipt_changes.add([row_key(message)])
            return
        # Anything besides the receipt (never seen in practice) may change the row's height: the
        # view must know before it lays out again.
        index = self.index(row_index, 0)
        self.dataChanged.emit(index, index, [])

    def _emit_receipt_changes(self, keys: list[int]) -> None:
        """One ``dataChanged`` (receipt roles) per row still shown among ``keys``."""
        for key in keys:
            row_index = self._row_of.get(key)
            if row_index is not None:
                index = self.index(row_index, 0)
                self.dataChanged.emit(index, index, list(RECEIPT_ROLES))

    def _before_window(self, message: Message) -> bool:
        """Whether ``message`` is older than the first row while older history is not loaded
        (a history refresh of a page still being fetched, or of a trimmed row)."""
        if not self._has_older or not message.conversation_seq:
            return False
        first = next((r.message.conversation_seq for r in self._rows if r.message.conversation_seq), None)
        return first is not None and message.conversation_seq < first

    def _after_window(self, message: Message) -> bool:
        """Whether ``message`` would go after the last row while newer history is not loaded."""
        if not self._has_newer:
            return False
        last = next(
            (r.message.conversation_seq for r in reversed(self._rows) if r.message.conversation_seq), None
        )
        return not message.conversation_seq or last is None or message.conversation_seq > last

    def _belongs(self, message: Message) -> bool:
        return self._conversation_matches(message.conversation_id, message.conversation_type)

    def _conversation_matches(self, conversation_id: str, conversation_type: ConversationType) -> bool:
        return self._conversation is not None and self._conversation == (
            conversation_id,
            ConversationType(conversation_type),
        )

    def _position_for(self, message: Message) -> int:
        seq = message.conversation_seq
        if not seq:
            return len(self._rows)  # a failed send: it never got a sequence; it goes last
        for index in range(len(self._rows) - 1, -1, -1):
            row_seq = self._rows[index].message.conversation_seq
            if row_seq and row_seq < seq:
                return index + 1
        # Older than every accepted row shown (the window was trimmed): first; otherwise only
        # failed sends are shown and it follows them in arrival order.
        return 0 if any(r.message.conversation_seq for r in self._rows) else len(self._rows)

    def _reindex(self) -> None:
        self._row_of = {row_key(row.message): index for index, row in enumerate(self._rows)}
