"""Receipt marks drawn with QPainterPath: one grey tick, two grey ticks, two blue ticks, a faded
clock, a red failure mark, and the "awaiting your read" dot of incoming messages.

Paths, not font glyphs: they look the same with every font and at every scale, and screenshots
do not depend on which symbol fonts are installed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from readtick.core.enums import ReceiptStatus
from readtick.ui.theme import Theme

#: Size of the box every mark is drawn in (logical pixels). Double ticks use all of it.
MARK_SIZE = QSizeF(18.0, 11.0)
_STROKE = 1.6


def _tick(dx: float) -> QPainterPath:
    path = QPainterPath(QPointF(1.0 + dx, 5.8))
    path.lineTo(4.4 + dx, 9.2)
    path.lineTo(11.4 + dx, 1.6)
    return path


def single_tick_path() -> QPainterPath:
    """One check mark."""
    return _tick(2.5)


def double_tick_path() -> QPainterPath:
    """Two overlapping check marks; the second's short leg starts where the first's long leg
    passes, so they read as a pair rather than as two separate ticks."""
    first = _tick(0.0)
    second = QPainterPath(QPointF(7.6, 7.9))
    second.lineTo(8.9, 9.2)
    second.lineTo(15.9, 1.6)
    first.addPath(second)
    return first


def clock_path() -> QPainterPath:
    """A clock face with two hands (receipt expired)."""
    path = QPainterPath()
    path.addEllipse(QPointF(9.0, 5.5), 4.8, 4.8)
    path.moveTo(9.0, 5.5)
    path.lineTo(9.0, 2.6)
    path.moveTo(9.0, 5.5)
    path.lineTo(11.1, 6.7)
    return path


def failed_mark_path() -> QPainterPath:
    """A filled disc with an exclamation mark cut out of it (send or receipt failed)."""
    disc = QPainterPath()
    disc.addEllipse(QPointF(9.0, 5.5), 5.5, 5.5)
    bang = QPainterPath()
    bang.addRoundedRect(QRectF(8.15, 2.3, 1.7, 4.4), 0.8, 0.8)
    bang.addEllipse(QPointF(9.0, 8.4), 0.95, 0.95)
    return disc.subtracted(bang)


def awaiting_read_path() -> QPainterPath:
    """A filled dot: this incoming message asks for a read receipt you have not sent yet."""
    path = QPainterPath()
    path.addEllipse(QPointF(9.0, 5.5), 3.6, 3.6)
    return path


def has_mark(status: ReceiptStatus) -> bool:
    """Whether an outgoing message with this receipt status shows a mark (NONE shows none)."""
    return status not in (ReceiptStatus.NONE, ReceiptStatus.UNKNOWN)


@cache
def _shared_path(make: Callable[[], QPainterPath]) -> QPainterPath:
    """Each mark's path, built once: every row's repaint draws the same few shapes."""
    return make()


def paint_receipt_mark(painter: QPainter, rect: QRectF, status: ReceiptStatus, theme: Theme) -> None:
    """Paint the mark for an outgoing message's ``status``, centred in ``rect`` (the EXPIRED
    clock marks incoming messages too)."""
    if not has_mark(status):
        return
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.translate(rect.center().x() - MARK_SIZE.width() / 2, rect.center().y() - MARK_SIZE.height() / 2)
    if status == ReceiptStatus.FAILED:
        painter.fillPath(_shared_path(failed_mark_path), QBrush(theme.color("failed")))
    elif status == ReceiptStatus.EXPIRED:
        painter.setOpacity(0.75)
        _stroke(painter, _shared_path(clock_path), theme.color("expired"), 1.3)
    elif status == ReceiptStatus.PROCESSING:
        _stroke(painter, _shared_path(single_tick_path), theme.color("tick_grey"))
    elif status == ReceiptStatus.DELIVERED:
        _stroke(painter, _shared_path(double_tick_path), theme.color("tick_grey"))
    elif status == ReceiptStatus.DONE:
        _stroke(painter, _shared_path(double_tick_path), theme.color("tick_blue"))
    painter.restore()


def paint_awaiting_read(painter: QPainter, rect: QRectF, theme: Theme) -> None:
    """Paint the "awaiting your read" dot centred in ``rect``."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.translate(rect.center().x() - MARK_SIZE.width() / 2, rect.center().y() - MARK_SIZE.height() / 2)
    painter.fillPath(_shared_path(awaiting_read_path), QBrush(theme.color("awaiting_read")))
    painter.restore()


def _stroke(painter: QPainter, path: QPainterPath, color: QColor, width: float = _STROKE) -> None:
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
