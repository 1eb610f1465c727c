"""The per-client event handler: every callback a client receives, defaulting to no-ops.

Either subclass ``EventHandler`` and override methods, or assign callables to an instance's
attributes (``client.event_handler.on_message_receipt_changed = my_function``); both work because
the client looks the method up on the instance each time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from readtick.core.enums import ConnectionState
from readtick.core.messages import Message
from readtick.core.results import MessageReceiptInfo

ClientT = TypeVar("ClientT")
"""The client that calls the handler, a ``readtick.core.Client``: a type parameter rather than an
import, because ``core.client`` imports this module."""

EVENT_NAMES: tuple[str, ...] = (
    "on_peer_message_received",
    "on_group_message_received",
    "on_message_receipt_changed",
    "on_conversation_message_receipt_changed",
    "on_connection_state_changed",
)


class EventHandler(Generic[ClientT]):
    """Callbacks of one client. Each is called with the client first, on the asyncio loop."""

    def on_peer_message_received(
        self, client: ClientT, messages: Sequence[Message], from_user_id: str
    ) -> None:
        """New one-to-one messages; ``from_user_id`` is the conversation id on this side."""

    def on_group_message_received(
        self, client: ClientT, messages: Sequence[Message], from_group_id: str
    ) -> None:
        """New group messages."""

    def on_message_receipt_changed(self, client: ClientT, infos: Sequence[MessageReceiptInfo]) -> None:
        """Receipt changes of this user's messages (reads, counts, DELIVERED, EXPIRED)."""

    def on_conversation_message_receipt_changed(
        self, client: ClientT, infos: Sequence[MessageReceiptInfo]
    ) -> None:
        """The peer read the whole conversation up to ``info.message_id``."""

    def on_connection_state_changed(self, client: ClientT, state: ConnectionState) -> None:
        """The link went up or down."""
