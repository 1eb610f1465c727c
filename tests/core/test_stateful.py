"""A hypothesis state machine drives an engine and 3-6 clients through the public SDK and checks
every step against an independent model of the receipt rules.

Rules: send with or without a receipt (peer or the group), read 1-10 messages (mixing own,
foreign, already read and not yet delivered ones), conversation read, a history page,
offline/online, latency, advance time past the receipt lifetime (and past everything in flight),
members leaving and (re)joining, and, on the SQLite store, a restart from the files. After each
step (and its drain) the model and the clients must agree: no status moves backwards, read +
unread == eligible and never negative, member lists agree with the counts, each receipt event
reaches its handler once, and a client that is online with no latency holds the engine's truth.
Both stores are checked against the same model, so they agree with each other.

CI runs a short run per store; ``make stateful`` (READTICK_STATEFUL_EXAMPLES=2000) a long one.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from readtick.core import (
    Client,
    ConversationType,
    ErrorCode,
    GroupMessageReceiptMemberQueryConfig,
    Message,
    MessageDirection,
    MessageSendConfig,
    ReceiptEngine,
    ReceiptError,
    ReceiptStatus,
    TextMessage,
    VirtualClock,
)
from readtick.core.sqlitecache import SqliteLocalCache
from readtick.core.sqlitestore import SqliteEngineStore
from receipt_world import RecordingHandler

EXAMPLES = int(os.environ.get("READTICK_STATEFUL_EXAMPLES", "100"))
SYNCHRONOUS = "NORMAL"  # a restart here is a clean close: no need to wait for the disk on each commit
# The files' durability is test_sqlite_crash.py's subject; here they only need to be files, and in
# RAM (where the machine offers it) an example runs about three times faster.
RAM_DIR = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
LIFETIME = 100.0
GROUP = "team"
PEER, GROUP_TYPE = ConversationType.PEER, ConversationType.GROUP
OPEN = {ReceiptStatus.PROCESSING, ReceiptStatus.DELIVERED}
RANK = {
    ReceiptStatus.NONE: 0,
    ReceiptStatus.FAILED: 0,
    ReceiptStatus.PROCESSING: 1,
    ReceiptStatus.DELIVERED: 2,
    ReceiptStatus.DONE: 3,
    ReceiptStatus.EXPIRED: 3,
}
FINAL = {ReceiptStatus.NONE, ReceiptStatus.FAILED, ReceiptStatus.DONE, ReceiptStatus.EXPIRED}


@dataclass
class Sent:
    """The model of one successfully sent message."""

    message_id: int
    sender: str
    target: str  # peer user id or the group id
    ctype: ConversationType
    receipt: bool
    sent_at: float
    eligible: set[str]
    read: set[str] = field(default_factory=set)
    status: ReceiptStatus = ReceiptStatus.PROCESSING

    def conversation_of(self, user: str) -> str:
        """The conversation id as ``user`` sees it."""
        if self.ctype is GROUP_TYPE:
            return self.target
        return self.target if user == self.sender else self.sender

    def recipients(self, members_at_send: set[str]) -> set[str]:
        return {self.target} if self.ctype is PEER else members_at_send - {self.sender}

    def settle(self, now: float) -> None:
        """Move the model's status the way the rules say (5: all read -> DONE; 9: expiry)."""
        if self.status not in OPEN:
            return
        if self.eligible and not self.eligible - self.read:
            self.status = ReceiptStatus.DONE
        elif now >= self.sent_at + LIFETIME:
            self.status = ReceiptStatus.EXPIRED


