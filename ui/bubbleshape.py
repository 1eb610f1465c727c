"""The measures and shapes of a message bubble: its spacing, where its parts go (``BubbleLayout``),
where its text wraps, its paddings, its outline with the tail, and its shadow's colour.

``ui.messagedelegate`` computes one ``BubbleLayout`` per row from these and paints it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainterPath
from readtick.core.enums import ConversationType, MessageDirection
from readtick.core.messages import Message
from readtick.ui.mediapainter import MediaBox
from readtick.ui.theme import Theme

ROW_GAP = 3.0
SIDE_MARGIN = 12.0
BUBBLE_HPAD = 10.0
BUBBLE_VPAD = 6.0
BUBBLE_RADIUS = 9.0
TAIL = 6.0
MAX_BUBBLE_FRACTION = 0.78
FOOTER_GAP = 4.0
FOOTER_SPACING = 6.0


@dataclass(frozen=True)
class BubbleLayout:
    """Where each part of one row goes, in the row's coordinates (``rect`` is the row)."""

    rect: QRectF
    bubble: QRectF
    name: QRectF | None
    text: QRectF
    footer: QRectF
    time: QRectF
    caption: QRectF | None
    mark: QRectF | None
    marker: QRectF | None  # the clickable part: caption + mark, or the awaiting-read dot
    outgoing: bool
    caption_text: str
    time_text: str
    media_overlay: bool = False  # the footer is drawn over the media (an image)


def wrap_width_for(row_width: float) -> float:
    """Where a row's text wraps: the widest bubble's inside."""
    return max(120.0, (row_width - 2 * SIDE_MARGIN) * MAX_BUBBLE_FRACTION) - 2 * BUBBLE_HPAD


def shows_name(message: Message) -> bool:
    """Group messages of others carry their sender's name above the text."""
    return message.conversation_type == ConversationType.GROUP and message.direction != MessageDirection.SEND


@functools.cache
def shadow_color(theme: Theme) -> QColor:
    """A faint shadow under the bubble, like the messengers people know: black at 11% (light) or
    24% (dark) over the chat background, mixed once, so the fill is opaque (blending a
    translucent fill with what is below costs more than the rest of the row's paint)."""
    alpha = (28 if theme.name == "light" else 60) / 255
    ground = theme.color("chat_background")
    return QColor.fromRgbF(
        ground.redF() * (1 - alpha), ground.greenF() * (1 - alpha), ground.blueF() * (1 - alpha)
    )


def paddings(media: MediaBox | None, name_h: float, footer_h: float) -> tuple[float, float, float]:
    """A bubble's side and top padding, and what goes below its content: the footer, unless it is
    drawn over an image (which sits close to the bubble's edge, under a sender's name if any)."""
    if media is None or media.pad is None:
        return BUBBLE_HPAD, BUBBLE_VPAD, FOOTER_GAP + footer_h
    below = 0.0 if media.overlay else FOOTER_GAP + footer_h
    return media.pad, BUBBLE_VPAD if name_h else media.pad, below


def union(rects: list[QRectF]) -> QRectF:
    united = QRectF(rects[0])
    for rect in rects[1:]:
        united = united.united(rect)
    return united


def bubble_path(rect: QRectF, outgoing: bool) -> QPainterPath:
    """A rounded rectangle with a small tail at the top corner on the speaker's side."""
    path = QPainterPath()
    path.addRoundedRect(rect, BUBBLE_RADIUS, BUBBLE_RADIUS)
    tail = QPainterPath()
    if outgoing:
        tail.moveTo(rect.right() - BUBBLE_RADIUS, rect.top())
        tail.lineTo(rect.right() + TAIL, rect.top())
        tail.lineTo(rect.right(), rect.top() + TAIL + 4)
    else:
        tail.moveTo(rect.left() + BUBBLE_RADIUS, rect.top())
        tail.lineTo(rect.left() - TAIL, rect.top())
        tail.lineTo(rect.left(), rect.top() + TAIL + 4)
    tail.closeSubpath()
    return path.united(tail)
