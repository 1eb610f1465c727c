"""Checks of untrusted input (ids, counts, message content) that raise ``ReceiptError``.

Everything a user types or a scenario file names passes through here before the engine writes
anything, so a bad argument never leaves state half changed.
"""

from __future__ import annotations

import math
import re
import reprlib
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta

from readtick.core.enums import ConversationType
from readtick.core.errors import ErrorCode, ReceiptError
from readtick.core.messages import BarrageMessage, CommandMessage, Message, MultipleMessage, TextMessage

ID_PATTERN = re.compile(r"[A-Za-z0-9_.@\-]{1,32}")
"""User and group ids: 1-32 of letters, digits and ``_ . @ -`` (the SDK's id alphabet, narrowed)."""

MAX_TEXT_BYTES = 32 * 1024
"""The SDK's limit on a text message, in UTF-8 bytes."""

MAX_ID = 2**63 - 1
"""Largest message id, ``next_flag`` or size: what a 64-bit signed integer (SQLite's) holds."""

MAX_SECONDS = 36500 * 86400.0
"""Longest latency, clock step or receipt lifetime (100 years): the clock stays on dates the window
can show, and a lifetime fits a ``timedelta``."""

MAX_LIFETIME = timedelta(seconds=MAX_SECONDS)

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SHORT = reprlib.Repr()
_SHORT.maxstring, _SHORT.maxother = 80, 80
# (file_local_path is core.mediafile's to check, as the path of a file that must exist)
_PAYLOAD_TEXTS = ("file_name", "title", "summary_text")
_PAYLOAD_COUNTS = (
    "file_size",
    "audio_duration",
    "video_duration",
    "original_image_width",
    "original_image_height",
)


def invalid(reason: str) -> ReceiptError:
    return ReceiptError(ErrorCode.PARAMETER_INVALID, reason)


def shown(value: object) -> str:
    """``repr(value)`` kept to a line: a hostile argument must not make a megabyte of message (and
    Python refuses to print an integer of more than 4,300 digits at all)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        digits = int(abs(value).bit_length() * math.log10(2))
        digits += abs(value) >= 10**digits
        return f"{'minus ' if value < 0 else ''}an integer of {digits} digits"
    return _SHORT.repr(value)


def check_id(value: object, what: str) -> str:
    """Return ``value`` if it is a valid id, else raise naming ``what`` and the value."""
    if not isinstance(value, str):
        raise invalid(f"{what} must be a string, got {type(value).__name__} {shown(value)}")
    if not ID_PATTERN.fullmatch(value):
        raise invalid(
            f"{what} {shown(value)} is not a valid id: use 1-32 letters, digits or _ . @ - (no spaces)"
        )
    return value


def check_ids(values: object, what: str) -> list[str]:
    """A non-empty list of distinct valid ids."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence | set | frozenset):
        raise invalid(f"{what} must be a list of ids, got {type(values).__name__}")
    ids = [check_id(v, what[:-1] if what.endswith("s") else what) for v in values]
    if not ids:
        raise invalid(f"{what} is empty: name at least one user")
    duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
    if duplicates:
        raise invalid(f"{what} names {', '.join(duplicates)} more than once")
    return ids


def check_conversation_type(value: object) -> ConversationType:
    """Only the enum's members: a plain ``0`` or ``True`` (a bool is an int) would otherwise mean
    PEER or ROOM without the caller ever naming one."""
    if not isinstance(value, ConversationType):
        raise invalid(
            "conversation_type must be a ConversationType (PEER, ROOM or GROUP), "
            f"got {type(value).__name__} {shown(value)}"
        )
    return value


def check_in_scope(conversation_type: ConversationType) -> None:
    """readtick models PEER and GROUP conversations only."""
    if conversation_type is ConversationType.ROOM:
        raise invalid("ROOM conversations are outside readtick's scope; use PEER or GROUP")


def check_not_self(user_id: str, conversation_id: str, conversation_type: ConversationType) -> None:
    """A one-to-one conversation is with another user."""
    if conversation_type is ConversationType.PEER and conversation_id == user_id:
        raise invalid("you cannot send a one-to-one message to yourself")


