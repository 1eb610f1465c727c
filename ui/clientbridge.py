"""The one object between a client (core) and its panel (Qt): it installs itself as the client's
event handler and re-emits every callback as a Qt signal, and it wraps the client's calls, so
widgets never touch the client or the engine directly.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Signal

from core.enums import ConnectionState, ConversationType, MessageDirection, ReceiptStatus
from core.errors import ReceiptError
from core.handler import EventHandler
from core.messages import Message, TextMessage
from core.results import GroupMessageReceiptMemberQueryConfig, MessageReceiptInfo, MessageSendConfig

if TYPE_CHECKING:
    from core.client import Client
    from core.engine import ReceiptEngine

#: Most messages one read call may carry (SPEC §4 rule 3).
READ_BATCH_LIMIT = 10


class _BridgeHandler(EventHandler):
    """The client's event handler: forwards each callback to the bridge, if it still exists.

    Holds the bridge weakly, so a removed panel's bridge can go away while the client (and the
    engine's reference to this handler) lives on.
    """

    def __init__(self, bridge: ClientBridge) -> None:
        self._bridge = weakref.ref(bridge)

    def _target(self) -> ClientBridge | None:
        bridge = self._bridge()
        return bridge if bridge is not None and shiboken6.isValid(bridge) else None

    def on_peer_message_received(self, client, messages, from_user_id) -> None:
        if bridge := self._target():
            bridge._event("on_peer_message_received", messages=list(messages), from_user_id=from_user_id)
            bridge.peerMessagesReceived.emit(list(messages), from_user_id)

    def on_group_message_received(self, client, messages, from_group_id) -> None:
        if bridge := self._target():
            bridge._event("on_group_message_received", messages=list(messages), from_group_id=from_group_id)
            bridge.groupMessagesReceived.emit(list(messages), from_group_id)

    def on_message_receipt_changed(self, client, infos) -> None:
        if bridge := self._target():
            bridge._event("on_message_receipt_changed", infos=list(infos))
            bridge.messageReceiptChanged.emit(list(infos))

    def on_conversation_message_receipt_changed(self, client, infos) -> None:
        if bridge := self._target():
            bridge._event("on_conversation_message_receipt_changed", infos=list(infos))
            bridge.conversationMessageReceiptChanged.emit(list(infos))

    def on_connection_state_changed(self, client, state) -> None:
        if bridge := self._target():
            bridge._event("on_connection_state_changed", state=ConnectionState(state))
            bridge.connectionStateChanged.emit(ConnectionState(state))


class ClientBridge(QObject):
    """Qt face of one ``Client``.

    Signals:
        eventFired(str, dict): a handler callback fired: its name and its arguments by name
            (``client`` first), before the specific signal below.
        peerMessagesReceived(list, str): ``on_peer_message_received`` (messages, from_user_id).
        groupMessagesReceived(list, str): ``on_group_message_received`` (messages, from_group_id).
        messageReceiptChanged(list): ``on_message_receipt_changed`` (infos).
        conversationMessageReceiptChanged(list): ``on_conversation_message_receipt_changed``
            (infos; each ``message_id`` is a read watermark).
        connectionStateChanged(ConnectionState): ``on_connection_state_changed``.
        messagesSent(list): this client's own messages, from a send result (also a failed send's
            copy), as models should show them.
        receiptsRefreshed(list): receipt infos learnt from this client's own calls (its reads,
            receipt queries), which no event reports.
        linkChanged(): ``set_online`` or ``set_latency`` changed the simulated link.
    """

    eventFired = Signal(str, dict)
    peerMessagesReceived = Signal(list, str)
    groupMessagesReceived = Signal(list, str)
    messageReceiptChanged = Signal(list)
    conversationMessageReceiptChanged = Signal(list)
    connectionStateChanged = Signal(object)
    messagesSent = Signal(list)
    receiptsRefreshed = Signal(list)
    linkChanged = Signal()

    def __init__(self, client: Client, engine: ReceiptEngine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._engine = engine
        self._handler = _BridgeHandler(self)
        client.event_handler = self._handler

    def detach(self) -> None:
        """Stop receiving the client's callbacks (its panel is going away)."""
        if self._client.event_handler is self._handler:
            self._client.event_handler = EventHandler()

    def _event(self, name: str, **arguments: object) -> None:
        self.eventFired.emit(name, {"client": self._client.user_id, **arguments})

    # --- identity, link, conversations ----------------------------------------------------------

    @property
    def user_id(self) -> str:
        return self._client.user_id

    @property
    def online(self) -> bool:
        return bool(self._client.online)

    @property
    def latency(self) -> float:
        return float(self._client.latency)

    def set_online(self, online: bool) -> None:
        self._client.set_online(online)
        self.linkChanged.emit()

    def set_latency(self, seconds: float) -> None:
        self._client.set_latency(seconds)
        self.linkChanged.emit()

    def group_ids(self) -> list[str]:
        return list(self._engine.group_ids_of(self._client.user_id))

    def group_members(self, group_id: str) -> list[str]:
        return list(self._engine.group_members(group_id))

    def cached_messages(self, conversation_id: str, conversation_type: ConversationType) -> list[Message]:
        return list(self._client.cached_messages(conversation_id, conversation_type))

    def cached_infos(self, messages: Sequence[Message]) -> list[MessageReceiptInfo]:
        """The last known receipt infos of this client's own receipt messages among ``messages``."""
        infos = []
        for message in messages:
            if message.direction == MessageDirection.SEND and message.message_id:
                info = self._client.cached_receipt_info(message.message_id)
                if info is not None:
                    infos.append(info)
        return infos

    # --- calls ----------------------------------------------------------------------------------

    async def send_text(
        self, conversation_id: str, conversation_type: ConversationType, text: str, *, with_receipt: bool
    ) -> Message:
        """Send ``text``; emits ``messagesSent`` with the sender's copy, also when the send failed
        after being accepted (offline), then re-raises the ``ReceiptError``."""
        try:
            result = await self._client.send_message(
                TextMessage(text),
                conversation_id,
                conversation_type,
                MessageSendConfig(has_receipt=with_receipt),
            )
        except ReceiptError as error:
            if error.failed_message is not None:
                self.messagesSent.emit([error.failed_message])
            raise
        message = result.message
        self.messagesSent.emit([message])
        # A read may have raced the send result (zero latency): catch up from the cache.
        known = self.cached_infos([message])
        if known:
            self.receiptsRefreshed.emit(known)
        elif with_receipt and conversation_type == ConversationType.GROUP:
            await self.refresh_receipts([message], conversation_id, conversation_type)
        return message

    async def refresh_receipts(
        self, messages: Sequence[Message], conversation_id: str, conversation_type: ConversationType
    ) -> None:
        """Ask the engine for the receipt counts of ``messages`` and emit ``receiptsRefreshed``."""
        wanted = [m for m in messages if m.receipt_status not in (ReceiptStatus.NONE, ReceiptStatus.UNKNOWN)]
        for start in range(0, len(wanted), READ_BATCH_LIMIT):
            result = await self._client.query_message_receipts_info(
                wanted[start : start + READ_BATCH_LIMIT], conversation_id, conversation_type
            )
            if result.infos:
                self.receiptsRefreshed.emit(list(result.infos))

    async def read_messages(
        self, messages: Sequence[Message], conversation_id: str, conversation_type: ConversationType
    ) -> tuple[int, ...]:
        """Send read receipts for ``messages`` (at most 10); emits ``receiptsRefreshed`` for the
        ones read and returns the ids the engine refused."""
        result = await self._client.send_message_receipts_read(
            list(messages), conversation_id, conversation_type
        )
        refused = set(result.error_message_ids)
        read = [
            MessageReceiptInfo(conversation_id, conversation_type, m.message_id, ReceiptStatus.DONE)
            for m in messages
            if m.message_id not in refused
        ]
        if read:
            self.receiptsRefreshed.emit(read)
        return tuple(result.error_message_ids)

    async def read_conversation(self, conversation_id: str, conversation_type: ConversationType) -> int:
        """Mark the whole conversation read; emits ``receiptsRefreshed`` for the received messages
        now DONE in the cache and returns how many there are."""
        await self._client.send_conversation_message_receipt_read(conversation_id, conversation_type)
        done = [
            MessageReceiptInfo(conversation_id, conversation_type, m.message_id, ReceiptStatus.DONE)
            for m in self._client.cached_messages(conversation_id, conversation_type)
            if m.direction == MessageDirection.RECEIVE and m.receipt_status == ReceiptStatus.DONE
        ]
        if done:
            self.receiptsRefreshed.emit(done)
        return len(done)

    async def member_page(
        self, message: Message, group_id: str, *, read: bool, next_flag: int, count: int
    ) -> tuple[list[str], int]:
        """One page of the read (or unread) members of a group message: (user ids, next_flag)."""
        config = GroupMessageReceiptMemberQueryConfig(next_flag=next_flag, count=count)
        if read:
            result = await self._client.query_group_message_receipt_read_member_list(
                message, group_id, config
            )
        else:
            result = await self._client.query_group_message_receipt_unread_member_list(
                message, group_id, config
            )
        return list(result.user_list), int(result.next_flag)

    async def history_before(
        self, conversation_id: str, conversation_type: ConversationType, oldest: Message | None, count: int
    ) -> list[Message]:
        """The page of ``count`` messages before ``oldest`` (oldest first)."""
        result = await self._client.query_history_message(
            conversation_id, conversation_type, next_message=oldest, count=count, reverse=True
        )
        return list(result.message_list)
