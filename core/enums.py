"""The SDK's enumerations, with the ZIM SDK's numeric values.

Every value here is part of readtick's contract: tests and scenario files use them.
"""

from __future__ import annotations

from enum import IntEnum


class ConversationType(IntEnum):
    """What kind of conversation a message lives in."""

    PEER = 0
    ROOM = 1
    GROUP = 2


class MessageType(IntEnum):
    """The payload kind of a message."""

    UNKNOWN = 0
    TEXT = 1
    COMMAND = 2
    MULTIPLE = 10
    IMAGE = 11
    FILE = 12
    AUDIO = 13
    VIDEO = 14
    BARRAGE = 20
    SYSTEM = 30
    REVOKE = 31
    TIPS = 32
    COMBINE = 100
    CUSTOM = 200


class ReceiptStatus(IntEnum):
    """Where a message's read receipt stands (see ``core.receipt`` for the transitions)."""

    UNKNOWN = -1
    NONE = 0
    PROCESSING = 1
    DONE = 2
    COMPLETED = 2  # the SDK's other name for DONE: an alias, not a second state
    EXPIRED = 3
    FAILED = 4
    DELIVERED = 5


class MessageDirection(IntEnum):
    """Whether the viewing user sent or received the message."""

    SEND = 0
    RECEIVE = 1


class SentStatus(IntEnum):
    """Outcome of sending, as the sender's copy records it."""

    SENDING = 0
    SUCCESS = 1
    FAILED = 2


class ReceiptFilter(IntEnum):
    """Which members ``query_group_message_receipt_member_list`` returns."""

    READ = 0
    UNREAD = 1
    DELIVERED = 2


class ConnectionState(IntEnum):
    """State of a client's link to the engine, as ``on_connection_state_changed`` reports it."""

    DISCONNECTED = 0
    CONNECTING = 1
    CONNECTED = 2
    RECONNECTING = 3
