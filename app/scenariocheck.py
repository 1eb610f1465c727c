"""The scenario checker: walks a parsed TOML scenario once, lists every problem, and builds the
frozen ``Scenario`` only when there is none.

This module checks the setup (title, start, timezone, engine, users and their devices, groups);
``scenariosteps`` the steps (``scenariosend`` the send step); ``scenariofields`` single values,
with core's validators and limits (ids, text, 2 to 8 clients, 10 messages per read), never copies
of them. The format is in README.md, "Scenarios and the gallery".
"""

from __future__ import annotations

import datetime as _dt
import functools
import zoneinfo
from collections.abc import Mapping
from typing import Any

from readtick.app.scenariofields import FIRST_CLOCK, LAST_CLOCK, shown, suggest, type_name
from readtick.app.scenariomodel import (
    DEFAULT_START,
    DEFAULT_TIMEZONE,
    EngineOptions,
    GroupSpec,
    Scenario,
    ScenarioError,
    UserSpec,
    time_zone,
)
from readtick.app.scenariosteps import StepChecker
from readtick.core import ReceiptError
from readtick.core.receipt import MAX_CLIENTS, MIN_CLIENTS
from readtick.core.sessions import DEFAULT_MAX_DEVICES
from readtick.core.validation import check_id

MAX_MEMBERS_WITHOUT_PANEL = 1000


@functools.cache
def known_zones() -> frozenset[str]:
    # "localtime" is the machine's own zone where it is listed: exactly what ``timezone`` avoids
    return frozenset(zoneinfo.available_timezones()) - {"localtime"}


def check_scenario(data: Mapping[str, Any], source: str) -> Scenario:
    """The ``Scenario`` of a parsed TOML table; raise ``ScenarioError`` listing every problem."""
    return _Checker(source).check(data)


