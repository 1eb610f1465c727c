"""The shared "server": users, groups, conversations, messages and their receipt state.

One ``ReceiptEngine`` serves every client. Clients call the methods under "Server calls" (their
SDK calls land there after the client's own checks); the engine answers from its store, asking
``core.receipt`` what the rules allow. What it sends its users is ``core.outbound``'s to make and
``core.delivery``'s to bring to each user's client (a ``Receiver``), in order and after its
latency. It never reads the wall clock or sleeps: time comes from the clock it is given, and work
that becomes due is done on the running asyncio loop (or by ``drain()``). Users, groups and
memberships (the directory calls) come from ``core.groups``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from readtick.core.clock import Clock, RealClock
from readtick.core.enums import ConversationType, ReceiptFilter
from readtick.core.errors import ErrorCode, ReceiptError
from readtick.core.groups import GroupDirectory
from readtick.core.mediastore import MediaStore
from readtick.core.memorystore import MemoryEngineStore
from readtick.core.messages import MediaMessage, Message
from readtick.core.outbound import Outbound
from readtick.core.readindex import ReadIndex
from readtick.core.readranges import ReadRanges
from readtick.core.receipt import (
    DEFAULT_RECEIPT_LIFETIME,
    conversation_read_refusal,
    covered_by_conversation_read,
    expiry_time,
    may_see,
    member_list_refusal,
    reached_client,
    readers_at_send,
    receiver_view,
    status_at_send,
    unreadable_reason,
    without_receipt,
)
from readtick.core.receiptfacts import member_when_sent
from readtick.core.results import MessageReceiptInfo
from readtick.core.sessions import DEFAULT_DEVICE, DEFAULT_MAX_DEVICES, Actor, Logins, Session, client_id
from readtick.core.store import (
    CONVERSATION_RECEIPT,
    MESSAGE_RECEIPT,
    EngineStore,
    MessageRecord,
    OutboxEvent,
    StoreFacts,
    group_key,
    peer_key,
)
from readtick.core.uploads import Uploads
from readtick.core.validation import (
    check_bool,
    check_lifetime,
    check_not_self,
    invalid,
)

T = TypeVar("T")


class ReceiptEngine(GroupDirectory):
    """The receipt server shared by all clients.

    Args:
        clock: where time comes from; ``RealClock()`` by default, ``VirtualClock`` in tests.
        store: where state lives; ``MemoryEngineStore()`` by default.
        receipt_lifetime: how long a receipt may stay unfinished before it EXPIRES (rule 9).
        delivered_status: report DELIVERED once every eligible reader received a message (rule 8).
        max_devices: how many devices of one user may be logged in at once (``core.sessions``).
        media_dir: a folder where the engine keeps a copy of each media file it accepts, for
            receivers to show (``core.mediastore``); None: receivers see the sender's file.
    """

    def __init__(
        self,
        clock: Clock | None = None,
        store: EngineStore | None = None,
        receipt_lifetime: timedelta = DEFAULT_RECEIPT_LIFETIME,
        delivered_status: bool = False,
        max_devices: int = DEFAULT_MAX_DEVICES,
        media_dir: str | Path | None = None,
    ) -> None:
        check_lifetime(receipt_lifetime)
        check_bool(delivered_status, "delivered_status")
        if clock is not None and not all(
            callable(getattr(clock, name, None)) for name in ("now", "subscribe")
        ):
            raise invalid(f"clock must have now() and subscribe(), got {type(clock).__name__}")
        self.clock: Clock = clock if clock is not None else RealClock()
        self.store: EngineStore = store if store is not None else MemoryEngineStore()
        self._facts = StoreFacts(self.store)
        self.receipt_lifetime = receipt_lifetime
        self._index = ReadIndex(self.store, self._facts)
        self._outbound = Outbound(self.clock, self.store, delivered_status, self._index)
        self._delivery = self._outbound.delivery
        self._commits = self._outbound.commits
        # who is logged in on which device, their links and uploads: clients log in through it
        self.logins = Logins(self.store, self._delivery, Uploads(self.clock), self._commits, max_devices)
        self._media = MediaStore(media_dir)

    @property
    def max_devices(self) -> int:
        """How many devices of one user may be logged in at once."""
        return self.logins.max_devices

    @property
    def delivered_status(self) -> bool:
        """The DELIVERED option (rule 8)."""
        return self._outbound.delivered_status

    @delivered_status.setter
    def delivered_status(self, on: bool) -> None:
        self._outbound.delivered_status = check_bool(on, "delivered_status")

    # ------------------------------------------------------------------ lifetime
    def close(self) -> None:
        """Stop timers, commit what is pending and release the store."""
        self._delivery.close()
        self._commits.commit()
        self.store.close()

    # ------------------------------------------------------------------ sessions
    def devices_logged_in(self, user_id: str) -> list[str]:
        """The devices ``user_id`` is logged in on now, in login order."""
        return self.logins.devices_logged_in(user_id)

    async def drain(self) -> None:
        """Return once every delivery and expiry due now has been processed and handled.

        Also gives tasks started by handlers a turn, so chains of reactions settle.
        """
        await self._delivery.drain()

    async def serve(self, call: Callable[[], T]) -> T:
        """Run a server call in the delivery pump and return its result once it is committed.

        Clients call the engine this way: the calls of one pump slice share one commit (group
        commit), a burst of them is spread over slices (the loop stays free to paint), and what a
        call sends is handed out right after its commit. Raises the call's own ``ReceiptError``,
        or STORE_ERROR if the commit failed (the calls of that slice were undone).
        """
        return await self._commits.submit(call)

    async def committed(self) -> None:
        """Return once every server call made so far is committed (group commit: the calls of one
        loop turn share one commit, made before anything they sent is delivered). Raises the
        commit's ``ReceiptError`` (STORE_ERROR) if it failed: the calls of that turn were undone."""
        await self._commits.committed()

    # ------------------------------------------------------------------ server calls
    def accept_message(
        self, actor: Actor, draft: Message, has_receipt: bool
    ) -> tuple[Message, MessageReceiptInfo | None]:
        """Store a message the client already checked; return the sender's copy and info."""
        user, device = self.logins.identify(actor)
        ctype, target = draft.conversation_type, draft.conversation_id
        check_not_self(user, target, ctype)
        if ctype is ConversationType.PEER:
            if not self.store.has_user(target):
                raise ReceiptError(ErrorCode.TARGET_DOES_NOT_EXIST, f"user {target!r} does not exist")
            key, members = peer_key(user, target), 2
        else:
            self._require_member(user, target)
            key, members = group_key(target), len(self.store.current_members(target))
        payload = draft.payload()
        if isinstance(draft, MediaMessage):
            # receivers see the engine's copy of the file (or the sender's, without a media folder)
            payload["file_local_path"] = self._media.keep(draft.file_local_path)
        now = self.clock.now()
        with self._commits.write():
            self._outbound.expire_due()
            if ctype is ConversationType.PEER:
                self.store.add_peer_conversation(key, user, target)
            record = MessageRecord(
                message_id=self.store.next_order_key(),
                conversation_key=key,
                conversation_type=ctype,
                target_id=target,
                sender_user_id=user,
                seq=self.store.next_seq(key),
                message_type=draft.type,
                payload=payload,
                timestamp=now,
                status=status_at_send(has_receipt),
                eligible=readers_at_send(ctype, members) if has_receipt else 0,
                expires_at=expiry_time(now, self.receipt_lifetime) if has_receipt else None,
            )
            self.store.add_message(record)
            self._index.sent(record)
            if draft.local_message_id:
                self.store.add_send(_sender(user, device), draft.local_message_id, record.message_id)
            if device is not None and self.store.device_seq(key, user, device) == record.seq - 1:
                # the sending device holds it and everything before it: it passes its own message
                self.store.save_device_seq(key, user, device, record.seq)
        self._outbound.announce(record, _session(actor))
        info = self._outbound.sender_info(record) if has_receipt else None
        return self._outbound.view(record, user), info

    def accepted_send(
        self, actor: Actor, local_message_id: int
    ) -> tuple[Message, MessageReceiptInfo | None] | None:
        """What became of the acting client's send with this local id: its copy and info as they
        are now, or ``None`` if the engine never accepted it (a client killed mid-send asks when
        it connects)."""
        user, device = self.logins.identify(actor)
        self._outbound.expire_due()
        record = self.store.send_of(_sender(user, device), local_message_id)
        if record is None:
            return None
        info = self._outbound.sender_info(record, read_time=record.read_time) if record.has_receipt else None
        return self._outbound.view(record, user), info

    def mark_read(
        self, actor: Actor, messages: Sequence[Message], conversation_id: str, ctype: ConversationType
    ) -> tuple[list[int], list[int]]:
        """Rule 3: read up to 10 messages. Returns (read ids, error ids)."""
        user, device = self.logins.identify(actor)
        key = self._conversation_key(user, conversation_id, ctype)
        self._outbound.expire_due()
        seen: set[int] = set()
        records: list[MessageRecord] = []
        errors: list[int] = []
        reasons: list[str] = []
        for message in messages:
            if message.message_id in seen:
                continue
            seen.add(message.message_id)
            record = (
                self.store.get_message(message.message_id) if isinstance(message.message_id, int) else None
            )
            reason = unreadable_reason(self._facts, record, user, key)
            if reason is None and record is not None and not self._reached(record, user, device):
                reason = "it has not reached this client yet"
            if reason is None and record is not None:
                records.append(record)
            else:
                errors.append(message.message_id)
                reasons.append(f"{message.message_id} ({reason})")
        if not records:
            raise invalid("no message could be read: " + "; ".join(reasons))
        now = self.clock.now()
        by_sender: dict[str, list[MessageReceiptInfo]] = {}
        with self._commits.write():
            self._record_reads(user, key, records, now)
            for record in records:
                info = self._outbound.sender_info(record, read_time=now)
                by_sender.setdefault(record.sender_user_id, []).append(info)
            for sender, infos in by_sender.items():
                self._outbound.emit(sender, OutboxEvent(MESSAGE_RECEIPT, tuple(infos)))
        self._outbound.tell_own_devices(
            user,
            lambda: OutboxEvent(
                MESSAGE_RECEIPT, tuple(self._outbound.own_read_info(r, user, now) for r in records)
            ),
            _session(actor),
        )
        return [r.message_id for r in records], errors

    def mark_conversation_read(
        self, actor: Actor, conversation_id: str, ctype: ConversationType
    ) -> list[int]:
        """Rule 4: read every message of the peer delivered before this call. Returns their ids."""
        user, device = self.logins.identify(actor)
        if (refusal := conversation_read_refusal(ctype)) is not None:
            raise invalid(refusal)
        key = self._conversation_key(user, conversation_id, ctype)
        if self.store.last_seq(key) == 0:
            raise ReceiptError(
                ErrorCode.CONVERSATION_DOES_NOT_EXIST,
                f"there is no conversation between {user!r} and {conversation_id!r} yet",
            )
        self._outbound.expire_due()
        covered = sorted(
            (
                r
                for r in self.store.active_messages(key)
                if covered_by_conversation_read(self._facts, r, user) and self._reached(r, user, device)
            ),
            key=lambda r: r.seq,
        )
        if not covered:
            return []
        now = self.clock.now()
        with self._commits.write():
            self._record_reads(user, key, covered, now)
            watermark = covered[-1]
            info = self._outbound.sender_info(watermark, read_time=now)
            self._outbound.emit(watermark.sender_user_id, OutboxEvent(CONVERSATION_RECEIPT, (info,)))
        self._outbound.tell_own_devices(
            user,
            lambda: OutboxEvent(CONVERSATION_RECEIPT, (self._outbound.own_read_info(watermark, user, now),)),
            _session(actor),
        )
        return [r.message_id for r in covered]

    def receipt_infos(
        self, actor: Actor, messages: Sequence[Message], conversation_id: str, ctype: ConversationType
    ) -> tuple[list[MessageReceiptInfo], list[int]]:
        """Rule 6: infos of messages the caller can see; real counts only on its own."""
        user, _ = self.logins.identify(actor)
        key = self._conversation_key(user, conversation_id, ctype, require_member=False)
        self._outbound.expire_due()
        infos: list[MessageReceiptInfo] = []
        errors: list[int] = []
        for message in messages:
            record = (
                self.store.get_message(message.message_id) if isinstance(message.message_id, int) else None
            )
            if record is None or record.conversation_key != key or not may_see(self._facts, record, user):
                errors.append(message.message_id)
                continue
            if record.sender_user_id == user:
                info = self._outbound.sender_info(record, read_time=record.read_time)
            else:
                status = receiver_view(record.status, self._facts.has_read(record, user))
                info = MessageReceiptInfo(conversation_id, ctype, record.message_id, status)
            if without_receipt(info.status):
                errors.append(message.message_id)
            else:
                infos.append(info)
        return infos, errors

    def receipt_members(
        self,
        actor: Actor,
        message: Message,
        group_id: str,
        member_filter: ReceiptFilter,
        next_flag: int,
        count: int,
    ) -> tuple[int, list[str]]:
        """Rule 7: one page of the read / unread / delivered members of the caller's own message."""
        user, _ = self.logins.identify(actor)
        self._require_member(user, group_id)
        self._outbound.expire_due()
        record = self.store.get_message(message.message_id) if isinstance(message.message_id, int) else None
        refusal = member_list_refusal(record, user, group_id, group_key(group_id))
        if refusal is not None or record is None:
            raise invalid(f"message {message.message_id} {refusal}")
        return self._index.page(record, member_filter, next_flag, count)

    def views_of(self, actor: Actor, message_ids: Iterable[int]) -> dict[int, Message]:
        """The engine's current copy of each message as the user sees it (if they can)."""
        user, _ = self.logins.identify(actor)
        self._outbound.expire_due()
        views = {}
        for message_id in message_ids:
            record = self.store.get_message(message_id)
            if record is not None and may_see(self._facts, record, user):
                views[message_id] = self._outbound.view(record, user)
        return views

    def conversation_exists(self, actor: Actor, conversation_id: str, ctype: ConversationType) -> bool:
        user, _ = self.logins.identify(actor)
        if ctype is ConversationType.GROUP:
            return self.store.has_group(conversation_id)
        return self.store.has_user(conversation_id) and conversation_id != user

    # ------------------------------------------------------------------ rules
    def _reached(self, record: MessageRecord, user: str, device: str | None) -> bool:
        """Rule 12: a client reads only what reached it (a server-side call has no device)."""
        if device is None:
            return True
        return reached_client(record, self.store.device_seq(record.conversation_key, user, device))

    def _record_reads(self, user: str, key: str, records: list[MessageRecord], now: float) -> None:
        """``user`` read these (already checked) records of one conversation: ranges and counts."""
        ranges = ReadRanges(self.store.read_ranges(key, user))
        for record in records:
            ranges.add(record.seq, self._gap_needs_read(record, user))
            record.read += 1
            record.read_time = now
            self._outbound.settle(record, notify=False)
        self.store.save_read_ranges(key, user, ranges.as_list())
        for record in records:
            self._index.changed(record, user)

    def _conversation_key(
        self, user: str, conversation_id: str, ctype: ConversationType, *, require_member: bool = True
    ) -> str:
        if ctype is ConversationType.PEER:
            if conversation_id == user:
                raise invalid("a one-to-one conversation is with another user, not yourself")
            if not self.store.has_user(conversation_id):
                raise ReceiptError(
                    ErrorCode.TARGET_DOES_NOT_EXIST, f"user {conversation_id!r} does not exist"
                )
            return peer_key(user, conversation_id)
        if ctype is ConversationType.GROUP:
            if require_member:
                self._require_member(user, conversation_id)
            elif not self.store.has_group(conversation_id):
                raise ReceiptError(
                    ErrorCode.GROUP_DOES_NOT_EXIST, f"group {conversation_id!r} does not exist"
                )
            return group_key(conversation_id)
        raise invalid(f"{ctype.name} conversations are outside readtick's scope")

    def _gap_needs_read(self, record: MessageRecord, user: str):  # type: ignore[no-untyped-def]
        key, periods = record.conversation_key, self._facts.periods(record, user)

        def gap_needs_read(low: int, high: int) -> bool:
            seqs = self.store.receipt_seqs_between(key, low, high, not_from=user)
            return any(member_when_sent(periods, seq) for seq in seqs)

        return gap_needs_read


def _sender(user: str, device: str | None) -> str:
    """Who sent a local id: local ids count per client (per device), so the device is part of it."""
    return client_id(user, device or DEFAULT_DEVICE)


def _session(actor: Actor) -> Session | None:
    return actor if isinstance(actor, Session) else None
