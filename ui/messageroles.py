"""The item data roles of a conversation's rows (``MessageListModel``), what each is called in
``roleNames()``, and which of them a receipt change touches.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

MessageRole = Qt.ItemDataRole.UserRole + 1
ReceiptStatusRole = Qt.ItemDataRole.UserRole + 2
ReadMemberCountRole = Qt.ItemDataRole.UserRole + 3
UnreadMemberCountRole = Qt.ItemDataRole.UserRole + 4
IsOutgoingRole = Qt.ItemDataRole.UserRole + 5
SenderRole = Qt.ItemDataRole.UserRole + 6
TimestampRole = Qt.ItemDataRole.UserRole + 7
MessageIdRole = Qt.ItemDataRole.UserRole + 8
UploadProgressRole = Qt.ItemDataRole.UserRole + 9

#: The roles a receipt change touches. None of them changes a row's height.
RECEIPT_ROLES: tuple[int, ...] = (
    int(MessageRole),
    int(ReceiptStatusRole),
    int(ReadMemberCountRole),
    int(UnreadMemberCountRole),
)

#: What each role is called in ``roleNames()`` (how tests and tools find a role by name).
ROLE_NAMES = {
    int(Qt.ItemDataRole.DisplayRole): b"display",
    int(MessageRole): b"message",
    int(ReceiptStatusRole): b"receiptStatus",
    int(ReadMemberCountRole): b"readMemberCount",
    int(UnreadMemberCountRole): b"unreadMemberCount",
    int(IsOutgoingRole): b"isOutgoing",
    int(SenderRole): b"sender",
    int(TimestampRole): b"timestamp",
    int(MessageIdRole): b"messageId",
    int(UploadProgressRole): b"uploadProgress",
}
