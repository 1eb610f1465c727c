"""Clocks the engine reads time from: the wall clock, or a virtual one that tests advance."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from readtick.core.validation import check_seconds, invalid, shown

LAST_TIME = 253402128000.0
"""9999-12-30T00:00:00Z: the last time a virtual clock reaches. Every zone (UTC-12 to UTC+14) shows
it as a date ``datetime`` can hold, so a window never fails to draw its clock."""


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
        if (
            isinstance(start, bool)
            or not isinstance(start, (int, float))
            or not 0 <= start <= LAST_TIME  # False for nan too
        ):
            raise invalid(
                f"start must be a time from 0 (1970-01-01) to {LAST_TIME} (9999-12-30), got {shown(start)}"
            )
        self._now = float(start)
        self._listeners: list[Callable[[], None]] = []

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        """Move time forward by ``seconds`` (0 to 100 years, up to ``LAST_TIME``); return the new time.

        Raises:
            ReceiptError: PARAMETER_INVALID for anything else; the clock does not move.
        """
        step = check_seconds(seconds, "seconds")
        if self._now + step > LAST_TIME:
            raise invalid(
                f"advancing {shown(seconds)} seconds would take the virtual clock past 9999-12-30 "
                f"({LAST_TIME})"
            )
        self._now += step
        for listener in list(self._listeners):
            listener()
        return self._now

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)
