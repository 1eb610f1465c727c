"""Records what a person does in the demo as a scenario file that ``readtick --scenario`` replays
(paced) and ``--headless`` checks. Qt-free: ``app/recording.py`` feeds it from the window.

The recording starts from the world as it is when Record is pressed: the users with panels (their
link), the groups they are in with all members (members without a panel, such as bots, become
``panel = false`` users whose reads are recorded as steps), the clock's time and the engine's
options. From then on each action becomes a step, after the real pause before it (``wait``) and,
when the engine's clock moved, an ``advance_time`` of exactly that much (on a real clock both,
so what was delivered after a delay is delivered in the replay too). Messages sent while
recording are named ``m1``, ``m2``, …; reads of older messages are left out (the replay does not
have them). Stopping adds one ``expect`` per message and client that holds it: the status each
client shows, and the sender's read/unread counts of a group message.
"""

from __future__ import annotations

import datetime as _dt
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from readtick.app.tomlwriter import Value, toml_document
from readtick.core import Client, ConversationType, Message, ReceiptEngine, VirtualClock
from readtick.core.localcache import cache_key
from readtick.core.receipt import MAX_CLIENTS as MAX_PANELS

#: Shorter pauses than this are not worth a ``wait`` step.
MIN_WAIT = 0.1


@dataclass
class _Named:
    name: str
    sender: str
    copy: Message
    receivers: tuple[str, ...]
    conversation: tuple[str, ConversationType]  # as the sender sees it


