"""The one object between a client (core) and its panel (Qt): it listens to the client's local
cache and event handler and re-emits both as Qt signals, and it wraps the client's calls, so
widgets never touch the client or the engine directly.

The cache listener is what the panel's message list mirrors: it reports every write to the
client's cache, whoever caused it (the panel, a script, the scenario player, an event). The
handler's callbacks report only what *others* did; they feed the event log and the picker's
"(n new)" counters.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Signal
from readtick.core.enums import ConnectionState, ConversationType, MessageDirection, ReceiptStatus
from readtick.core.errors import ReceiptError
from readtick.core.handler import EventHandler
from readtick.core.localcache import cache_key
from readtick.core.mediafile import media_kind
from readtick.core.messages import Message, TextMessage
from readtick.core.receipt import READ_LIMIT, without_receipt
from readtick.core.results import GroupMessageReceiptMemberQueryConfig, MessageReceiptInfo, MessageSendConfig

if TYPE_CHECKING:
    from readtick.core.client import Client
    from readtick.core.engine import ReceiptEngine

#: Most messages one read call may carry: core's limit (receipt rule 3), under the name the
#: panel imports.
READ_BATCH_LIMIT = READ_LIMIT


class _WeakBridge:
    """Holds the bridge weakly, so a removed panel's bridge can go away while the client (and
    its references to the handler and listener) lives on; a dead bridge makes calls no-ops."""

    def __init__(self, bridge: ClientBridge) -> None:
        self._bridge = weakref.ref(bridge)

    def _target(self) -> ClientBridge | None:
        bridge = self._bridge()
        return bridge if bridge is not None and shiboken6.isValid(bridge) else None


class _BridgeCacheListener(_WeakBridge):
    """The client's cache listener: forwards each cache write to the bridge."""

    def message_cached(self, client: Client, message: Message) -> None:
        if bridge := self._target():
            bridge.messageCached.emit(message)

    def receipt_info_cached(self, client: Client, info: MessageReceiptInfo) -> None:
        if bridge := self._target():
            bridge.receiptInfoCached.emit(info)

    def upload_progressed(self, client: Client, message: Message, current: int, total: int) -> None:
        if bridge := self._target():
            bridge.uploadProgressed.emit(message, current, total)


