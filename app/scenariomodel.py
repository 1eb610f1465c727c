"""What a scenario is: frozen dataclasses for its users, groups and steps, and its problems.

``readtick.app.scenariocheck`` builds these from a parsed TOML file; ``readtick.app.scenario``
is the front door that reads a file and returns a ``Scenario``. Nothing here reads files.
"""

from __future__ import annotations

import datetime as _dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from readtick.core import ReceiptStatus

DEFAULT_START = _dt.datetime(2025, 1, 6, 9, 0, tzinfo=_dt.UTC)
"""Virtual time at the start of a scenario unless it says ``start = ...``: fixed, so pictures are."""
DEFAULT_TIMEZONE = "UTC"
"""The zone a scenario's pictures show times in unless it says ``timezone = ...``."""


def time_zone(name: str) -> _dt.tzinfo:
    """The zone of an IANA name; "UTC" needs no time zone database (some machines have none)."""
    return _dt.UTC if name == DEFAULT_TIMEZONE else zoneinfo.ZoneInfo(name)


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


@dataclass(frozen=True)
class UserSpec:
    """A user with one client (or one per device in ``devices``): ``latency`` seconds of engine
    clock on each link, ``online`` at start; ``panel`` False: a member without a panel in the
    window (it acts only when a step says so)."""

    id: str
    latency: float = 0.0
    online: bool = True
    panel: bool = True
    devices: tuple[str, ...] = ()

    @property
    def client_ids(self) -> tuple[str, ...]:
        """How steps name this user's clients: "alice", or "alice/phone", "alice/desktop"."""
        return tuple(f"{self.id}/{device}" for device in self.devices) if self.devices else (self.id,)


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
    """Client ``sender`` sends ``text`` (or, with ``media`` "image" or "file", the file at
    ``path``, uploading at ``upload_rate`` bytes per second) to user ``to`` or group ``group``;
    ``name`` refers to it later."""

    kind: ClassVar[str] = "send"
    sender: str
    to: str | None
    group: str | None
    text: str
    receipt: bool = True
    name: str | None = None
    media: str | None = None
    path: str | None = None
    upload_rate: float | None = None

    def describe(self) -> str:
        target = self.to if self.to is not None else f"group {self.group}"
        label = f" ({self.name})" if self.name else ""
        receipt = "" if self.receipt else ", no receipt"
        what = repr(self.text) if self.media is None else f"{self.media} {_file_name(self.path)}"
        return f"{self.sender} sends {what} to {target}{label}{receipt}"


def _file_name(path: str | None) -> str:
    return (path or "").replace("\\", "/").rsplit("/", 1)[-1]


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

    ``read``/``unread`` are member counts, which only the sender has (receipt rule 6).
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


@dataclass(frozen=True)
class SetLatency:
    """``who``'s link delays what the engine sends it by ``seconds`` from now on."""

    kind: ClassVar[str] = "latency"
    who: str
    seconds: float

    def describe(self) -> str:
        return f"{self.who}'s latency becomes {format_duration(self.seconds)}"


@dataclass(frozen=True)
class ChangeMembers:
    """``who`` joins (``join`` True) or leaves ``group``; it counts for messages sent after."""

    kind: ClassVar[str] = "join"
    group: str
    who: str
    join: bool

    def describe(self) -> str:
        return f"{self.who} {'joins' if self.join else 'leaves'} group {self.group}"


Action = (
    Send
    | Read
    | ReadConversation
    | SetOnline
    | AdvanceTime
    | Wait
    | Screenshot
    | Expect
    | SetLatency
    | ChangeMembers
)


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
    """A checked scenario, ready to play.

    ``start`` is the virtual clock's first reading in seconds since the epoch; ``timezone`` is the
    IANA name of the zone its pictures show clock times in.
    """

    source: str
    title: str
    description: str
    start: float
    engine: EngineOptions
    users: tuple[UserSpec, ...]
    groups: tuple[GroupSpec, ...]
    steps: tuple[Step, ...]
    theme: str | None = None
    timezone: str = DEFAULT_TIMEZONE

    @property
    def zone(self) -> _dt.tzinfo:
        """The zone the scenario's pictures show clock times in (never the machine's own)."""
        return time_zone(self.timezone)

    @property
    def screenshots(self) -> tuple[str, ...]:
        return tuple(s.action.name for s in self.steps if isinstance(s.action, Screenshot))

    @property
    def expectations(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if isinstance(s.action, Expect))


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
