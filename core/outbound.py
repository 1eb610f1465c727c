"""What the engine sends its users: each user's view of a message, receipt events (kept in the
user's outbox until its client took them), expiries, and the backlog of a client coming back.

``Outbound`` is the ``Source`` that ``core.delivery`` draws from: delivery decides when something
reaches a client, ``Outbound`` what it is and what its arrival changes (delivered counts, the
DELIVERED status). The engine's server calls hand it what they changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from readtick.core.clock import Clock
from readtick.core.delivery import Delivery
from readtick.core.enums import ConversationType, MessageDirection, ReceiptFilter, ReceiptStatus, SentStatus
from readtick.core.groupcommit import GroupCommit
from readtick.core.messages import Message, message_from_payload
from readtick.core.parcels import EVENT, EXPIRY, MESSAGE, SYNC, Parcel, Receiver
from readtick.core.readindex import ReadIndex
from readtick.core.receipt import (
    awaits_read,
    hears_of_expiry,
    is_recipient,
    member_lists,
    receiver_view,
    status_after_change,
    transition,
)
from readtick.core.receiptfacts import PEER_RECEIVER_PERIODS, Period, ReceiptCounts
from readtick.core.results import MessageReceiptInfo
from readtick.core.store import (
    MESSAGE_RECEIPT,
    RECEIPT_EXPIRED,
    EngineStore,
    MessageRecord,
    OutboxEvent,
    StoreFacts,
    group_key,
)

SHARED_VIEWS = 1024
"""How many shared receiver copies (message, status) ``Outbound.view`` keeps at most."""


class Outbound:
    """Everything that leaves the engine for its users.

    Args:
        clock, store: the engine's.
        delivered_status: the engine's DELIVERED option (rule 8); may be changed later.
        index: the engine's member-list index, told of every delivery.
    """

    def __init__(self, clock: Clock, store: EngineStore, delivered_status: bool, index: ReadIndex) -> None:
        self._clock = clock
        self._store = store
        self._facts = StoreFacts(store)
        self.delivered_status = delivered_status
        self._index = index
        self.delivery = Delivery(clock, self)
        self.commits = GroupCommit(store, self.delivery.kick, self._undone)
        # A receiver's view of a message is the same for every receiver who has not read it: one
        # immutable copy per (message, status) is shared by the whole fan-out.
        self._shared_views: dict[tuple[int, ReceiptStatus], Message] = {}

    # ------------------------------------------------------------------ what the engine tells
    def announce(self, record: MessageRecord, sender_device: Receiver | None = None) -> None:
        """A new message: on its way to every device of every recipient online now, and to the
        sender's other devices (the others get it on reconnect)."""
        parcel = Parcel(MESSAGE, record.message_id, message_id=record.message_id)
        self.delivery.send(record.sender_user_id, parcel, skip=sender_device)
        if record.conversation_type is ConversationType.PEER:
            recipients = [record.target_id]
        else:
            recipients = [
                member
                for _, member, periods in self._store.members_from(record.target_id, 1)
                if is_recipient(self._facts, record, member, periods)
            ]
        self.delivery.send_to(recipients, parcel)

    def _candidates(self, record: MessageRecord) -> list[str]:
        """Everyone who may be a recipient of ``record`` (its peer, or its group's members ever)."""
        if record.conversation_type is ConversationType.PEER:
            return [record.target_id]
        return [member for _, member, _ in self._store.members_from(record.target_id, 1)]

    def emit(self, user: str, event: OutboxEvent) -> None:
        """Keep ``event`` in ``user``'s outbox until its client took it, and send it."""
        order = self._store.next_order_key()
        self._store.add_outbox(user, order, event)
        self.delivery.send(user, Parcel(EVENT, order, event=event))

    def tell_own_devices(
        self, user: str, event: Callable[[], OutboxEvent], acting_device: Receiver | None
    ) -> None:
        """``user`` did something on ``acting_device`` (a read): its other devices online now hear
        of it (``SYNC``: the ``event`` made only if one is online); one offline hears of it on
        reconnect, from ``backlog``."""
        if self.delivery.others_online(user, acting_device):
            self.delivery.send(user, Parcel(SYNC, 0, event=event()), skip=acting_device)

    def tell_sender(self, record: MessageRecord) -> None:
        """The sender's receipt info of ``record`` changed (a count or its status)."""
        self.emit(record.sender_user_id, OutboxEvent(MESSAGE_RECEIPT, (self.sender_info(record),)))

    def settle(self, record: MessageRecord, notify: bool = True) -> None:
        """Save the record with the status its counts imply; tell the sender if it changed."""
        before = record.status
        counts = ReceiptCounts(record.eligible, record.read, record.delivered)
        record.status = status_after_change(before, counts, delivered_option=self.delivered_status)
        self._store.save_message(record)
        if notify and record.status is not before:
            self.tell_sender(record)

    # ------------------------------------------------------------------ the source of delivery
    def backlog(self, receiver: Receiver) -> list[Parcel]:
        """What ``receiver``'s client (one device) has not received yet, in the engine's order
        (for delivery): the messages its user sent or received after the device's cursor in each
        conversation, the user's receipt events the device has not taken, and last what it holds
        unread that was read on another device or expired."""
        user, device = receiver.user_id, receiver.device_id
        pending: list[Parcel] = []
        conversations: list[tuple[str, Sequence[Period]]] = [
            (key, PEER_RECEIVER_PERIODS) for key in self._store.peer_conversations_of(user)
        ]
        conversations += [(group_key(g), periods) for g, periods in self._store.memberships_of(user)]
        for key, periods in conversations:
            handed = self._store.device_seq(key, user, device)
            for record in self._store.messages_between(key, handed + 1, self._store.last_seq(key)):
                if record.sender_user_id == user or is_recipient(self._facts, record, user, periods):
                    pending.append(Parcel(MESSAGE, record.message_id, message_id=record.message_id))
        taken = self._store.events_taken(user, device)
        pending += [Parcel(EVENT, order, event=e) for order, e in self._store.outbox(user) if order > taken]
        pending.sort(key=lambda parcel: parcel.order)
        # Last: what the device holds unread and the user read elsewhere, or that expired (what
        # it does not hold yet arrives as it is now). Asked of the client, so nothing is kept per
        # device per message.
        reads: list[MessageReceiptInfo] = []
        for message_id in receiver.awaiting_read():
            held = self._store.get_message(message_id)
            if held is None:
                continue
            if self._facts.has_read(held, user):
                reads.append(self.own_read_info(held, user))
            elif self._expired_for(held, user):
                pending.append(Parcel(EXPIRY, message_id, message_id=message_id))
        if reads:
            pending.append(Parcel(SYNC, 0, event=OutboxEvent(MESSAGE_RECEIPT, tuple(reads))))
        return pending

    def hand_over(self, receiver: Receiver, parcel: Parcel) -> None:
        """Hand one parcel to the client, then record that it arrived (for delivery).

        In that order: a crash between the two sends the parcel again on the next start (the
        client drops a message it already holds) instead of losing it for good.
        """
        user, device = receiver.user_id, receiver.device_id
        if parcel.event is not None:
            receiver.receive_event(parcel.event)
            if parcel.kind == EVENT:
                with self.commits.write():
                    # an event leaves the outbox once every device the engine remembers took it
                    self._store.took_events(user, device, parcel.outbox_keys)
            return
        record = self._store.get_message(parcel.message_id)
        if record is None:
            return
        if parcel.kind == EXPIRY:
            if self._expired_for(record, user):
                info = MessageReceiptInfo(
                    self._conversation_id_for(record, user),
                    record.conversation_type,
                    record.message_id,
                    ReceiptStatus.EXPIRED,
                )
                receiver.receive_event(OutboxEvent(RECEIPT_EXPIRED, (info,)))
            return
        key = record.conversation_key
        if self._store.device_seq(key, user, device) >= record.seq:
            return  # already handed to this device (a resend after reconnect): once each
        receiver.receive_message(self.view(record, user))
        with self.commits.write():
            self._store.save_device_seq(key, user, device, record.seq)
            if record.sender_user_id == user or self._store.delivered_seq(key, user) >= record.seq:
                return  # the user's own message, or another of its devices had it first
            self._store.save_delivered_seq(key, user, record.seq)
            lists = member_lists(self._facts, record, user)
            if awaits_read(record.status) and (lists[ReceiptFilter.READ] or lists[ReceiptFilter.UNREAD]):
                # an eligible reader's client has it (every eligible member is on READ or UNREAD)
                record.delivered += 1
                self.settle(record, notify=self.delivered_status)
            self._index.listed(record, user, lists)

    def serve(self, deadline: float) -> bool:
        """Run the server calls clients submitted (for delivery, at the start of a slice)."""
        self.commits.serve(deadline)
        return self.commits.has_requests

    def handing_out(self) -> GroupCommit:
        """``with``: one operation around a slice of hand-overs (their writes are one unit)."""
        return self.commits.write()

    def commit(self, needed: bool) -> bool:
        """Commit the engine's writes (for delivery, before it hands out what they sent)."""
        return self.commits.commit(force=needed)

    def _undone(self) -> None:
        """The store undid the writes since the last commit: forget what they sent and built."""
        self.delivery.drop_staged()
        self._shared_views.clear()
        self._index.clear()

    def next_expiry(self) -> float | None:
        """When the next unfinished receipt expires (for delivery's timer on a real clock)."""
        return self._store.next_expiry()

    def expire_due(self) -> None:
        """Rule 9: every unfinished receipt whose lifetime has passed becomes EXPIRED (delivery
        calls this before each round; every server call too, so none sees a stale status)."""
        now = self._clock.now()
        expiry = self._store.next_expiry()
        if expiry is None or expiry > now:
            return
        with self.commits.write():
            for record in self._store.due_expiries(now):
                record.status = transition(record.status, ReceiptStatus.EXPIRED)
                self._store.save_message(record)
                self.tell_sender(record)
                # receivers who are offline now hear of it from their backlog on reconnect
                for user in self._candidates(record):
                    if self.delivery.is_online(user) and hears_of_expiry(self._facts, record, user):
                        self.delivery.send(
                            user, Parcel(EXPIRY, record.message_id, message_id=record.message_id)
                        )

    # ------------------------------------------------------------------ what users see
    def _expired_for(self, record: MessageRecord, user: str) -> bool:
        return record.status is ReceiptStatus.EXPIRED and hears_of_expiry(self._facts, record, user)

    def _conversation_id_for(self, record: MessageRecord, user: str) -> str:
        """The record's conversation as ``user`` names it: a peer conversation by the other user."""
        if record.conversation_type is ConversationType.PEER and record.sender_user_id != user:
            return record.sender_user_id
        return record.target_id

    def view(self, record: MessageRecord, user: str) -> Message:
        """``record`` as ``user``'s client shows it: the sender's status, or the receiver's view."""
        is_sender = record.sender_user_id == user
        conversation_id = self._conversation_id_for(record, user)
        status = (
            record.status if is_sender else receiver_view(record.status, self._facts.has_read(record, user))
        )
        if is_sender:
            return self._build_view(record, conversation_id, True, status)
        shared = self._shared_views.get((record.message_id, status))
        if shared is None:
            if len(self._shared_views) >= SHARED_VIEWS:
                self._shared_views.clear()  # only the latest fan-outs matter
            shared = self._build_view(record, conversation_id, False, status)
            self._shared_views[(record.message_id, status)] = shared
        return shared

    def _build_view(
        self, record: MessageRecord, conversation_id: str, is_sender: bool, status: ReceiptStatus
    ) -> Message:
        return message_from_payload(
            record.message_type,
            record.payload,
            message_id=record.message_id,
            conversation_id=conversation_id,
            conversation_type=record.conversation_type,
            sender_user_id=record.sender_user_id,
            direction=MessageDirection.SEND if is_sender else MessageDirection.RECEIVE,
            sent_status=SentStatus.SUCCESS,
            timestamp=record.timestamp,
            order_key=record.message_id,
            conversation_seq=record.seq,
            receipt_status=status,
        )

    def own_read_info(self, record: MessageRecord, user: str, read_time: float = 0.0) -> MessageReceiptInfo:
        """What ``user``'s other devices are told when it read ``record`` (rule 6: no counts)."""
        return MessageReceiptInfo(
            self._conversation_id_for(record, user),
            record.conversation_type,
            record.message_id,
            ReceiptStatus.DONE,
            is_self_operated=True,
            read_time=read_time,
        )

    def sender_info(self, record: MessageRecord, read_time: float = 0.0) -> MessageReceiptInfo:
        """The sender's receipt info of ``record``: its status and real counts (rule 6)."""
        return MessageReceiptInfo(
            conversation_id=record.target_id,
            conversation_type=record.conversation_type,
            message_id=record.message_id,
            status=record.status,
            read_member_count=record.read,
            unread_member_count=record.eligible - record.read,
            delivered_member_count=record.delivered,
            is_self_operated=False,
            read_time=read_time,
        )
