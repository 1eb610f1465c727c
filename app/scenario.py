"""Scenario files: a TOML script of users, groups and steps, parsed and checked into frozen data.

``load_scenario(path)`` returns a ``Scenario`` or raises ``ScenarioError`` listing *every* problem
(file, step number, field). Parsing is data only: tomllib, no eval, nothing imported by name.
The format is described in README.md, "Scenarios and the gallery".
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, ClassVar

from readtick.core import ReceiptStatus

BUILTIN_DIR = Path(str(files("readtick.resources"))) / "scenarios"
DEFAULT_SCENARIO = "demo"
"""The built-in scenario plain ``readtick`` plays headless when there is no display."""

MAX_FILE_BYTES = 1_000_000
MAX_STEPS = 10_000
MIN_USERS, MAX_USERS = 2, 8  # the window shows 2 to 8 clients (SPEC §5)
READ_LIMIT = 10  # SPEC §4 rule 3
DEFAULT_START = _dt.datetime(2025, 1, 6, 9, 0, tzinfo=_dt.UTC)
"""Virtual time at the start of a scenario unless it says ``start = ...``: fixed, so pictures are."""

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_STATUS_NAMES = {"NONE", "PROCESSING", "DELIVERED", "DONE", "COMPLETED", "EXPIRED", "FAILED"}


# ---------------------------------------------------------------------------------------- model
@dataclass(frozen=True)
class UserSpec:
    """A simulated client: ``latency`` seconds of engine clock on its link, ``online`` at start."""

    id: str
    latency: float = 0.0
    online: bool = True


@dataclass(frozen=True)
class GroupSpec:
    """A group created before the first step, with these members."""

    id: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class EngineOptions:
    """``ReceiptEngine`` options: DELIVERED status on/off, receipt lifetime in seconds."""

    delivered_status: bool = False
    receipt_lifetime: float = 7 * 86400.0


@dataclass(frozen=True)
class Send:
    """``sender`` sends ``text`` to user ``to`` or group ``group``; ``name`` refers to it later."""

    kind: ClassVar[str] = "send"
    sender: str
    to: str | None
    group: str | None
    text: str
    receipt: bool = True
    name: str | None = None

    def describe(self) -> str:
        target = self.to if self.to is not None else f"group {self.group}"
        label = f" ({self.name})" if self.name else ""
        receipt = "" if self.receipt else ", no receipt"
        return f"{self.sender} sends {self.text!r} to {target}{label}{receipt}"


@dataclass(frozen=True)
class Read:
    """``who`` marks the named messages read (one conversation, at most 10)."""

    kind: ClassVar[str] = "read"
    who: str
    messages: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.who} reads {', '.join(self.messages)}"


@dataclass(frozen=True)
class ReadConversation:
    """``who`` marks its whole one-to-one conversation with ``peer`` read."""

    kind: ClassVar[str] = "read_conversation"
    who: str
    peer: str

    def describe(self) -> str:
        return f"{self.who} reads the whole conversation with {self.peer}"


@dataclass(frozen=True)
class SetOnline:
    """``who``'s link goes up (``online``) or down."""

    kind: ClassVar[str] = "online"
    who: str
    online: bool

    def describe(self) -> str:
        return f"{self.who} goes {'online' if self.online else 'offline'}"


@dataclass(frozen=True)
class AdvanceTime:
    """The virtual clock jumps ``seconds`` ahead; what became due is delivered or expires."""

    kind: ClassVar[str] = "advance_time"
    seconds: float

    def describe(self) -> str:
        return f"time advances {format_duration(self.seconds)}"


@dataclass(frozen=True)
class Wait:
    """A pause of ``seconds`` (scaled by speed) when played paced; nothing when instant.

    It does not move the virtual clock, so instant and paced plays reach the same states.
    """

    kind: ClassVar[str] = "wait"
    seconds: float

    def describe(self) -> str:
        return f"pause {format_duration(self.seconds)}"