def check_bool(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise invalid(f"{what} must be True or False, got {shown(value)}")
    return value


def check_int(value: object, what: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(f"{what} must be a whole number, got {shown(value)}")
    if value < low or (high is not None and value > high):
        bounds = f"{low}..{high}" if high is not None else f">= {low}"
        raise invalid(f"{what} must be {bounds}, got {shown(value)}")
    return value


def check_whole(value: object, what: str = "message_id") -> int:
    """A whole number from 0 that fits the stores' 64-bit integers: a message id (0: not sent
    yet), a file size, a duration."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise invalid(f"{what} must be a whole number from 0 to {MAX_ID}, got {shown(value)}")
    return value


def check_seconds(value: object, what: str, limit: float = MAX_SECONDS) -> float:
    """A finite, non-negative number of seconds, at most ``limit`` (100 years by default)."""
    too_long = f"{what} must be at most 36500 days (100 years), got {shown(value)}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid(f"{what} must be a finite number of seconds >= 0, got {shown(value)}")
    if isinstance(value, int) and value > limit:  # before float(): it may be beyond a float's range
        raise invalid(too_long)
    if value < 0 or not math.isfinite(value):
        raise invalid(f"{what} must be a finite number of seconds >= 0, got {shown(value)}")
    if value > limit:
        raise invalid(too_long)
    return float(value)


def check_rate(value: object, what: str) -> float | None:
    """A rate in units per second: a finite number > 0, or None (no limit)."""
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
    ):
        raise invalid(f"{what} must be a finite number > 0 (or None: no limit), got {shown(value)}")
    return float(value)


def check_lifetime(value: object) -> timedelta:
    """A receipt lifetime (rule 9): a ``timedelta`` above zero and at most 100 years."""
    if not isinstance(value, timedelta) or not timedelta(0) < value <= MAX_LIFETIME:
        raise invalid(
            f"receipt_lifetime must be a timedelta from 1 microsecond to 36500 days, got {shown(value)}"
        )
    return value


def check_text(value: object, what: str) -> str:
    """A string that can be stored and shown: no lone surrogate (it has no UTF-8 form)."""
    if not isinstance(value, str):
        raise invalid(f"{what} must be text, got {type(value).__name__} {shown(value)}")
    if (found := _LONE_SURROGATE.search(value)) is not None:
        raise invalid(
            f"{what} is not valid Unicode: a lone surrogate {found.group()!r} at position {found.start()}"
        )
    return value


def check_messages(values: object, what: str = "messages") -> list[Message]:
    if isinstance(values, (str, bytes, Message)) or not isinstance(values, Sequence):
        raise invalid(f"{what} must be a list of messages, got {type(values).__name__}")
    for index, item in enumerate(values):
        if not isinstance(item, Message):
            raise invalid(f"{what}[{index}] is a {type(item).__name__}, not a Message")
        check_whole(item.message_id, f"{what}[{index}].message_id")
    if not values:
        raise invalid(f"{what} is empty: pass at least one message")
    return list(values)


def check_content(message: object) -> Message:
    """A sendable message: a concrete payload kind with content a receiver can show."""
    if not isinstance(message, Message) or type(message).type.value == 0:
        raise invalid(f"message must be a TextMessage, ImageMessage, ... not {type(message).__name__}")
    if isinstance(message, (TextMessage, BarrageMessage)):
        if not isinstance(message.message, str):
            raise invalid(f"text must be a string, got {type(message.message).__name__}")
        check_text(message.message, "the message text")
        if not message.message.strip():
            raise invalid("the message text is empty: type something to send")
        size = len(message.message.encode("utf-8"))
        if size > MAX_TEXT_BYTES:
            raise invalid(f"the message text is {size} bytes; the limit is {MAX_TEXT_BYTES} bytes")
    elif isinstance(message, CommandMessage):
        if not isinstance(message.message, bytes):
            raise invalid(f"a COMMAND message carries bytes, got {type(message.message).__name__}")
    elif isinstance(message, MultipleMessage):
        if not message.items or not all(isinstance(i, str) and i.strip() for i in message.items):
            raise invalid("a MULTIPLE message needs at least one non-empty text item")
        for index, item in enumerate(message.items):
            check_text(item, f"items[{index}]")
    payload = message.payload()
    for name in _PAYLOAD_TEXTS:
        if name in payload:
            check_text(payload[name], name)
    for name in _PAYLOAD_COUNTS:
        if name in payload:
            check_whole(payload[name], name)
    return message
