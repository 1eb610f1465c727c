"""readtick's receipt engine and client SDK: pure Python, no Qt (SPEC §2-§4).

Everything a user of the SDK needs is importable from here::

    from core import ReceiptEngine, Client, TextMessage, MessageSendConfig, ConversationType
"""

from core.client import Client
from core.clock import Clock, RealClock, VirtualClock
from core.engine import ReceiptEngine
from core.enums import (
    ConnectionState,
    ConversationType,
    MessageDirection,
    MessageType,
    ReceiptFilter,
    ReceiptStatus,
    SentStatus,
)
from core.errors import ErrorCode, ReceiptError
from core.handler import EventHandler
from core.messages import (
    AudioMessage,
    BarrageMessage,
    CombineMessage,
    CommandMessage,
    FileMessage,
    ImageMessage,
    Message,
    MultipleMessage,
    TextMessage,
    VideoMessage,
)
from core.results import (
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
    "ErrorCode",
    "EventHandler",
    "FileMessage",
    "GroupMessageReceiptMemberListQueriedResult",
    "GroupMessageReceiptMemberQueryConfig",
    "ImageMessage",
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