class _BridgeHandler(_WeakBridge, EventHandler):
    """The client's event handler: forwards each callback to the bridge, if it still exists."""

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
        messageCached(Message): the client wrote this copy of a message to its local cache: its
            own send (also a failed one), its own read, a received message, a receipt event or
            conversation watermark applied to it, a history refresh. Emitted synchronously, before
            the handler signal of the same change, whoever caused it.
        receiptInfoCached(MessageReceiptInfo): the client cached a receipt info (status and
            counts) for one of its own messages: from its send, a receipt event, a conversation
            watermark (one info per message it covers) or a receipt query.
        linkChanged(): ``set_online`` or ``set_latency`` changed the simulated link.
        messageSent(Message, bool): ``send_text`` sent this message (the sender's copy, also a
            failed one) with a receipt asked for (True) or not.
        messagesRead(list): ``read_messages`` marked these messages read (the engine took them).
        conversationRead(str): ``read_conversation`` marked the conversation with this peer read.
        uploadProgressed(Message, int, int): the upload of the client's media message (its
            draft, keyed by its local id) reached this many of so many bytes.
    """

    eventFired = Signal(str, dict)
    peerMessagesReceived = Signal(list, str)
    groupMessagesReceived = Signal(list, str)
    messageReceiptChanged = Signal(list)
    conversationMessageReceiptChanged = Signal(list)
    connectionStateChanged = Signal(object)
    messageCached = Signal(object)
    receiptInfoCached = Signal(object)
    linkChanged = Signal()
    messageSent = Signal(object, bool)
    messagesRead = Signal(list)
    conversationRead = Signal(str)
    uploadProgressed = Signal(object, int, int)

    def __init__(self, client: Client, engine: ReceiptEngine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._engine = engine
        self._handler = _BridgeHandler(self)
        self._cache_listener: _BridgeCacheListener | None = _BridgeCacheListener(self)
        client.event_handler = self._handler
        client.add_cache_listener(self._cache_listener)

    def detach(self) -> None:
        """Stop receiving the client's callbacks and cache writes (its panel is going away)."""
        if self._client.event_handler is self._handler:
            self._client.event_handler = EventHandler()
        if self._cache_listener is not None:
            self._client.remove_cache_listener(self._cache_listener)
            self._cache_listener = None

    def _event(self, name: str, **arguments: object) -> None:
        self.eventFired.emit(name, {"client": self._client.client_id, **arguments})

    # --- identity, link, conversations ----------------------------------------------------------

    @property
    def user_id(self) -> str:
        return self._client.user_id

    @property
    def device_id(self) -> str:
        return self._client.device_id

    @property
    def client_id(self) -> str:
        """The user id, with ``/device`` for a device other than the default one."""
        return self._client.client_id

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

    def cached_before(
        self, conversation_id: str, conversation_type: ConversationType, oldest: Message | None, count: int
    ) -> list[Message]:
        """The ``count`` messages the client's cache holds before ``oldest`` (the newest with
        None), oldest first: one page read from the cache, no engine call."""
        key = None if oldest is None else cache_key(oldest)
        return self._client.cache.messages_before(conversation_id, conversation_type, key, count)[::-1]

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
        """Send ``text`` and return the sender's copy; a ``ReceiptError`` propagates (a send that
        failed after being accepted still left its FAILED copy in the cache, see
        ``messageCached``)."""
        try:
            result = await self._client.send_message(
                TextMessage(text),
                conversation_id,
                conversation_type,
                MessageSendConfig(has_receipt=with_receipt),
            )
        except ReceiptError as error:
            if error.failed_message is not None:
                self.messageSent.emit(error.failed_message, with_receipt)
            raise
        self.messageSent.emit(result.message, with_receipt)
        return result.message

    async def send_file(
        self, conversation_id: str, conversation_type: ConversationType, path: str, *, with_receipt: bool
    ) -> Message:
        """Send the file at ``path`` as an image, audio, video or file message (by its extension):
        its upload's progress comes as ``uploadProgressed``; a ``ReceiptError`` propagates (one
        that failed after it was attached left a FAILED copy, see ``messageCached``)."""
        kind = media_kind(path)
        result = await self._client.send_media_message(
            kind(file_local_path=path),
            conversation_id,
            conversation_type,
            MessageSendConfig(has_receipt=with_receipt),
        )
        return result.message

    async def refresh_receipts(
        self, messages: Sequence[Message], conversation_id: str, conversation_type: ConversationType
    ) -> None:
        """Ask the engine for the receipt counts of ``messages``; the client caches what it
        learns, which ``receiptInfoCached`` reports."""
        wanted = [m for m in messages if not without_receipt(m.receipt_status)]
        for start in range(0, len(wanted), READ_BATCH_LIMIT):
            await self._client.query_message_receipts_info(
                wanted[start : start + READ_BATCH_LIMIT], conversation_id, conversation_type
            )

    async def read_messages(
        self, messages: Sequence[Message], conversation_id: str, conversation_type: ConversationType
    ) -> tuple[int, ...]:
        """Send read receipts for ``messages`` (at most 10); returns the ids the engine refused.
        The copies read become DONE in the cache (``messageCached``)."""
        result = await self._client.send_message_receipts_read(
            list(messages), conversation_id, conversation_type
        )
        refused = tuple(result.error_message_ids)
        read = [m for m in messages if m.message_id not in refused]
        if read:
            self.messagesRead.emit(read)
        return refused

    async def read_conversation(self, conversation_id: str, conversation_type: ConversationType) -> int:
        """Mark the whole conversation read; returns how many received messages of it this call
        marked read. They are counted from the cache writes the call causes (each one that
        became DONE), so the cost follows what was marked, never the conversation's length."""
        marked: set[int] = set()

        def count(message: Message) -> None:
            if (
                message.conversation_id == conversation_id
                and message.conversation_type == conversation_type
                and message.direction == MessageDirection.RECEIVE
                and message.receipt_status == ReceiptStatus.DONE
            ):
                marked.add(message.message_id)

        self.messageCached.connect(count)
        try:
            await self._client.send_conversation_message_receipt_read(conversation_id, conversation_type)
        finally:
            self.messageCached.disconnect(count)
        self.conversationRead.emit(conversation_id)
        return len(marked)

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
        """The page of ``count`` messages before ``oldest`` (the newest with None), oldest first.
        Online, the client first refreshes their receipt statuses (``messageCached`` for each
        that moved on: the only way a receiver learns that a receipt expired)."""
        result = await self._client.query_history_message(
            conversation_id, conversation_type, next_message=oldest, count=count, reverse=True
        )
        return list(result.message_list)

    async def history_after(
        self, conversation_id: str, conversation_type: ConversationType, newest: Message, count: int
    ) -> list[Message]:
        """The page of ``count`` messages after ``newest``, oldest first, refreshed like
        ``history_before``."""
        result = await self._client.query_history_message(
            conversation_id, conversation_type, next_message=newest, count=count, reverse=False
        )
        return list(result.message_list)
