"""The time zone the window shows clock times in, and the one function that formats them.

A person at the interactive demo sees the machine's local time (the default). Pictures must be
the same on every machine, so the app sets a fixed zone for them, as it applies a theme: UTC for
the gallery, the scenario's ``timezone`` (UTC unless it names one) for scenario windows.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from contextlib import contextmanager

_zone: _dt.tzinfo | None = None  # None: the machine's local time


def set_display_zone(zone: _dt.tzinfo | None) -> None:
    """Show every time from now on in ``zone``; ``None`` goes back to the machine's local time."""
    global _zone
    _zone = zone


def display_zone() -> _dt.tzinfo | None:
    return _zone


@contextmanager
def showing_times_in(zone: _dt.tzinfo | None) -> Iterator[None]:
    """Show times in ``zone`` inside the ``with`` block, and in the zone before it afterwards."""
    previous = _zone
    set_display_zone(zone)
    try:
        yield
    finally:
        set_display_zone(previous)


def clock_text(timestamp: float, pattern: str = "%H:%M") -> str:
    """``timestamp`` (seconds since the epoch) as the window shows it: ``pattern`` in the zone set."""
    return _dt.datetime.fromtimestamp(timestamp, _zone).strftime(pattern)
