"""How media messages look in a conversation: an image as a thumbnail (aspect kept, corners
rounded) with the time and receipt overlaid on a dark pill, a file, audio or video message as a
chip (a coloured icon with its kind, the name and the size), and an upload in progress as a bar.

``MessageDelegate`` asks ``MediaPainter.box`` how much room a message's media takes (``None``:
not a media message, paint text) and ``MediaPainter.paint`` to draw it. The overlay pill is dark
in both themes, and the footer on it is painted in the dark theme's colours, so every receipt
state reads the same on any photo. Thumbnails come from ``ui.thumbnails``: paint only looks them
up; the decode was requested when the row was measured, before its first paint.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from readtick.core.enums import MessageType, SentStatus
from readtick.core.mediafile import human_size
from readtick.core.messages import AudioMessage, ImageMessage, MediaMessage, Message, VideoMessage
from readtick.ui.theme import DARK, Theme
from readtick.ui.thumbnails import ThumbnailCache

IMAGE_MAX_WIDTH, IMAGE_MAX_HEIGHT = 220.0, 200.0
IMAGE_MIN = 72.0
#: The shape an image of unknown size is shown in (its header said nothing).
UNKNOWN_ASPECT = 4 / 3
IMAGE_PAD = 4.0
IMAGE_RADIUS = 7.0
OVERLAY_INSET = 5.0
PILL_PAD = 5.0
CHIP_ICON = 38.0
CHIP_GAP = 10.0
CHIP_HEIGHT = 42.0
CHIP_TEXT_WIDTH = 170.0
BAR_HEIGHT = 4.0
UPLOADING_LABEL = "uploading"

_ICON_COLORS = {MessageType.FILE: "#5b6b7f", MessageType.AUDIO: "#8e4ec6", MessageType.VIDEO: "#e5484d"}
_PLACEHOLDER = {"light": "#cfd8e0", "dark": "#2b3440"}


@dataclass(frozen=True)
class MediaBox:
    """The room a message's media takes in its bubble.

    Attributes:
        width, height: the media's size (the thumbnail, or the chip).
        overlay: the footer is drawn over the media (an image), not under it.
        pad: the bubble's padding around the media (images sit close to the edge).
    """

    width: float
    height: float
    overlay: bool
    pad: float | None = None


def is_media(message: Message) -> bool:
    """An image, file, audio or video message (painted here, not as text)."""
    return isinstance(message, MediaMessage)


def is_uploading(message: Message) -> bool:
    """A media message the sender attached and whose upload has not finished."""
    return isinstance(message, MediaMessage) and message.sent_status == SentStatus.SENDING


def image_box(message: ImageMessage, max_width: float) -> QSize:
    """The thumbnail's size: the picture's shape, scaled to fit the bubble's limits."""
    width, height = message.original_image_width, message.original_image_height
    aspect = width / height if width > 0 and height > 0 else UNKNOWN_ASPECT
    box_w = min(IMAGE_MAX_WIDTH, max_width)
    box_h = box_w / aspect
    if box_h > IMAGE_MAX_HEIGHT:
        box_h = IMAGE_MAX_HEIGHT
        box_w = box_h * aspect
    return QSize(round(max(box_w, IMAGE_MIN)), round(max(box_h, IMAGE_MIN)))


def chip_detail(message: MediaMessage) -> str:
    """The chip's second line: size, and the duration of a clip."""
    parts = [human_size(message.file_size)] if message.file_size else []
    seconds = message.audio_duration if isinstance(message, AudioMessage) else 0
    if isinstance(message, VideoMessage):
        seconds = message.video_duration
    if seconds:
        parts.append(f"{seconds // 60}:{seconds % 60:02d}")
    return " · ".join(parts)


def chip_label(message: MediaMessage) -> str:
    """The word on the chip's icon: the file's extension, or its kind."""
    extension = os.path.splitext(message.file_name or message.file_local_path)[1][1:]
    if extension and len(extension) <= 4 and extension.isalnum():
        return extension.upper()
    return message.type.name


