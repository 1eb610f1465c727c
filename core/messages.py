"""Message value objects: the common ``Message`` fields and one subclass per payload kind.

Messages are frozen: the engine and clients hand out copies made with ``dataclasses.replace``,
so a view holding a message never sees it change under it. A new status means a new copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from readtick.core.enums import ConversationType, MessageDirection, MessageType, ReceiptStatus, SentStatus


@dataclass(frozen=True, kw_only=True)
class Message:
    """One message as one user sees it.

    Attributes:
        message_id: the engine's id, unique in the engine (0 until sent).
        local_message_id: the sending client's own id for its copy (0 on received copies).
        conversation_id: for PEER the *other* user's id from this user's side; for GROUP the
            group id.
        conversation_type: PEER or GROUP (ROOM is outside readtick's scope).
        sender_user_id: who sent it.
        direction: SEND on the sender's copy, RECEIVE on everybody else's.
        sent_status: SENDING, SUCCESS or FAILED.
        timestamp: engine-clock seconds when the engine accepted it.
        order_key: engine-wide order of acceptance (ties broken by it everywhere).
        conversation_seq: position in its conversation, 1-based, without gaps.
        receipt_status: this user's view of the receipt (see ``core.receipt``).
    """

    type: ClassVar[MessageType] = MessageType.UNKNOWN

    message_id: int = 0
    local_message_id: int = 0
    conversation_id: str = ""
    conversation_type: ConversationType = ConversationType.PEER
    sender_user_id: str = ""
    direction: MessageDirection = MessageDirection.SEND
    sent_status: SentStatus = SentStatus.SENDING
    timestamp: float = 0.0
    order_key: int = 0
    conversation_seq: int = 0
    receipt_status: ReceiptStatus = ReceiptStatus.NONE

    def payload(self) -> dict[str, object]:
        """The payload fields of this kind, by name (for storage and scenario files)."""
        return {}

    def summary(self) -> str:
        """A short human description of the content, for logs and lists."""
        return f"[{self.type.name.lower()}]"


@dataclass(frozen=True)
class TextMessage(Message):
    """Plain text. ``TextMessage("hi")``."""

    type: ClassVar[MessageType] = MessageType.TEXT
    message: str = ""

    def payload(self) -> dict[str, object]:
        return {"message": self.message}

    def summary(self) -> str:
        return self.message


@dataclass(frozen=True)
class CommandMessage(Message):
    """Signalling bytes; never carries a receipt."""

    type: ClassVar[MessageType] = MessageType.COMMAND
    message: bytes = b""

    def payload(self) -> dict[str, object]:
        return {"message": self.message}


@dataclass(frozen=True)
class BarrageMessage(Message):
    """Bullet-comment text (rooms); never carries a receipt."""

    type: ClassVar[MessageType] = MessageType.BARRAGE
    message: str = ""

    def payload(self) -> dict[str, object]:
        return {"message": self.message}

    def summary(self) -> str:
        return self.message


@dataclass(frozen=True)
class MediaMessage(Message):
    """Common base of the rich-media kinds (sent with ``Client.send_media_message``).

    Attributes:
        file_local_path: the file on this side: the sender's own file on its copies; on a
            receiver's copy, where the engine keeps the file (or the sender's path, when the
            engine keeps no copies).
        file_name: the name shown (the file's own name unless the sender gave one).
        file_size: its size in bytes, as measured when it was attached.
    """

    file_local_path: str = ""
    file_name: str = ""
    file_size: int = 0

    def payload(self) -> dict[str, object]:
        return {
            "file_local_path": self.file_local_path,
            "file_name": self.file_name,
            "file_size": self.file_size,
        }

    def summary(self) -> str:
        name = self.file_name or self.file_local_path.rsplit("/", 1)[-1]
        return f"[{self.type.name.lower()}] {name}".rstrip()


@dataclass(frozen=True)
class ImageMessage(MediaMessage):
    """A picture; ``original_image_width/height`` in pixels (read from the file's header when the
    sender leaves them 0: PNG, GIF, JPEG, BMP; 0 when unknown)."""

    type: ClassVar[MessageType] = MessageType.IMAGE
    original_image_width: int = 0
    original_image_height: int = 0

    def payload(self) -> dict[str, object]:
        return {
            **super().payload(),
            "original_image_width": self.original_image_width,
            "original_image_height": self.original_image_height,
        }


@dataclass(frozen=True)
class FileMessage(MediaMessage):
    """Any other file."""

    type: ClassVar[MessageType] = MessageType.FILE


@dataclass(frozen=True)
class AudioMessage(MediaMessage):
    """A voice or audio clip; ``audio_duration`` in seconds."""

    type: ClassVar[MessageType] = MessageType.AUDIO
    audio_duration: int = 0

    def payload(self) -> dict[str, object]:
        return {**super().payload(), "audio_duration": self.audio_duration}


@dataclass(frozen=True)
class VideoMessage(MediaMessage):
    """A video clip; ``video_duration`` in seconds."""

    type: ClassVar[MessageType] = MessageType.VIDEO
    video_duration: int = 0

    def payload(self) -> dict[str, object]:
        return {**super().payload(), "video_duration": self.video_duration}


@dataclass(frozen=True)
class CombineMessage(Message):
    """A forwarded bundle of earlier messages, shown by title and summary."""

    type: ClassVar[MessageType] = MessageType.COMBINE
    title: str = ""
    summary_text: str = ""

    def payload(self) -> dict[str, object]:
        return {"title": self.title, "summary_text": self.summary_text}

    def summary(self) -> str:
        return f"[combined] {self.title}".rstrip()


@dataclass(frozen=True)
class MultipleMessage(Message):
    """Several text items sent as one message."""

    type: ClassVar[MessageType] = MessageType.MULTIPLE
    items: tuple[str, ...] = field(default_factory=tuple)

    def payload(self) -> dict[str, object]:
        return {"items": list(self.items)}

    def summary(self) -> str:
        return " · ".join(self.items)


MESSAGE_CLASSES: dict[MessageType, type[Message]] = {
    cls.type: cls
    for cls in (
        TextMessage,
        CommandMessage,
        BarrageMessage,
        ImageMessage,
        FileMessage,
        AudioMessage,
        VideoMessage,
        CombineMessage,
        MultipleMessage,
    )
}


def message_from_payload(message_type: MessageType, payload: dict[str, object], **fields: object) -> Message:
    """Rebuild a message of ``message_type`` from ``payload()`` output and the common fields."""
    cls = MESSAGE_CLASSES.get(MessageType(message_type), Message)
    if cls is MultipleMessage and "items" in payload:
        payload = {**payload, "items": tuple(payload["items"])}  # type: ignore[arg-type]
    return cls(**payload, **fields)  # type: ignore[arg-type]
