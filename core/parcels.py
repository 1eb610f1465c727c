"""What delivery carries and between whom: the ``Parcel``, the ``Receiver`` and the ``Source``.

A parcel is one thing on its way to a user (a message, a receipt event, an expiry, a sync from
another device). A ``Receiver`` is a logged-in client as delivery sees it; the ``Source`` is what
delivery needs of the engine. ``core.delivery`` moves parcels from the one to the others.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from readtick.core.messages import Message
from readtick.core.results import MessageReceiptInfo
from readtick.core.store import MESSAGE_RECEIPT, OutboxEvent

MESSAGE, EVENT, EXPIRY, SYNC = "message", "event", "expiry", "sync"
"""The kinds of ``Parcel``."""


@dataclass(frozen=True)
class Parcel:
    """One thing on its way to a user.

    Attributes:
        kind: ``MESSAGE``: the engine's message ``message_id``, as the user sees it on arrival.
            ``EVENT``: a receipt ``event``, kept in the user's outbox under ``order`` until taken.
            ``EXPIRY``: the receipt of ``message_id`` expired before the user read it; kept
            nowhere, the engine derives it again on reconnect from ``Receiver.awaiting_read``.
            ``SYNC``: a receipt ``event`` about what the user did on another of its devices (a
            read); kept nowhere either, derived again on reconnect like an expiry.
        order: its place in the engine's global order (a message's id, an event's outbox key).
        merged: the outbox keys of every event merged into this one (``merge_events``).
    """

    kind: str
    order: int
    message_id: int = 0
    event: OutboxEvent | None = None
    merged: tuple[int, ...] = ()

    @property
    def outbox_keys(self) -> tuple[int, ...]:
        """The outbox entries this parcel stands for."""
        return self.merged or (self.order,)


def merge_events(parcels: list[Parcel]) -> Parcel:
    """Receipt events for one user as one parcel: one info per message, the newest one (counts
    only grow and statuses only move forward, so the newest info says all the older ones did)."""
    infos: dict[int, MessageReceiptInfo] = {}
    for parcel in parcels:
        assert parcel.event is not None
        for info in parcel.event.infos:
            infos.pop(info.message_id, None)
            infos[info.message_id] = info
    event = OutboxEvent(MESSAGE_RECEIPT, tuple(infos.values()))
    keys = tuple(key for parcel in parcels for key in parcel.outbox_keys)
    return Parcel(EVENT, parcels[-1].order, event=event, merged=keys)


class Receiver(Protocol):
    """What a logged-in client offers delivery (a ``core.sessions.Session``): who it is, the state
    of its link, and where parcels go. A user may have several, one per device."""

    @property
    def user_id(self) -> str: ...

    @property
    def device_id(self) -> str: ...

    @property
    def online(self) -> bool: ...

    @property
    def latency(self) -> float:
        """Seconds of engine clock between sending and arriving."""
        ...

    def receive_message(self, message: Message) -> None: ...

    def receive_event(self, event: OutboxEvent) -> None: ...

    def awaiting_read(self) -> list[int]:
        """Ids of received messages the client still shows as waiting for its read."""
        ...


class Source(Protocol):
    """What delivery needs of the engine."""

    def backlog(self, receiver: Receiver) -> list[Parcel]:
        """Everything the receiver's client is missing, in order (on login or reconnect)."""
        ...

    def hand_over(self, receiver: Receiver, parcel: Parcel) -> None:
        """Give ``parcel`` to ``receiver``, then record that it arrived."""
        ...

    def serve(self, deadline: float) -> bool:
        """Run the server calls clients submitted, until ``deadline``; True if some are left."""
        ...

    def handing_out(self) -> AbstractContextManager[None]:
        """The writes of a slice of hand-overs, as one operation."""
        ...

    def commit(self, needed: bool) -> bool:
        """Commit what the engine wrote (``needed``: parcels wait for it; else only if a call
        does). False if the commit failed (the engine then dropped what it staged here)."""
        ...

    def expire_due(self) -> None:
        """Expire what is due at the clock's current time."""
        ...

    def next_expiry(self) -> float | None:
        """When the next receipt expires, if any does."""
        ...
