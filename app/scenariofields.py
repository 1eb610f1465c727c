"""Reading one field of a parsed scenario table: a reader checks the value, records a ``Problem``
saying where and why when it is wrong, and returns ``None`` then, so checking goes on.

Ids and message text are checked with core's own validators (``readtick.core.validation``), so a
scenario can never name what the engine would refuse once it runs. Values quoted back in a
problem are shortened: a hostile file must not turn one problem into a megabyte of output.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
import reprlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from readtick.app.scenariomodel import Problem, format_duration
from readtick.core import ReceiptError, TextMessage
from readtick.core.clock import LAST_TIME
from readtick.core.mediafile import MediaFile, open_media_file
from readtick.core.validation import MAX_SECONDS, check_content, check_id, check_rate, check_seconds

MAX_DURATION = MAX_SECONDS
"""Longest ``receipt_lifetime``, ``latency`` or ``advance_time`` (100 years): the clock stays on
dates the window can show, and a lifetime fits a ``timedelta`` (core refuses more, too)."""
FIRST_CLOCK = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
LAST_CLOCK = _dt.datetime.fromtimestamp(LAST_TIME, _dt.UTC)
"""The virtual clock stays between these: every zone (UTC-12 to UTC+14) shows such a moment as a
date ``datetime`` can hold, so no picture fails to draw its clock."""
MAX_WAIT = 3600.0
"""Longest ``wait``: it is a pause while someone watches a paced play (Qt timers end at 24.8 days)."""

LABEL_RULE = "must be 1-64 letters, digits, '_', '-' or '.', starting with a letter or digit"
_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
"""Message and screenshot names; a screenshot's becomes a file name, so no '/' and no leading '.'."""
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}

_SHORT = reprlib.Repr()
_SHORT.maxstring, _SHORT.maxlong, _SHORT.maxother = 80, 40, 80
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict = 3, 6, 4


def shown(value: object) -> str:
    """``repr(value)``, shortened to a line: long strings and numbers keep their two ends."""
    return _SHORT.repr(value)


def type_name(value: object) -> str:
    """What a TOML value is, in the words a scenario's author knows."""
    names = (
        (bool, "a boolean"),
        (int, "an integer"),
        (float, "a number"),
        (str, "a string"),
        (list, "a list"),
        (dict, "a table"),
        (_dt.datetime, "a date-time"),
        (_dt.date, "a date"),
        (_dt.time, "a time"),
    )
    return next((name for kind, name in names if isinstance(value, kind)), type(value).__name__)


def suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def parse_duration(value: object, limit: float = MAX_DURATION) -> float:
    """Seconds from a number (``90``, ``1.5``) or a string like ``"7d"``, ``"90m"``, ``"1h30m"``.

    Raises ``ValueError`` with a sentence saying what is accepted: at most ``limit`` seconds,
    finite and not negative.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f'expected seconds or a duration like "7d" or "90m", got {shown(value)}')
    if isinstance(value, str):
        seconds = _seconds_of_text(value)
    elif value > limit:  # compared before any float(): an integer may be beyond a float's range
        seconds = limit + 1
    else:
        try:
            seconds = check_seconds(value, "a duration")
        except ReceiptError as error:
            raise ValueError(error.message) from None
    if seconds > limit:
        raise ValueError(f"must be at most {format_duration(limit)}, got {shown(value)}")
    return seconds


def _seconds_of_text(value: str) -> float:
    text = value.strip().lower()
    pos, total = 0, 0.0
    for match in _DURATION_PART.finditer(text):
        if match.start() != pos and text[pos : match.start()].strip():
            break
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        pos = match.end()
    if not text or pos == 0 or text[pos:].strip():
        raise ValueError(
            f"{shown(value)} is not a duration; write seconds (90) or a number with a unit: "
            'ms, s, m, h, d, w ("7d", "90m", "1h30m")'
        )
    return total  # digits and units only: never negative or nan, at worst inf (over any limit)


class FieldReader:
    """Collects the problems of one scenario file; each method reads one kind of field.

    Files a scenario names (pictures to send) are relative to the scenario file's folder, or to
    the working directory for a scenario given as text.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        path = Path(source)
        self.base_dir = path.resolve().parent if path.is_file() else Path.cwd()

    def problem(self, where: str, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.source, where, field_name, message))

    def unknown_keys(self, table: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                self.problem(
                    where, key, f"unknown field{suggest(key, allowed)}; allowed: {', '.join(allowed)}"
                )

    def tables(
        self, entries: list[Any], section: str, allowed: Sequence[str]
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """The ``[[section]]`` entries that are tables, each with its place ("[[users]] #2")."""
        for index, entry in enumerate(entries, 1):
            where = f"[[{section}]] #{index}"
            if not isinstance(entry, dict):
                self.problem(where, "", f"must be a table, got {type_name(entry)}")
                continue
            self.unknown_keys(entry, allowed, where)
            yield where, entry

    def string(self, table: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str | None:
        if key not in table:
            if required:
                self.problem(where, key, "is missing")
            return None
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            self.problem(where, key, f"must be a non-empty string, got {type_name(value)} {shown(value)}")
            return None
        return value

    def ident(self, table: Mapping[str, Any], key: str, where: str, what: str) -> str | None:
        """A user or group id, by core's rule (what the engine accepts)."""
        value = self.string(table, key, where)
        if value is None:
            return None
        try:
            return check_id(value, what)
        except ReceiptError as error:
            self.problem(where, key, error.message)
            return None

    def label(
        self, table: Mapping[str, Any], key: str, where: str, what: str, *, required: bool = True
    ) -> str | None:
        """A name the scenario gives a message or a screenshot."""
        value = self.string(table, key, where, required=required)
        if value is not None and not _LABEL.fullmatch(value):
            self.problem(where, key, f"{what} {shown(value)} {LABEL_RULE}")
            return None
        return value

    def text(self, table: Mapping[str, Any], key: str, where: str) -> str | None:
        """Message text, by core's rule (not blank, at most 32 KiB of UTF-8)."""
        value = self.string(table, key, where)
        if value is None:
            return None
        try:
            check_content(TextMessage(message=value))
        except ReceiptError as error:
            self.problem(where, key, error.message)
            return None
        return value

    def media_file(self, table: Mapping[str, Any], key: str, where: str) -> MediaFile | None:
        """A file to send, relative to the scenario, checked as core checks it (a regular,
        readable file of at most 25 MiB, not a link)."""
        value = self.string(table, key, where)
        if value is None:
            return None
        if Path(value).is_absolute() or value.startswith("~"):
            self.problem(where, key, f"{shown(value)}: give the path relative to the scenario file")
            return None
        try:
            return open_media_file(str(self.base_dir / value))
        except ReceiptError as error:
            self.problem(where, key, error.message)
            return None

    def rate(self, table: Mapping[str, Any], key: str, where: str) -> float | None:
        """A rate in units per second (a number > 0)."""
        try:
            return check_rate(table[key], key)
        except ReceiptError as error:
            self.problem(where, key, f"{error.message.split(', got')[0]}, got {shown(table[key])}")
            return None

    def boolean(self, table: Mapping[str, Any], key: str, where: str, default: bool) -> bool | None:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.problem(where, key, f"must be true or false, got {type_name(value)} {shown(value)}")
            return None
        return value

    def duration(
        self, value: object, where: str, key: str, *, positive: bool, limit: float = MAX_DURATION
    ) -> float | None:
        try:
            seconds = parse_duration(value, limit)
        except ValueError as error:
            self.problem(where, key, str(error))
            return None
        if positive and seconds <= 0:
            self.problem(where, key, f"must be more than 0 seconds, got {shown(value)}")
            return None
        return seconds

    def count(self, table: Mapping[str, Any], key: str, where: str) -> int | None:
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem(where, key, f"must be a whole number >= 0, got {type_name(value)} {shown(value)}")
            return None
        return value
