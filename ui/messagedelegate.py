"""Paints one message as a chat bubble: outgoing on the right, incoming on the left, the sender's
name in groups, the text, and a footer with the time and the receipt (ticks, "n unread",
"read by all", or on incoming receipt messages the "awaiting your read" dot, "read", or the faded
clock of an expired receipt).

``layout`` computes every rectangle, for ``sizeHint``, ``paint`` and hit-testing alike, so a click
on the receipt marker lands where the marker was drawn. What painting a row needs (its layout, its
text laid out in lines, its bubble outline) is computed once per row and kept until the row's
width, text, status or counts change: a repaint re-uses it, and only rows that changed are laid
out again. A row's height never depends on its receipt state. The bubble's measures and outline
are ``ui.bubbleshape``'s; its text is laid out and measured by ``ui.bubbletext``.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QTextLayout,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget
from readtick.core.enums import ConversationType, MessageDirection, ReceiptStatus, SentStatus
from readtick.core.messages import Message
from readtick.core.receipt import awaits_read
from readtick.ui.avatar import user_color
from readtick.ui.bubbleshape import (
    FOOTER_GAP,
    FOOTER_SPACING,
    ROW_GAP,
    SIDE_MARGIN,
    BubbleLayout,
    bubble_path,
    paddings,
    shadow_color,
    shows_name,
    union,
    wrap_width_for,
)
from readtick.ui.bubbletext import BubbleText
from readtick.ui.displaytime import clock_text, display_zone
from readtick.ui.mediapainter import (
    OVERLAY_INSET,
    PILL_PAD,
    UPLOADING_LABEL,
    MediaPainter,
    is_media,
    is_uploading,
)
from readtick.ui.messageroles import (
    MessageRole,
    ReadMemberCountRole,
    UnreadMemberCountRole,
    UploadProgressRole,
)
from readtick.ui.theme import BASE_PIXEL_SIZE, SMALL_PIXEL_SIZE, Theme, current_theme, ui_font
from readtick.ui.thumbnails import shared_thumbnails
from readtick.ui.ticks import MARK_SIZE, has_mark, paint_awaiting_read, paint_receipt_mark

AWAITING_READ_LABEL = "tap to read"
#: Caption of an incoming message whose receipt expired before it was read (with the clock mark).
INCOMING_EXPIRED_LABEL = "expired"


def format_time(timestamp: float) -> str:
    """The time in a bubble's footer: hours and minutes, in the app's display zone."""
    return clock_text(timestamp)


def receipt_caption(message: Message, read_count: int | None, unread_count: int | None) -> str:
    """The words next to an outgoing message's ticks: group counts, or what went wrong."""
    status = message.receipt_status
    if message.sent_status == SentStatus.FAILED:
        return "not sent"
    if is_uploading(message):
        return UPLOADING_LABEL
    if status == ReceiptStatus.EXPIRED:
        return "receipt expired"
    if message.conversation_type != ConversationType.GROUP or status == ReceiptStatus.NONE:
        return ""
    if status == ReceiptStatus.DONE:
        return "read by all"
    if unread_count is None:
        return ""
    return f"{unread_count} unread"


@dataclass
class _RowPicture:
    """One row's layout at the origin (its row rect at 0, 0), and what painting it needs, which
    is made at its first paint (a row measured but never shown needs none of it)."""

    geometry: BubbleLayout
    text: QTextLayout | None = None
    bubble: QPainterPath | None = None
    shadow: QPainterPath | None = None


#: Row pictures kept (least recently used dropped first): a few screens of every panel's window.
PICTURE_CACHE_SIZE = 4096


