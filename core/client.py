"""One simulated SDK instance: a user's ``Client`` with its own event handler and local cache.

The client checks what it can locally (arguments, login, its link), then asks the engine. Its own
calls are never delayed; what the engine sends it arrives through ``core.delivery`` (the client is
its ``Receiver``: it owns its ``Link``, which delivery reads) and is handed to ``event_handler``
after the local cache has been updated. The query calls (receipt infos, member lists, history)
come from ``core.clientqueries``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from readtick.core import drafts
from readtick.core.callbacks import CacheListener, Callbacks
from readtick.core.clientqueries import ClientQueries
from readtick.core.copies import LocalCopies
from readtick.core.engine import ReceiptEngine
from readtick.core.enums import (
    ConnectionState,
    ConversationType,
    ReceiptStatus,
)
from readtick.core.errors import ErrorCode, ReceiptError
from readtick.core.handler import EventHandler
from readtick.core.link import Link
from readtick.core.localcache import LocalCache, MemoryLocalCache
from readtick.core.mediafile import open_media_file
from readtick.core.messages import ImageMessage, MediaMessage, Message
from readtick.core.receipt import (
    READ_LIMIT,
    status_at_send,
)
from readtick.core.recovery import catch_up
from readtick.core.results import (
    ConversationMessageReceiptReadSentResult,
    MessageReceiptInfo,
    MessageReceiptsReadSentResult,
    MessageSendConfig,
    MessageSentResult,
)
from readtick.core.sessions import DEFAULT_DEVICE, Session, client_id
from readtick.core.store import CONVERSATION_RECEIPT, RECEIPT_EXPIRED, OutboxEvent
from readtick.core.uploads import MediaMessageSendNotification
from readtick.core.validation import (
    check_conversation_type,
    check_id,
    check_messages,
    check_rate,
    check_seconds,
    check_whole,
    invalid,
)

log = logging.getLogger(__name__)


class Client(ClientQueries):
    """A logged-in (or not yet) user of the engine on one device, like one SDK instance.

    Args:
        engine: the shared ``ReceiptEngine``.
        user_id: the user this client acts as (and only as); read-only.
        latency: seconds of engine clock between the engine sending and this client receiving.
        device_id: which of the user's devices this client is (``core.sessions``); read-only.
        upload_rate: bytes per second of engine clock at which media files upload; None: at once.
        cache: the local message cache; in memory by default.
    """

    def __init__(
        self,
        engine: ReceiptEngine,
        user_id: str,
        latency: float = 0.0,
        *,
        device_id: str = DEFAULT_DEVICE,
        upload_rate: float | None = None,
        cache: LocalCache | None = None,
    ) -> None:
        if not isinstance(engine, ReceiptEngine):
            raise invalid(f"engine must be a ReceiptEngine, got {type(engine).__name__}")
        self.engine = engine
        self._user_id = check_id(user_id, "user id")
        self._device_id = check_id(device_id, "device id")
        self.link = Link(
            check_seconds(latency, "latency"), upload_rate=check_rate(upload_rate, "upload_rate")
        )
        self.event_handler: EventHandler[Client] = EventHandler()
        self.cache: LocalCache = cache if cache is not None else MemoryLocalCache()
        self._callbacks = Callbacks(self)
        self._copies = LocalCopies(self.cache, self._callbacks.message_written, self._callbacks.info_written)
        self._session: Session | None = None
        self._in_flight: set[int] = set()  # local ids of this client's sends awaiting the engine

    def __repr__(self) -> str:
        return f"<Client {self.client_id} {'online' if self.online else 'offline'}>"

    # ------------------------------------------------------------------ identity
    @property
    def user_id(self) -> str:
        """The user this client acts as, fixed when it is made (the engine binds it at login)."""
        return self._user_id

    @property
    def device_id(self) -> str:
        """Which of the user's devices this client is."""
        return self._device_id

    @property
    def client_id(self) -> str:
        """The user id, with ``/device`` for a device other than the default one ("alice",
        "alice/desktop"): how windows and scenarios name a client."""
        return client_id(self._user_id, self._device_id)

    # ------------------------------------------------------------------ link controls
    @property
    def online(self) -> bool:
        return self.link.up

    @property
    def latency(self) -> float:
        return self.link.latency

    @property
    def upload_rate(self) -> float | None:
        return self.link.upload_rate

    @property
    def logged_in(self) -> bool:
        return self._session is not None

    @property
    def connection_state(self) -> ConnectionState:
        return ConnectionState.CONNECTED if self.logged_in and self.link.up else ConnectionState.DISCONNECTED

    def set_online(self, online: bool) -> None:
        """Switch the simulated link. Offline: calls fail and events wait; online: catch up."""
        if not isinstance(online, bool):
            raise invalid(f"set_online needs True or False, got {online!r}")
        if online == self.link.up:
            return
        self.link.up = online
        if self._session is not None:
            if online:
                catch_up(self.engine, self._session, self.cache, self._copies, self._in_flight)
            self.engine.logins.link_changed(self._session)
            self._notify("on_connection_state_changed", self.connection_state)

    def set_latency(self, seconds: float) -> None:
        """Delay for what the engine sends from now on (earlier deliveries keep their time)."""
        self.link.latency = check_seconds(seconds, "latency")

    def set_upload_rate(self, bytes_per_second: float | None) -> None:
        """How fast media files upload from now on, in bytes per second of engine clock (None:
        at once)."""
        self.link.upload_rate = check_rate(bytes_per_second, "upload_rate")

    # ------------------------------------------------------------------ SDK calls
    async def login(self) -> None:
        """Log in. With the link down this succeeds locally and connects when the link comes up."""
        if self._session is not None:
            raise ReceiptError(
                ErrorCode.ALREADY_LOGGED_IN, f"{self.client_id!r} is already logged in on this client"
            )
        self._session = self.engine.logins.open(self, self._user_id, self._device_id)
        if self.link.up:
            catch_up(self.engine, self._session, self.cache, self._copies, self._in_flight)
        self._notify("on_connection_state_changed", self.connection_state)

    async def logout(self) -> None:
        session = self._require_login()
        self._session = None
        self.engine.logins.close(session)
        self._notify("on_connection_state_changed", ConnectionState.DISCONNECTED)

    async def send_message(
        self,
        message: Message,
        conversation_id: str,
        conversation_type: ConversationType,
        config: MessageSendConfig | None = None,
    ) -> MessageSentResult:
        if isinstance(message, MediaMessage):
            raise invalid(
                f"{message.type.name} messages are sent with send_media_message, which uploads the "
                "file first; send_message sends the other kinds"
            )
        ctype, has_receipt = drafts.check_send(
            message, conversation_id, conversation_type, config, sender=self._user_id
        )
        session = self._require_login()
        draft = self._draft(message, conversation_id, ctype, status_at_send(has_receipt))
        # In the cache before the engine has it: a kill after the engine's commit leaves this
        # SENDING copy, which the next connect settles (core.recovery), never nothing.
        self._copies.put(draft)
        self._in_flight.add(draft.local_message_id)  # not for a reconnect meanwhile to settle
        try:
            self._require_link()
            sent, info = await self.engine.serve(
                lambda: self.engine.accept_message(session, draft, has_receipt)
            )
        except ReceiptError as error:
            raise self._failed(draft, has_receipt, error) from None
        finally:
            self._in_flight.discard(draft.local_message_id)
        sent = replace(sent, local_message_id=draft.local_message_id)
        self._copies.replace_draft(draft, sent, info)
        return MessageSentResult(sent)

    async def send_media_message(
        self,
        message: Message,
        conversation_id: str,
        conversation_type: ConversationType,
        config: MessageSendConfig | None = None,
        notification: MediaMessageSendNotification | None = None,
    ) -> MessageSentResult:
        """Send an image, file, audio or video message: check its file, attach it (the copy is in
        the cache as SENDING; ``notification.on_message_attached``), upload it on the engine's
        clock at ``upload_rate`` (``on_media_uploading_progress``), then send it as
        ``send_message`` sends text: only now does its receipt start. Going offline or logging out
        before the upload ends fails the send (FAILED, kept in the cache)."""
        if not isinstance(message, MediaMessage):
            raise invalid(
                f"send_media_message sends IMAGE, FILE, AUDIO and VIDEO messages, not "
                f"{type(message).__name__}; send it with send_message"
            )
        ctype, has_receipt = drafts.check_send(
            message, conversation_id, conversation_type, config, sender=self._user_id
        )
        session = self._require_login()
        file = open_media_file(message.file_local_path)
        local = replace(
            message, file_local_path=file.path, file_name=message.file_name or file.name, file_size=file.size
        )
        if isinstance(local, ImageMessage) and not (
            local.original_image_width and local.original_image_height
        ):
            local = replace(local, original_image_width=file.width, original_image_height=file.height)
        # Attached, not sent: no receipt yet (it starts, PROCESSING, when the upload completes).
        draft = self._draft(local, conversation_id, ctype, ReceiptStatus.NONE)
        self._copies.put(draft)
        self._callbacks.attached(notification, draft)
        self._in_flight.add(draft.local_message_id)
        try:
            self._require_link()
            await self.engine.logins.upload(
                session,
                file.name,
                file.size,
                self.link.upload_rate,
                lambda current, total: self._callbacks.upload_progressed(notification, draft, current, total),
            )
            self._require_link()
            sent, info = await self.engine.serve(
                lambda: self.engine.accept_message(session, draft, has_receipt)
            )
        except ReceiptError as error:
            raise self._failed(draft, has_receipt, error) from None
        finally:
            self._in_flight.discard(draft.local_message_id)
        assert isinstance(sent, MediaMessage)
        sent = replace(sent, local_message_id=draft.local_message_id, file_local_path=file.path)
        self._copies.replace_draft(draft, sent, info)
        return MessageSentResult(sent)

    async def send_message_receipts_read(
        self, messages: Sequence[Message], conversation_id: str, conversation_type: ConversationType
    ) -> MessageReceiptsReadSentResult:
        messages = check_messages(messages)
        if len(messages) > READ_LIMIT:
            raise ReceiptError(
                ErrorCode.READ_LIMIT_EXCEEDED,
                f"{len(messages)} messages in one read call; the limit is {READ_LIMIT} (receipt rule 3)",
            )
        ctype = check_conversation_type(conversation_type)
        check_id(conversation_id, "conversation id")
        session = self._require_online()
        read_ids, error_ids = await self.engine.serve(
            lambda: self.engine.mark_read(session, messages, conversation_id, ctype)
        )
        self._copies.move_by_id(read_ids, ReceiptStatus.DONE)
        return MessageReceiptsReadSentResult(conversation_id, ctype, tuple(error_ids))

    async def send_conversation_message_receipt_read(
        self, conversation_id: str, conversation_type: ConversationType
    ) -> ConversationMessageReceiptReadSentResult:
        ctype = check_conversation_type(conversation_type)
        check_id(conversation_id, "conversation id")
        session = self._require_online()
        read_ids = await self.engine.serve(
            lambda: self.engine.mark_conversation_read(session, conversation_id, ctype)
        )
        self._copies.move_by_id(read_ids, ReceiptStatus.DONE)
        return ConversationMessageReceiptReadSentResult(conversation_id, ctype)

    # ------------------------------------------------------------------ local cache access
    def cached_messages(self, conversation_id: str, conversation_type: ConversationType) -> list[Message]:
        """Every message of a conversation this client holds, oldest first (no engine call)."""
        return self.cache.conversation(conversation_id, check_conversation_type(conversation_type))

    def cached_receipt_info(self, message_id: int) -> MessageReceiptInfo | None:
        """The last receipt info this client saw for one of its messages."""
        return self.cache.info(check_whole(message_id))

    def cached_message(self, message_id: int) -> Message | None:
        """This client's copy of one message, by ``message_id`` (no engine call)."""
        return self.cache.get(check_whole(message_id))

    def add_cache_listener(self, listener: CacheListener) -> None:
        """Be told of every change to this client's local cache, whatever caused it.

        The SDK's event handler reports only what *others* did; a view that mirrors the client
        (the window's message list) also needs the client's own sends and reads, including
        those made by a script or the scenario player rather than through the view. Listeners
        run synchronously, after the cache was written and before the event handler is called.
        One with an ``upload_progressed`` method is also told how media uploads progress.
        """
        self._callbacks.listeners.append(listener)

    def remove_cache_listener(self, listener: CacheListener) -> None:
        self._callbacks.listeners.remove(listener)

    # ------------------------------------------------------------------ from the engine
    def receive_message(self, message: Message) -> None:
        """The link delivered a message: cache it, then tell the handler (once per message:
        after a crash the engine may send again what this client already holds)."""
        if self.cache.get(message.message_id) is not None:
            return
        self._copies.put(message)
        if message.conversation_type is ConversationType.GROUP:
            self._notify("on_group_message_received", [message], message.conversation_id)
        else:
            self._notify("on_peer_message_received", [message], message.conversation_id)

    def receive_event(self, event: OutboxEvent) -> None:
        """The link delivered a receipt event: update the cache, then tell the handler."""
        if event.kind == RECEIPT_EXPIRED:
            # received messages that expired unread: the SDK's handler reports only receipts of
            # one's own messages, so only the cache (and its listeners) hear of it
            self._copies.move_by_id([info.message_id for info in event.infos], ReceiptStatus.EXPIRED)
        elif event.kind == CONVERSATION_RECEIPT:
            # the peer read this user's messages, or (is_self_operated) this user read the
            # conversation on another of its devices
            for info in event.infos:
                self._copies.apply_conversation_receipt(self.user_id, info)
            self._notify("on_conversation_message_receipt_changed", list(event.infos))
        else:
            for info in event.infos:
                self._copies.apply_receipt(info)
            self._notify("on_message_receipt_changed", list(event.infos))

    def awaiting_read(self) -> list[int]:
        """Ids of received messages this client still shows as waiting for its read (delivery
        asks on reconnect, to bring the expiries it missed)."""
        return self.cache.awaiting_read()

    # ------------------------------------------------------------------ internals
    def _draft(
        self, message: Message, conversation_id: str, ctype: ConversationType, status: ReceiptStatus
    ) -> Message:
        return drafts.draft(
            message,
            conversation_id,
            ctype,
            status,
            sender=self._user_id,
            local_id=self.cache.next_local_id(),
            now=self.engine.clock.now(),
        )

    def _failed(self, draft: Message, has_receipt: bool, error: ReceiptError) -> ReceiptError:
        """Keep ``draft`` as a failed send and return the error that says so."""
        failed = drafts.failed(draft, has_receipt)
        self._copies.put(failed)
        return ReceiptError(error.code, error.message, failed_message=failed)

    def _require_login(self) -> Session:
        if self._session is None:
            raise ReceiptError(
                ErrorCode.NOT_LOGGED_IN, f"{self.client_id!r} is not logged in; call login() first"
            )
        return self._session

    def _require_link(self) -> None:
        if not self.link.up:
            raise ReceiptError(
                ErrorCode.NETWORK_UNAVAILABLE,
                f"{self.user_id!r} is offline: the engine cannot be reached (switch the client back online)",
            )

    def _require_online(self) -> Session:
        session = self._require_login()
        self._require_link()
        return session

    def _notify(self, name: str, *args: object) -> None:
        self._callbacks.handler(name, *args)
