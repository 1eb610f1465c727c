"""How what the engine sends reaches each logged-in client: in order, after that client's latency.

The engine decides *what* a user gets (the receipt rules); delivery decides *when*. Each receiver
has one first-in first-out queue of parcels, each due at its send time plus the receiver's latency
on the engine's clock, so lowering the latency never lets a later parcel overtake an earlier one. A
pump hands out what is due, on the running asyncio loop by itself or in ``drain()``. Taking a link
down drops what is in flight; the engine still holds it (undelivered messages, outbox events) and
the backlog it computes is queued again when the link comes back up.

Delivery knows a client only as a ``Receiver`` and the engine only as a ``Source``, so it imports
neither (and neither imports the other through it).
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from readtick.core.clock import Clock
from readtick.core.messages import Message
from readtick.core.store import OutboxEvent

MESSAGE, EVENT, EXPIRY = "message", "event", "expiry"
"""The kinds of ``Parcel``."""


@dataclass(frozen=True)
class Parcel:
    """One thing on its way to a user.

    Attributes:
        kind: ``MESSAGE``: the engine's message ``message_id``, as the user sees it on arrival.
            ``EVENT``: a receipt ``event``, kept in the user's outbox under ``order`` until taken.
            ``EXPIRY``: the receipt of ``message_id`` expired before the user read it; kept
            nowhere, the engine derives it again on reconnect from ``Receiver.awaiting_read``.
        order: its place in the engine's global order (a message's id, an event's outbox key).
    """

    kind: str
    order: int
    message_id: int = 0
    event: OutboxEvent | None = None


class Receiver(Protocol):
    """What a client offers delivery: who it is, the state of its link, and where parcels go."""

    @property
    def user_id(self) -> str: ...

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

    def expire_due(self) -> None:
        """Expire what is due at the clock's current time."""
        ...

    def next_expiry(self) -> float | None:
        """When the next receipt expires, if any does."""
        ...


class Delivery:
    """The receivers logged in to one engine, their queues, and the pump that empties them."""

    def __init__(self, clock: Clock, source: Source) -> None:
        self._clock = clock
        self._source = source
        self._receivers: dict[str, Receiver] = {}
        self._queues: dict[str, deque[tuple[float, Parcel]]] = {}
        self._pump_handle: asyncio.Handle | None = None
        self._pump_loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None
        clock.subscribe(self.kick)

    # ------------------------------------------------------------------ receivers
    def receiver(self, user: str) -> Receiver | None:
        """The receiver logged in as ``user``, if any."""
        return self._receivers.get(user)

    def online_users(self) -> list[str]:
        """Users whose receiver is logged in with its link up."""
        return [user for user, receiver in self._receivers.items() if receiver.online]

    def attach(self, receiver: Receiver) -> None:
        """``receiver`` logged in; it gets its backlog once its link is up."""
        self._receivers[receiver.user_id] = receiver
        self._queues[receiver.user_id] = deque()
        self.link_changed(receiver)

    def detach(self, receiver: Receiver) -> None:
        """``receiver`` logged out: what was in flight to it is dropped."""
        if self._receivers.get(receiver.user_id) is receiver:
            del self._receivers[receiver.user_id]
            self._queues.pop(receiver.user_id).clear()

    def link_changed(self, receiver: Receiver) -> None:
        """The receiver's link went up or down: drop what was in flight; when up, queue the backlog."""
        if self._receivers.get(receiver.user_id) is not receiver:
            return
        queue = self._queues[receiver.user_id]
        queue.clear()  # in place: a pump handing out of this queue right now sees it empty
        if receiver.online:
            due = self._clock.now() + receiver.latency
            queue.extend((due, parcel) for parcel in self._source.backlog(receiver))
            self.kick()

    def send(self, user: str, parcel: Parcel) -> None:
        """Queue ``parcel`` for ``user`` if its receiver is online (else the backlog brings it)."""
        receiver = self._receivers.get(user)
        if receiver is not None and receiver.online:
            self._queues[user].append((self._clock.now() + receiver.latency, parcel))
            self.kick()

    # ------------------------------------------------------------------ the pump
    async def drain(self) -> None:
        """Return once every delivery and expiry due now has been processed and handled.

        Also gives tasks started by handlers a turn, so chains of reactions settle.
        """
        idle_rounds = 0
        while idle_rounds < 3:
            done = self._pump()
            await asyncio.sleep(0)
            idle_rounds = 0 if done else idle_rounds + 1

    def kick(self) -> None:
        """Something may have become due: pump soon on the running loop (``drain()`` if none)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if self._pump_handle is not None and self._pump_loop is loop:
            return  # a pump is already scheduled on this loop
        self._pump_loop = loop
        self._pump_handle = loop.call_soon(self._scheduled_pump)

    def close(self) -> None:
        """Stop the pump and its timer."""
        for handle in (self._pump_handle, self._timer):
            if handle is not None:
                handle.cancel()
        self._pump_handle = self._timer = None

    def _scheduled_pump(self) -> None:
        self._pump_handle = None
        self._pump()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if getattr(self._clock, "flows_by_itself", False):
            # A virtual clock says when it jumps; a real one needs a timer for the next due thing.
            due = [queue[0][0] for queue in self._queues.values() if queue]
            expiry = self._source.next_expiry()
            if expiry is not None:
                due.append(expiry)
            if due:
                delay = max(0.0, min(due) - self._clock.now())
                self._timer = asyncio.get_running_loop().call_later(delay + 0.001, self.kick)

    def _pump(self) -> int:
        """Hand out everything due now, across all receivers, until nothing more is due."""
        done = 0
        progress = True
        while progress:
            progress = False
            self._source.expire_due()
            now = self._clock.now()
            for user, receiver in list(self._receivers.items()):
                queue = self._queues.get(user)
                while queue and queue[0][0] <= now:
                    _, parcel = queue.popleft()
                    self._source.hand_over(receiver, parcel)
                    done += 1
                    progress = True
        return done