@dataclass(frozen=True)
class Screenshot:
    """Take a picture of the window, saved as ``<name>.png`` by the headless runner."""

    kind: ClassVar[str] = "screenshot"
    name: str

    def describe(self) -> str:
        return f"screenshot {self.name}"


@dataclass(frozen=True)
class Expect:
    """An assertion on what ``as_seen_by``'s client knows of a named message (its local cache).

    ``read``/``unread`` are member counts, which only the sender has (SPEC §4 rule 6).
    """

    kind: ClassVar[str] = "expect"
    message: str
    as_seen_by: str
    status: ReceiptStatus
    read: int | None = None
    unread: int | None = None

    def describe(self) -> str:
        counts = ""
        if self.read is not None:
            counts += f", read {self.read}"
        if self.unread is not None:
            counts += f", unread {self.unread}"
        return f"expect {self.message} {self.status.name} for {self.as_seen_by}{counts}"


Action = Send | Read | ReadConversation | SetOnline | AdvanceTime | Wait | Screenshot | Expect


@dataclass(frozen=True)
class Step:
    """One step: its 1-based ``number`` in the file, what it does, and an optional ``note``."""

    number: int
    action: Action
    note: str = ""

    def describe(self) -> str:
        return f"step {self.number}: {self.note or self.action.describe()}"


@dataclass(frozen=True)
class Scenario:
    """A checked scenario, ready to play."""

    source: str
    title: str
    description: str
    start: float
    engine: EngineOptions
    users: tuple[UserSpec, ...]
    groups: tuple[GroupSpec, ...]
    steps: tuple[Step, ...]
    theme: str | None = None

    @property
    def screenshots(self) -> tuple[str, ...]:
        return tuple(s.action.name for s in self.steps if isinstance(s.action, Screenshot))

    @property
    def expectations(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if isinstance(s.action, Expect))


# ---------------------------------------------------------------------------------------- errors
@dataclass(frozen=True)
class Problem:
    """One mistake: the file, where in it ("step 3 (send)", "[[users]] #2"), the field, why."""

    source: str
    where: str
    field: str
    message: str

    def __str__(self) -> str:
        location = f"{self.where}, field {self.field!r}" if self.field else self.where
        return f"{self.source}: {location}: {self.message}"


class ScenarioError(Exception):
    """A scenario file could not be used; ``problems`` lists every mistake found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in scenario"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))


# ---------------------------------------------------------------------------------------- helpers
def parse_duration(value: object) -> float:
    """Seconds from a number (``90``, ``1.5``) or a string like ``"7d"``, ``"90m"``, ``"1h30m"``.

    Raises ``ValueError`` with a sentence saying what is accepted.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f'expected seconds or a duration like "7d" or "90m", got {value!r}')
    if isinstance(value, str):
        text = value.strip().lower()
        pos, total = 0, 0.0
        for match in _DURATION_PART.finditer(text):
            if match.start() != pos and text[pos : match.start()].strip():
                break
            total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
            pos = match.end()
        if not text or pos == 0 or text[pos:].strip():
            raise ValueError(
                f"{value!r} is not a duration; write seconds (90) or a number with a unit: "
                'ms, s, m, h, d, w ("7d", "90m", "1h30m")'
            )
        seconds = total
    else:
        seconds = float(value)
    if math.isnan(seconds) or math.isinf(seconds) or seconds < 0:
        raise ValueError(f"a duration must be a finite number of seconds >= 0, got {value!r}")
    return seconds


