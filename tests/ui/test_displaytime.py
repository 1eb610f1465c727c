"""The display zone: times in a set zone whatever the machine's, and a ``with`` block that puts
the previous zone back (the gallery paints in UTC inside a window that may show local time)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from readtick.ui.displaytime import clock_text, display_zone, set_display_zone, showing_times_in

NINE_UTC = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC).timestamp()


def test_times_follow_the_zone_set_and_the_block_restores_it() -> None:
    before = display_zone()  # None in the interactive demo: the machine's own zone
    with showing_times_in(ZoneInfo("Asia/Shanghai")):
        assert clock_text(NINE_UTC) == "17:00"
        with showing_times_in(dt.UTC):
            assert clock_text(NINE_UTC, "%Y-%m-%d %H:%M:%S") == "2025-01-06 09:00:00"
        assert clock_text(NINE_UTC) == "17:00"
    assert display_zone() is before


def test_set_display_zone_stays_until_changed() -> None:
    before = display_zone()
    try:
        set_display_zone(ZoneInfo("America/New_York"))
        assert clock_text(NINE_UTC) == "04:00"
    finally:
        set_display_zone(before)
