"""Checks of untrusted input (ids, counts, message content) that raise ``ReceiptError``.

Everything a user types or a scenario file names passes through here before the engine writes
anything, so a bad argument never leaves state half changed.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from readtick.core.enums import ConversationType
from readtick.core.errors import ErrorCode, ReceiptError
from readtick.core.messages import BarrageMessage, Message, MultipleMessage, TextMessage

ID_PATTERN = re.compile(r"[A-Za-z0-9_.@\-]{1,32}")
"""User and group ids: 1-32 of letters, digits and ``_ . @ -`` (the SDK's id alphabet, narrowed)."""

MAX_TEXT_BYTES = 32 * 1024
"""The SDK's limit on a text message, in UTF-8 bytes."""


def invalid(reason: str) -> ReceiptError:
    return ReceiptError(ErrorCode.PARAMETER_INVALID, reason)


def check_id(value: object, what: str) -> str:
    """Return ``value`` if it is a valid id, else raise naming ``what`` and the value."""
    if not isinstance(value, str):
        raise invalid(f"{what} must be a string, got {type(value).__name__} {value!r}")
    if not ID_PATTERN.fullmatch(value):
        raise invalid(f"{what} {value!r} is not a valid id: use 1-32 letters, digits or _ . @ - (no spaces)")
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
    if isinstance(value, bool):
        raise invalid(f"conversation_type must be a ConversationType, got {value!r}")
    try:
        return ConversationType(value)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        raise invalid(f"conversation_type {value!r} is not one of PEER (0), ROOM (1), GROUP (2)") from None


def check_int(value: object, what: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(f"{what} must be a whole number, got {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"{low}..{high}" if high is not None else f">= {low}"
        raise invalid(f"{what} must be {bounds}, got {value}")
    return value


def check_seconds(value: object, what: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value < 0
    ):
        raise invalid(f"{what} must be a finite number of seconds >= 0, got {value!r}")
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
        raise invalid(f"{what} must be a finite number > 0 (or None: no limit), got {value!r}")
    return float(value)


def check_messages(values: object, what: str = "messages") -> list[Message]:
    if isinstance(values, (str, bytes, Message)) or not isinstance(values, Sequence):
        raise invalid(f"{what} must be a list of messages, got {type(values).__name__}")
    for index, item in enumerate(values):
        if not isinstance(item, Message):
            raise invalid(f"{what}[{index}] is a {type(item).__name__}, not a Message")
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
        if not message.message.strip():
            raise invalid("the message text is empty: type something to send")
        size = len(message.message.encode("utf-8", errors="surrogatepass"))
        if size > MAX_TEXT_BYTES:
            raise invalid(f"the message text is {size} bytes; the limit is {MAX_TEXT_BYTES} bytes")
    elif isinstance(message, MultipleMessage):
        if not message.items or not all(isinstance(i, str) and i.strip() for i in message.items):
            raise invalid("a MULTIPLE message needs at least one non-empty text item")
    return message
