"""Avatars drawn on the fly: a coloured disc with a user's initial, or a rounded square with '#'
for a group. Colours are stable per id, so a user looks the same in every panel and run.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from readtick.ui.theme import ui_font

_COLORS = ("#e5484d", "#2f7de1", "#12a594", "#ab4aba", "#f76b15", "#3e63dd", "#978365", "#d6409f")


def user_color(user_id: str) -> QColor:
    """A stable colour per id (sum of code points: unlike ``hash``, the same in every run)."""
    return QColor(_COLORS[sum(map(ord, user_id)) % len(_COLORS)])


def avatar_pixmap(name: str, size: int, *, group: bool = False, device_pixel_ratio: float = 1.0) -> QPixmap:
    pixmap = QPixmap(int(size * device_pixel_ratio), int(size * device_pixel_ratio))
    pixmap.setDevicePixelRatio(device_pixel_ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(user_color(name))
    rect = QRectF(0, 0, size, size)
    if group:
        painter.drawRoundedRect(rect, size * 0.28, size * 0.28)
    else:
        painter.drawEllipse(rect)
    font = ui_font(max(8, int(size * 0.48)), bold=True)
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), "#" if group else (name[:1].upper() or "?"))
    painter.end()
    return pixmap


def avatar_icon(name: str, size: int = 18, *, group: bool = False) -> QIcon:
    return QIcon(avatar_pixmap(name, size, group=group, device_pixel_ratio=2.0))
