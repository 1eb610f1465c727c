"""Calling a client's user code: its event handler, its cache listeners, a send's notification.

Every call is guarded: user code that raises is reported to the running loop's exception handler
(or logged, with no loop) and never breaks a delivery or a send.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Protocol

from readtick.core.handler import EventHandler
from readtick.core.messages import Message
from readtick.core.results import MessageReceiptInfo
from readtick.core.uploads import MediaMessageSendNotification

log = logging.getLogger(__name__)

UPLOAD_LISTENER_METHOD = "upload_progressed"
"""A cache listener with a method of this name, ``(client, message, current_size, total_size)``,
is also told how the upload of each of the client's media messages progresses."""


class CacheListener(Protocol):
    """What ``Client.add_cache_listener`` calls, with the ``Client`` first: one method per kind
    of cached thing (and optionally ``upload_progressed``, see ``UPLOAD_LISTENER_METHOD``)."""

    def message_cached(self, client: Any, message: Message) -> None: ...

    def receipt_info_cached(self, client: Any, info: MessageReceiptInfo) -> None: ...


class Owner(Protocol):
    """The client the callbacks belong to (a ``readtick.core.Client``: named by what it offers,
    because ``core.client`` imports this module)."""

    @property
    def client_id(self) -> str: ...

    event_handler: EventHandler[Any]


class Callbacks:
    """The user code of one client, and the guarded calls to it."""

    def __init__(self, client: Owner) -> None:
        self._client = client
        self.listeners: list[CacheListener] = []

    def handler(self, name: str, *args: object) -> None:
        """Call the client's event handler method ``name`` (looked up now: it may be replaced)."""
        self._safely(f"event handler {name}", getattr(self._client.event_handler, name), self._client, *args)

    def message_written(self, message: Message) -> None:
        for listener in list(self.listeners):
            self._safely(f"cache listener {listener!r}", listener.message_cached, self._client, message)

    def info_written(self, info: MessageReceiptInfo) -> None:
        for listener in list(self.listeners):
            self._safely(f"cache listener {listener!r}", listener.receipt_info_cached, self._client, info)

    def attached(self, notification: MediaMessageSendNotification | None, draft: Message) -> None:
        if notification is not None:
            self._safely("notification on_message_attached", notification.on_message_attached, draft)

    def upload_progressed(
        self, notification: MediaMessageSendNotification | None, draft: Message, current: int, total: int
    ) -> None:
        for listener in list(self.listeners):
            method = getattr(listener, UPLOAD_LISTENER_METHOD, None)
            if method is not None:
                self._safely(f"cache listener {listener!r}", method, self._client, draft, current, total)
        if notification is not None:
            progress = notification.on_media_uploading_progress
            self._safely("notification on_media_uploading_progress", progress, draft, current, total)

    def _safely(self, what: str, function: Callable[..., object], *args: object) -> None:
        try:
            function(*args)
        except Exception as error:
            who = self._client.client_id
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                log.exception("%s of %r raised", what, who)
                return
            loop.call_exception_handler({"message": f"{what} of {who!r} raised", "exception": error})
