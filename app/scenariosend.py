"""Checking a scenario's ``send`` steps: who sends (a client: "alice", "alice/phone"), to whom, and
what: text, or an ``image`` / ``file`` relative to the scenario, uploading at ``upload_rate``.

``SendChecker`` is part of ``readtick.app.scenariosteps.StepChecker``, which holds the users,
groups and names these read and record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from readtick.app.scenariofields import LAST_CLOCK, FieldReader, shown, suggest
from readtick.app.scenariomodel import GroupSpec, Send, UserSpec


class _Sent(NamedTuple):
    """What later steps may know of a named message (``sender`` is a client, ``sender_user``
    its user; ``recipients`` are users)."""

    step: int
    sender: str
    sender_user: str
    conversation: tuple[str, str]
    recipients: frozenset[str]
    receipt: bool


class SendChecker(FieldReader):
    """The ``send`` step; the state it needs is ``StepChecker``'s."""

    users: dict[str, UserSpec]
    groups: dict[str, GroupSpec]
    clients: dict[str, str]
    sent: dict[str, _Sent]
    clock: float | None

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self._last_size = 0  # bytes of the file the send being checked sends

    def _step_send(self, where: str, number: int, value: object) -> Send | None:
        table = self._fields(where, "send", value)
        if table is None:
            return None
        sender = self.client(table, "from", where)
        sender_user = self.clients.get(sender or "")
        text, media, path = self._content(table, where)
        upload_rate = self._upload_rate(table, where, media)
        receipt = self.boolean(table, "receipt", where, True)
        name = self.label(table, "as", where, "message name", required=False)
        to = group = None
        if ("to" in table) == ("group" in table):
            self.problem(where, "to", "give exactly one of 'to' (a user) or 'group' (a group id)")
        elif "to" in table:
            to = self.user(table, "to", where)
            if to is not None and to == sender_user:
                self.problem(where, "to", f"{sender!r} cannot send a one-to-one message to themselves")
                to = None
        else:
            group = self.string(table, "group", where)
            if group is not None and group not in self.groups:
                known = ", ".join(self.groups) or "none"
                self.problem(
                    where,
                    "group",
                    f"unknown group {shown(group)}{suggest(group, list(self.groups))}; groups: {known}",
                )
                group = None
            elif (
                group is not None
                and sender_user is not None
                and sender_user not in self.groups[group].members
            ):
                self.problem(where, "from", f"{sender_user!r} is not a member of group {group!r}")
        if name is not None and name in self.sent:
            self.problem(where, "as", f"message name {name!r} is already used by step {self.sent[name].step}")
            name = None
        if (
            sender is None
            or sender_user is None
            or text is None
            or receipt is None
            or (to is None and group is None)
        ):
            return None
        if group is not None:
            conversation = ("group", group)
            recipients = frozenset(self.groups[group].members) - {sender_user}
        else:
            assert to is not None
            conversation = ("peer", "|".join(sorted((sender_user, to))))
            recipients = frozenset({to})
        if name is not None:
            self.sent[name] = _Sent(number, sender, sender_user, conversation, recipients, receipt)
        return Send(sender, to, group, text, receipt, name, media, path, upload_rate)

    def _content(self, table: Mapping[str, Any], where: str) -> tuple[str | None, str | None, str | None]:
        """What a send sends: (text, None, None), or ("", "image"/"file", its absolute path)."""
        kinds = [kind for kind in ("text", "image", "file") if kind in table]
        if not kinds:
            self.problem(
                where,
                "text",
                "is missing: give 'text', or an 'image' or 'file' path (relative to the scenario)",
            )
            return None, None, None
        if len(kinds) > 1:
            self.problem(
                where,
                kinds[1],
                f"give only one of {', '.join(map(repr, kinds))}: one message sends one thing",
            )
            return None, None, None
        if kinds[0] == "text":
            return self.text(table, "text", where), None, None
        media = self.media_file(table, kinds[0], where)
        if media is None:
            return None, None, None
        self._last_size = media.size
        return "", kinds[0], media.path

    def _upload_rate(self, table: Mapping[str, Any], where: str, media: str | None) -> float | None:
        """Bytes per second the file uploads at; the upload moves the virtual clock on."""
        if "upload_rate" not in table:
            return None
        if media is None:
            if "image" not in table and "file" not in table:
                self.problem(where, "upload_rate", "only an 'image' or a 'file' is uploaded; text is not")
            return None
        rate = self.rate(table, "upload_rate", where)
        if rate is not None and self.clock is not None:
            self.clock += self._last_size / rate
            if self.clock > LAST_CLOCK.timestamp():
                self.clock = None
                self.problem(
                    where, "upload_rate", f"the upload moves the virtual clock past {LAST_CLOCK:%Y-%m-%d}"
                )
                return None
        return rate