class _Checker(StepChecker):
    """The setup sections (top level, engine, users, groups), then the steps."""

    TOP_KEYS = ("title", "description", "start", "timezone", "theme", "engine", "users", "groups", "steps")
    ENGINE_KEYS = ("delivered_status", "receipt_lifetime")
    USER_KEYS = ("id", "latency", "online", "panel", "devices")
    GROUP_KEYS = ("id", "members")

    # ---- sections
    def check(self, data: Mapping[str, Any]) -> Scenario:
        top = "top level"
        self.unknown_keys(data, self.TOP_KEYS, top)
        title = self.string(data, "title", top, required=False) or "untitled scenario"
        description = data.get("description", "")
        if not isinstance(description, str):
            self.problem(top, "description", f"must be a string, got {type_name(description)}")
            description = ""
        timezone = self._timezone(data)
        start = self._start(data, timezone)
        self.clock = start
        theme = data.get("theme")
        if theme is not None and theme not in ("light", "dark"):
            self.problem(top, "theme", f'must be "light" or "dark", got {shown(theme)}')
            theme = None
        engine = self._engine(data.get("engine", {}))
        self._users(data.get("users"))
        self._groups(data.get("groups", []))
        groups = tuple(self.groups.values())  # as created; join/leave steps change self.groups
        steps = self.steps(data.get("steps"))
        if self.problems:
            raise ScenarioError(self.problems)
        return Scenario(
            source=self.source,
            title=title,
            description=description,
            start=start,
            engine=engine,
            users=tuple(self.users.values()),
            groups=groups,
            steps=tuple(steps),
            theme=theme,
            timezone=timezone,
        )

    def _timezone(self, data: Mapping[str, Any]) -> str:
        value = data.get("timezone", DEFAULT_TIMEZONE)
        example = '"Europe/Berlin"'
        if not isinstance(value, str):
            self.problem(
                "top level",
                "timezone",
                f"must be a time zone name like {example}, got {type_name(value)} {shown(value)}",
            )
        elif value == "localtime":
            self.problem(
                "top level",
                "timezone",
                f"'localtime' is this machine's zone, so pictures would differ between machines; "
                f"name one like {example}",
            )
        elif value != DEFAULT_TIMEZONE and value not in known_zones():
            missing = "" if known_zones() else "; this machine has no time zone database (pip install tzdata)"
            self.problem(
                "top level",
                "timezone",
                f"unknown time zone {shown(value)}{suggest(value, sorted(known_zones()))}; "
                f'use an IANA name like {example} or "UTC"{missing}',
            )
        else:
            return value
        return DEFAULT_TIMEZONE

    def _start(self, data: Mapping[str, Any], timezone: str) -> float:
        value = data.get("start", DEFAULT_START)
        if not isinstance(value, _dt.datetime):
            self.problem(
                "top level",
                "start",
                f"must be a TOML date-time like 2025-01-06T09:00:00Z, got {shown(value)}",
            )
            return DEFAULT_START.timestamp()
        if value.tzinfo is None:  # a local date-time is a time in the scenario's zone
            value = value.replace(tzinfo=time_zone(timezone))
        if not FIRST_CLOCK <= value <= LAST_CLOCK:
            self.problem(
                "top level",
                "start",
                f"must be from {FIRST_CLOCK:%Y-%m-%d} to {LAST_CLOCK:%Y-%m-%d} (UTC), got {value}",
            )
            return DEFAULT_START.timestamp()
        return value.timestamp()

    def _engine(self, table: object) -> EngineOptions:
        where = "[engine]"
        if not isinstance(table, dict):
            self.problem("top level", "engine", f"must be a table, got {type_name(table)}")
            return EngineOptions()
        self.unknown_keys(table, self.ENGINE_KEYS, where)
        delivered = self.boolean(table, "delivered_status", where, False)
        lifetime = EngineOptions.receipt_lifetime
        if "receipt_lifetime" in table:
            seconds = self.duration(table["receipt_lifetime"], where, "receipt_lifetime", positive=True)
            lifetime = seconds if seconds is not None else lifetime
        return EngineOptions(delivered_status=bool(delivered), receipt_lifetime=lifetime)

    def _users(self, entries: object) -> None:
        top, wanted = "top level", f"{MIN_CLIENTS} to {MAX_CLIENTS}"
        if entries is None:
            self.problem(top, "users", f"is missing: declare {wanted} [[users]] with an id")
            return
        if not isinstance(entries, list):
            self.problem(top, "users", f"must be a list of [[users]] tables, got {type_name(entries)}")
            return
        # users with ``panel = false`` (a recorded demo's bots) do not count toward the window's 2-8;
        # a user with devices counts one panel per device; every entry counts, valid or not
        shown_entries = [e for e in entries if not (isinstance(e, dict) and e.get("panel") is False)]
        panels = sum(_clients_declared(entry) for entry in shown_entries)
        if not MIN_CLIENTS <= panels <= MAX_CLIENTS:
            counted = "users" if panels == len(shown_entries) else "clients (users and devices)"
            self.problem(top, "users", f"has {panels} {counted} with a panel; the window shows {wanted}")
        if len(entries) - len(shown_entries) > MAX_MEMBERS_WITHOUT_PANEL:
            self.problem(top, "users", f"at most {MAX_MEMBERS_WITHOUT_PANEL} users with panel = false")
        for where, entry in self.tables(entries, "users", self.USER_KEYS):
            user_id = self.ident(entry, "id", where, "user id")
            latency = 0.0
            if "latency" in entry:
                seconds = self.duration(entry["latency"], where, "latency", positive=False)
                latency = seconds if seconds is not None else 0.0
            online = self.boolean(entry, "online", where, True)
            panel = self.boolean(entry, "panel", where, True)
            devices = self._devices(entry, where)
            if user_id is None:
                continue
            if user_id in self.users:
                self.problem(where, "id", f"user {user_id!r} is declared twice")
                continue
            user = UserSpec(user_id, latency, online is not False, panel is not False, devices)
            self.users[user_id] = user
            self.clients.update(dict.fromkeys(user.client_ids, user_id))

    def _devices(self, entry: dict[str, Any], where: str) -> tuple[str, ...]:
        """A user's ``devices``: distinct device ids, at most as many as a user may log in on."""
        if "devices" not in entry:
            return ()
        value = entry["devices"]
        if not isinstance(value, list) or not value:
            self.problem(where, "devices", f"must be a non-empty list of device names, got {shown(value)}")
            return ()
        devices: list[str] = []
        for device in value:
            try:
                device = check_id(device, "device id")
            except ReceiptError as error:
                self.problem(where, "devices", error.message)
                continue
            if device in devices:
                self.problem(where, "devices", f"{device!r} is listed twice")
            else:
                devices.append(device)
        if len(devices) > DEFAULT_MAX_DEVICES:
            self.problem(
                where,
                "devices",
                f"lists {len(devices)} devices; a user logs in on at most {DEFAULT_MAX_DEVICES}",
            )
        return tuple(devices)

    def _groups(self, entries: object) -> None:
        if not isinstance(entries, list):
            self.problem(
                "top level", "groups", f"must be a list of [[groups]] tables, got {type_name(entries)}"
            )
            return
        for where, entry in self.tables(entries, "groups", self.GROUP_KEYS):
            group_id = self.ident(entry, "id", where, "group id")
            if group_id is not None and group_id in self.users:
                self.problem(where, "id", f"{group_id!r} is already a user id; give the group its own id")
                group_id = None
            members = self._members(entry.get("members"), where)
            if group_id is None:
                continue
            if group_id in self.groups:
                self.problem(where, "id", f"group {group_id!r} is declared twice")
                continue
            self.groups[group_id] = GroupSpec(group_id, members)

    def _members(self, members: object, where: str) -> tuple[str, ...]:
        if not isinstance(members, list) or not members:
            self.problem(where, "members", f"must be a non-empty list of user ids, got {shown(members)}")
            return ()
        valid: list[str] = []
        for member in members:
            if not isinstance(member, str):
                self.problem(
                    where, "members", f"lists {type_name(member)} {shown(member)}; members are user ids"
                )
            elif member in self.clients and member not in self.users:
                self.problem(
                    where, "members", f"{member!r} is a device; members are users ({self.clients[member]!r})"
                )
            elif member not in self.users:
                known = suggest(member, list(self.users))
                self.problem(where, "members", f"unknown user {shown(member)}{known}")
            elif member in valid:
                self.problem(where, "members", f"{member!r} is listed twice")
            else:
                valid.append(member)
        return tuple(valid)


def _clients_declared(entry: object) -> int:
    """How many clients a ``[[users]]`` entry asks for: one per listed device, else one."""
    devices = entry.get("devices") if isinstance(entry, dict) else None
    return len(devices) if isinstance(devices, list) and devices else 1
