"""readtick's receipt engine and client SDK: pure Python, no Qt.

Everything a user of the SDK needs is importable from here::

    from readtick.core import ReceiptEngine, Client, TextMessage, MessageSendConfig, ConversationType
"""

from readtick.core.client import Client
from readtick.core.clock import Clock, RealClock, VirtualClock
from readtick.core.engine import ReceiptEngine
from readtick.core.enums import (
    ConnectionState,
    ConversationType,
    MessageDirection,
    MessageType,
    ReceiptFilter,
    ReceiptStatus,
    SentStatus,
)
from readtick.core.errors import ErrorCode, ReceiptError
from readtick.core.handler import EventHandler
from readtick.core.messages import (
    AudioMessage,
    BarrageMessage,
    CombineMessage,
    CommandMessage,
    FileMessage,
    ImageMessage,
    MediaMessage,
    Message,
    MultipleMessage,
    TextMessage,
    VideoMessage,
)
from readtick.core.results import (
    ConversationMessageReceiptReadSentResult,
    GroupMessageReceiptMemberListQueriedResult,
    GroupMessageReceiptMemberQueryConfig,
    MessageQueriedResult,
    MessageReceiptInfo,
    MessageReceiptsInfoQueriedResult,
    MessageReceiptsReadSentResult,
    MessageSendConfig,
    MessageSentResult,
)
from readtick.core.sessions import DEFAULT_DEVICE
from readtick.core.uploads import MediaMessageSendNotification

__all__ = [
    "AudioMessage",
    "BarrageMessage",
    "Client",
    "Clock",
    "CombineMessage",
    "CommandMessage",
    "ConnectionState",
    "ConversationMessageReceiptReadSentResult",
    "ConversationType",
    "DEFAULT_DEVICE",
    "ErrorCode",
    "EventHandler",
    "FileMessage",
    "GroupMessageReceiptMemberListQueriedResult",
    "GroupMessageReceiptMemberQueryConfig",
    "ImageMessage",
    "MediaMessage",
    "MediaMessageSendNotification",
    "Message",
    "MessageDirection",
    "MessageQueriedResult",
    "MessageReceiptInfo",
    "MessageReceiptsInfoQueriedResult",
    "MessageReceiptsReadSentResult",
    "MessageSendConfig",
    "MessageSentResult",
    "MessageType",
    "MultipleMessage",
    "RealClock",
    "ReceiptEngine",
    "ReceiptError",
    "ReceiptFilter",
    "ReceiptStatus",
    "SentStatus",
    "TextMessage",
    "VideoMessage",
    "VirtualClock",
]
