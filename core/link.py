"""The simulated network link between one client and the engine: latency and on/off.

What the engine sends a client waits in the link's queue until the engine's clock reaches its due
time (sent time + latency). The queue is first-in first-out: lowering the latency never lets a
later event overtake an earlier one. Taking the link down drops what is in flight; the engine
still holds it (undelivered messages and events) and sends it again on reconnect.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class InFlight:
    """One delivery on its way: ``kind`` "message" (``ref`` a message id) or "event" (an outbox
    event), ``order`` its place in the engine's global order, ``due`` engine-clock seconds."""

    due: float
    order: int
    kind: str
    ref: object


class Link:
    """Latency in seconds of engine clock, an up/down switch, and the FIFO of deliveries."""

    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency
        self.up = True
        self._queue: deque[InFlight] = deque()

    def push(self, now: float, order: int, kind: str, ref: object) -> None:
        self._queue.append(InFlight(now + self.latency, order, kind, ref))

    def pop_due(self, now: float) -> InFlight | None:
        if self._queue and self._queue[0].due <= now:
            return self._queue.popleft()
        return None

    def next_due(self) -> float | None:
        return self._queue[0].due if self._queue else None

    def clear(self) -> None:
        self._queue.clear()

    def __len__(self) -> int:
        return len(self._queue)
