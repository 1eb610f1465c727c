"""The SDK's bad-input table: every row is one call with one bad argument and the exact error it
must give (code and the words of its message), on the memory store and on the SQLite store alike.

A refused call changes nothing a user can observe (``sqlite_worlds.snapshot``: every cache, the
engine's messages, members, readers, outboxes and member lists), and both stores give the same
answer word for word. The data directory's and the scenarios' tables are
``tests/app/test_datadir_bad_input.py`` and ``tests/app/test_scenario_bad_input.py``.
"""

from __future__ import annotations

import inspect
from dataclasses import replace
from datetime import timedelta

import pytest
from readtick.core import (
    Client,
    CommandMessage,
    ConversationType,
    ErrorCode,
    GroupMessageReceiptMemberQueryConfig,
    ImageMessage,
    MessageSendConfig,
    MultipleMessage,
    ReceiptEngine,
    ReceiptError,
    TextMessage,
    VirtualClock,
)
from readtick.core.localcache import MemoryLocalCache
from readtick.core.memorystore import MemoryEngineStore
from readtick.core.sqlitecache import SqliteLocalCache
from readtick.core.sqlitestore import SqliteEngineStore
from sqlite_worlds import snapshot, store_world

PEER, ROOM, GROUP = ConversationType.PEER, ConversationType.ROOM, ConversationType.GROUP
INVALID = ErrorCode.PARAMETER_INVALID
BIG = 2**64
MAX_ID = 2**63 - 1
ID_RANGE = f"must be a whole number from 0 to {MAX_ID}"
CTYPE = "conversation_type must be a ConversationType (PEER, ROOM or GROUP), got"
SECONDS = "must be a finite number of seconds >= 0, got"
CENTURY = "must be at most 36500 days (100 years), got"
LAST_TIME = 253402128000.0  # 9999-12-30T00:00:00Z
RECEIPT = MessageSendConfig(has_receipt=True)
STORES = {
    "memory": (MemoryEngineStore, MemoryLocalCache),
    "sqlite": (lambda: SqliteEngineStore(":memory:"), lambda: SqliteLocalCache(":memory:")),
}


class Bad:
    """What a row's call gets: the world, alice's sent message ``sent`` and bob's copy ``got``."""

    def __init__(self, world, sent, got, group_sent):
        self.world, self.sent, self.got, self.group_sent = world, sent, got, group_sent
        self.alice, self.bob = world["alice"], world["bob"]

    def with_id(self, message_id):
        """bob's copy carrying another ``message_id`` (a caller building messages by hand)."""
        return replace(self.got, message_id=message_id)


def send(message, to="bob", ctype=PEER, config=RECEIPT):
    return lambda b: b.alice.send_message(message, to, ctype, config)


def send_media(message, to="bob", ctype=PEER, config=RECEIPT):
    return lambda b: b.alice.send_media_message(message, to, ctype, config)


def read(messages, conversation="alice", ctype=PEER):
    return lambda b: b.bob.send_message_receipts_read(messages(b), conversation, ctype)


def members(config, message=None):
    return lambda b: b.alice.query_group_message_receipt_unread_member_list(
        message(b) if message else b.group_sent, "team", config
    )


def history(conversation="bob", ctype=PEER, **kwargs):
    return lambda b: b.alice.query_history_message(conversation, ctype, **kwargs)


def info(messages, ctype=PEER):
    return lambda b: b.alice.query_message_receipts_info(messages(b), "bob", ctype)


