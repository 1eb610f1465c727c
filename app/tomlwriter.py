"""A small TOML writer for the shapes readtick writes (recorded scenarios): strings, booleans,
numbers, date-times, arrays and inline tables as values; top-level keys, ``[table]`` and
``[[array of tables]]`` sections. The standard library reads TOML (``tomllib``) but cannot write
it, and these few shapes do not justify a dependency; ``tests/app/test_tomlwriter.py`` checks that
``tomllib`` reads back exactly what was written, escapes included.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping, Sequence

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}

Value = str | bool | int | float | _dt.datetime | Sequence["Value"] | Mapping[str, "Value"]


def toml_string(text: str) -> str:
    """A basic (double-quoted) string: quote, backslash and every control character escaped."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else toml_string(key)


def toml_value(value: Value) -> str:
    """One value as TOML; raises ``ValueError`` for what TOML cannot hold (NaN, infinity)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"TOML has no number {value!r} here")
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            raise ValueError("write date-times with a time zone")
        return value.astimezone(_dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, Mapping):
        inner = ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, Sequence):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def toml_table(values: Mapping[str, Value]) -> list[str]:
    """``key = value`` lines, in order."""
    return [f"{toml_key(key)} = {toml_value(value)}" for key, value in values.items()]


def toml_document(
    top: Mapping[str, Value],
    tables: Mapping[str, Mapping[str, Value]] = {},  # noqa: B006 (read only)
    arrays: Mapping[str, Sequence[Mapping[str, Value]]] = {},  # noqa: B006 (read only)
) -> str:
    """A whole document: top-level keys, then ``[name]`` tables, then ``[[name]]`` entries."""
    lines = toml_table(top)
    for name, table in tables.items():
        lines += ["", f"[{toml_key(name)}]", *toml_table(table)]
    for name, entries in arrays.items():
        for entry in entries:
            lines += ["", f"[[{toml_key(name)}]]", *toml_table(entry)]
    return "\n".join(lines) + "\n"
