"""Avatars drawn on the fly: a coloured disc with a user's initial, or a rounded square with '#'
for a group. Colours are stable per id, so a user looks the same in every panel and run.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import QWidget
from readtick.ui.theme import ui_font

_COLORS = ("#e5484d", "#2f7de1", "#12a594", "#ab4aba", "#f76b15", "#3e63dd", "#978365", "#d6409f")


def user_color(user_id: str) -> QColor:
    """A stable colour per id (sum of code points: unlike ``hash``, the same in every run)."""
    return QColor(_COLORS[_color_index(user_id)])


def _color_index(user_id: str) -> int:
    return sum(map(ord, user_id)) % len(_COLORS)


def avatar_pixmap(name: str, size: int, *, group: bool = False, device_pixel_ratio: float = 1.0) -> QPixmap:
    return _draw(_initial(name, group), user_color(name), size, group, device_pixel_ratio)


def _draw(initial: str, color: QColor, size: int, group: bool, device_pixel_ratio: float) -> QPixmap:
    pixmap = QPixmap(int(size * device_pixel_ratio), int(size * device_pixel_ratio))
    pixmap.setDevicePixelRatio(device_pixel_ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    rect = QRectF(0, 0, size, size)
    if group:
        painter.drawRoundedRect(rect, size * 0.28, size * 0.28)
    else:
        painter.drawEllipse(rect)
    font = ui_font(max(8, int(size * 0.48)), bold=True)
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), initial)
    painter.end()
    return pixmap


def avatar_icon(name: str, size: int = 18, *, group: bool = False) -> QIcon:
    """The avatar as an icon; names that look the same (initial, colour) share one: a list of
    10,000 members draws a few dozen images, not one per row."""
    return _icon(_initial(name, group), _color_index(name), size, group)


def _initial(name: str, group: bool) -> str:
    return "#" if group else (name[:1].upper() or "?")


@functools.lru_cache(maxsize=1024)
def _icon(initial: str, color: int, size: int, group: bool) -> QIcon:
    return QIcon(_draw(initial, QColor(_COLORS[color]), size, group, 2.0))


class AvatarWidget(QWidget):
    """A user's avatar, drawn at the pixel ratio of whatever it is painted on (a screen at scale
    2, an image), so it stays crisp; the pixmap is made again only when that ratio changes."""

    def __init__(self, name: str, size: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._size = size
        self._pixmap: QPixmap | None = None
        self.setFixedSize(size, size)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(self._size, self._size)

    def pixmap_ratio(self) -> float:
        """The device pixel ratio of the pixmap last drawn (0 before the first paint)."""
        return self._pixmap.devicePixelRatio() if self._pixmap is not None else 0.0

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        # the device transform carries the target's scale also when rendered into an image
        ratio = max(1.0, painter.device().devicePixelRatioF(), abs(painter.deviceTransform().m11()))
        if self._pixmap is None or self._pixmap.devicePixelRatio() != ratio:
            self._pixmap = avatar_pixmap(self._name, self._size, device_pixel_ratio=ratio)
        painter.drawPixmap(0, 0, self._pixmap)
        painter.end()
