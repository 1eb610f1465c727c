"""The event log of one client: every callback its event handler receives, with its arguments,
one numbered line per callback, in the order they fired.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget
from readtick.core.enums import ConnectionState, ConversationType
from readtick.core.messages import Message
from readtick.core.results import MessageReceiptInfo
from readtick.ui.displaytime import clock_text
from readtick.ui.theme import SMALL_PIXEL_SIZE, current_theme, ui_font

MAX_LINES = 5000


def format_message(message: Message) -> str:
    text = message.summary()
    if len(text) > 40:
        text = text[:39] + "…"
    return (
        f"Message(id={message.message_id}, seq={message.conversation_seq}, "
        f"from={message.sender_user_id!r}, "
        f"conv={message.conversation_id!r}/{message.conversation_type.name}, "
        f"receipt={message.receipt_status.name}, text={text!r})"
    )


def format_info(info: MessageReceiptInfo) -> str:
    return (
        f"Info(conv={info.conversation_id!r}/{ConversationType(info.conversation_type).name}, "
        f"id={info.message_id}, status={info.status.name}, "
        f"read={info.read_member_count}, unread={info.unread_member_count}, "
        f"delivered={info.delivered_member_count}, self={info.is_self_operated}, "
        f"read_time={_clock_time(info.read_time)})"
    )


def _clock_time(seconds: float) -> str:
    return clock_text(seconds, "%H:%M:%S") if seconds else "0"


def format_value(value: object) -> str:
    """Arguments as a person wants to read them: messages and infos by their fields."""
    if isinstance(value, Message):
        return format_message(value)
    if isinstance(value, MessageReceiptInfo):
        return format_info(value)
    if isinstance(value, ConnectionState):
        return value.name
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(item) for item in value) + "]"
    return repr(value)


def format_event(name: str, arguments: Mapping[str, object]) -> str:
    """``name(arg=value, ...)``: one callback as one line."""
    return f"{name}(" + ", ".join(f"{key}={format_value(value)}" for key, value in arguments.items()) + ")"


class EventLog(QPlainTextEdit):
    """Read-only, append-only log of one client's handler callbacks (object name ``eventLog``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eventLog")
        self.setReadOnly(True)
        self.setMaximumBlockCount(MAX_LINES)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setFont(ui_font(SMALL_PIXEL_SIZE, mono=True))
        self.setPlaceholderText("Handler callbacks of this client appear here as they fire.")
        self._count = 0
        self._names: list[str] = []

    def event_names(self) -> list[str]:
        """Names of the callbacks logged so far (all of them, also lines scrolled out)."""
        return list(self._names)

    def append_event(self, name: str, arguments: Mapping[str, object]) -> None:
        self._count += 1
        self._names.append(name)
        theme = current_theme()
        line = (
            f'<span style="color:{theme.muted_text}">{self._count:>3}</span> '
            f'<span style="color:{theme.log_event}; font-weight:bold">{html.escape(name)}</span>'
            f"{html.escape(format_event('', arguments))}"
        )
        at_end = self.verticalScrollBar().value() >= self.verticalScrollBar().maximum() - 4
        self.appendHtml(line)
        if at_end:
            self.moveCursor(QTextCursor.MoveOperation.End)
            self.ensureCursorVisible()
