"""Changes gathered between frames: ``FrameBatch`` collects keys (rows whose receipt changed, a
dialog whose lists moved) and hands them to one callback at most once per frame, so a burst of a
thousand receipt events costs one repaint instead of a thousand.

The first change after a quiet spell is handed over on the next turn of the event loop (a read
still shows within the frame it arrives in); changes that follow within a frame of that wait for
the next frame.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer

#: One frame at 60 Hz, in seconds: the shortest time between two hand-overs.
FRAME_SECONDS = 1 / 60

K = TypeVar("K", bound=Hashable)


class FrameBatch(Generic[K]):
    """Collects keys and calls ``flush(keys)`` with them (in the order first added, each once)
    on a later turn of the event loop, at most once per ``FRAME_SECONDS``.

    Its timer is a child of ``owner``: when the owner goes away, nothing pending is handed over.
    """

    def __init__(self, owner: QObject, flush: Callable[[list[K]], None]) -> None:
        self._flush = flush
        self._pending: dict[K, None] = {}
        self._last = -FRAME_SECONDS
        self._timer = QTimer(owner)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self.flush_now)

    def add(self, keys: Iterable[K]) -> None:
        """Remember ``keys`` for the next hand-over, and schedule it if none is."""
        self._pending.update(dict.fromkeys(keys))
        if self._pending and not self._timer.isActive():
            wait = self._last + FRAME_SECONDS - time.monotonic()
            self._timer.start(max(0, round(wait * 1000)))

    def pending(self) -> list[K]:
        return list(self._pending)

    def clear(self) -> None:
        """Forget what is pending (what it named is gone, e.g. the model was reset)."""
        self._pending.clear()
        self._timer.stop()

    def flush_now(self) -> None:
        """Hand over what is pending now (also what the timer does)."""
        self._timer.stop()
        if not self._pending:
            return
        keys = list(self._pending)
        self._pending.clear()
        self._last = time.monotonic()
        self._flush(keys)