class MessageDelegate(QStyledItemDelegate):
    """The one delegate of the conversation view.

    Signals:
        receiptClicked(QModelIndex): the receipt marker of a row was clicked (the ticks or
            counts of an outgoing message, or the "tap to read" dot of an incoming one).
    """

    receiptClicked = Signal(QModelIndex)

    def __init__(self, view: QWidget) -> None:
        super().__init__(view)
        self._view = view
        self._text_font = ui_font(BASE_PIXEL_SIZE)
        self._small_font = ui_font(SMALL_PIXEL_SIZE)
        self._name_font = ui_font(SMALL_PIXEL_SIZE, bold=True)
        self._small_metrics = QFontMetricsF(self._small_font)
        self._name_metrics = QFontMetricsF(self._name_font)
        self._bubble_text = BubbleText(self._text_font)
        self._pictures: OrderedDict[tuple[Message, int | None, int | None, float], _RowPicture] = (
            OrderedDict()
        )
        self.size_hint_calls = 0  # counted for tests: an append or a receipt change measures one row
        # Media (images, file chips, upload bars) is sized and drawn by its own painter; a
        # decoded thumbnail repaints the rows (their size comes from the message, not the file).
        self.media = MediaPainter(self._text_font, self._small_font, shared_thumbnails())
        self.media.thumbnails.loaded.connect(self._thumbnail_loaded)

    # --- geometry -----------------------------------------------------------------------------

    def _available_width(self) -> float:
        viewport = getattr(self._view, "viewport", None)
        width = viewport().width() if viewport is not None else self._view.width()
        return float(max(width, 160))

    def layout(self, row_rect: QRectF, index: QModelIndex | QPersistentModelIndex) -> BubbleLayout:
        message: Message = index.data(MessageRole)
        read_count = index.data(ReadMemberCountRole)
        unread_count = index.data(UnreadMemberCountRole)
        outgoing = message.direction == MessageDirection.SEND
        wrap_width = wrap_width_for(row_rect.width())
        media = self.media.box(message, wrap_width)
        text_w, text_h = (
            (media.width, media.height) if media else self._bubble_text.size(message.summary(), wrap_width)
        )
        show_name = shows_name(message)
        name_w = self._name_metrics.horizontalAdvance(message.sender_user_id) if show_name else 0.0
        name_h, footer_h = self._name_height(message), self._footer_height()

        time_text = format_time(message.timestamp)
        caption_text = receipt_caption(message, read_count, unread_count) if outgoing else ""
        awaiting = not outgoing and awaits_read(message.receipt_status)
        if awaiting:
            caption_text = AWAITING_READ_LABEL
        elif not outgoing and message.receipt_status == ReceiptStatus.DONE:
            caption_text = "read"
        # An incoming receipt that expired unread is marked like an outgoing one: a receiver must
        # be able to tell it from a message that never asked for a receipt.
        incoming_expired = not outgoing and message.receipt_status == ReceiptStatus.EXPIRED
        if incoming_expired:
            caption_text = INCOMING_EXPIRED_LABEL
        time_w = self._small_metrics.horizontalAdvance(time_text)
        caption_w = self._small_metrics.horizontalAdvance(caption_text) if caption_text else 0.0
        show_mark = (outgoing and has_mark(message.receipt_status)) or awaiting or incoming_expired
        mark_w = MARK_SIZE.width() if show_mark else 0.0
        parts = [w for w in (caption_w, time_w) if w] + ([mark_w] if mark_w else [])
        footer_w = sum(parts) + FOOTER_SPACING * (len(parts) - 1)

        overlay = media is not None and media.overlay
        if media is not None:
            if overlay:  # the footer sits on the image: the image is at least as wide as it
                media = self.media.box(message, wrap_width, footer_w + 2 * (OVERLAY_INSET + PILL_PAD))
                assert media is not None
                text_w = media.width
            self.media.request(message, wrap_width, self._view.devicePixelRatioF())
        hpad, vpad, below = paddings(media, name_h, footer_h)
        content_w = min(max(text_w, name_w, footer_w, 36.0), wrap_width)
        if overlay:
            content_w = max(text_w, name_w)
        bubble_w = content_w + 2 * hpad
        bubble_h = vpad + name_h + text_h + below + vpad
        top = row_rect.top() + ROW_GAP
        if outgoing:
            left = row_rect.right() - SIDE_MARGIN - bubble_w
        else:
            left = row_rect.left() + SIDE_MARGIN
        bubble = QRectF(left, top, bubble_w, bubble_h)
        inner_left = left + hpad
        y = top + vpad
        name_rect = QRectF(inner_left, y, content_w, name_h) if show_name else None
        y += name_h
        text_rect = QRectF(inner_left, y, text_w if overlay else content_w, text_h)
        y += text_h + FOOTER_GAP
        footer = QRectF(inner_left, y, content_w, footer_h)
        if overlay:  # inside the image's bottom right corner
            y = text_rect.bottom() - OVERLAY_INSET - footer_h
            footer = QRectF(inner_left, y, text_rect.width() - OVERLAY_INSET - PILL_PAD, footer_h)

        # Footer parts, right-aligned: [caption] [time] [mark] for outgoing messages,
        # [dot] [caption] [time] for incoming ones (the dot leads, it is the call to action; the
        # expired clock takes the dot's place).
        x = footer.right()
        caption_rect = mark_rect = marker = None
        if outgoing:
            if mark_w:
                mark_rect = QRectF(x - mark_w, y, mark_w, footer_h)
                x -= mark_w + FOOTER_SPACING
            time_rect = QRectF(x - time_w, y, time_w, footer_h)
            x -= time_w + FOOTER_SPACING
            if caption_w:
                caption_rect = QRectF(x - caption_w, y, caption_w, footer_h)
            pieces = [r for r in (caption_rect, mark_rect) if r is not None]
            if pieces:
                marker = pieces[0].united(pieces[-1])
        else:
            time_rect = QRectF(x - time_w, y, time_w, footer_h)
            x -= time_w + FOOTER_SPACING
            if caption_w:
                caption_rect = QRectF(x - caption_w, y, caption_w, footer_h)
                x -= caption_w + 2
            if mark_w:
                mark_rect = QRectF(x - mark_w, y, mark_w, footer_h)
            if awaiting:
                marker = mark_rect.united(caption_rect).adjusted(-3, -2, 3, 2)
        return BubbleLayout(
            rect=QRectF(row_rect),
            bubble=bubble,
            name=name_rect,
            text=text_rect,
            footer=footer,
            time=time_rect,
            caption=caption_rect,
            mark=mark_rect,
            marker=marker,
            outgoing=outgoing,
            caption_text=caption_text,
            time_text=time_text,
            media_overlay=overlay,
        )

    def _picture(
        self, index: QModelIndex | QPersistentModelIndex, width: float, message: Message
    ) -> _RowPicture:
        """The row's cached picture at ``width``; made anew when its width, text, status or
        counts differ from every kept one."""
        read_count = index.data(ReadMemberCountRole)
        unread_count = index.data(UnreadMemberCountRole)
        # The message itself is in the key: a copy that differs in anything (its status, its
        # text) is a different picture, and the old one ages out of the cache. So is the zone
        # its time is shown in.
        key = (message, read_count, unread_count, width, display_zone())
        picture = self._pictures.get(key)
        if picture is None:
            geometry = self.layout(QRectF(0, 0, width, 0), index)
            picture = _RowPicture(geometry)
            self._pictures[key] = picture
            if len(self._pictures) > PICTURE_CACHE_SIZE:
                self._pictures.popitem(last=False)
        else:
            self._pictures.move_to_end(key)
        return picture

    def _name_height(self, message: Message) -> float:
        return self._name_metrics.height() + 2 if shows_name(message) else 0.0

    def _footer_height(self) -> float:
        return max(self._small_metrics.height(), MARK_SIZE.height())

    def _row_height(self, message: Message, width: float) -> int:
        """What ``layout`` makes the row's height, from the text's lines alone (cached per text and
        width): measuring a row needs none of the rest of its layout."""
        wrap_width = wrap_width_for(width)
        name_h, footer_h = self._name_height(message), self._footer_height()
        media = self.media.box(message, wrap_width)
        if media is None:
            _, text_h = self._bubble_text.size(message.summary(), wrap_width)
        else:
            text_h = media.height
            # measured before its first paint: the thumbnail is decoded by then, off the paint path
            self.media.request(message, wrap_width, self._view.devicePixelRatioF())
        _, vpad, below = paddings(media, name_h, footer_h)
        bubble_h = vpad + name_h + text_h + below + vpad
        return int(bubble_h + 2 * ROW_GAP + 0.999)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        self.size_hint_calls += 1
        width = self._available_width()
        return QSize(int(width), self._row_height(index.data(MessageRole), width))

    # --- painting -----------------------------------------------------------------------------

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        theme = current_theme()
        message: Message = index.data(MessageRole)
        picture = self._picture(index, float(option.rect.width()), message)
        geometry = picture.geometry
        if picture.text is None or picture.bubble is None or picture.shadow is None:
            picture.text = self._bubble_text.layout(message.summary(), geometry.text.width() + 0.5)
            picture.bubble = bubble_path(geometry.bubble, geometry.outgoing)
            picture.shadow = picture.bubble.translated(0, 1)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        # The picture is laid out at the origin; the row rect is whole pixels, so this moves it
        # without changing how anything is rasterised.
        painter.translate(option.rect.topLeft())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)

        fill = theme.color("bubble_outgoing" if geometry.outgoing else "bubble_incoming")
        painter.setPen(Qt.PenStyle.NoPen)
        painter.fillPath(picture.shadow, shadow_color(theme))
        painter.fillPath(picture.bubble, fill)
        if selected:
            ring = QPen(theme.color("bubble_selected_ring"), 2.0)
            painter.setPen(ring)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(bubble_path(geometry.bubble.adjusted(-1, -1, 1, 1), geometry.outgoing))

        text_color = theme.color("bubble_outgoing_text" if geometry.outgoing else "bubble_incoming_text")
        if geometry.name is not None:
            painter.setFont(self._name_font)
            painter.setPen(user_color(message.sender_user_id))
            painter.drawText(
                geometry.name,
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                message.sender_user_id,
            )
        footer_theme = theme
        if is_media(message):
            parts = [r for r in (geometry.caption, geometry.time, geometry.mark) if r is not None]
            backdrop = union(parts) if geometry.media_overlay else None
            progress = index.data(UploadProgressRole)
            wrap_width = wrap_width_for(float(option.rect.width()))
            footer_theme = self.media.paint(
                painter, geometry.text, message, progress, theme, backdrop, wrap_width
            )
        else:
            painter.setFont(self._text_font)
            painter.setPen(text_color)
            picture.text.draw(painter, geometry.text.topLeft())

        self._paint_footer(painter, geometry, message, footer_theme)
        painter.restore()

    def preload(self, index: QModelIndex | QPersistentModelIndex, width: float) -> None:
        """Decode the picture of the row at ``width`` now, if it has one (a picture painted once,
        such as the gallery's, must not show its placeholder)."""
        self.media.preload(index.data(MessageRole), wrap_width_for(width), 1.0)

    def _thumbnail_loaded(self, path: str) -> None:
        viewport = getattr(self._view, "viewport", None)
        (viewport() if viewport is not None else self._view).update()

    def _paint_footer(
        self, painter: QPainter, geometry: BubbleLayout, message: Message, theme: Theme
    ) -> None:
        painter.setFont(self._small_font)
        muted = theme.color("muted_text" if theme.name == "light" else "tick_grey")
        centre = int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        painter.setPen(muted)
        painter.drawText(geometry.time, centre, geometry.time_text)
        if geometry.caption is not None:
            if message.sent_status == SentStatus.FAILED or message.receipt_status == ReceiptStatus.FAILED:
                color = theme.color("failed")
            elif geometry.caption_text == AWAITING_READ_LABEL:
                color = theme.color("awaiting_read")
            elif message.receipt_status == ReceiptStatus.DONE and geometry.outgoing:
                color = theme.color("tick_blue")
            else:
                color = muted
            painter.setPen(color)
            painter.drawText(geometry.caption, centre, geometry.caption_text)
        if geometry.mark is not None:
            if geometry.outgoing or message.receipt_status == ReceiptStatus.EXPIRED:
                paint_receipt_mark(painter, geometry.mark, message.receipt_status, theme)
            else:
                paint_awaiting_read(painter, geometry.mark, theme)

    # --- clicks on the receipt marker -----------------------------------------------------------

    def marker_at(
        self, row_rect: QRectF, index: QModelIndex | QPersistentModelIndex, position: QPointF
    ) -> bool:
        """Whether ``position`` (view coordinates) hits the row's receipt marker."""
        marker = self.layout(row_rect, index).marker
        return marker is not None and marker.adjusted(-4, -4, 4, 4).contains(position)

    def editorEvent(
        self, event: QEvent, model, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if (
            event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
            and self.marker_at(QRectF(option.rect), index, event.position())
        ):
            self.receiptClicked.emit(QModelIndex(index))
            return True
        return super().editorEvent(event, model, option, index)
