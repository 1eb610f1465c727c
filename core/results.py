"""Call configurations, receipt infos and one frozen result type per SDK call."""

from __future__ import annotations

from dataclasses import dataclass, field

from readtick.core.enums import ConversationType, ReceiptFilter, ReceiptStatus
from readtick.core.messages import Message


@dataclass(frozen=True)
class MessageSendConfig:
    """Options for ``send_message``.

    Attributes:
        has_receipt: ask receivers for read receipts (PEER and GROUP, receipt-capable kinds).
        priority: accepted for SDK compatibility; readtick delivers every priority alike.
    """

    has_receipt: bool = False
    priority: int = 1


@dataclass(frozen=True)
class GroupMessageReceiptMemberQueryConfig:
    """Paging for the member-list calls.

    Attributes:
        next_flag: 0 for the first page, then the ``next_flag`` of the previous result.
        count: members per page, 1..100.
        filter: which members ``query_group_message_receipt_member_list`` returns; ignored by
            the read- and unread-list calls, which imply it.
    """

    next_flag: int = 0
    count: int = 10
    filter: ReceiptFilter = ReceiptFilter.READ


@dataclass(frozen=True)
class MessageReceiptInfo:
    """The receipt state of one message, as seen by the user it is reported to.

    Attributes:
        conversation_id: the conversation from the receiving user's side.
        conversation_type: PEER or GROUP.
        message_id: the message (for a conversation read, the newest message it covered).
        status: the receipt status.
        read_member_count: members who read it (0 for messages of others).
        unread_member_count: eligible members who have not (0 for messages of others).
        delivered_member_count: eligible members whose client received it.
        is_self_operated: True when the reported read was done by this same user.
        read_time: engine-clock seconds of the read that caused this info (0.0 if none).
    """

    conversation_id: str
    conversation_type: ConversationType
    message_id: int
    status: ReceiptStatus
    read_member_count: int = 0
    unread_member_count: int = 0
    delivered_member_count: int = 0
    is_self_operated: bool = False
    read_time: float = 0.0


@dataclass(frozen=True)
class MessageSentResult:
    """Result of ``send_message``: ``message`` is the sender's copy (ids, seq, status)."""

    message: Message


@dataclass(frozen=True)
class MessageReceiptsReadSentResult:
    """Result of ``send_message_receipts_read``; ``error_message_ids`` were not read."""

    conversation_id: str
    conversation_type: ConversationType
    error_message_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class ConversationMessageReceiptReadSentResult:
    """Result of ``send_conversation_message_receipt_read``."""

    conversation_id: str
    conversation_type: ConversationType


@dataclass(frozen=True)
class MessageReceiptsInfoQueriedResult:
    """Result of ``query_message_receipts_info``."""

    infos: tuple[MessageReceiptInfo, ...] = ()
    error_message_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class GroupMessageReceiptMemberListQueriedResult:
    """Result of the member-list calls: one page of user ids, ``next_flag`` 0 on the last page."""

    group_id: str
    next_flag: int
    user_list: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class MessageQueriedResult:
    """Result of ``query_history_message``: ``message_list`` oldest first."""

    conversation_id: str
    conversation_type: ConversationType
    message_list: tuple[Message, ...] = ()