def format_duration(seconds: float) -> str:
    """The shortest readable form: ``604800 -> "7d"``, ``5400 -> "1h30m"``, ``2.5 -> "2.5s"``."""
    if seconds == 0:
        return "0s"
    parts = []
    rest = seconds
    for unit, size in (("d", 86400.0), ("h", 3600.0), ("m", 60.0)):
        if rest >= size:
            whole = int(rest // size)
            parts.append(f"{whole}{unit}")
            rest -= whole * size
    if rest > 1e-9 or not parts:
        parts.append(f"{rest:g}s")
    return "".join(parts)


def builtin_scenarios() -> dict[str, Path]:
    """Built-in scenarios by name (the file stem), sorted."""
    return {p.stem: p for p in sorted(BUILTIN_DIR.glob("*.toml"))}


def resolve_scenario_path(name_or_path: str | Path) -> Path:
    """A path as given if it exists, else the built-in scenario of that name, else the path as given."""
    path = Path(name_or_path)
    if path.exists():
        return path
    builtin = builtin_scenarios().get(str(name_or_path).removesuffix(".toml"))
    return builtin if builtin is not None else path


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# ---------------------------------------------------------------------------------------- loading
def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file; raise ``ScenarioError`` listing every problem."""
    path = Path(path)
    source = str(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ScenarioError(
            [Problem(source, "file", "", f"cannot be read: {error.strerror or error}")]
        ) from None
    if size > MAX_FILE_BYTES:
        raise ScenarioError(
            [Problem(source, "file", "", f"is {size} bytes; a scenario may be at most {MAX_FILE_BYTES}")]
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError([Problem(source, "file", "", f"cannot be read as UTF-8 text: {error}")]) from None
    return load_scenario_text(text, source)


def load_scenario_text(text: str, source: str = "<scenario>") -> Scenario:
    """Parse and check scenario TOML given as text (``source`` names it in problems)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError([Problem(source, "file", "", f"is not valid TOML: {error}")]) from None
    return _Checker(source).check(data)


class _Checker:
    """Walks the parsed TOML once, collecting problems; builds the ``Scenario`` only if none."""

    TOP_KEYS = ("title", "description", "start", "theme", "engine", "users", "groups", "steps")
    ENGINE_KEYS = ("delivered_status", "receipt_lifetime")
    USER_KEYS = ("id", "latency", "online")
    GROUP_KEYS = ("id", "members")
    ACTIONS = (
        "send",
        "read",
        "read_conversation",
        "offline",
        "online",
        "advance_time",
        "wait",
        "screenshot",
        "expect",
    )
    STEP_KEYS = (*ACTIONS, "note")
    FIELDS = {
        "send": ("from", "to", "group", "text", "receipt", "as"),
        "read": ("who", "messages"),
        "read_conversation": ("who", "with"),
        "expect": ("message", "as_seen_by", "status", "read", "unread"),
    }

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.users: dict[str, UserSpec] = {}
        self.groups: dict[str, GroupSpec] = {}
        # message name -> (step number, sender, conversation key, recipients, has receipt)
        self.sent: dict[str, tuple[int, str, tuple[str, str], frozenset[str], bool]] = {}
        self.later_names: dict[str, int] = {}
        self.screenshot_names: dict[str, int] = {}

    def problem(self, where: str, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.source, where, field_name, message))

    # ---- generic field checks (each returns None after recording a problem)
    def unknown_keys(self, table: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                self.problem(
                    where, key, f"unknown field{_suggest(key, allowed)}; allowed: {', '.join(allowed)}"
                )

    def string(self, table: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str | None:
        if key not in table:
            if required:
                self.problem(where, key, "is missing")
            return None
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            self.problem(where, key, f"must be a non-empty string, got {_type_name(value)} {value!r}")
            return None
        return value

    def name(
        self, table: Mapping[str, Any], key: str, where: str, what: str, *, required: bool = True
    ) -> str | None:
        value = self.string(table, key, where, required=required)
        if value is not None and not _NAME.fullmatch(value):
            self.problem(
                where,
                key,
                f"{what} {value!r} must be 1-64 letters, digits, '_', '-' or '.', "
                "starting with a letter or digit",
            )
            return None
        return value

    def boolean(self, table: Mapping[str, Any], key: str, where: str, default: bool) -> bool | None:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.problem(where, key, f"must be true or false, got {_type_name(value)} {value!r}")
            return None
        return value

    def duration(self, value: object, where: str, key: str, *, positive: bool) -> float | None:
        try:
            seconds = parse_duration(value)
        except ValueError as error:
            self.problem(where, key, str(error))
            return None
        if positive and seconds <= 0:
            self.problem(where, key, f"must be more than 0 seconds, got {value!r}")
            return None
        return seconds

    def count(self, table: Mapping[str, Any], key: str, where: str) -> int | None:
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem(where, key, f"must be a whole number >= 0, got {_type_name(value)} {value!r}")
            return None
        return value

    def user(self, table: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str | None:
        value = self.string(table, key, where, required=required)
        if value is not None and value not in self.users:
            known = ", ".join(self.users) or "none"
            self.problem(
                where, key, f"unknown user {value!r}{_suggest(value, list(self.users))}; users: {known}"
            )
            return None
        return value

    # ---- sections
    def check(self, data: dict[str, Any]) -> Scenario:
        top = "top level"
        self.unknown_keys(data, self.TOP_KEYS, top)
        title = self.string(data, "title", top, required=False) or "untitled scenario"
        description = data.get("description", "")
        if not isinstance(description, str):
            self.problem(top, "description", f"must be a string, got {_type_name(description)}")
            description = ""
        start = self._start(data)
        theme = data.get("theme")
        if theme is not None and theme not in ("light", "dark"):
            self.problem(top, "theme", f'must be "light" or "dark", got {theme!r}')
            theme = None
        engine = self._engine(data.get("engine", {}))
        self._users(data.get("users"))
        self._groups(data.get("groups", []))
        steps = self._steps(data.get("steps"))
        if self.problems:
            raise ScenarioError(self.problems)
        return Scenario(
            source=self.source,
            title=title,
            description=description,
            start=start,
            engine=engine,
            users=tuple(self.users.values()),
            groups=tuple(self.groups.values()),
            steps=tuple(steps),
            theme=theme,
        )

    def _start(self, data: Mapping[str, Any]) -> float:
        value = data.get("start", DEFAULT_START)
        if isinstance(value, _dt.datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=_dt.UTC)
            return value.timestamp()
        self.problem(
            "top level", "start", f"must be a TOML date-time like 2025-01-06T09:00:00Z, got {value!r}"
        )
        return DEFAULT_START.timestamp()

    def _engine(self, table: object) -> EngineOptions:
        where = "[engine]"
        if not isinstance(table, dict):
            self.problem("top level", "engine", f"must be a table, got {_type_name(table)}")
            return EngineOptions()
        self.unknown_keys(table, self.ENGINE_KEYS, where)
        delivered = self.boolean(table, "delivered_status", where, False)
        lifetime = EngineOptions.receipt_lifetime
        if "receipt_lifetime" in table:
            seconds = self.duration(table["receipt_lifetime"], where, "receipt_lifetime", positive=True)
            lifetime = seconds if seconds is not None else lifetime
        return EngineOptions(delivered_status=bool(delivered), receipt_lifetime=lifetime)

    def _users(self, entries: object) -> None:
        if entries is None:
            self.problem(
                "top level", "users", f"is missing: declare {MIN_USERS} to {MAX_USERS} [[users]] with an id"
            )
            return
        if not isinstance(entries, list):
            self.problem(
                "top level", "users", f"must be a list of [[users]] tables, got {_type_name(entries)}"
            )
            return
        if not MIN_USERS <= len(entries) <= MAX_USERS:
            self.problem(
                "top level", "users", f"has {len(entries)} users; the window shows {MIN_USERS} to {MAX_USERS}"
            )
        for index, entry in enumerate(entries, 1):
            where = f"[[users]] #{index}"
            if not isinstance(entry, dict):
                self.problem(where, "", f"must be a table, got {_type_name(entry)}")
                continue
            self.unknown_keys(entry, self.USER_KEYS, where)
            user_id = self.name(entry, "id", where, "user id")
            latency = 0.0
            if "latency" in entry:
                seconds = self.duration(entry["latency"], where, "latency", positive=False)
                latency = seconds if seconds is not None else 0.0
            online = self.boolean(entry, "online", where, True)
            if user_id is None:
                continue
            if user_id in self.users:
                self.problem(where, "id", f"user {user_id!r} is declared twice")
                continue
            self.users[user_id] = UserSpec(user_id, latency, bool(online) if online is not None else True)

    def _groups(self, entries: object) -> None:
        if not isinstance(entries, list):
            self.problem(
                "top level", "groups", f"must be a list of [[groups]] tables, got {_type_name(entries)}"
            )
            return
        for index, entry in enumerate(entries, 1):
            where = f"[[groups]] #{index}"
            if not isinstance(entry, dict):
                self.problem(where, "", f"must be a table, got {_type_name(entry)}")
                continue
            self.unknown_keys(entry, self.GROUP_KEYS, where)
            group_id = self.name(entry, "id", where, "group id")
            if group_id is not None and group_id in self.users:
                self.problem(where, "id", f"{group_id!r} is already a user id; give the group its own id")
                group_id = None
            members = entry.get("members")
            valid_members: list[str] = []
            if not isinstance(members, list) or not members:
                self.problem(where, "members", f"must be a non-empty list of user ids, got {members!r}")
            else:
                for member in members:
                    if member not in self.users:
                        self.problem(
                            where,
                            "members",
                            f"unknown user {member!r}{_suggest(str(member), list(self.users))}",
                        )
                    elif member in valid_members:
                        self.problem(where, "members", f"{member!r} is listed twice")
                    else:
                        valid_members.append(member)
            if group_id is None:
                continue
            if group_id in self.groups:
                self.problem(where, "id", f"group {group_id!r} is declared twice")
                continue
            self.groups[group_id] = GroupSpec(group_id, tuple(valid_members))

    def _steps(self, entries: object) -> list[Step]:
        if entries is None:
            self.problem("top level", "steps", "is missing: a scenario needs at least one [[steps]]")
            return []
        if not isinstance(entries, list) or not entries:
            self.problem(
                "top level", "steps", f"must be a non-empty list of [[steps]] tables, got {entries!r}"
            )
            return []
        if len(entries) > MAX_STEPS:
            self.problem("top level", "steps", f"has {len(entries)} steps; at most {MAX_STEPS}")
            return []
        # names defined anywhere, to tell "used before it is defined" from "never defined"
        for number, entry in enumerate(entries, 1):
            send = entry.get("send") if isinstance(entry, dict) else None
            if isinstance(send, dict) and isinstance(send.get("as"), str):
                self.later_names.setdefault(send["as"], number)
        steps = []
        for number, entry in enumerate(entries, 1):
            step = self._step(number, entry)
            if step is not None:
                steps.append(step)
        return steps

    def _step(self, number: int, entry: object) -> Step | None:
        where = f"step {number}"
        if not isinstance(entry, dict):
            self.problem(where, "", f"must be a table, got {_type_name(entry)}")
            return None
        actions = [key for key in entry if key in self.ACTIONS]
        self.unknown_keys(entry, self.STEP_KEYS, where)
        note = entry.get("note", "")
        if not isinstance(note, str):
            self.problem(where, "note", f"must be a string, got {_type_name(note)}")
            note = ""
        if len(actions) != 1:
            found = f"found {', '.join(actions)}" if actions else "found none"
            self.problem(where, "", f"needs exactly one action ({', '.join(self.ACTIONS)}); {found}")
            return None
        kind = actions[0]
        before = len(self.problems)
        action = getattr(self, f"_step_{kind}")(f"{where} ({kind})", number, entry[kind])
        if action is None or len(self.problems) != before:
            return None
        return Step(number, action, note)

    def _fields(self, where: str, kind: str, value: object) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            fields = ", ".join(self.FIELDS[kind])
            self.problem(where, "", f"must be a table with {fields}, got {_type_name(value)} {value!r}")
            return None
        self.unknown_keys(value, self.FIELDS[kind], where)
        return value

    def _message(self, where: str, key: str, name: object, number: int):  # type: ignore[no-untyped-def]
        """The recorded send of a message name, or None (problem recorded)."""
        if not isinstance(name, str) or not name:
            self.problem(where, key, f"message names are strings, got {_type_name(name)} {name!r}")
            return None
        if name in self.sent:
            return self.sent[name]
        defined = self.later_names.get(name)
        if defined is not None and defined >= number:
            self.problem(where, key, f"message {name!r} is used before step {defined} sends it")
        else:
            known = ", ".join(self.sent) or "none yet"
            self.problem(
                where,
                key,
                f"no earlier send is named {name!r}{_suggest(name, list(self.sent))}; named: {known}",
            )
        return None

    def _step_send(self, where: str, number: int, value: object) -> Send | None:
        table = self._fields(where, "send", value)
        if table is None:
            return None
        sender = self.user(table, "from", where)
        text = self.string(table, "text", where)
        receipt = self.boolean(table, "receipt", where, True)
        name = self.name(table, "as", where, "message name", required=False)
        to = group = None
        if ("to" in table) == ("group" in table):
            self.problem(where, "to", "give exactly one of 'to' (a user) or 'group' (a group id)")
        elif "to" in table:
            to = self.user(table, "to", where)
            if to is not None and to == sender:
                self.problem(where, "to", f"{sender!r} cannot send a one-to-one message to themselves")
                to = None
        else:
            group = self.string(table, "group", where)
            if group is not None and group not in self.groups:
                known = ", ".join(self.groups) or "none"
                self.problem(
                    where,
                    "group",
                    f"unknown group {group!r}{_suggest(group, list(self.groups))}; groups: {known}",
                )
                group = None
            elif group is not None and sender is not None and sender not in self.groups[group].members:
                self.problem(where, "from", f"{sender!r} is not a member of group {group!r}")
        if name is not None and name in self.sent:
            self.problem(where, "as", f"message name {name!r} is already used by step {self.sent[name][0]}")
            name = None
        if sender is None or text is None or receipt is None or (to is None and group is None):
            return None
        if group is not None:
            conversation = ("group", group)
            recipients = frozenset(self.groups[group].members) - {sender}
        else:
            assert to is not None
            conversation = ("peer", "|".join(sorted((sender, to))))
            recipients = frozenset({to})
        if name is not None:
            self.sent[name] = (number, sender, conversation, recipients, receipt)
        return Send(sender, to, group, text, receipt, name)

    def _step_read(self, where: str, number: int, value: object) -> Read | None:
        table = self._fields(where, "read", value)
        if table is None:
            return None
        who = self.user(table, "who", where)
        names = table.get("messages")
        if not isinstance(names, list) or not names:
            self.problem(where, "messages", f"must be a non-empty list of message names, got {names!r}")
            return None
        if len(names) > READ_LIMIT:
            self.problem(
                where, "messages", f"lists {len(names)} messages; one read takes at most {READ_LIMIT}"
            )
        conversations = set()
        for name in names:
            sent = self._message(where, "messages", name, number)
            if sent is None:
                continue
            _, sender, conversation, recipients, receipt = sent
            conversations.add(conversation)
            if who is not None and who == sender:
                self.problem(where, "messages", f"{who!r} sent {name!r}; only its receivers can read it")
            elif who is not None and who not in recipients:
                self.problem(where, "messages", f"{who!r} did not receive {name!r}")
            if not receipt:
                self.problem(
                    where, "messages", f"{name!r} was sent with receipt = false; there is nothing to read"
                )
        duplicates = sorted({n for n in names if isinstance(n, str) and names.count(n) > 1})
        if duplicates:
            self.problem(where, "messages", f"lists {', '.join(map(repr, duplicates))} more than once")
        if len(conversations) > 1:
            self.problem(where, "messages", "messages of one read must come from one conversation")
        if who is None:
            return None
        return Read(who, tuple(names))

    def _step_read_conversation(self, where: str, number: int, value: object) -> ReadConversation | None:
        table = self._fields(where, "read_conversation", value)
        if table is None:
            return None
        who = self.user(table, "who", where)
        peer = self.user(table, "with", where)
        if who is not None and who == peer:
            self.problem(where, "with", "a one-to-one conversation is with another user")
            return None
        if who is None or peer is None:
            return None
        return ReadConversation(who, peer)

    def _who(self, where: str, value: object) -> str | None:
        if isinstance(value, dict):
            self.unknown_keys(value, ("who",), where)
            return self.user(value, "who", where)
        return self.user({"who": value}, "who", where)

    def _step_offline(self, where: str, number: int, value: object) -> SetOnline | None:
        who = self._who(where, value)
        return SetOnline(who, False) if who is not None else None

    def _step_online(self, where: str, number: int, value: object) -> SetOnline | None:
        who = self._who(where, value)
        return SetOnline(who, True) if who is not None else None

    def _step_advance_time(self, where: str, number: int, value: object) -> AdvanceTime | None:
        seconds = self.duration(value, where, "advance_time", positive=True)
        return AdvanceTime(seconds) if seconds is not None else None

    def _step_wait(self, where: str, number: int, value: object) -> Wait | None:
        seconds = self.duration(value, where, "wait", positive=False)
        return Wait(seconds) if seconds is not None else None

    def _step_screenshot(self, where: str, number: int, value: object) -> Screenshot | None:
        name = self.name({"screenshot": value}, "screenshot", where, "screenshot name")
        if name is None:
            return None
        if name in self.screenshot_names:
            self.problem(
                where, "screenshot", f"name {name!r} is already used by step {self.screenshot_names[name]}"
            )
            return None
        self.screenshot_names[name] = number
        return Screenshot(name)

    def _step_expect(self, where: str, number: int, value: object) -> Expect | None:
        table = self._fields(where, "expect", value)
        if table is None:
            return None
        sent = self._message(where, "message", table.get("message"), number) if "message" in table else None
        if "message" not in table:
            self.problem(where, "message", "is missing")
        status_name = table.get("status")
        status = None
        if status_name is None:
            self.problem(where, "status", "is missing")
        elif not isinstance(status_name, str) or status_name.upper() not in _STATUS_NAMES:
            self.problem(
                where, "status", f"unknown status {status_name!r}; one of {', '.join(sorted(_STATUS_NAMES))}"
            )
        else:
            status = ReceiptStatus[status_name.upper()]
        read = self.count(table, "read", where)
        unread = self.count(table, "unread", where)
        seer = self.user(table, "as_seen_by", where, required=False)
        if sent is None:
            return None
        _, sender, _, recipients, _ = sent
        seer = seer if "as_seen_by" in table else sender
        if seer is None:
            return None
        if seer != sender and seer not in recipients:
            self.problem(where, "as_seen_by", f"{seer!r} neither sent nor received {table['message']!r}")
            return None
        if seer != sender and ("read" in table or "unread" in table):
            self.problem(
                where,
                "read" if "read" in table else "unread",
                f"only the sender ({sender!r}) sees read/unread counts (SPEC §4 rule 6)",
            )
            return None
        if status is None:
            return None
        return Expect(table["message"], seer, status, read, unread)


__all__ = [
    "BUILTIN_DIR",
    "DEFAULT_SCENARIO",
    "Action",
    "AdvanceTime",
    "EngineOptions",
    "Expect",
    "GroupSpec",
    "Problem",
    "Read",
    "ReadConversation",
    "Scenario",
    "ScenarioError",
    "Screenshot",
    "Send",
    "SetOnline",
    "Step",
    "UserSpec",
    "Wait",
    "builtin_scenarios",
    "format_duration",
    "load_scenario",
    "load_scenario_text",
    "parse_duration",
    "resolve_scenario_path",
]
