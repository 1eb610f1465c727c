"""A message's text laid out in lines for its bubble, and its measured size, cached.

Measuring runs on every ``sizeHint``, so sizes are kept per text and wrap width (the least
recently used dropped first); painting lays the text out once per row picture.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QPointF
from PySide6.QtGui import QFont, QTextLayout, QTextOption

#: Text sizes kept (least recently used dropped first).
TEXT_SIZE_CACHE = 4096


class BubbleText:
    """Lays out and measures message text in one font."""

    def __init__(self, font: QFont) -> None:
        self._font = font
        self._sizes: OrderedDict[tuple[str, float], tuple[float, float]] = OrderedDict()

    def size(self, text: str, wrap_width: float) -> tuple[float, float]:
        """Width and height of ``text`` wrapped at ``wrap_width``; cached (sizeHint runs often)."""
        key = (text, wrap_width)
        size = self._sizes.get(key)
        if size is None:
            layout = self.layout(text, wrap_width)
            lines = [layout.lineAt(i) for i in range(layout.lineCount())]
            natural = max((line.naturalTextWidth() for line in lines), default=0.0)
            size = (min(natural + 1.0, wrap_width), sum(line.height() for line in lines))
            self._sizes[key] = size
            if len(self._sizes) > TEXT_SIZE_CACHE:
                self._sizes.popitem(last=False)
        else:
            self._sizes.move_to_end(key)
        return size

    def layout(self, text: str, wrap_width: float) -> QTextLayout:
        """The message text laid out in lines of ``wrap_width``: at word boundaries, or anywhere
        inside a word too long for a line (a URL, a run of CJK without spaces)."""
        layout = QTextLayout(text or " ", self._font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        y = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(wrap_width)
            line.setPosition(QPointF(0, y))
            y += line.height()
        layout.endLayout()
        return layout
