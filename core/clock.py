"""Clocks the engine reads time from: the wall clock, or a virtual one that tests advance."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol


class Clock(Protocol):
    """Anything with ``now()`` in seconds; ``subscribe`` tells listeners when time jumps.

    ``flows_by_itself`` is True for a clock that moves without being told (the engine then sets
    timers for what becomes due); a virtual clock notifies its subscribers instead.
    """

    flows_by_itself: bool

    def now(self) -> float: ...

    def subscribe(self, listener: Callable[[], None]) -> None: ...


class RealClock:
    """Wall-clock seconds since the epoch. Time flows by itself; nobody is told."""

    flows_by_itself = True

    def now(self) -> float:
        return time.time()

    def subscribe(self, listener: Callable[[], None]) -> None:
        """Real time never jumps; listeners are never called."""


class VirtualClock:
    """A clock that only moves when told to: tests, scenarios and the "advance time" control.

    ``advance`` notifies subscribers (the engine), so deliveries and expiries that became due are
    processed on the running loop without anyone sleeping.
    """

    flows_by_itself = False

    def __init__(self, start: float = 0.0) -> None:
        self._now = float(start)
        self._listeners: list[Callable[[], None]] = []

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        """Move time forward by ``seconds`` (>= 0) and return the new time."""
        if not isinstance(seconds, (int, float)) or seconds != seconds or seconds < 0:
            raise ValueError(f"advance() needs a number of seconds >= 0, got {seconds!r}")
        self._now += float(seconds)
        for listener in list(self._listeners):
            listener()
        return self._now

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)
