"""The sender's copy of a message before the engine has it: what a send is checked for before
anything else (receipt rule 1 first), the SENDING draft with a new local id, and the FAILED copy
a send that failed leaves in the sender's cache (rule 2)."""

from __future__ import annotations

from dataclasses import replace

from readtick.core.enums import ConversationType, MessageDirection, ReceiptStatus, SentStatus
from readtick.core.messages import Message
from readtick.core.receipt import receipt_refusal, status_of_failed_send
from readtick.core.results import MessageSendConfig
from readtick.core.validation import (
    check_bool,
    check_content,
    check_conversation_type,
    check_id,
    check_in_scope,
    check_int,
    check_not_self,
    invalid,
)


def check_send(
    message: Message,
    conversation_id: str,
    conversation_type: object,
    config: MessageSendConfig | None,
    *,
    sender: str,
) -> tuple[ConversationType, bool]:
    """The conversation type and whether a receipt is asked for, if ``sender``'s send may be tried."""
    config = MessageSendConfig() if config is None else config
    if not isinstance(config, MessageSendConfig):
        raise invalid(f"config must be a MessageSendConfig, got {type(config).__name__}")
    check_content(message)
    ctype = check_conversation_type(conversation_type)
    has_receipt = check_bool(config.has_receipt, "has_receipt")
    check_int(config.priority, "priority", 1, 3)
    if has_receipt and (refusal := receipt_refusal(ctype, message.type)) is not None:
        raise invalid(refusal)
    check_in_scope(ctype)
    check_id(conversation_id, "conversation id")
    check_not_self(sender, conversation_id, ctype)
    return ctype, has_receipt


def draft(
    message: Message,
    conversation_id: str,
    ctype: ConversationType,
    status: ReceiptStatus,
    *,
    sender: str,
    local_id: int,
    now: float,
) -> Message:
    """The sender's copy before the engine accepted it: SENDING, with the new ``local_id``."""
    return replace(
        message,
        message_id=0,
        local_message_id=local_id,
        conversation_id=conversation_id,
        conversation_type=ctype,
        sender_user_id=sender,
        direction=MessageDirection.SEND,
        sent_status=SentStatus.SENDING,
        timestamp=now,
        receipt_status=status,
    )


def failed(draft: Message, has_receipt: bool) -> Message:
    """What the sender keeps of a send that failed: FAILED, and FAILED receipt if one was asked."""
    return replace(draft, sent_status=SentStatus.FAILED, receipt_status=status_of_failed_send(has_receipt))
