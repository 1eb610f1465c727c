"""First run has something to show: a new data directory starts with a sample chat (read and
unread messages, a group message half read), marked as sample data, once; ``--empty`` skips it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from readtick.app.sampledata import SAMPLE_NOTE, add_sample_to_world
from readtick.app.world import DEFAULT_GROUP, build_world
from readtick.core import ConversationType, MessageDirection, ReceiptStatus

from tests.app.test_persistence_app import close_world, open_world, run_app

PEER, GROUP = ConversationType.PEER, ConversationType.GROUP
DONE, PROCESSING = ReceiptStatus.DONE, ReceiptStatus.PROCESSING


def test_the_sample_has_read_and_unread_messages_and_a_group_message_half_read() -> None:
    async def sample():
        world = await build_world(
            clients=2, group_size=6, bot_readers=True, virtual_clock=True, clock_start=0.0
        )
        try:
            await add_sample_to_world(world)
            await asyncio.sleep(0)
            alice, bob = world.clients
            seen_by_alice = [
                (m.message, m.direction, m.receipt_status) for m in alice.cached_messages("bob", PEER)
            ]
            group = alice.cached_messages(DEFAULT_GROUP, GROUP)[0]
            info = alice.cached_receipt_info(group.message_id)
            return seen_by_alice, group, info, world.bot_handler.enabled, len(world.bot_handler._tasks)
        finally:
            world.stop()

    seen, group, info, bots_enabled, bot_reads_pending = asyncio.run(sample())
    assert seen[0] == (SAMPLE_NOTE, MessageDirection.SEND, ReceiptStatus.NONE)  # says what it is
    assert [(d, s) for _, d, s in seen[1:]] == [
        (MessageDirection.SEND, DONE),  # bob read it: blue ticks
        (MessageDirection.RECEIVE, PROCESSING),  # bob's reply alice has not read: "tap to read"
        (MessageDirection.SEND, PROCESSING),  # waiting for bob
    ]
    assert group.receipt_status is PROCESSING and (info.read_member_count, info.unread_member_count) == (2, 3)
    assert bots_enabled and bot_reads_pending == 0  # the bots read later messages, not the sample


def count_messages(data: Path) -> int:
    async def count() -> int:
        world, persistence = await open_world(data)
        try:
            alice = world.clients[0]
            return len(alice.cached_messages("bob", PEER)) + len(alice.cached_messages(DEFAULT_GROUP, GROUP))
        finally:
            close_world(world, persistence)

    return asyncio.run(count())


def test_a_new_data_directory_gets_the_sample_once_and_empty_gets_none(tmp_path: Path) -> None:
    data, empty = tmp_path / "data", tmp_path / "empty"
    for _ in range(2):
        result = run_app("--data-dir", str(data), "--no-bot-readers", "--exit-after-start", home=tmp_path)
        assert result.returncode == 0, result.stderr
        assert count_messages(data) == 5  # the second run adds nothing
    result = run_app("--data-dir", str(empty), "--empty", "--exit-after-start", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert count_messages(empty) == 0