class MediaPainter:
    """Sizes and paints the media of one delegate's rows."""

    def __init__(self, text_font: QFont, small_font: QFont, thumbnails: ThumbnailCache) -> None:
        self._text_font = text_font
        self._small_font = small_font
        self._label_font = QFont(small_font)
        self._label_font.setBold(True)
        self._text_metrics = QFontMetricsF(text_font)
        self._small_metrics = QFontMetricsF(small_font)
        self.thumbnails = thumbnails

    def box(self, message: Message, max_width: float, min_width: float = 0.0) -> MediaBox | None:
        """How much room ``message``'s media takes (None: not a media message); an image is at
        least ``min_width`` wide, so its overlaid footer fits."""
        if isinstance(message, ImageMessage):
            size = image_box(message, max_width)
            width = min(max(float(size.width()), min_width), max_width)
            return MediaBox(width, float(size.height()), overlay=True, pad=IMAGE_PAD)
        if isinstance(message, MediaMessage):
            name_w = self._text_metrics.horizontalAdvance(message.file_name or "file")
            detail_w = self._small_metrics.horizontalAdvance(chip_detail(message))
            text_w = min(max(name_w, detail_w) + 2, CHIP_TEXT_WIDTH)
            return MediaBox(min(CHIP_ICON + CHIP_GAP + text_w, max_width), CHIP_HEIGHT, overlay=False)
        return None

    def request(self, message: Message, max_width: float, ratio: float) -> None:
        """Ask for the thumbnail now, so it is decoded before the row is painted."""
        if isinstance(message, ImageMessage):
            self.thumbnails.request(message.file_local_path, _thumbnail_size(message, max_width, ratio))

    def preload(self, message: Message, max_width: float, ratio: float) -> None:
        """Decode the thumbnail now (pictures that must be whole the first time they are painted:
        the gallery, screenshots)."""
        if isinstance(message, ImageMessage):
            self.thumbnails.load_now(message.file_local_path, _thumbnail_size(message, max_width, ratio))

    def paint(
        self,
        painter: QPainter,
        rect: QRectF,
        message: Message,
        progress: float | None,
        theme: Theme,
        footer: QRectF | None = None,
        max_width: float | None = None,
    ) -> Theme:
        """Paint the media in ``rect`` (measured for a bubble of ``max_width``; its width if not
        given); behind an overlaid ``footer`` (the union of its parts), a pill. Returns the theme
        to paint the footer in."""
        if isinstance(message, ImageMessage):
            width = rect.width() if max_width is None else max_width
            self._paint_image(painter, rect, message, progress, theme, width)
            if footer is not None:
                pill = footer.adjusted(-PILL_PAD, -2, PILL_PAD, 2)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(0, 0, 0, 150))
                painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
            return DARK
        if isinstance(message, MediaMessage):
            self._paint_chip(painter, rect, message, progress, theme)
        return theme

    def _paint_image(
        self,
        painter: QPainter,
        rect: QRectF,
        message: ImageMessage,
        progress: float | None,
        theme: Theme,
        max_width: float,
    ) -> None:
        ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        size = _thumbnail_size(message, max_width, ratio)
        image = self.thumbnails.get(message.file_local_path, size)
        clip = QPainterPath()
        clip.addRoundedRect(rect, IMAGE_RADIUS, IMAGE_RADIUS)
        painter.save()
        painter.setClipPath(clip)
        if image is not None and not image.isNull():
            painter.drawImage(rect, image, _cover(image.size(), rect))
        else:
            if image is None:  # not decoded yet (measured rows asked already; this is a safety net)
                self.thumbnails.request(message.file_local_path, size)
            self._paint_placeholder(painter, rect, theme, missing=image is not None)
        if is_uploading(message):
            painter.fillRect(rect, QColor(0, 0, 0, 90))
            bar = QRectF(rect.left() + 16, rect.center().y() - BAR_HEIGHT / 2, rect.width() - 32, BAR_HEIGHT)
            self._paint_bar(painter, bar, progress, QColor(255, 255, 255, 90), QColor("#ffffff"))
        painter.restore()

    def _paint_placeholder(self, painter: QPainter, rect: QRectF, theme: Theme, *, missing: bool) -> None:
        painter.fillRect(rect, QColor(_PLACEHOLDER.get(theme.name, _PLACEHOLDER["light"])))
        glyph = QRectF(0, 0, 34, 26)
        glyph.moveCenter(rect.center())
        pen = QPen(theme.color("muted_text"), 1.6)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(glyph, 3, 3)
        hills = QPainterPath()
        hills.moveTo(glyph.left() + 3, glyph.bottom() - 4)
        hills.lineTo(glyph.left() + 13, glyph.top() + 11)
        hills.lineTo(glyph.left() + 21, glyph.bottom() - 9)
        hills.lineTo(glyph.left() + 26, glyph.top() + 15)
        hills.lineTo(glyph.right() - 3, glyph.bottom() - 4)
        painter.drawPath(hills)
        if missing:
            painter.setFont(self._small_font)
            below = QRectF(rect.left(), glyph.bottom() + 4, rect.width(), 16)
            painter.drawText(below, int(Qt.AlignmentFlag.AlignHCenter), "image not found")

    def _paint_chip(
        self, painter: QPainter, rect: QRectF, message: MediaMessage, progress: float | None, theme: Theme
    ) -> None:
        icon = QRectF(rect.left(), rect.top() + (rect.height() - CHIP_ICON) / 2, CHIP_ICON, CHIP_ICON)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(_ICON_COLORS.get(message.type, _ICON_COLORS[MessageType.FILE])))
        painter.drawRoundedRect(icon, 8, 8)
        painter.setFont(self._label_font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(icon, int(Qt.AlignmentFlag.AlignCenter), chip_label(message))
        left = icon.right() + CHIP_GAP
        text = QRectF(left, rect.top(), rect.right() - left, rect.height())
        painter.setFont(self._text_font)
        painter.setPen(theme.color("bubble_incoming_text"))  # the same in both bubbles of a theme
        name = self._text_metrics.elidedText(
            message.file_name or "file", Qt.TextElideMode.ElideMiddle, text.width()
        )
        top_left = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        painter.drawText(text.adjusted(0, 2, 0, 0), top_left, name)
        painter.setFont(self._small_font)
        painter.setPen(theme.color("muted_text"))
        detail_top = text.top() + self._text_metrics.height() + 3
        painter.drawText(
            QRectF(left, detail_top, text.width(), self._small_metrics.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
            chip_detail(message),
        )
        if is_uploading(message):
            bar = QRectF(left, rect.bottom() - BAR_HEIGHT, text.width(), BAR_HEIGHT)
            track = QColor(theme.color("muted_text"))
            track.setAlpha(70)
            self._paint_bar(painter, bar, progress, track, theme.color("accent"))

    @staticmethod
    def _paint_bar(
        painter: QPainter, bar: QRectF, progress: float | None, track: QColor, fill: QColor
    ) -> None:
        radius = bar.height() / 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRoundedRect(bar, radius, radius)
        done = max(0.0, min(1.0, progress or 0.0))
        if done > 0:
            painter.setBrush(fill)
            filled = QRectF(bar.left(), bar.top(), max(bar.height(), bar.width() * done), bar.height())
            painter.drawRoundedRect(filled, radius, radius)


def _thumbnail_size(message: ImageMessage, max_width: float, ratio: float) -> QSize:
    """The thumbnail's pixels: the picture's box in a bubble of ``max_width``, at ``ratio``."""
    box = image_box(message, max_width)
    return QSize(round(box.width() * ratio), round(box.height() * ratio))


def _cover(image: QSize, target: QRectF) -> QRectF:
    """The part of an image that fills ``target`` with its aspect kept: all of it, or its middle
    when the bubble was made wider than the picture (to fit the footer on it)."""
    scale = max(target.width() / image.width(), target.height() / image.height())
    width, height = target.width() / scale, target.height() / scale
    return QRectF((image.width() - width) / 2, (image.height() - height) / 2, width, height)
