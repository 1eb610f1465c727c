"""Guard against the PySide6 6.12.0 reference leak on None.

On Python 3.11, PySide6 6.12.0 drops a reference to None on every void call such as
QPainter.save/restore and setPen; after a few thousand paints the process aborts with
"Fatal Python error: none_dealloc". If an upgrade brings that back, this test fails loudly
instead of the app crashing at random.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QApplication

PAIRS = 1_000


def test_void_calls_do_not_drop_none_references(qapp: QApplication) -> None:
    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    pen = QPen(QColor("blue"))
    painter = QPainter(image)
    try:
        before = sys.getrefcount(None)
        for _ in range(PAIRS):
            painter.save()
            painter.setPen(pen)
            painter.restore()
        after = sys.getrefcount(None)
    finally:
        painter.end()
    # None may gain references (caches, frames); losing any means the binding leaks decrefs.
    assert after >= before, f"refcount of None fell by {before - after} over {PAIRS} save/setPen/restore"
