"""Thumbnails of image messages, decoded off the paint path and kept in a small cache.

Painting never reads a file: ``get`` only looks in the cache. ``request`` queues a decode that runs
on a later turn of the event loop, one file per turn, with ``QImageReader`` decoding straight to
the thumbnail's size (a large JPEG is never decoded whole); ``loaded`` then says which file is
ready, and the views showing it repaint. ``load_now`` decodes at once, for pictures that must be
complete the first time (the gallery, screenshots). A file that cannot be read is remembered as
such (a null image), so it is not tried again on every paint.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QImageReader

#: How many thumbnails are kept (a 220 x 200 thumbnail at 2x is about 700 KB).
CAPACITY = 96

Key = tuple[str, int, int]
_EXPAND = Qt.AspectRatioMode.KeepAspectRatioByExpanding
_SMOOTH = Qt.TransformationMode.SmoothTransformation


class ThumbnailCache(QObject):
    """Decoded thumbnails by (path, pixel width, pixel height).

    Signals:
        loaded(str): the thumbnail of this file was decoded (or found unreadable).
    """

    loaded = Signal(str)

    def __init__(self, capacity: int = CAPACITY, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._capacity = capacity
        self._images: OrderedDict[Key, QImage] = OrderedDict()
        self._pending: OrderedDict[Key, None] = OrderedDict()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._decode_next)
        self.decodes = 0  # counted for tests: paint must never add to it

    def get(self, path: str, size: QSize) -> QImage | None:
        """The thumbnail if it is decoded (a null image: the file cannot be shown), else None."""
        key = _key(path, size)
        image = self._images.get(key)
        if image is not None:
            self._images.move_to_end(key)
        return image

    def request(self, path: str, size: QSize) -> None:
        """Decode the thumbnail soon, unless it is cached or already queued."""
        key = _key(path, size)
        if key in self._images or key in self._pending or not path:
            return
        self._pending[key] = None
        if not self._timer.isActive():
            self._timer.start()

    def load_now(self, path: str, size: QSize) -> QImage:
        """Decode the thumbnail now (if not cached) and return it (null if unreadable)."""
        key = _key(path, size)
        self._pending.pop(key, None)
        image = self.get(path, size)
        if image is None:
            image = self._store(key, _decode(path, QSize(key[1], key[2])))
        return image

    def decode_pending(self) -> None:
        """Decode every queued thumbnail now (before a screenshot, so it shows pictures)."""
        while self._pending:
            self._decode_next()

    def clear(self) -> None:
        self._images.clear()
        self._pending.clear()

    def _decode_next(self) -> None:
        if not self._pending:
            return
        key, _ = self._pending.popitem(last=False)
        self._store(key, _decode(key[0], QSize(key[1], key[2])))
        self.loaded.emit(key[0])
        if self._pending:
            self._timer.start()

    def _store(self, key: Key, image: QImage) -> QImage:
        self.decodes += 1
        self._images[key] = image
        while len(self._images) > self._capacity:
            self._images.popitem(last=False)
        return image


def _key(path: str, size: QSize) -> Key:
    return (path, size.width(), size.height())


def _decode(path: str, size: QSize) -> QImage:
    """The picture at ``path`` scaled to fill ``size`` (aspect kept, centre cropped); null if
    it cannot be read."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    natural = reader.size()
    if natural.isValid() and natural.width() > 0 and natural.height() > 0:
        scaled = natural.scaled(size, _EXPAND)
        reader.setScaledSize(scaled)
    image = reader.read()
    if image.isNull():
        return QImage()
    if image.size() != size:
        image = image.scaled(size, _EXPAND, _SMOOTH)
        x = (image.width() - size.width()) // 2
        y = (image.height() - size.height()) // 2
        image = image.copy(x, y, size.width(), size.height())
    return image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)


_shared: ThumbnailCache | None = None


def shared_thumbnails() -> ThumbnailCache:
    """The cache every conversation view shares (one decode per file and size, however many
    panels show it)."""
    global _shared
    if _shared is None:
        _shared = ThumbnailCache()
    return _shared
