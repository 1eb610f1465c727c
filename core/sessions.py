"""Logins: who a client acts as, bound when it logs in, and a user's several devices.

A client logs in as one user on one device (``Client(engine, "alice", device_id="phone")``) through
the engine's ``logins`` (``Logins.open``), which answer with a ``Session`` that only they make and
keep a record of; every later call of
the client hands the session back and the engine takes the user and device from its own record,
never from an attribute of the client, so nothing a caller reassigns lets a client act as
someone else (receipt rule 12).

A user may be logged in on up to ``max_devices`` devices at once (3 by default; one more is
refused with DEVICE_LIMIT_EXCEEDED). The engine remembers each device a user logged in on, so a
device that comes back gets what it missed; when a new device would make more than
``max_devices`` remembered, the one logged out longest ago is forgotten (it would start afresh,
like a new device).

Who is told what, with several devices (the README has this table too): when alice does
something on one of her devices,

- she sends: her other devices receive the message as sent (direction SEND); bob receives it on
  each of his devices;
- she reads messages: her other devices' copies become DONE and their handlers get
  ``on_message_receipt_changed`` with ``is_self_operated=True``; bob's count goes up by one (counts
  are per user, never per device) and he gets ``on_message_receipt_changed`` as before;
- she reads the conversation: her other devices' copies up to the watermark become DONE and they
  get ``on_conversation_message_receipt_changed`` with ``is_self_operated=True``; bob as before;
- a receipt of her own message moves: every device of hers gets ``on_message_receipt_changed``;
- a device of hers was offline meanwhile: on reconnect it gets what it missed, and the reads done
  elsewhere as one ``on_message_receipt_changed`` (``is_self_operated=True``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from readtick.core.delivery import Delivery
from readtick.core.errors import ErrorCode, ReceiptError
from readtick.core.groupcommit import GroupCommit
from readtick.core.messages import Message
from readtick.core.store import EngineStore, OutboxEvent, group_key
from readtick.core.uploads import Uploads
from readtick.core.validation import check_id, check_int, invalid

DEFAULT_DEVICE = "default"
"""The device of a client built without ``device_id``."""

DEFAULT_MAX_DEVICES = 3
"""How many devices of one user may be logged in at once, unless the engine is told otherwise."""

MAX_DEVICES_LIMIT = 16
"""The most ``max_devices`` may be set to."""


def client_id(user_id: str, device_id: str) -> str:
    """How windows and scenarios name a client: the user id, with ``/device`` for a device other
    than the default one ("alice", "alice/desktop")."""
    return user_id if device_id == DEFAULT_DEVICE else f"{user_id}/{device_id}"


def split_client_id(value: object) -> tuple[str, str]:
    """The user and device a client id names ("alice/desktop" -> ("alice", "desktop"); "alice"
    -> ("alice", DEFAULT_DEVICE)); a ``ReceiptError`` for anything else."""
    if not isinstance(value, str):
        raise invalid(f"a client is named by text like 'alice' or 'alice/desktop', got {value!r}")
    user, slash, device = value.partition("/")
    if not slash:
        return check_id(user, "user id"), DEFAULT_DEVICE
    return check_id(user, "user id"), check_id(device, "device id")


class DeviceClient(Protocol):
    """What a logged-in client offers the engine through its session: its link, and where what
    the engine sends it goes."""

    @property
    def online(self) -> bool: ...

    @property
    def latency(self) -> float: ...

    def receive_message(self, message: Message) -> None: ...

    def receive_event(self, event: OutboxEvent) -> None: ...

    def awaiting_read(self) -> list[int]: ...


class Session:
    """One login: the user and device a client logged in as, fixed for its life. Made only by
    the engine, which accepts a session only while it is live (``Logins.identify``); it is
    also what delivery sends to (a ``core.parcels.Receiver``)."""

    __slots__ = ("_client", "_device_id", "_live", "_user_id")

    def __init__(self, user_id: str, device_id: str, client: DeviceClient) -> None:
        self._user_id = user_id
        self._device_id = device_id
        self._client = client
        self._live = True

    def __repr__(self) -> str:
        return f"<Session {self._user_id}/{self._device_id}{'' if self._live else ' ended'}>"

    @property
    def user_id(self) -> str:
        return self._user_id

    @property
    def device_id(self) -> str:
        return self._device_id

    @property
    def live(self) -> bool:
        """Whether the client is still logged in with it."""
        return self._live

    @property
    def online(self) -> bool:
        return self._live and self._client.online

    @property
    def latency(self) -> float:
        return self._client.latency

    def receive_message(self, message: Message) -> None:
        self._client.receive_message(message)

    def receive_event(self, event: OutboxEvent) -> None:
        self._client.receive_event(event)

    def awaiting_read(self) -> list[int]:
        return self._client.awaiting_read()


Actor = Session | str
"""Who an engine call acts for: a client's ``Session``, or, for calls made on the server's side
(tools, benchmarks, tests of the engine alone), a user id, with no device."""


class Logins:
    """The engine's sessions: who is logged in on which device, the devices it remembers, and
    what depends on a session's link (its deliveries, its upload)."""

    def __init__(
        self, store: EngineStore, delivery: Delivery, uploads: Uploads, commits: GroupCommit, max_devices: int
    ) -> None:
        self._store = store
        self._delivery = delivery
        self._uploads = uploads
        self._commits = commits
        self.max_devices = check_int(max_devices, "max_devices", 1, MAX_DEVICES_LIMIT)

    def open(self, client: DeviceClient, user: str, device: str) -> Session:
        """Log ``client`` in as ``user`` on ``device``: refused if that device is logged in
        already, or if ``max_devices`` devices of the user are. The client acts through the
        session it gets back, and gets its backlog once its link is up."""
        check_id(user, "user id")
        check_id(device, "device id")
        logged_in = self._delivery.receivers(user)
        if any(other.device_id == device for other in logged_in):
            raise ReceiptError(
                ErrorCode.ALREADY_LOGGED_IN,
                f"{_named(user, device)} is already logged in from another client; log that one out first",
            )
        if len(logged_in) >= self.max_devices:
            devices = ", ".join(other.device_id for other in logged_in)
            raise ReceiptError(
                ErrorCode.DEVICE_LIMIT_EXCEEDED,
                f"{user!r} is logged in on {len(logged_in)} devices ({devices}), the most this engine "
                f"allows (max_devices={self.max_devices}); log one of them out first",
            )
        with self._commits.write(durable=True):
            self._store.add_user(user)
            self._remember(user, device, [other.device_id for other in logged_in])
        session = Session(user, device, client)
        self._delivery.attach(session)
        return session

    def close(self, session: Session) -> None:
        """The session's client logged out: nothing more reaches it; its upload fails."""
        session._live = False
        self._delivery.detach(session)
        self._uploads.link_changed(session)

    def link_changed(self, session: Session) -> None:
        """The client's link went up or down: what was in flight is dropped (an upload fails);
        when up, it catches up."""
        self._delivery.link_changed(session)
        self._uploads.link_changed(session)

    def devices_logged_in(self, user: str) -> list[str]:
        return [session.device_id for session in self._delivery.receivers(user)]

    async def upload(
        self, session: Session, name: str, size: int, rate: float | None, progress: Callable[[int, int], None]
    ) -> None:
        """Upload a media file of ``size`` bytes at ``rate`` bytes per second of engine clock
        (``core.uploads``); fails if the client's link goes down meanwhile."""
        self.identify(session)
        await self._uploads.transfer(session, name, size, rate, progress)

    def identify(self, actor: Actor) -> tuple[str, str | None]:
        """The user and device an engine call acts for; a session must be one this engine made
        and that is still logged in."""
        if isinstance(actor, Session):
            if not actor.live or not self._delivery.is_attached(actor):
                raise ReceiptError(
                    ErrorCode.NOT_LOGGED_IN, f"{actor!r} is not logged in to this engine; call login() first"
                )
            return actor.user_id, actor.device_id
        if isinstance(actor, str):
            return actor, None
        raise TypeError(f"an engine call acts for a Session or a user id, not {type(actor).__name__}")

    def _remember(self, user: str, device: str, logged_in: Sequence[str]) -> None:
        """Remember ``device`` as the user's most recent; forget the longest logged-out ones
        beyond ``max_devices``. A device new to a user that already had one starts with the
        receipt events to come (what came before is in the messages it gets); a user's first
        device also gets the events waiting since before it ever logged in."""
        known = self._store.devices_of(user)
        if device in known:
            self._store.touch_device(user, device)
            return
        forgettable = [d for d in known if d not in logged_in]
        while len(known) >= self.max_devices and forgettable:
            gone = forgettable.pop(0)
            self._store.forget_device(user, gone)
            known.remove(gone)
        outbox = self._store.outbox(user)
        taken = outbox[-1][0] if outbox and known else 0
        if len(known) == 1:
            # The user's first device kept no cursors of its own (its place was the user's); from
            # a second device on, each device keeps its own: the first one's starts where it was.
            first = known[0]
            places = {key: self._store.delivered_seq(key, user) for key in self._conversation_keys(user)}
            self._store.add_device(user, device, taken)
            for key, seq in places.items():
                self._store.save_device_seq(key, user, first, seq)
            self._store.save_events_taken(user, first, 0)  # what it took has left the outbox
        else:
            self._store.add_device(user, device, taken)

    def _conversation_keys(self, user: str) -> list[str]:
        keys = self._store.peer_conversations_of(user)
        return keys + [group_key(group) for group, _ in self._store.memberships_of(user)]


def _named(user: str, device: str) -> str:
    return repr(user) if device == DEFAULT_DEVICE else f"{user!r} on device {device!r}"
