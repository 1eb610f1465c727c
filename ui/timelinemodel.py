"""The life of each message across clients, as events on lanes: sent, delivered to each client,
read, each receipt event that reached the sender, expired. Qt-free, so the window's timeline and
the headless picture draw from the same model, and tests check it without pixels.

The model learns everything from the clients' cache listeners (``watch``), at the engine clock's
time: a client's own new message is a send; a received message arriving is a delivery; a received
copy turning DONE is that client's read; a change in the sender's cached receipt info (status or
counts) is a receipt event reaching it; a copy turning EXPIRED is the expiry as that client
learns it. Each event costs one dictionary look-up and one append; the model keeps the newest
``max_messages`` messages. Clients without a panel (bots) are watched onto one shared lane
("others"), so a 50-member group draws as its panels plus one lane.

``arrows(message_id)`` is what is drawn: one ``Arrow`` per event, from the lane and moment that
caused it to the lane and moment it happened. Sends and reads go from a client to the engine at
once; deliveries and receipt events go from the engine (at the send, at the read) to a client,
arriving later when its link is slow or down, which draws them slanted.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from readtick.core.enums import ConversationType, MessageDirection, ReceiptStatus

if TYPE_CHECKING:
    from readtick.core.client import Client
    from readtick.core.messages import Message
    from readtick.core.results import MessageReceiptInfo

ENGINE = "engine"
OTHERS = "others"
DEFAULT_MAX_MESSAGES = 500


class EventKind(Enum):
    SEND = "send"
    DELIVER = "deliver"
    READ = "read"
    RECEIPT = "receipt"
    EXPIRE = "expire"


@dataclass(frozen=True)
class Arrow:
    """One event drawn: from ``source`` lane at ``start`` to ``target`` lane at ``end`` (engine
    clock seconds); ``user`` is the client it happened to, ``label`` what it says."""

    kind: EventKind
    source: str
    start: float
    target: str
    end: float
    user: str
    label: str = ""


@dataclass
class TimelineMessage:
    """A message the timeline knows: who sent it where, its text, and its arrows in order."""

    message_id: int
    sender: str
    conversation_id: str
    conversation_type: ConversationType
    text: str
    sent_at: float
    arrows: list[Arrow] = field(default_factory=list)

    @property
    def label(self) -> str:
        group = self.conversation_type == ConversationType.GROUP
        target = f"group {self.conversation_id}" if group else self.conversation_id
        text = self.text if len(self.text) <= 32 else self.text[:31] + "…"
        return f"#{self.message_id} {self.sender} → {target}: {text}"


class TimelineModel:
    """Events of the newest ``max_messages`` messages of the watched clients.

    Listeners (plain callables, append to subscribe):
        message_added(TimelineMessage): a message was seen for the first time.
        arrow_added(TimelineMessage, Arrow): an event was added to a message.
    """

    def __init__(self, now: Callable[[], float], *, max_messages: int = DEFAULT_MAX_MESSAGES) -> None:
        self._now = now
        self._max = max_messages
        self._messages: OrderedDict[int, TimelineMessage] = OrderedDict()
        self._lanes: list[str] = [ENGINE]
        self._seen: dict[int, dict[str, ReceiptStatus]] = {}  # message id -> user -> status shown
        self._infos: dict[int, tuple[object, ...]] = {}  # message id -> sender's last counts
        self._latency: dict[str, Callable[[], float]] = {}
        self.message_added: list[Callable[[TimelineMessage], None]] = []
        self.arrow_added: list[Callable[[TimelineMessage, Arrow], None]] = []

    # --- what is watched --------------------------------------------------------------------------

    def watch(self, client: Client, *, collapsed: bool = False) -> Callable[[], None]:
        """Follow ``client``'s cache from now on, on its own lane (or on the shared ``OTHERS``
        lane); returns a function that stops following it."""
        lane = OTHERS if collapsed else client.user_id
        if lane not in self._lanes:
            self._lanes.append(lane)
            if OTHERS in self._lanes and lane != OTHERS:  # the shared lane stays last
                self._lanes.remove(OTHERS)
                self._lanes.append(OTHERS)
        self._latency[client.user_id] = lambda: float(client.latency)
        listener = _Listener(self, lane)
        client.add_cache_listener(listener)
        return lambda: client.remove_cache_listener(listener)

    def unwatch_lane(self, lane: str) -> None:
        """Drop a lane (its panel closed); its events stay on the messages they belong to."""
        if lane in self._lanes and lane not in (ENGINE, OTHERS):
            self._lanes.remove(lane)

    # --- what is known ----------------------------------------------------------------------------

    def lanes(self) -> list[str]:
        """``ENGINE`` first, then each watched client, then ``OTHERS`` if any bot is watched."""
        return list(self._lanes)

    def messages(self) -> list[TimelineMessage]:
        """Known messages, oldest first."""
        return list(self._messages.values())

    def message(self, message_id: int) -> TimelineMessage | None:
        return self._messages.get(message_id)

    def arrows(self, message_id: int) -> list[Arrow]:
        entry = self._messages.get(message_id)
        return list(entry.arrows) if entry is not None else []

    # --- what the listeners report ----------------------------------------------------------------

    def _message_cached(self, lane: str, user: str, message: Message) -> None:
        if not message.message_id:
            return  # a send that failed before the engine took it has no life to draw
        now = self._now()
        entry = self._entry(message, user)
        seen = self._seen.setdefault(message.message_id, {})
        before = seen.get(user)
        status = seen[user] = message.receipt_status
        sent_at = message.timestamp
        if before is None and message.direction == MessageDirection.SEND:
            self._add(entry, Arrow(EventKind.SEND, lane, sent_at, ENGINE, sent_at, user, "sent"))
        elif before is None:
            self._add(entry, Arrow(EventKind.DELIVER, ENGINE, sent_at, lane, now, user, "delivered"))
        if status == before:
            return
        if status == ReceiptStatus.EXPIRED:
            told = now - self._latency_of(user)  # when the engine told it (or the client asked)
            self._add(entry, Arrow(EventKind.EXPIRE, ENGINE, told, lane, now, user, "expired"))
        elif status == ReceiptStatus.DONE and message.direction == MessageDirection.RECEIVE:
            self._add(entry, Arrow(EventKind.READ, lane, now, ENGINE, now, user, "read"))

    def _info_cached(self, lane: str, user: str, info: MessageReceiptInfo) -> None:
        entry = self._messages.get(info.message_id)
        counts = (info.status, info.read_member_count, info.unread_member_count)
        before = self._infos.get(info.message_id)
        self._infos[info.message_id] = counts
        if entry is None or before is None or before == counts or info.status == ReceiptStatus.EXPIRED:
            # the first info is the send's own, a query that learnt nothing is no event, and an
            # expiry is drawn once, as such, from the sender's copy
            return
        now = self._now()
        reads = [a.end for a in entry.arrows if a.kind == EventKind.READ and a.end <= now]
        start = max(reads) if reads else now - self._latency_of(user)
        if entry.conversation_type == ConversationType.GROUP:
            label = f"{info.read_member_count}/{info.read_member_count + info.unread_member_count} read"
        else:
            label = info.status.name.lower()
        self._add(entry, Arrow(EventKind.RECEIPT, ENGINE, start, lane, now, user, label))

    def _latency_of(self, user: str) -> float:
        latency = self._latency.get(user)
        return latency() if latency is not None else 0.0

    def _entry(self, message: Message, user: str) -> TimelineMessage:
        entry = self._messages.get(message.message_id)
        if entry is None:
            kind = ConversationType(message.conversation_type)
            # a receiver's copy of a one-to-one message names the sender as its conversation
            received_peer = message.direction == MessageDirection.RECEIVE and kind == ConversationType.PEER
            entry = TimelineMessage(
                message.message_id,
                message.sender_user_id,
                user if received_peer else message.conversation_id,
                kind,
                getattr(message, "message", "") or message.summary(),
                message.timestamp,
            )
            self._messages[message.message_id] = entry
            self._trim()
            for listener in list(self.message_added):
                listener(entry)
        return entry

    def _add(self, entry: TimelineMessage, arrow: Arrow) -> None:
        entry.arrows.append(arrow)
        for listener in list(self.arrow_added):
            listener(entry, arrow)

    def _trim(self) -> None:
        while len(self._messages) > self._max:
            message_id, _ = self._messages.popitem(last=False)
            self._infos.pop(message_id, None)
            self._seen.pop(message_id, None)


class _Listener:
    """A client's cache listener feeding the model, on the lane given."""

    def __init__(self, model: TimelineModel, lane: str) -> None:
        self._model = model
        self._lane = lane

    def message_cached(self, client: Client, message: Message) -> None:
        self._model._message_cached(self._lane, client.user_id, message)

    def receipt_info_cached(self, client: Client, info: MessageReceiptInfo) -> None:
        self._model._info_cached(self._lane, client.user_id, info)
