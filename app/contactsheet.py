"""The gallery's contact sheet, the parts every block of it shares: the states it has rows for,
a block's title and column headings, a row's label, and the measures they are laid out with
(``readtick.app.gallery`` draws the text cells' blocks, ``readtick.app.gallerymedia`` the media
cells')."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QPainter
from readtick.core import ReceiptStatus

STATES = (
    ReceiptStatus.NONE,
    ReceiptStatus.PROCESSING,
    ReceiptStatus.DELIVERED,
    ReceiptStatus.DONE,
    ReceiptStatus.EXPIRED,
    ReceiptStatus.FAILED,
)
"""The receipt states the sheet has a row for, in order."""
LABEL_WIDTH = 120
HEADER_HEIGHT = 28
TITLE_HEIGHT = 34
GAP = 6


def draw_heading(
    painter: QPainter,
    top: float,
    width: float,
    title: str,
    columns: Sequence[str],
    cell_width: float,
    fonts: tuple[QFont, QFont],
) -> float:
    """A block's title across the sheet and its column headings; returns where its rows start
    (the painter is left with the label font)."""
    title_font, label_font = fonts
    painter.setFont(title_font)
    painter.drawText(
        QRectF(GAP, top, width - 2 * GAP, TITLE_HEIGHT),
        int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
        title,
    )
    y = top + TITLE_HEIGHT
    painter.setFont(label_font)
    for column, text in enumerate(columns):
        x = LABEL_WIDTH + column * (cell_width + GAP)
        painter.drawText(QRectF(x, y, cell_width, HEADER_HEIGHT), int(Qt.AlignmentFlag.AlignCenter), text)
    return y + HEADER_HEIGHT


def draw_row_label(painter: QPainter, y: float, height: float, text: str) -> None:
    """A row's label, right-aligned left of its cells."""
    painter.drawText(
        QRectF(GAP, y, LABEL_WIDTH - 2 * GAP, height),
        int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
        text,
    )


def cell_left(column: int, cell_width: float) -> float:
    return LABEL_WIDTH + column * (cell_width + GAP)
