"""The receipt-state gallery: every receipt state painted by the UI's real message delegate, one
fixed-size PNG per (theme, conversation kind, direction, state), plus a labelled contact sheet.

``readtick --gallery DIR`` writes them; ``tests/app/test_gallery_golden.py`` compares them with
committed baselines. Nothing here is a copy of the delegate's painting: a row of a real
``MessageListModel`` is painted by a real ``MessageDelegate`` into a ``QImage``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontInfo, QImage, QPainter
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem, QWidget
from readtick.app.contactsheet import (
    GAP,
    HEADER_HEIGHT,
    LABEL_WIDTH,
    STATES,
    TITLE_HEIGHT,
    cell_left,
    draw_heading,
    draw_row_label,
)
from readtick.app.gallerymedia import (
    MEDIA_CELL,
    MediaCell,
    draw_media_block,
    media_block_height,
    media_block_width,
    media_cells,
    sample_media_message,
)
from readtick.core import (
    ConversationType,
    Message,
    MessageDirection,
    MessageReceiptInfo,
    ReceiptStatus,
    SentStatus,
    TextMessage,
)
from readtick.ui.displaytime import showing_times_in
from readtick.ui.messagedelegate import MessageDelegate
from readtick.ui.messagemodel import MessageListModel
from readtick.ui.theme import UI_FONT_FAMILY, apply_theme, current_theme, ui_font

KINDS = (ConversationType.PEER, ConversationType.GROUP)
DIRECTIONS = (MessageDirection.SEND, MessageDirection.RECEIVE)
THEME_NAMES = ("light", "dark")

#: Every cell has this size, whatever it shows, so pictures line up and compare pixel by pixel.
CELL = QSize(340, 76)
CONTACT_SHEET = "contact-sheet.png"
GROUP_ID, ME, PEER = "team", "alice", "bob"
GROUP_READERS = 3  # eligible readers of the group message: 1 read, 2 unread while in progress
#: 09:41 on a fixed day, shown in ZONE on every machine, so the time in the footer never changes.
TIMESTAMP = datetime.datetime(2025, 1, 6, 9, 41, tzinfo=datetime.UTC).timestamp()
ZONE = datetime.UTC


@dataclass(frozen=True)
class Cell:
    """One picture of the gallery."""

    theme: str
    kind: ConversationType
    direction: MessageDirection
    status: ReceiptStatus

    @property
    def file_name(self) -> str:
        side = "outgoing" if self.direction is MessageDirection.SEND else "incoming"
        return f"{self.theme}-{self.kind.name.lower()}-{side}-{self.status.name.lower()}.png"

    @property
    def label(self) -> str:
        side = "outgoing" if self.direction is MessageDirection.SEND else "incoming"
        return f"{self.kind.name.lower()} {side}"


def cells() -> Iterator[Cell]:
    """Every cell, in contact-sheet order: theme, state (rows), kind and direction (columns)."""
    for theme in THEME_NAMES:
        for status in STATES:
            for kind in KINDS:
                for direction in DIRECTIONS:
                    yield Cell(theme, kind, direction, status)


def sample_message(cell: Cell) -> tuple[TextMessage, MessageReceiptInfo | None]:
    """The message a client would hold in this state, and the receipt info its sender knows."""
    outgoing = cell.direction is MessageDirection.SEND
    group = cell.kind is ConversationType.GROUP
    failed = cell.status is ReceiptStatus.FAILED
    if group:
        conversation = GROUP_ID
    else:
        conversation = PEER if outgoing else ME
    text = {
        ReceiptStatus.NONE: "No receipt asked for this one",
        ReceiptStatus.PROCESSING: "Sent, waiting to be read",
        ReceiptStatus.DELIVERED: "Delivered to all",
        ReceiptStatus.DONE: "Read, thanks!",
        ReceiptStatus.EXPIRED: "Too late to read",
        ReceiptStatus.FAILED: "Sent while offline",
    }[cell.status]
    message = TextMessage(
        message=text,
        message_id=0 if failed else 1000 + STATES.index(cell.status),
        local_message_id=1,
        conversation_id=conversation,
        conversation_type=cell.kind,
        sender_user_id=ME if outgoing else PEER,
        direction=cell.direction,
        sent_status=SentStatus.FAILED if failed else SentStatus.SUCCESS,
        timestamp=TIMESTAMP,
        order_key=1,
        conversation_seq=0 if failed else 1,
        receipt_status=cell.status,
    )
    if not outgoing or failed or cell.status is ReceiptStatus.NONE:
        return message, None
    eligible = GROUP_READERS if group else 1
    read = {
        ReceiptStatus.PROCESSING: 1 if group else 0,
        ReceiptStatus.DELIVERED: 1 if group else 0,
        ReceiptStatus.DONE: eligible,
        ReceiptStatus.EXPIRED: 1 if group else 0,
    }[cell.status]
    info = MessageReceiptInfo(
        conversation_id=conversation,
        conversation_type=cell.kind,
        message_id=message.message_id,
        status=cell.status,
        read_member_count=read,
        unread_member_count=eligible - read,
    )
    return message, info


class GalleryPainter:
    """Paints cells with one real ``MessageDelegate`` over a one-row ``MessageListModel``.

    The delegate measures its width from its view; a plain widget of the cell's width stands in
    for the conversation view (it is never shown).
    """

    def __init__(self, size: QSize = CELL) -> None:
        self.size = QSize(size)
        self._view = QWidget()
        self._view.resize(self.size.width(), 600)
        self._model = MessageListModel(self._view)
        self._delegate = MessageDelegate(self._view)

    def close(self) -> None:
        self._view.deleteLater()

    def row_height(self, cell: Cell) -> int:
        with showing_times_in(ZONE):  # the footer's time is part of the row's width
            index = self._load(*sample_message(cell))
            return self._delegate.sizeHint(self._option(QRect(0, 0, self.size.width(), 0)), index).height()

    def paint(self, cell: Cell) -> QImage:
        """The cell as an image in the current theme (call ``apply_theme`` first), times in ZONE."""
        return self.paint_sample(cell.file_name, *sample_message(cell))

    def paint_sample(
        self, name: str, message: Message, info: MessageReceiptInfo | None, upload: float | None = None
    ) -> QImage:
        """One message as its client holds it (with its sender's ``info``, and how far its
        upload came), painted in the current theme, times in ZONE; a picture in it is decoded
        first, so the image is complete."""
        with showing_times_in(ZONE):
            index = self._load(message, info, upload)
            return self._paint(name, index)

    def _paint(self, name: str, index: QModelIndex) -> QImage:
        height = self._delegate.sizeHint(self._option(QRect(0, 0, self.size.width(), 0)), index).height()
        if height > self.size.height():
            raise ValueError(f"{name}: the row is {height} px high, the cell only {self.size.height()}")
        image = QImage(self.size, QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(1.0)
        image.fill(current_theme().color("chat_background"))
        top = (self.size.height() - height) // 2
        row = QRect(0, top, self.size.width(), height)
        self._delegate.preload(index, self.size.width())
        painter = QPainter(image)
        try:
            self._delegate.paint(painter, self._option(row), index)
        finally:
            painter.end()
        return image

    def _load(
        self, message: Message, info: MessageReceiptInfo | None, upload: float | None = None
    ) -> QModelIndex:
        self._model.set_conversation(
            message.conversation_id, message.conversation_type, [message], [info] if info else []
        )
        if upload is not None:
            self._model.set_upload_progress(message, round(upload * 100), 100)
        return self._model.index(0, 0)

    def _option(self, rect: QRect) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        option.rect = rect
        option.widget = self._view
        return option


def check_font() -> str:
    """The family the UI font resolved to; raises if it is not the pinned one (boxes otherwise)."""
    family = QFontInfo(ui_font()).family()
    if family != UI_FONT_FAMILY:
        raise RuntimeError(
            f"the UI font {UI_FONT_FAMILY!r} is not installed (Qt picked {family!r}); "
            "gallery pictures would not match (install fonts-dejavu-core)"
        )
    return family


def render_gallery(out_dir: Path, app: QApplication) -> list[Path]:
    """Write every cell and the contact sheet to ``out_dir``; return the paths written.

    The theme active before the call is restored afterwards.
    """
    return list(write_gallery(out_dir, app))


def write_gallery(out_dir: Path, app: QApplication) -> Iterator[Path]:
    """``render_gallery`` one picture at a time: yields each path once it is written (the
    contact sheet last), so a caller can give its event loop a turn in between. The theme
    active before is restored when the iteration ends or is abandoned."""
    check_font()
    out_dir.mkdir(parents=True, exist_ok=True)
    previous = current_theme().name
    painter = GalleryPainter()
    media_painter = GalleryPainter(MEDIA_CELL)
    images: dict[Cell, QImage] = {}
    media_images: dict[MediaCell, QImage] = {}

    def save(image: QImage, name: str) -> Path:
        path = out_dir / name
        if not image.save(str(path)):
            raise OSError(f"could not write {path}")
        return path

    try:
        for theme in THEME_NAMES:
            apply_theme(app, theme)
            for cell in (c for c in cells() if c.theme == theme):
                images[cell] = painter.paint(cell)
                yield save(images[cell], cell.file_name)
            for media in media_cells(theme):
                sample = sample_media_message(media, TIMESTAMP)
                media_images[media] = media_painter.paint_sample(media.file_name, *sample)
                yield save(media_images[media], media.file_name)
        sheet = contact_sheet(images, media_images)
        sheet_path = out_dir / CONTACT_SHEET
        if not sheet.save(str(sheet_path)):
            raise OSError(f"could not write {sheet_path}")
        yield sheet_path
    finally:
        painter.close()
        media_painter.close()
        apply_theme(app, previous)


# ------------------------------------------------------------------------------ contact sheet
SHEET_BACKGROUND = "#ffffff"
SHEET_TEXT = "#1f2328"
NOTE_TEXT = {"light": "#8a5a00", "dark": "#e3b341"}
#: Incoming cells that need a word of explanation next to the bubble: states a receiver's copy
#: never has.
RECEIVER_NOTES = {
    ReceiptStatus.DELIVERED: "not a receiver state:\nsender's view only",
    ReceiptStatus.FAILED: "not a receiver state:\na failed send reaches nobody",
}


def contact_sheet(images: dict[Cell, QImage], media_images: dict[MediaCell, QImage] | None = None) -> QImage:
    """All cells in a grid: per theme a title, a header row of columns, one row per state; then
    the media cells, the same way."""
    columns = [(kind, direction) for kind in KINDS for direction in DIRECTIONS]
    block_height = TITLE_HEIGHT + HEADER_HEIGHT + len(STATES) * (CELL.height() + GAP)
    width = max(LABEL_WIDTH + len(columns) * (CELL.width() + GAP) + GAP, media_block_width())
    text_height = len(THEME_NAMES) * block_height
    height = text_height + (len(THEME_NAMES) * media_block_height() if media_images else 0) + GAP
    sheet = QImage(QSize(width, height), QImage.Format.Format_ARGB32_Premultiplied)
    sheet.fill(QColor(SHEET_BACKGROUND))
    painter = QPainter(sheet)
    try:
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        title_font = ui_font(15, bold=True)
        label_font = ui_font(12, bold=True)
        note_font = ui_font(10)
        note_font.setItalic(True)
        painter.setPen(QColor(SHEET_TEXT))
        headings = [f"{kind.name.lower()} · {_side(direction)}" for kind, direction in columns]
        for block, theme in enumerate(THEME_NAMES):
            title = f"readtick receipt states — {theme} theme"
            y = draw_heading(
                painter, block * block_height, width, title, headings, CELL.width(), (title_font, label_font)
            )
            for status in STATES:
                draw_row_label(painter, y, CELL.height(), status.name)
                for column, (kind, direction) in enumerate(columns):
                    x = cell_left(column, CELL.width())
                    painter.drawImage(x, y, images[Cell(theme, kind, direction, status)])
                    note = RECEIVER_NOTES.get(status) if direction is MessageDirection.RECEIVE else None
                    if note:
                        painter.setFont(note_font)
                        painter.setPen(QColor(NOTE_TEXT[theme]))
                        painter.drawText(
                            QRectF(x, y, CELL.width() - GAP, CELL.height()),
                            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                            note,
                        )
                        painter.setFont(label_font)
                        painter.setPen(QColor(SHEET_TEXT))
                y += CELL.height() + GAP
        for block, theme in enumerate(THEME_NAMES if media_images else ()):
            assert media_images is not None
            top = text_height + block * media_block_height()
            fonts = (title_font, label_font, note_font)
            draw_media_block(
                painter, media_images, theme, top, fonts, RECEIVER_NOTES, QColor(NOTE_TEXT[theme])
            )
    finally:
        painter.end()
    return sheet


def _side(direction: MessageDirection) -> str:
    return "outgoing" if direction is MessageDirection.SEND else "incoming"