class Recorder:
    """One recording. ``clients`` maps user ids to the clients known at the start (panels and
    bots); ``panel_users`` are those with a panel. ``monotonic`` measures real pauses."""

    def __init__(
        self,
        engine: ReceiptEngine,
        clients: Mapping[str, Client],
        panel_users: Sequence[str],
        *,
        title: str = "Recorded demo",
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._monotonic = monotonic
        self._title = title
        self._start = engine.clock.now()
        self._virtual = isinstance(engine.clock, VirtualClock)
        self._clock_at = self._start  # engine time the steps so far account for
        self._real_at = monotonic()
        self._steps: list[dict[str, Value]] = []
        self._named: dict[str, _Named] = {}  # by name, in send order
        self._by_id: dict[int, str] = {}
        self._panels: list[str] = list(panel_users)
        self._gone: set[str] = set()
        self._groups: dict[str, list[str]] = {}
        for user in panel_users:
            for group in engine.group_ids_of(user):
                self._groups.setdefault(group, list(engine.group_members(group)))
        members = [m for ms in self._groups.values() for m in ms]
        self._users: dict[str, dict[str, Value]] = {}
        for user in dict.fromkeys([*panel_users, *members]):
            self._declare(user, clients.get(user), panel=user in panel_users)

    def _declare(self, user: str, client: Client | None, *, panel: bool) -> None:
        entry: dict[str, Value] = {"id": user}
        online = client is not None and client.logged_in and client.online
        if client is not None and client.latency:
            entry["latency"] = float(client.latency)
        if not online:
            entry["online"] = False
        if not panel:
            entry["panel"] = False
        self._users[user] = entry

    # --- what happened ----------------------------------------------------------------------------

    def sent(self, user: str, message: Message, *, with_receipt: bool) -> None:
        """``user`` sent ``message`` (the sender's copy; a failed send too)."""
        target = message.conversation_id
        group = message.conversation_type == ConversationType.GROUP
        if target not in (self._groups if group else self._users):
            return  # a conversation the scenario does not know (none of its panels' at the start)
        self._before_step()
        name = f"m{len(self._named) + 1}"
        send: dict[str, Value] = {"from": user}
        if group:
            send["group"] = target
            receivers = tuple(m for m in self._groups.get(target, ()) if m != user)
        else:
            send["to"] = target
            receivers = (target,)
        send["text"] = getattr(message, "message", "") or message.summary()
        if not with_receipt:
            send["receipt"] = False
        send["as"] = name
        self._steps.append({"send": send})
        self._named[name] = _Named(name, user, message, receivers, (target, message.conversation_type))
        if message.message_id:
            self._by_id[message.message_id] = name

    def read(self, user: str, messages: Iterable[Message]) -> None:
        """``user`` read these messages (the ones the engine accepted)."""
        names = [self._by_id[m.message_id] for m in messages if m.message_id in self._by_id]
        if names:
            self._before_step()
            self._steps.append({"read": {"who": user, "messages": names}})

    def read_conversation(self, user: str, peer: str) -> None:
        """``user`` marked the one-to-one conversation with ``peer`` read."""
        pair = {user, peer}
        if any(
            n.conversation[1] == ConversationType.PEER and {n.sender, n.conversation[0]} == pair
            for n in self._named.values()
        ):  # else the replay has no such conversation (it began before the recording)
            self._before_step()
            self._steps.append({"read_conversation": {"who": user, "with": peer}})

    def link_changed(self, user: str, *, online: bool | None = None, latency: float | None = None) -> None:
        if user not in self._users:
            return
        if online is not None:
            self._before_step()
            self._steps.append({"online" if online else "offline": user})
        if latency is not None:
            self._before_step()
            self._steps.append({"latency": {"who": user, "seconds": float(latency)}})

    def client_added(self, user: str, client: Client) -> None:
        """A panel was added for ``user``: declared from the start, offline and in no group (so
        nothing reaches it before), it comes online now and joins the groups it is in."""
        self._before_step()
        if user not in self._users:
            self._declare(user, None, panel=True)
        self._users[user].pop("panel", None)
        self._gone.discard(user)
        self._panels.append(user)
        self._steps.append({"online": user, "note": f"{user}'s panel is added"})
        for group in self._engine.group_ids_of(user):
            if group in self._groups and user not in self._groups[group]:
                self._groups[group].append(user)
                self._steps.append({"join": {"group": group, "who": user}})

    def client_removed(self, user: str) -> None:
        """``user``'s panel was closed: its client logged out, which the replay plays as offline."""
        if user in self._panels:
            self._before_step()
            self._panels.remove(user)
            self._gone.add(user)
            self._steps.append({"offline": user, "note": f"{user}'s panel is closed"})

    # --- the file ---------------------------------------------------------------------------------

    def finish(self, clients: Mapping[str, Client]) -> str:
        """The scenario as TOML text, with the final statuses of ``clients`` as expectations."""
        self._before_step(wait=False)
        steps = [*self._steps, *self._expectations(clients)]
        if not steps:
            steps = [{"wait": 0.0, "note": "nothing was done while recording"}]
        for user in sorted(self._gone):  # closed panels beyond the window's 8 replay without one
            if sum(1 for u in self._users.values() if u.get("panel", True)) > MAX_PANELS:
                self._users[user]["panel"] = False
        users = list(self._users.values())
        top: dict[str, Value] = {
            "title": self._title,
            "description": "Recorded in the readtick window; replay with readtick --scenario FILE.",
            "start": _dt.datetime.fromtimestamp(self._start, _dt.UTC),
        }
        engine: dict[str, Value] = {
            "delivered_status": self._engine.delivered_status,
            "receipt_lifetime": self._engine.receipt_lifetime / timedelta(seconds=1),
        }
        groups = [{"id": g, "members": members} for g, members in self._start_groups().items()]
        arrays: dict[str, Sequence[Mapping[str, Value]]] = {"users": users}
        if groups:
            arrays["groups"] = groups
        arrays["steps"] = steps
        return toml_document(top, {"engine": engine}, arrays)

    def _start_groups(self) -> dict[str, list[str]]:
        """Group members at the start: today's members less those a recorded step added."""
        joined = {(s["join"]["group"], s["join"]["who"]) for s in self._steps if "join" in s}  # type: ignore[index]
        return {g: [m for m in ms if (g, m) not in joined] for g, ms in self._groups.items()}

    def _expectations(self, clients: Mapping[str, Client]) -> list[dict[str, Value]]:
        steps: list[dict[str, Value]] = []
        panels = set(self._panels)
        for named in self._named.values():
            sender = clients.get(named.sender)
            if sender is not None and named.sender in panels:
                copy = sender.cache.get(cache_key(named.copy))
                if copy is not None:
                    expect: dict[str, Value] = {"message": named.name, "status": copy.receipt_status.name}
                    info = sender.cached_receipt_info(copy.message_id) if copy.message_id else None
                    if info is not None and named.conversation[1] == ConversationType.GROUP:
                        expect["read"] = info.read_member_count
                        expect["unread"] = info.unread_member_count
                    steps.append({"expect": expect})
            for receiver in named.receivers:
                client = clients.get(receiver)
                if client is None or receiver not in panels or not named.copy.message_id:
                    continue
                copy = client.cache.get(named.copy.message_id)
                if copy is not None:
                    steps.append(
                        {
                            "expect": {
                                "message": named.name,
                                "as_seen_by": receiver,
                                "status": copy.receipt_status.name,
                            }
                        }
                    )
        return steps

    def _before_step(self, *, wait: bool = True) -> None:
        """The real pause before an action (``wait``) and how far the engine's clock moved."""
        real = self._monotonic()
        pause = real - self._real_at
        self._real_at = real
        if wait and pause >= MIN_WAIT:
            self._steps.append({"wait": round(pause, 1)})
        moved = self._engine.clock.now() - self._clock_at
        if moved > 0:
            # to the millisecond, rounded up: whatever was due live is due in the replay too
            seconds = moved if self._virtual else math.ceil(moved * 1000) / 1000
            self._steps.append({"advance_time": seconds})
            self._clock_at += seconds
