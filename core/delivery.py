"""How what the engine sends reaches each logged-in client: in order, after that client's latency,
in bounded slices that leave the event loop free to paint in between.

The engine decides *what* a user gets (the receipt rules); delivery decides *when*. A user may be
logged in on several devices, each a receiver: what is sent to a user is queued for each of its
receivers (``send``: the per-device fan-out). Each receiver has one first-in first-out queue of
parcels, each due at its send time plus the receiver's latency
on the engine's clock, so lowering the latency never lets a later parcel overtake an earlier one.

Theory of operation: like asyncio's own loop, the pump never scans every receiver. A receiver whose
queue head is due now is in the *ready* set; one whose head is due later sits in a heap of timers
keyed by that time. A pump *slice* first commits what the engine wrote (``Source.commit``: the
group commit of ``core.groupcommit``) and only then releases what those writes sent (parcels are
*staged* until their write is durable, and dropped if the commit fails); it then hands out due
parcels, ready receiver by ready receiver, until ``SLICE_PARCELS`` parcels or ``SLICE_SECONDS``
are spent, and yields to the loop (``call_soon``) if more is due, so a 10,000-member fan-out is
spread over several loop turns and Qt paints in between. Consecutive receipt events due to one
receiver are handed over as one (the SDK's callback takes a list of infos). ``drain()`` runs
slices until nothing due is left. Taking a link down drops what is in flight; the engine still
holds it (undelivered messages, outbox events) and the backlog it computes is queued again when
the link comes back up.

Delivery knows a client only as a ``Receiver`` and the engine only as a ``Source``
(``core.parcels``, with the ``Parcel`` it carries), so it imports neither (and neither imports the
other through it).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections import deque

from readtick.core.clock import Clock
from readtick.core.parcels import EVENT, Parcel, Receiver, Source, merge_events
from readtick.core.store import MESSAGE_RECEIPT

SLICE_PARCELS = 512
"""Most parcels one pump slice hands out before it yields to the event loop."""

SLICE_SECONDS = 0.004
"""Most time one pump slice spends before it yields (a frame at 60 Hz is 16 ms)."""


class Delivery:
    """The receivers logged in to one engine, their queues, and the pump that empties them.

    Attributes:
        visits: receivers the pump has looked at so far (each a receiver with something due).
        slices: pump slices run so far (each ends by yielding to the loop or by running dry).
        slice_parcels, slice_seconds: the bounds of one slice.
    """

    def __init__(self, clock: Clock, source: Source) -> None:
        self._clock = clock
        self._source = source
        # each user's logged-in devices (receivers), in login order; one queue per receiver
        self._receivers: dict[str, list[Receiver]] = {}
        self._queues: dict[Receiver, deque[tuple[float, Parcel]]] = {}
        # receivers with something due, first come first served: a deque (popping the front of a
        # dict makes the next pop skip every deleted slot) and a set for membership
        self._ready: deque[Receiver] = deque()
        self._is_ready: set[Receiver] = set()
        self._timers: list[tuple[float, int, Receiver]] = []  # (due, tie-break, receiver) of heads
        self._tie = itertools.count()
        self._staged: list[tuple[Receiver, float, Parcel]] = []  # waiting for their write's commit
        self._pump_handle: asyncio.Handle | None = None
        self._pump_loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._more_calls = False
        self._closed = False
        self._held: list[tuple[Receiver, float, Parcel]] = []  # committed, waiting for their callers
        self.visits = 0
        self.slices = 0
        self.slice_parcels = SLICE_PARCELS
        self.slice_seconds = SLICE_SECONDS
        clock.subscribe(self.kick)

    # ------------------------------------------------------------------ receivers
    def receivers(self, user: str) -> list[Receiver]:
        """The receivers logged in as ``user`` (one per device), in login order."""
        return list(self._receivers.get(user, ()))

    def is_attached(self, receiver: Receiver) -> bool:
        return receiver in self._queues

    def is_online(self, user: str) -> bool:
        """Whether one of ``user``'s receivers is logged in with its link up."""
        return any(receiver.online for receiver in self._receivers.get(user, ()))

    def others_online(self, user: str, receiver: Receiver | None) -> bool:
        """Whether ``user`` has a receiver other than ``receiver`` with its link up."""
        return any(other is not receiver and other.online for other in self._receivers.get(user, ()))

    def online_users(self) -> list[str]:
        """Users with a receiver logged in with its link up."""
        return [user for user, devices in self._receivers.items() if any(r.online for r in devices)]

    def session_count(self) -> int:
        return len(self._queues)

    def attach(self, receiver: Receiver) -> None:
        """``receiver`` logged in; it gets its backlog once its link is up."""
        self._receivers.setdefault(receiver.user_id, []).append(receiver)
        self._queues[receiver] = deque()
        self.link_changed(receiver)

    def detach(self, receiver: Receiver) -> None:
        """``receiver`` logged out: what was in flight to it is dropped."""
        queue = self._queues.pop(receiver, None)
        if queue is None:
            return
        queue.clear()
        devices = self._receivers[receiver.user_id]
        devices.remove(receiver)
        if not devices:
            del self._receivers[receiver.user_id]
        self._is_ready.discard(receiver)
        self._unstage(receiver)

    def link_changed(self, receiver: Receiver) -> None:
        """The receiver's link went up or down: drop what was in flight; when up, queue the backlog."""
        queue = self._queues.get(receiver)
        if queue is None:
            return
        queue.clear()  # in place: a pump handing out of this queue right now sees it empty
        self._is_ready.discard(receiver)
        self._unstage(receiver)  # the backlog holds it too
        if receiver.online:
            due = self._clock.now() + receiver.latency
            self._staged.extend((receiver, due, parcel) for parcel in self._source.backlog(receiver))
            self.kick()

    def send(self, user: str, parcel: Parcel, *, skip: Receiver | None = None) -> None:
        """Queue ``parcel`` for each of ``user``'s receivers that is online (the others get it from
        their backlog), except ``skip`` (the device that caused it), once the write that produced
        it is committed."""
        now, queued = self._clock.now(), False
        for receiver in self._receivers.get(user, ()):
            if receiver.online and receiver is not skip:
                self._staged.append((receiver, now + receiver.latency, parcel))
                queued = True
        if queued:
            self.kick()

    def send_to(self, users: list[str], parcel: Parcel) -> None:
        """``send`` one parcel to many users (a group message: one call for the whole fan-out)."""
        now, receivers, staged = self._clock.now(), self._receivers, self._staged
        for user in users:
            for receiver in receivers.get(user, ()):
                if receiver.online:
                    staged.append((receiver, now + receiver.latency, parcel))
        self.kick()

    def _release_held(self) -> None:
        if self._closed:
            return
        held, self._held = self._held, []
        self._staged[:0] = held  # committed already, and older than anything staged since
        if self._pump_handle is not None:
            self._pump_handle.cancel()
            self._pump_handle = None
        self._scheduled_pump()  # now: a zero-latency read reaches its sender in this loop turn

    def release(self) -> None:
        """Queue the staged parcels (the writes behind them are committed)."""
        staged, self._staged = self._staged, []
        now = self._clock.now()
        for receiver, due, parcel in staged:
            queue = self._queues.get(receiver)
            if queue is None:
                continue
            queue.append((due, parcel))
            if len(queue) == 1:
                self._wake_at(receiver, queue[0][0], now)

    def drop_staged(self) -> None:
        """The writes behind the staged parcels were undone: they never happened."""
        self._staged.clear()

    def _unstage(self, receiver: Receiver) -> None:
        if self._staged:
            self._staged = [item for item in self._staged if item[0] is not receiver]
        if self._held:
            self._held = [item for item in self._held if item[0] is not receiver]

    def _wake_at(self, receiver: Receiver, due: float, now: float) -> None:
        if due <= now:
            if receiver not in self._is_ready:
                self._is_ready.add(receiver)
                self._ready.append(receiver)
        else:
            heapq.heappush(self._timers, (due, next(self._tie), receiver))

    # ------------------------------------------------------------------ the pump
    async def drain(self) -> None:
        """Return once every delivery and expiry due now has been processed and handled.

        Also gives tasks started by handlers a turn, so chains of reactions settle.
        """
        idle_rounds = 0
        while idle_rounds < 3:
            handed = self._slice()
            busy = bool(self._is_ready or self._staged or self._held or self._more_calls)
            if not busy:
                self._source.commit(True)  # what the deliveries wrote: one commit per drain
            await asyncio.sleep(0)
            idle_rounds = 0 if handed or busy else idle_rounds + 1

    def kick(self) -> None:
        """Something may have become due: pump soon on the running loop (``drain()`` if none)."""
        if self._closed:
            return
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
        self._closed = True
        for handle in (self._pump_handle, self._timer):
            if handle is not None:
                handle.cancel()
        self._pump_handle = self._timer = None

    def _scheduled_pump(self) -> None:
        self._pump_handle = None
        self._slice()
        if self._is_ready or self._staged or self._more_calls:
            self.kick()  # more is due: after the loop's other work (and Qt's paint)
            return
        self._source.commit(True)  # idle: what the deliveries wrote
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if getattr(self._clock, "flows_by_itself", False):
            # A virtual clock says when it jumps; a real one needs a timer for the next due thing.
            due = [self._timers[0][0]] if self._timers else []
            expiry = self._source.next_expiry()
            if expiry is not None:
                due.append(expiry)
            if due:
                delay = max(0.0, min(due) - self._clock.now())
                self._timer = asyncio.get_running_loop().call_later(delay + 0.001, self.kick)

    def _slice(self) -> int:
        """Commit, then hand out what is due, within the slice's bounds. Returns parcels handed."""
        self.slices += 1
        deadline = time.perf_counter() + self.slice_seconds
        self._source.expire_due()
        # What the calls served now send is held until each caller's own continuation (its cache
        # update, woken by the commit) has run: released by a callback queued after those wakeups.
        releasable = len(self._staged)
        self._more_calls = self._source.serve(deadline)
        served = self._staged[releasable:]
        del self._staged[releasable:]
        if not self._source.commit(bool(self._staged or served)):
            return 0
        self.release()
        if served:
            self._held.extend(served)
            asyncio.get_running_loop().call_soon(self._release_held)
        now = self._clock.now()
        timers, ready, is_ready, queues = self._timers, self._ready, self._is_ready, self._queues
        while timers and timers[0][0] <= now:
            receiver = heapq.heappop(timers)[2]
            queue = queues.get(receiver)
            if queue and queue[0][0] <= now:
                self._wake_at(receiver, queue[0][0], now)
        handed, budget = 0, self.slice_parcels
        hand_over = self._source.hand_over
        with self._source.handing_out():
            while ready and handed < budget:
                receiver = ready.popleft()
                if receiver not in is_ready:
                    continue  # dropped since (link down, logout)
                is_ready.discard(receiver)
                self.visits += 1
                queue = queues.get(receiver)
                if queue is None:
                    continue
                while queue and queue[0][0] <= now and handed < budget:
                    parcel, count = self._next_parcel(queue, now)
                    hand_over(receiver, parcel)
                    handed += count
                    if time.perf_counter() > deadline:
                        budget = handed
                if queue and queues.get(receiver) is queue:
                    self._wake_at(receiver, queue[0][0], now)
        return handed

    @staticmethod
    def _next_parcel(queue: deque[tuple[float, Parcel]], now: float) -> tuple[Parcel, int]:
        """The head parcel, with the receipt events due right behind it merged into it."""
        parcel = queue.popleft()[1]
        if parcel.kind != EVENT or parcel.event is None or parcel.event.kind != MESSAGE_RECEIPT:
            return parcel, 1
        run = [parcel]
        while queue and queue[0][0] <= now:
            event = queue[0][1].event
            if queue[0][1].kind != EVENT or event is None or event.kind != MESSAGE_RECEIPT:
                break
            run.append(queue.popleft()[1])
        return (merge_events(run), len(run)) if len(run) > 1 else (parcel, 1)
