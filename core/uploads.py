"""Simulated media uploads on the engine's clock, and the notification a sender is told through.

A file "uploads" at the sending client's ``upload_rate`` (bytes per second of engine clock; None:
at once). Progress is reported at every tenth of the file, when the clock passes that point: on a
``VirtualClock`` as tests and scenarios advance it (every point passed is reported, in order), on
the real clock by timers. The upload fails at once, with NETWORK_UNAVAILABLE, when the client's
link goes down or it logs out; nothing of the file reaches anyone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol

from readtick.core.clock import Clock
from readtick.core.errors import ErrorCode, ReceiptError
from readtick.core.messages import Message

PROGRESS_STEPS = 10
"""How many progress reports an upload with a rate makes (one per tenth of the file)."""

SLACK = 1e-6
"""Seconds by which the clock may fall short of a due time and still count as there: a clock
moved on in steps that add up to it (in floating point) must not leave an upload hanging."""


class MediaMessageSendNotification:
    """What ``Client.send_media_message`` tells the caller while it works (the SDK's
    ``MediaMessageSendNotification``). Subclass it, or set callables on an instance; any object
    with these two methods will do.
    """

    def on_message_attached(self, message: Message) -> None:
        """The message was checked and is in the sender's cache (SENDING); the upload starts."""

    def on_media_uploading_progress(self, message: Message, current_size: int, total_size: int) -> None:
        """``current_size`` of ``total_size`` bytes are uploaded."""


class Uploader(Protocol):
    """The client an upload is for (a ``core.sessions.Session``)."""

    @property
    def user_id(self) -> str: ...

    @property
    def online(self) -> bool: ...

    @property
    def live(self) -> bool:
        """Whether it is still logged in."""
        ...


class Uploads:
    """The uploads in progress on one engine, waiting for the clock."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._waiting: dict[asyncio.Future[None], tuple[float, Uploader]] = {}
        clock.subscribe(self._time_moved)

    async def transfer(
        self,
        receiver: Uploader,
        name: str,
        total: int,
        rate: float | None,
        progress: Callable[[int, int], None],
    ) -> None:
        """Upload ``total`` bytes for ``receiver``'s client at ``rate``, calling ``progress(current,
        total)`` as the clock passes each step. Raises NETWORK_UNAVAILABLE if the client's link
        goes down (or it logs out) before the end."""
        self._require_up(receiver, name, 0, total)
        if rate is None:
            progress(total, total)
            return
        start = self._clock.now()
        for step in range(1, PROGRESS_STEPS + 1):
            current = total * step // PROGRESS_STEPS
            due = start + current / rate
            while self._clock.now() < due - SLACK:
                await self._until(due, receiver)
                self._require_up(receiver, name, total * (step - 1) // PROGRESS_STEPS, total)
            progress(current, total)

    def link_changed(self, receiver: Uploader) -> None:
        """``receiver``'s link went down or it logged out: its uploads wake up and fail."""
        for future, (_, waiting) in list(self._waiting.items()):
            if waiting is receiver:
                _wake(future)

    def _time_moved(self) -> None:
        now = self._clock.now()
        for future, (due, _) in list(self._waiting.items()):
            if due <= now + SLACK:
                _wake(future)

    async def _until(self, due: float, receiver: Uploader) -> None:
        """Return once the clock reached ``due`` or the receiver's link changed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._waiting[future] = (due, receiver)
        timer = None
        if getattr(self._clock, "flows_by_itself", False):
            delay = max(0.0, due - self._clock.now())
            timer = loop.call_later(delay, _wake, future)
        try:
            await future
        finally:
            del self._waiting[future]
            if timer is not None:
                timer.cancel()

    def _require_up(self, receiver: Uploader, name: str, sent: int, total: int) -> None:
        if not receiver.online or not receiver.live:
            why = "went offline" if receiver.live else "logged out"
            raise ReceiptError(
                ErrorCode.NETWORK_UNAVAILABLE,
                f"{receiver.user_id!r} {why} during the upload of {name} ({sent} of {total} bytes sent); "
                "the message was not sent",
            )


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