class ReceiptMachine(RuleBasedStateMachine):
    store_kind = "memory"

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.data_dir = Path(tempfile.mkdtemp(prefix="readtick-stateful-", dir=RAM_DIR))
        self.sent: dict[int, Sent] = {}
        self.members_at: dict[int, set[str]] = {}
        self.seen_status: dict[tuple[str, int], ReceiptStatus] = {}
        self.dirty_until: dict[str, float] = {}

    # ------------------------------------------------------------------------------- plumbing
    def run(self, coroutine):  # type: ignore[no-untyped-def]
        return self.loop.run_until_complete(coroutine)

    def teardown(self) -> None:
        self._close()
        self.loop.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def _close(self) -> None:
        for client in self.clients.values():
            client.cache.close()
        self.engine.close()

    def _open(self, now: float) -> None:
        self.clock = VirtualClock(start=now)
        store = (
            SqliteEngineStore(self.data_dir / "engine.sqlite3", synchronous=SYNCHRONOUS)
            if self.store_kind == "sqlite"
            else None
        )
        self.engine = ReceiptEngine(
            clock=self.clock, store=store, receipt_lifetime=timedelta(seconds=LIFETIME)
        )

    def _new_client(self, user: str) -> Client:
        cache = (
            SqliteLocalCache(self.data_dir / f"cache-{user}.sqlite3", user_id=user, synchronous=SYNCHRONOUS)
            if self.store_kind == "sqlite"
            else None
        )
        client = Client(self.engine, user, cache=cache)
        client.event_handler = RecordingHandler()
        self.run(client.login())
        return client

    def settle(self) -> None:
        self.run(self.engine.drain())
        for sent in self.sent.values():
            sent.settle(self.clock.now())

    @property
    def now(self) -> float:
        return self.clock.now()

    def online_users(self) -> list[str]:
        return [u for u in self.users if self.clients[u].online]

    # ---------------------------------------------------------------------------------- setup
    @initialize(
        count=st.integers(3, 6),
        group_size=st.integers(2, 6),
    )
    def setup(self, count: int, group_size: int) -> None:
        self.users = [f"u{i}" for i in range(count)]
        self._open(0.0)
        self.clients = {u: self._new_client(u) for u in self.users}
        self.members = set(self.users[: min(group_size, count)])
        self.engine.create_group(GROUP, sorted(self.members))
        self.settle()

    # ---------------------------------------------------------------------------------- rules
    @rule(data=st.data(), receipt=st.booleans(), to_group=st.booleans())
    def send(self, data: st.DataObject, receipt: bool, to_group: bool) -> None:
        sender = data.draw(st.sampled_from(self.users), label="sender")
        client = self.clients[sender]
        if to_group:
            target, ctype = GROUP, GROUP_TYPE
        else:
            target, ctype = data.draw(st.sampled_from([u for u in self.users if u != sender])), PEER
        config = MessageSendConfig(has_receipt=receipt)
        if not client.online:
            with pytest.raises(ReceiptError) as caught:
                self.run(client.send_message(TextMessage("x"), target, ctype, config))
            assert caught.value.code is ErrorCode.NETWORK_UNAVAILABLE
            failed = caught.value.failed_message
            assert failed is not None and failed.receipt_status is (
                ReceiptStatus.FAILED if receipt else ReceiptStatus.NONE
            )
            return
        if ctype is GROUP_TYPE and sender not in self.members:
            with pytest.raises(ReceiptError) as caught:
                self.run(client.send_message(TextMessage("x"), target, ctype, config))
            assert caught.value.code is ErrorCode.NOT_GROUP_MEMBER
            return
        result = self.run(client.send_message(TextMessage("x"), target, ctype, config))
        message = result.message
        expected = ReceiptStatus.PROCESSING if receipt else ReceiptStatus.NONE
        assert message.receipt_status is expected
        members = set(self.members)
        recipients = {target} if ctype is PEER else members - {sender}
        self.sent[message.message_id] = Sent(
            message.message_id,
            sender,
            target,
            ctype,
            receipt,
            self.now,
            eligible=set(recipients) if receipt else set(),
            status=expected,
        )
        self.members_at[message.message_id] = members
        self.settle()

    @rule(data=st.data())
    def read_messages(self, data: st.DataObject) -> None:
        reader = data.draw(st.sampled_from(self.online_users() or self.users), label="reader")
        client = self.clients[reader]
        conversations = self._conversations_of(reader)
        if not conversations:
            return
        conversation_id, ctype = data.draw(st.sampled_from(conversations), label="conversation")
        own = [self._message_for(reader, m) for m in self._known_in(reader, conversation_id, ctype)]
        undelivered = [
            self._forged(reader, s)
            for s in self.sent.values()
            if s.conversation_of(reader) == conversation_id
            and s.ctype is ctype
            and s.sender != reader
            and client.cached_message(s.message_id) is None
        ]
        foreign = [
            self._forged(reader, s)
            for s in self.sent.values()
            if not (s.conversation_of(reader) == conversation_id and s.ctype is ctype)
        ]
        pool = own + undelivered + foreign[:3]
        if not pool:
            return
        picked = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=10), label="picked")
        picked = list({m.message_id: m for m in picked}.values())
        readable = [m.message_id for m in picked if self._readable(reader, m.message_id, conversation_id)]
        try:
            result = self.run(client.send_message_receipts_read(picked, conversation_id, ctype))
        except ReceiptError as error:
            if not client.online:
                assert error.code is ErrorCode.NETWORK_UNAVAILABLE
            elif ctype is GROUP_TYPE and reader not in self.members:
                assert error.code is ErrorCode.NOT_GROUP_MEMBER, error
            else:
                assert readable == [], f"{reader} could read {readable} but the call failed: {error}"
                assert error.code is ErrorCode.PARAMETER_INVALID, error
            self.settle()
            return
        assert client.online
        assert sorted(m.message_id for m in picked if m.message_id not in result.error_message_ids) == sorted(
            readable
        ), f"{reader} read {picked} in {conversation_id}: errors {result.error_message_ids}"
        for message_id in readable:
            self.sent[message_id].read.add(reader)
        self.settle()

    @rule(data=st.data())
    def read_conversation(self, data: st.DataObject) -> None:
        reader = data.draw(st.sampled_from(self.users), label="reader")
        peer = data.draw(st.sampled_from([u for u in self.users if u != reader]), label="peer")
        client = self.clients[reader]
        covered = [
            s.message_id
            for s in self.sent.values()
            if s.ctype is PEER
            and s.sender == peer
            and s.target == reader
            and self._readable(reader, s.message_id, peer)
        ]
        exchanged = any(
            s.ctype is PEER and {s.sender, s.target} == {reader, peer} for s in self.sent.values()
        )
        try:
            self.run(client.send_conversation_message_receipt_read(peer, PEER))
        except ReceiptError as error:
            if not client.online:
                assert error.code is ErrorCode.NETWORK_UNAVAILABLE
            else:
                assert not exchanged, f"conversation read {reader}->{peer} refused: {error}"
            self.settle()
            return
        for message_id in covered:
            self.sent[message_id].read.add(reader)
        self.settle()

    @rule(data=st.data())
    def history(self, data: st.DataObject) -> None:
        """A page of history: online, it refreshes the page's copies from the engine first (a late
        receipt event must still update the info afterwards)."""
        user = data.draw(st.sampled_from(self.users), label="reader of history")
        conversation_id, ctype = data.draw(st.sampled_from(self._conversations_of(user)), label="history of")
        count = data.draw(st.integers(1, 5), label="page size")
        page = self.run(self.clients[user].query_history_message(conversation_id, ctype, count=count))
        assert len(page.message_list) <= count
        self.settle()

    @rule(data=st.data(), online=st.booleans())
    def link(self, data: st.DataObject, online: bool) -> None:
        user = data.draw(st.sampled_from(self.users), label="user")
        self.clients[user].set_online(online)
        self.settle()

    @rule(data=st.data(), latency=st.sampled_from([0.0, 0.0, 3.0]))
    def latency(self, data: st.DataObject, latency: float) -> None:
        user = data.draw(st.sampled_from(self.users), label="user")
        client = self.clients[user]
        self.dirty_until[user] = max(self.dirty_until.get(user, 0.0), self.now + client.latency)
        client.set_latency(latency)
        self.settle()

    @rule()
    def quiet(self) -> None:
        """Every link back to no latency and time past what was in flight: the invariants then
        check every online client against the engine."""
        for client in self.clients.values():
            self.dirty_until[client.user_id] = max(
                self.dirty_until.get(client.user_id, 0.0), self.now + client.latency
            )
            client.set_latency(0.0)
        self.clock.advance(max(0.0, max(self.dirty_until.values(), default=0.0) - self.now))
        self.settle()

    @rule(seconds=st.sampled_from([1.0, 3.0, 30.0, 60.0, 120.0]))
    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.settle()

    @rule(data=st.data())
    def leave(self, data: st.DataObject) -> None:
        if len(self.members) <= 1:
            return
        user = data.draw(st.sampled_from(sorted(self.members)), label="leaver")
        self.engine.remove_group_members(GROUP, [user])
        self.members.discard(user)
        for sent in self.sent.values():
            # rule 5: a member who leaves before reading drops out; counts of a finished receipt stay
            if sent.ctype is GROUP_TYPE and sent.status in OPEN and user not in sent.read:
                sent.eligible.discard(user)
        self.settle()

    @rule(data=st.data())
    def join(self, data: st.DataObject) -> None:
        outside = [u for u in self.users if u not in self.members]
        if not outside:
            return
        user = data.draw(st.sampled_from(outside), label="joiner")
        self.engine.add_group_members(GROUP, [user])
        self.members.add(user)  # never eligible for what was sent before (README, Decisions)
        self.settle()

    # ----------------------------------------------------------------------------- invariants
    @invariant()
    def statuses_never_move_backwards(self) -> None:
        if not hasattr(self, "clients"):
            return
        for user, client in self.clients.items():
            for sent in self.sent.values():
                cached = client.cached_message(sent.message_id)
                if cached is None:
                    continue
                key = (user, sent.message_id)
                before = self.seen_status.get(key)
                now = cached.receipt_status
                if before is not None and before is not now:
                    assert before not in FINAL, (
                        f"{user}'s copy of {sent.message_id}: {before.name} -> {now.name}"
                    )
                    assert RANK[now] >= RANK[before], (
                        f"{user}'s copy of {sent.message_id}: {before.name} -> {now.name}"
                    )
                self.seen_status[key] = now

    @invariant()
    def each_receipt_event_reaches_its_handler_once(self) -> None:
        if not hasattr(self, "clients"):
            return
        for user, client in self.clients.items():
            handler = client.event_handler
            assert isinstance(handler, RecordingHandler)
            seen = set()
            for info in handler.receipt_infos():
                fact = (info.message_id, info.status, info.read_member_count, info.unread_member_count)
                assert fact not in seen, f"{user} was told twice: {info}"
                seen.add(fact)

    @invariant()
    def senders_see_the_models_counts_and_lists(self) -> None:
        if not hasattr(self, "clients"):
            return
        for sent in self.sent.values():
            if not sent.receipt:
                continue
            unread = sent.eligible - sent.read
            assert len(sent.read) + len(unread) == len(sent.eligible)
            client = self.clients[sent.sender]
            message = self._message_for(sent.sender, sent.message_id)
            # asked of the engine itself: the SDK's query would also write the sender's cache and
            # so hide from the next invariant an info the client failed to keep up to date
            infos, errors = self.engine.receipt_infos(
                sent.sender, [message], sent.conversation_of(sent.sender), sent.ctype
            )
            assert errors == []
            [info] = infos
            assert info.status is sent.status, f"message {sent.message_id}: engine {info}, model {sent}"
            assert (info.read_member_count, info.unread_member_count) == (len(sent.read), len(unread)), (
                f"message {sent.message_id}: engine {info}, model read {sent.read} unread {unread}"
            )
            if client.online and sent.ctype is GROUP_TYPE and sent.sender in self.members:
                assert self._member_list(client, message, "read") == sorted(sent.read)
                assert self._member_list(client, message, "unread") == sorted(unread), (
                    f"message {sent.message_id}: model {sent}"
                )

    @invariant()
    def online_clients_hold_the_engines_truth(self) -> None:
        if not hasattr(self, "clients"):
            return
        for user, client in self.clients.items():
            if not client.online or client.latency or self.now < self.dirty_until.get(user, 0.0):
                continue
            for sent in self.sent.values():
                cached = client.cached_message(sent.message_id)
                if user == sent.sender:
                    assert cached is not None, f"{user} lost its own message {sent.message_id}"
                    assert cached.receipt_status is sent.status, f"{user}'s copy: {cached}, model {sent}"
                    info = client.cached_receipt_info(sent.message_id)
                    if info is not None and sent.receipt:
                        unread = len(sent.eligible - sent.read)
                        assert (info.read_member_count, info.unread_member_count) == (
                            len(sent.read),
                            unread,
                        ), f"{user}'s cached info {info}, model {sent}"
                    continue
                if user not in sent.recipients(self.members_at[sent.message_id]):
                    assert cached is None, f"{user} got {sent.message_id} it was never sent"
                    continue
                assert cached is not None, f"online {user} never received {sent.message_id}"
                if not sent.receipt:
                    assert cached.receipt_status is ReceiptStatus.NONE
                elif user in sent.read:
                    assert cached.receipt_status is ReceiptStatus.DONE, f"{user}'s copy {cached}"
                elif sent.status is ReceiptStatus.EXPIRED:
                    assert cached.receipt_status is ReceiptStatus.EXPIRED, f"{user}'s copy {cached}"
                elif sent.status is ReceiptStatus.DONE:
                    assert cached.receipt_status in (ReceiptStatus.PROCESSING, ReceiptStatus.DONE)
                else:
                    assert cached.receipt_status is ReceiptStatus.PROCESSING, f"{user}'s copy {cached}"

    # -------------------------------------------------------------------------------- helpers
    def _conversations_of(self, user: str) -> list[tuple[str, ConversationType]]:
        refs = [(u, PEER) for u in self.users if u != user]
        return [*refs, (GROUP, GROUP_TYPE)]

    def _known_in(self, user: str, conversation_id: str, ctype: ConversationType) -> list[int]:
        return [
            m.message_id for m in self.clients[user].cached_messages(conversation_id, ctype) if m.message_id
        ]

    def _message_for(self, user: str, message_id: int) -> Message:
        cached = self.clients[user].cached_message(message_id)
        assert cached is not None
        return cached

    def _forged(self, user: str, sent: Sent) -> Message:
        """A Message built by hand with the id of a message ``user`` may not have."""
        return TextMessage(
            "x",
            message_id=sent.message_id,
            conversation_id=sent.conversation_of(user),
            conversation_type=sent.ctype,
            sender_user_id=sent.sender,
            direction=MessageDirection.RECEIVE,
            receipt_status=ReceiptStatus.PROCESSING,
        )

    def _readable(self, reader: str, message_id: int, conversation_id: str) -> bool:
        """Rule 3 in the model: received by this client, eligible, still open, not read yet."""
        sent = self.sent.get(message_id)
        client = self.clients[reader]
        return (
            sent is not None
            and sent.receipt
            and sent.sender != reader
            and sent.conversation_of(reader) == conversation_id
            and reader in sent.eligible
            and reader not in sent.read
            and sent.status in OPEN
            and client.cached_message(message_id) is not None
        )

    def _member_list(self, client: Client, message: Message, which: str) -> list[str]:
        query = (
            client.query_group_message_receipt_read_member_list
            if which == "read"
            else client.query_group_message_receipt_unread_member_list
        )
        flag, users = 0, []
        while True:
            result = self.run(
                query(message, GROUP, GroupMessageReceiptMemberQueryConfig(next_flag=flag, count=2))
            )
            users += result.user_list
            flag = result.next_flag
            if flag == 0:
                return sorted(users)


class SqliteReceiptMachine(ReceiptMachine):
    """The same machine on files, with one more rule: close everything and reopen it."""

    store_kind = "sqlite"

    @rule()
    def restart(self) -> None:
        now = self.now
        self.settle()
        self._close()
        self._open(now)
        self.clients = {u: self._new_client(u) for u in self.users}
        self.dirty_until.clear()
        self.settle()


_SETTINGS = settings(
    max_examples=EXAMPLES,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestReceiptRulesOnMemory = ReceiptMachine.TestCase
TestReceiptRulesOnMemory.settings = _SETTINGS
TestReceiptRulesOnSqlite = SqliteReceiptMachine.TestCase
TestReceiptRulesOnSqlite.settings = _SETTINGS