ROWS = [
    # --- send_message: the message
    ("text with a lone surrogate", send(TextMessage("hi \ud800")), INVALID,
     "the message text is not valid Unicode: a lone surrogate '\\ud800' at position 3"),
    ("blank text", send(TextMessage("  \n ")), INVALID, "the message text is empty"),
    ("text over 32 KiB", send(TextMessage("x" * 32769)), INVALID,
     "the message text is 32769 bytes; the limit is 32768 bytes"),
    ("text that is not a string", send(TextMessage(5)), INVALID, "text must be a string, got int"),
    ("media path that is not text", send_media(ImageMessage(file_local_path=123)), INVALID,
     "file_local_path must be a path as text, got int 123"),
    ("media path with a lone surrogate", send_media(ImageMessage(file_local_path="/tmp/\udcff.png")),
     INVALID, "file_local_path is not valid Unicode: a lone surrogate '\\udcff' at position 5"),
    ("media file name that is bytes", send_media(ImageMessage(file_local_path="a.png", file_name=b"a")),
     INVALID, "file_name must be text, got bytes b'a'"),
    ("negative file size", send_media(ImageMessage(file_local_path="a.png", file_size=-1)), INVALID,
     f"file_size {ID_RANGE}, got -1"),
    ("image width True", send_media(ImageMessage(file_local_path="a.png", original_image_width=True)),
     INVALID, f"original_image_width {ID_RANGE}, got True"),
    ("file size beyond 64 bits", send_media(ImageMessage(file_local_path="a.png", file_size=BIG)), INVALID,
     f"file_size {ID_RANGE}, got {BIG}"),
    ("media through send_message", send(ImageMessage(file_local_path="a.png")), INVALID,
     "IMAGE messages are sent with send_media_message"),
    ("multiple item with a lone surrogate", send(MultipleMessage(items=("ok", "\udfff"))), INVALID,
     "items[1] is not valid Unicode: a lone surrogate '\\udfff' at position 0"),
    ("a str instead of a message", send("hello"), INVALID,
     "message must be a TextMessage, ImageMessage, ... not str"),
    ("receipt on a COMMAND message", send(CommandMessage(b"x")), INVALID,
     "COMMAND messages cannot carry a read receipt"),
    # --- send_message: where and how
    ("has_receipt a string", send(TextMessage("hi"), config=MessageSendConfig(has_receipt="no")),
     INVALID, "has_receipt must be True or False, got 'no'"),
    ("has_receipt 1", send(TextMessage("hi"), config=MessageSendConfig(has_receipt=1)), INVALID,
     "has_receipt must be True or False, got 1"),
    ("priority a string", send(TextMessage("hi"), config=MessageSendConfig(priority="high")), INVALID,
     "priority must be a whole number, got 'high'"),
    ("config a dict", send(TextMessage("hi"), config={"has_receipt": True}), INVALID,
     "config must be a MessageSendConfig, got dict"),
    ("conversation type the int 0", send(TextMessage("hi"), ctype=0), INVALID, f"{CTYPE} int 0"),
    ("conversation type True", send(TextMessage("hi"), ctype=True), INVALID, f"{CTYPE} bool True"),
    ("conversation type a name", send(TextMessage("hi"), ctype="PEER"), INVALID, f"{CTYPE} str 'PEER'"),
    ("receipt in a ROOM", send(TextMessage("hi"), ctype=ROOM), INVALID,
     "read receipts work only in PEER and GROUP conversations, not ROOM"),
    ("ROOM without receipt", send(TextMessage("hi"), ctype=ROOM, config=MessageSendConfig()), INVALID,
     "ROOM conversations are outside readtick's scope"),
    ("conversation id with a lone surrogate", send(TextMessage("hi"), to="b\ud800b"), INVALID,
     "conversation id 'b\\ud800b' is not a valid id"),
    ("conversation id of 33 characters", send(TextMessage("hi"), to="b" * 33), INVALID,
     f"conversation id {'b' * 33!r} is not a valid id"),
    ("conversation id a number", send(TextMessage("hi"), to=7), INVALID,
     "conversation id must be a string, got int 7"),
    ("conversation id of a megabyte", send(TextMessage("hi"), to="b" * 2**20), INVALID,
     "conversation id 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb...bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'"
     " is not a valid id"),
    ("peer message to oneself", send(TextMessage("hi"), to="alice"), INVALID,
     "you cannot send a one-to-one message to yourself"),
    # --- send_message_receipts_read
    ("message id beyond 64 bits", read(lambda b: [b.with_id(BIG)]), INVALID,
     f"messages[0].message_id {ID_RANGE}, got {BIG}"),
    ("message id True", read(lambda b: [b.with_id(True)]), INVALID,
     f"messages[0].message_id {ID_RANGE}, got True"),
    ("message id a string", read(lambda b: [b.got, b.with_id("1")]), INVALID,
     f"messages[1].message_id {ID_RANGE}, got '1'"),
    ("negative message id", read(lambda b: [b.with_id(-1)]), INVALID,
     f"messages[0].message_id {ID_RANGE}, got -1"),
    ("message id of 5000 digits", read(lambda b: [b.with_id(10**5000)]), INVALID,
     f"messages[0].message_id {ID_RANGE}, got an integer of 5001 digits"),
    ("eleven messages", read(lambda b: [b.got] * 11), ErrorCode.READ_LIMIT_EXCEEDED,
     "11 messages in one read call; the limit is 10 (receipt rule 3)"),
    ("no messages", read(lambda b: []), INVALID, "messages is empty: pass at least one message"),
    ("one message, not a list", read(lambda b: b.got), INVALID,
     "messages must be a list of messages, got TextMessage"),
    ("ids instead of messages", read(lambda b: [1, 2]), INVALID, "messages[0] is a int, not a Message"),
    ("conversation type the int 0 in a read", read(lambda b: [b.got], ctype=0), INVALID,
     f"{CTYPE} int 0"),
    ("a message of another conversation", read(lambda b: [b.group_sent]), INVALID,
     "no message could be read: 2 (it belongs to another conversation)"),
    # --- send_conversation_message_receipt_read
    ("conversation read of a group",
     lambda b: b.bob.send_conversation_message_receipt_read("team", GROUP), INVALID,
     "conversation read works only in PEER conversations, not GROUP"),
    ("conversation read with the int 0",
     lambda b: b.bob.send_conversation_message_receipt_read("alice", 0), INVALID, f"{CTYPE} int 0"),
    ("conversation read of an empty id",
     lambda b: b.bob.send_conversation_message_receipt_read("", PEER), INVALID,
     "conversation id '' is not a valid id"),
    # --- query_message_receipts_info
    ("info of an id beyond 64 bits", info(lambda b: [b.with_id(BIG)]), INVALID,
     f"messages[0].message_id {ID_RANGE}, got {BIG}"),
    ("info of id True", info(lambda b: [b.with_id(True)]), INVALID,
     f"messages[0].message_id {ID_RANGE}, got True"),
    ("info with the int 2", info(lambda b: [b.sent], ctype=2), INVALID, f"{CTYPE} int 2"),
    # --- query_history_message
    ("history of a ROOM", history(ctype=ROOM), INVALID,
     "ROOM conversations are outside readtick's scope; use PEER or GROUP"),
    ("history count True", history(count=True), INVALID, "count must be a whole number, got True"),
    ("history count 0", history(count=0), INVALID, "count must be 1..100, got 0"),
    ("history reverse a string", history(reverse="no"), INVALID, "reverse must be True or False, got 'no'"),
    ("history next_message a string", history(next_message="x"), INVALID,
     "next_message must be a Message, got str"),
    ("history with the int 0", history(ctype=0), INVALID, f"{CTYPE} int 0"),
    # --- member lists
    ("member list next_flag beyond 64 bits", members(GroupMessageReceiptMemberQueryConfig(next_flag=BIG)),
     INVALID, f"next_flag must be 0..{MAX_ID}, got {BIG}"),
    ("member list next_flag -1", members(GroupMessageReceiptMemberQueryConfig(next_flag=-1)), INVALID,
     f"next_flag must be 0..{MAX_ID}, got -1"),
    ("member list count 101", members(GroupMessageReceiptMemberQueryConfig(count=101)), INVALID,
     "count must be 1..100, got 101"),
    ("member list of an id beyond 64 bits",
     members(GroupMessageReceiptMemberQueryConfig(), lambda b: replace(b.group_sent, message_id=BIG)),
     INVALID, f"message_id {ID_RANGE}, got {BIG}"),
    ("member list filter 7",
     lambda b: b.alice.query_group_message_receipt_member_list(
         b.group_sent, "team", 10, GroupMessageReceiptMemberQueryConfig(filter=7)
     ), INVALID, "filter 7 is not READ, UNREAD or DELIVERED"),
    ("member list of a str", members(GroupMessageReceiptMemberQueryConfig(), lambda b: "1"), INVALID,
     "message must be a Message, got str"),
    # --- the local cache
    ("cached message beyond 64 bits", lambda b: b.alice.cached_message(BIG), INVALID,
     f"message_id {ID_RANGE}, got {BIG}"),
    ("cached info of id True", lambda b: b.alice.cached_receipt_info(True), INVALID,
     f"message_id {ID_RANGE}, got True"),
    ("cached messages with the int 0", lambda b: b.alice.cached_messages("bob", 0), INVALID,
     f"{CTYPE} int 0"),
    # --- links and latency
    ("latency inf", lambda b: b.bob.set_latency(float("inf")), INVALID, f"latency {SECONDS} inf"),
    ("latency nan", lambda b: b.bob.set_latency(float("nan")), INVALID, f"latency {SECONDS} nan"),
    ("latency -1", lambda b: b.bob.set_latency(-1), INVALID, f"latency {SECONDS} -1"),
    ("latency 10**400", lambda b: b.bob.set_latency(10**400), INVALID,
     f"latency {CENTURY} an integer of 401 digits"),
    ("latency 1e300", lambda b: b.bob.set_latency(1e300), INVALID, f"latency {CENTURY} 1e+300"),
    ("latency True", lambda b: b.bob.set_latency(True), INVALID, f"latency {SECONDS} True"),
    ("client latency inf", lambda b: Client(b.world.engine, "carol", latency=float("inf")), INVALID,
     f"latency {SECONDS} inf"),
    ("online a string", lambda b: b.bob.set_online("yes"), INVALID,
     "set_online needs True or False, got 'yes'"),
    ("client user id with a lone surrogate", lambda b: Client(b.world.engine, "\ud800"), INVALID,
     "user id '\\ud800' is not a valid id"),
    # --- the virtual clock
    ("advance inf", lambda b: b.world.clock.advance(float("inf")), INVALID, f"seconds {SECONDS} inf"),
    ("advance nan", lambda b: b.world.clock.advance(float("nan")), INVALID, f"seconds {SECONDS} nan"),
    ("advance -1", lambda b: b.world.clock.advance(-1), INVALID, f"seconds {SECONDS} -1"),
    ("advance 10**400", lambda b: b.world.clock.advance(10**400), INVALID,
     f"seconds {CENTURY} an integer of 401 digits"),
    ("advance a string", lambda b: b.world.clock.advance("1"), INVALID, f"seconds {SECONDS} '1'"),
    ("advance past the year 9999", lambda b: VirtualClock(start=LAST_TIME - 10).advance(20), INVALID,
     "advancing 20 seconds would take the virtual clock past 9999-12-30 (253402128000.0)"),
    ("clock start inf", lambda b: VirtualClock(start=float("inf")), INVALID,
     "start must be a time from 0 (1970-01-01) to 253402128000.0 (9999-12-30), got inf"),
    ("clock start a string", lambda b: VirtualClock(start="now"), INVALID,
     "start must be a time from 0 (1970-01-01) to 253402128000.0 (9999-12-30), got 'now'"),
    # --- the engine
    ("receipt lifetime 0", lambda b: ReceiptEngine(receipt_lifetime=timedelta(0)), INVALID,
     "receipt_lifetime must be a timedelta from 1 microsecond to 36500 days, got datetime.timedelta(0)"),
    ("receipt lifetime negative", lambda b: ReceiptEngine(receipt_lifetime=timedelta(days=-1)), INVALID,
     "receipt_lifetime must be a timedelta from 1 microsecond to 36500 days, got "
     "datetime.timedelta(days=-1)"),
    ("receipt lifetime inf", lambda b: ReceiptEngine(receipt_lifetime=float("inf")), INVALID,
     "receipt_lifetime must be a timedelta from 1 microsecond to 36500 days, got inf"),
    ("receipt lifetime huge", lambda b: ReceiptEngine(receipt_lifetime=timedelta.max), INVALID,
     "receipt_lifetime must be a timedelta from 1 microsecond to 36500 days, got "
     "datetime.timedelta(days=999999999, seconds=86399, microseconds=999999)"),
    ("delivered_status a string", lambda b: ReceiptEngine(delivered_status="no"), INVALID,
     "delivered_status must be True or False, got 'no'"),
    ("clock without now()", lambda b: ReceiptEngine(clock="wall"), INVALID,
     "clock must have now() and subscribe(), got str"),
    ("group with a member twice", lambda b: b.world.engine.create_group("g2", ["carol", "carol"]), INVALID,
     "user_ids names carol more than once"),
    ("group members as one string", lambda b: b.world.engine.create_group("g2", "carol"), INVALID,
     "user_ids must be a list of ids, got str"),
    ("members of a group id beyond 64 bits", lambda b: b.world.engine.group_members(BIG), INVALID,
     f"group id must be a string, got int {BIG}"),
    ("groups of user True", lambda b: b.world.engine.group_ids_of(True), INVALID,
     "user id must be a string, got bool True"),
    ("member of no group", lambda b: b.world.engine.add_group_members("nope", ["carol"]),
     ErrorCode.GROUP_DOES_NOT_EXIST, "group 'nope' does not exist"),
    ("removing a non-member", lambda b: b.world.engine.remove_group_members("team", ["carol"]),
     ErrorCode.NOT_GROUP_MEMBER, "carol not a member of group 'team'"),
]  # fmt: skip


