"""Checking a scenario's ``[[steps]]``: each action's fields, the names steps give and use, and
what a step may do given the steps before it (who received a message, where the clock is).

``ScenarioChecker`` in ``readtick.app.scenariocheck`` checks the setup (users, groups, engine)
first and then hands the steps to ``StepChecker``, which it extends; the send step is
``readtick.app.scenariosend``'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from readtick.app.scenariofields import LAST_CLOCK, MAX_WAIT, shown, suggest, type_name
from readtick.app.scenariomodel import (
    AdvanceTime,
    ChangeMembers,
    Expect,
    GroupSpec,
    Read,
    ReadConversation,
    Screenshot,
    SetLatency,
    SetOnline,
    Step,
    UserSpec,
    Wait,
)
from readtick.app.scenariosend import SendChecker, _Sent
from readtick.core import ReceiptStatus
from readtick.core.receipt import READ_LIMIT

MAX_STEPS = 10_000
STATUS_NAMES = {"NONE", "PROCESSING", "DELIVERED", "DONE", "COMPLETED", "EXPIRED", "FAILED"}
#: Names Windows keeps for devices: "con.png" is no file there, whatever follows the first dot.
WINDOWS_DEVICES = {"con", "prn", "aux", "nul"} | {f"{d}{n}" for d in ("com", "lpt") for n in range(1, 10)}


class StepChecker(SendChecker):
    """Checks steps in file order against the users and groups already checked."""

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
        "latency",
        "join",
        "leave",
    )
    STEP_KEYS = (*ACTIONS, "note")
    FIELDS = {
        "send": ("from", "to", "group", "text", "image", "file", "upload_rate", "receipt", "as"),
        "read": ("who", "messages"),
        "read_conversation": ("who", "with"),
        "expect": ("message", "as_seen_by", "status", "read", "unread"),
        "latency": ("who", "seconds"),
        "join": ("group", "who"),
        "leave": ("group", "who"),
    }

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self.users: dict[str, UserSpec] = {}
        self.clients: dict[str, str] = {}  # client id ("alice", "alice/phone") -> its user
        self.groups: dict[str, GroupSpec] = {}
        self.sent: dict[str, _Sent] = {}
        self.later_names: dict[str, int] = {}
        self.screenshot_names: dict[str, tuple[int, str]] = {}  # by the name in lower case
        self.clock: float | None = None  # the virtual clock as steps move it; None once too far

    def user(self, table: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str | None:
        value = self.string(table, key, where, required=required)
        if value is not None and value not in self.users:
            known = ", ".join(self.users) or "none"
            self.problem(
                where, key, f"unknown user {shown(value)}{suggest(value, list(self.users))}; users: {known}"
            )
            return None
        return value

    def client(self, table: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str | None:
        """A client that acts or sees: "alice", or "alice/phone" for a user with devices."""
        value = self.string(table, key, where, required=required)
        if value is None or value in self.clients:
            return value
        if value in self.users:
            devices = self.users[value].client_ids
            self.problem(
                where, key, f"{value!r} is on several devices; name one: {', '.join(map(repr, devices))}"
            )
        else:
            what, known = ("client", list(self.clients)) if "/" in value else ("user", list(self.users))
            listed = ", ".join(self.clients) or "none"
            self.problem(
                where, key, f"unknown {what} {shown(value)}{suggest(value, known)}; clients: {listed}"
            )
        return None

    def steps(self, entries: object) -> list[Step]:
        if entries is None:
            self.problem("top level", "steps", "is missing: a scenario needs at least one [[steps]]")
            return []
        if not isinstance(entries, list) or not entries:
            self.problem(
                "top level", "steps", f"must be a non-empty list of [[steps]] tables, got {shown(entries)}"
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
        steps = [self._step(number, entry) for number, entry in enumerate(entries, 1)]
        return [step for step in steps if step is not None]

    def _step(self, number: int, entry: object) -> Step | None:
        where = f"step {number}"
        if not isinstance(entry, dict):
            self.problem(where, "", f"must be a table, got {type_name(entry)}")
            return None
        actions = [key for key in entry if key in self.ACTIONS]
        self.unknown_keys(entry, self.STEP_KEYS, where)
        note = entry.get("note", "")
        if not isinstance(note, str):
            self.problem(where, "note", f"must be a string, got {type_name(note)}")
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
            self.problem(where, "", f"must be a table with {fields}, got {type_name(value)} {shown(value)}")
            return None
        self.unknown_keys(value, self.FIELDS[kind], where)
        return value

    def _message(self, where: str, key: str, name: object, number: int) -> _Sent | None:
        """The recorded send of a message name, or None (problem recorded)."""
        if not isinstance(name, str) or not name:
            self.problem(where, key, f"message names are strings, got {type_name(name)} {shown(name)}")
            return None
        if name in self.sent:
            return self.sent[name]
        defined = self.later_names.get(name)
        if defined is not None and defined >= number:
            self.problem(where, key, f"message {shown(name)} is used before step {defined} sends it")
        else:
            known = ", ".join(self.sent) or "none yet"
            self.problem(
                where,
                key,
                f"no earlier send is named {shown(name)}{suggest(name, list(self.sent))}; named: {known}",
            )
        return None

    def _step_read(self, where: str, number: int, value: object) -> Read | None:
        table = self._fields(where, "read", value)
        if table is None:
            return None
        who = self.client(table, "who", where)
        reader = self.clients.get(who or "")
        names = table.get("messages")
        if not isinstance(names, list) or not names:
            self.problem(where, "messages", f"must be a non-empty list of message names, got {shown(names)}")
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
            conversations.add(sent.conversation)
            if reader is not None and reader == sent.sender_user:
                self.problem(where, "messages", f"{who!r} sent {name!r}; only its receivers can read it")
            elif reader is not None and reader not in sent.recipients:
                self.problem(where, "messages", f"{who!r} did not receive {name!r}")
            if not sent.receipt:
                self.problem(
                    where, "messages", f"{name!r} was sent with receipt = false; there is nothing to read"
                )
        duplicates = sorted({n for n in names if isinstance(n, str) and names.count(n) > 1})
        if duplicates:
            self.problem(where, "messages", f"lists {', '.join(map(shown, duplicates))} more than once")
        if len(conversations) > 1:
            self.problem(where, "messages", "messages of one read must come from one conversation")
        if who is None:
            return None
        return Read(who, tuple(names))

    def _step_read_conversation(self, where: str, number: int, value: object) -> ReadConversation | None:
        table = self._fields(where, "read_conversation", value)
        if table is None:
            return None
        who = self.client(table, "who", where)
        peer = self.user(table, "with", where)
        if who is not None and self.clients[who] == peer:
            self.problem(where, "with", "a one-to-one conversation is with another user")
            return None
        if who is None or peer is None:
            return None
        return ReadConversation(who, peer)

    def _who(self, where: str, value: object) -> str | None:
        if isinstance(value, dict):
            self.unknown_keys(value, ("who",), where)
            return self.client(value, "who", where)
        return self.client({"who": value}, "who", where)

    def _step_offline(self, where: str, number: int, value: object) -> SetOnline | None:
        who = self._who(where, value)
        return SetOnline(who, False) if who is not None else None

    def _step_online(self, where: str, number: int, value: object) -> SetOnline | None:
        who = self._who(where, value)
        return SetOnline(who, True) if who is not None else None

    def _step_advance_time(self, where: str, number: int, value: object) -> AdvanceTime | None:
        seconds = self.duration(value, where, "advance_time", positive=True)
        if seconds is None:
            return None
        if self.clock is not None:
            self.clock += seconds
            if self.clock > LAST_CLOCK.timestamp():
                self.clock = None  # said once: the steps after it are not "also too far"
                self.problem(
                    where,
                    "advance_time",
                    f"moves the virtual clock past {LAST_CLOCK:%Y-%m-%d}, "
                    "the last day every time zone can show",
                )
                return None
        return AdvanceTime(seconds)

    def _step_wait(self, where: str, number: int, value: object) -> Wait | None:
        seconds = self.duration(value, where, "wait", positive=False, limit=MAX_WAIT)
        return Wait(seconds) if seconds is not None else None

    def _step_screenshot(self, where: str, number: int, value: object) -> Screenshot | None:
        name = self.label({"screenshot": value}, "screenshot", where, "screenshot name")
        if name is None:
            return None
        if name.split(".")[0].lower() in WINDOWS_DEVICES:
            self.problem(
                where, "screenshot", f"name {name!r} is a device name on Windows, not a file; choose another"
            )
            return None
        earlier = self.screenshot_names.get(name.lower())
        if earlier is not None:
            step, used = earlier
            as_written = "" if used == name else f" as {used!r} (file names may ignore case)"
            self.problem(where, "screenshot", f"name {name!r} is already used by step {step}{as_written}")
            return None
        self.screenshot_names[name.lower()] = (number, name)
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
        elif not isinstance(status_name, str) or status_name.upper() not in STATUS_NAMES:
            self.problem(
                where,
                "status",
                f"unknown status {shown(status_name)}; one of {', '.join(sorted(STATUS_NAMES))}",
            )
        else:
            status = ReceiptStatus[status_name.upper()]
        counts = {key: self.count(table, key, where) for key in ("read", "unread")}
        seer = self.client(table, "as_seen_by", where, required=False)
        if sent is None:
            return None
        seer = seer if "as_seen_by" in table else sent.sender
        if seer is None:
            return None
        seer_user = self.clients[seer]
        if seer_user != sent.sender_user and seer_user not in sent.recipients:
            self.problem(where, "as_seen_by", f"{seer!r} neither sent nor received {table['message']!r}")
            return None
        if seer_user != sent.sender_user and ("read" in table or "unread" in table):
            self.problem(
                where,
                "read" if "read" in table else "unread",
                f"only the sender ({sent.sender!r}) sees read/unread counts (receipt rule 6)",
            )
            return None
        readers = len(sent.recipients)
        for key, count in counts.items():
            if count is not None and count > readers:
                self.problem(
                    where,
                    key,
                    f"must be 0 to {readers} ({table['message']!r} has {readers} "
                    f"reader{'s' if readers != 1 else ''}), got {shown(count)}",
                )
        if status is None:
            return None
        return Expect(table["message"], seer, status, counts["read"], counts["unread"])

    def _step_latency(self, where: str, number: int, value: object) -> SetLatency | None:
        table = self._fields(where, "latency", value)
        if table is None:
            return None
        who = self.client(table, "who", where)
        if "seconds" not in table:
            self.problem(where, "seconds", "is missing")
            return None
        seconds = self.duration(table["seconds"], where, "seconds", positive=False)
        return SetLatency(who, seconds) if who is not None and seconds is not None else None

    def _step_join(self, where: str, number: int, value: object, join: bool = True) -> ChangeMembers | None:
        table = self._fields(where, "join" if join else "leave", value)
        if table is None:
            return None
        who = self.user(table, "who", where)
        group = self.string(table, "group", where)
        if group is not None and group not in self.groups:
            self.problem(where, "group", f"unknown group {shown(group)}{suggest(group, list(self.groups))}")
            return None
        if who is None or group is None:
            return None
        members = self.groups[group].members
        if (who in members) == join:
            self.problem(where, "who", f"{who!r} is {'already' if join else 'not'} a member of {group!r}")
            return None
        # Membership changes for the steps after this one (sends, reads and expects check it).
        changed = (*members, who) if join else tuple(m for m in members if m != who)
        self.groups[group] = GroupSpec(group, changed)
        return ChangeMembers(group, who, join)

    def _step_leave(self, where: str, number: int, value: object) -> ChangeMembers | None:
        return self._step_join(where, number, value, join=False)
