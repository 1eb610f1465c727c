"""The gallery's media rows: an image and a file message in every receipt state (and uploading),
outgoing and incoming, in both themes, painted by the real delegate like the text rows.

The picture is the bundled ``resources/media/photo.png``; the file is a PDF of a fixed size, so
every cell is the same on every machine. ``readtick.app.gallery`` renders these with the text
cells and puts them under them on the contact sheet.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
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
from readtick.core import (
    ConversationType,
    FileMessage,
    ImageMessage,
    MediaMessage,
    MessageDirection,
    MessageReceiptInfo,
    ReceiptStatus,
    SentStatus,
)
from readtick.ui.theme import RESOURCES, THEMES

MEDIA_KINDS = ("image", "file")
UPLOADING = "uploading"
"""The state of an outgoing media message whose file is still uploading (40% of it)."""
MEDIA_STATES: tuple[ReceiptStatus | str, ...] = (*STATES, UPLOADING)
DIRECTIONS = (MessageDirection.SEND, MessageDirection.RECEIVE)
MEDIA_CELL = QSize(340, 176)
UPLOADED = 0.4
PHOTO = RESOURCES / "media" / "photo.png"
PHOTO_SIZE = (360, 240)
ME, PEER = "alice", "bob"


def state_name(state: ReceiptStatus | str) -> str:
    return state if isinstance(state, str) else state.name.lower()


@dataclass(frozen=True)
class MediaCell:
    """One media picture of the gallery."""

    theme: str
    media: str
    direction: MessageDirection
    state: ReceiptStatus | str

    @property
    def file_name(self) -> str:
        side = "outgoing" if self.direction is MessageDirection.SEND else "incoming"
        return f"{self.theme}-{self.media}-{side}-{state_name(self.state)}.png"


def media_cells(theme: str | None = None) -> Iterator[MediaCell]:
    """Every media cell (of ``theme``, or of both), in contact-sheet order; the uploading state
    only outgoing (a receiver never sees an upload)."""
    for name in ("light", "dark") if theme is None else (theme,):
        for state in MEDIA_STATES:
            for media in MEDIA_KINDS:
                for direction in DIRECTIONS:
                    if state == UPLOADING and direction is MessageDirection.RECEIVE:
                        continue
                    yield MediaCell(name, media, direction, state)


def sample_media_message(
    cell: MediaCell, timestamp: float
) -> tuple[MediaMessage, MessageReceiptInfo | None, float | None]:
    """The message a client would hold in this state, its sender's info, and its upload."""
    outgoing = cell.direction is MessageDirection.SEND
    uploading = cell.state == UPLOADING
    status = ReceiptStatus.NONE if uploading else ReceiptStatus(cell.state)
    failed = status is ReceiptStatus.FAILED
    sent = not (uploading or failed)
    common = {
        "message_id": 2000 + MEDIA_STATES.index(cell.state) if sent else 0,
        "local_message_id": 1,
        "conversation_id": PEER if outgoing else ME,
        "conversation_type": ConversationType.PEER,
        "sender_user_id": ME if outgoing else PEER,
        "direction": cell.direction,
        "sent_status": SentStatus.SENDING
        if uploading
        else SentStatus.FAILED
        if failed
        else SentStatus.SUCCESS,
        "timestamp": timestamp,
        "order_key": 1,
        "conversation_seq": 1 if sent else 0,
        "receipt_status": status,
    }
    message: MediaMessage
    if cell.media == "image":
        width, height = PHOTO_SIZE
        message = ImageMessage(
            file_local_path=str(PHOTO),
            file_name="photo.png",
            file_size=PHOTO.stat().st_size,
            original_image_width=width,
            original_image_height=height,
            **common,  # type: ignore[arg-type]
        )
    else:
        message = FileMessage(
            file_local_path=str(RESOURCES / "media" / "report.pdf"),
            file_name="report.pdf",
            file_size=2_516_582,
            **common,  # type: ignore[arg-type]
        )
    info = None
    if outgoing and sent and status is not ReceiptStatus.NONE:
        read = 1 if status is ReceiptStatus.DONE else 0
        info = MessageReceiptInfo(PEER, ConversationType.PEER, message.message_id, status, read, 1 - read)
    return message, info, UPLOADED if uploading else None


# ------------------------------------------------------------------------------ contact sheet
COLUMNS = [(media, direction) for media in MEDIA_KINDS for direction in DIRECTIONS]


def media_block_height() -> int:
    return TITLE_HEIGHT + HEADER_HEIGHT + len(MEDIA_STATES) * (MEDIA_CELL.height() + GAP)


def media_block_width() -> int:
    return LABEL_WIDTH + len(COLUMNS) * (MEDIA_CELL.width() + GAP) + GAP


def draw_media_block(
    painter: QPainter,
    images: dict[MediaCell, QImage],
    theme: str,
    top: int,
    fonts: tuple[QFont, QFont, QFont],
    notes: dict[ReceiptStatus, str],
    note_color: QColor,
) -> None:
    """One theme's media cells on the contact sheet: a title, the columns, a row per state;
    ``notes`` beside incoming cells of states a receiver never has."""
    title_font, label_font, note_font = fonts
    text_color = painter.pen().color()
    sides = {MessageDirection.SEND: "outgoing", MessageDirection.RECEIVE: "incoming"}
    headings = [f"{media} · {sides[direction]}" for media, direction in COLUMNS]
    title = f"readtick media receipts — {theme} theme"
    width, cell_w = media_block_width(), MEDIA_CELL.width()
    y = draw_heading(painter, top, width, title, headings, cell_w, (title_font, label_font))
    for state in MEDIA_STATES:
        label = UPLOADING.upper() if state == UPLOADING else ReceiptStatus(state).name
        draw_row_label(painter, y, MEDIA_CELL.height(), label)
        for column, (media, direction) in enumerate(COLUMNS):
            cell = MediaCell(theme, media, direction, state)
            box = QRectF(cell_left(column, cell_w), y, cell_w, MEDIA_CELL.height())
            note = None
            if cell in images:
                if direction is MessageDirection.RECEIVE and not isinstance(state, str):
                    note = notes.get(ReceiptStatus(state))
                # a state a receiver never has is shown faded, so its note reads over it
                painter.fillRect(box, THEMES[theme].color("chat_background"))
                painter.setOpacity(0.4 if note else 1.0)
                painter.drawImage(box.topLeft(), images[cell])
                painter.setOpacity(1.0)
            else:
                painter.fillRect(box, THEMES[theme].color("chat_background"))
                note = "not a receiver state:\nuploads are the sender's"
            if note:
                painter.setFont(note_font)
                painter.setPen(note_color)
                align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom
                painter.drawText(box.adjusted(0, 0, -GAP, -GAP), int(align), note)
                painter.setFont(label_font)
                painter.setPen(text_color)
        y += MEDIA_CELL.height() + GAP