async def bad_world(store_kind: str) -> Bad:
    store, cache = STORES[store_kind]
    world = await store_world(
        store(), ["alice", "bob"], groups={"team": ["alice", "bob"]}, cache_factory=cache
    )
    sent = await world.send("alice", "bob", "hello")
    group_sent = await world.send("alice", "team", "all", group=True)
    return Bad(world, sent, world.copy_of("bob", sent), group_sent)


async def answer(row, store_kind: str) -> tuple[ErrorCode, str]:
    _, call, _, _ = row
    bad = await bad_world(store_kind)
    before = snapshot(bad.world)
    with pytest.raises(ReceiptError) as caught:
        result = call(bad)
        if inspect.isawaitable(result):
            await result
    await bad.world.settle()
    assert snapshot(bad.world) == before, "a refused call changed what users can see"
    return caught.value.code, caught.value.message


def test_the_table_has_at_least_60_rows():
    assert len(ROWS) >= 60


@pytest.mark.parametrize("row", ROWS, ids=[row[0] for row in ROWS])
async def test_bad_input_is_a_clear_error_on_both_stores(row):
    _, _, code, words = row
    answers = {kind: await answer(row, kind) for kind in STORES}
    for kind, (got_code, message) in answers.items():
        assert got_code is code, f"{kind}: {got_code.name}: {message}"
        assert words in message, f"{kind}: {message}"
    assert answers["memory"] == answers["sqlite"]
