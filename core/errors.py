"""Errors every failed SDK call raises: one exception type, one code enum.

Codes below 7,000,000 are the SDK's own; the 69xxxxx block is readtick's, for conditions the
SDK document does not number (listed in the README).
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from readtick.core.messages import Message


class ErrorCode(IntEnum):
    """Why a call failed. Values are the SDK's where the SDK documents one."""

    PARAMETER_INVALID = 6000001
    NOT_LOGGED_IN = 6000121
    TARGET_DOES_NOT_EXIST = 6000204
    RECEIPT_READ_ERROR = 6000277
    READ_LIMIT_EXCEEDED = 6000282
    NOT_GROUP_MEMBER = 6000521
    GROUP_DOES_NOT_EXIST = 6000523
    CONVERSATION_DOES_NOT_EXIST = 6000603
    # readtick's own codes (not in the SDK document)
    NETWORK_UNAVAILABLE = 6900001
    ALREADY_LOGGED_IN = 6900002
    STORE_ERROR = 6900003
    DEVICE_LIMIT_EXCEEDED = 6900004


class ReceiptError(Exception):
    """A failed SDK call.

    Attributes:
        code: the ``ErrorCode``.
        message: a sentence a person can act on (which id, which rule).
        failed_message: for a send that failed after it was accepted (offline, unknown target),
            the sender's copy with ``sent_status`` FAILED; otherwise ``None``.
    """

    def __init__(self, code: ErrorCode, message: str, *, failed_message: Message | None = None):
        super().__init__(f"[{int(code)} {code.name}] {message}")
        self.code = code
        self.message = message
        self.failed_message = failed_message
