"""SIGKILL between (or in the middle of) operations loses nothing that was acknowledged and
leaves no half-applied receipt. Three rounds on the same files: each child resumes the last one's
state, is killed after a number of acknowledgements (never after a time), and the parent checks."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from readtick.core import ReceiptStatus, SentStatus
from readtick.core.readranges import ReadRanges
from sqlite_worlds import all_records, check_invariants, close_world, file_world

CHILD = Path(__file__).with_name("sqlite_crash_child.py")
USERS = ["alice", "bob", "carol", "dave"]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")


def run_and_kill(
    data_dir: Path, seed: int, acks_before_kill: int, synchronous: str, mode: str = "serial"
) -> list[dict]:
    """Start the child, SIGKILL it right after its n-th acknowledgement; return every ack it made."""
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(data_dir), str(seed), synchronous, mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stderr is not None
    lines = []
    try:
        while len(lines) < acks_before_kill:
            line = child.stdout.readline()
            if not line:
                pytest.fail(f"child ended before {acks_before_kill} acks:\n{child.stderr.read()}")
            lines.append(line)
        child.send_signal(signal.SIGKILL)
        lines += child.stdout.readlines()  # acks already written before the kill count too
    finally:
        child.kill()
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    return [json.loads(line) for line in lines if line.endswith("\n")]


async def verify(data_dir: Path, acks: list[dict], kills: int) -> None:
    world = await file_world(data_dir, USERS, offline=USERS)  # look before anything is delivered
    store = world.engine.store
    sent_ids = set()
    for item in acks:
        if item["op"] == "send":
            record = store.get_message(item["id"])
            assert record is not None, f"acknowledged send lost: {item}"
            assert record.sender_user_id == item["sender"]
            copy = world[item["sender"]].cache.get(item["id"])
            assert copy is not None and copy.sent_status is SentStatus.SUCCESS, item
            assert copy.local_message_id == item["local"]
            sent_ids.add(item["id"])
        elif item["op"] == "read":
            for message_id in item["ids"]:
                record = store.get_message(message_id)
                ranges = ReadRanges(store.read_ranges(record.conversation_key, item["user"]))
                assert record.seq in ranges, f"acknowledged read lost: {item}"
                assert world[item["user"]].cache.get(message_id).receipt_status is ReceiptStatus.DONE
        elif item["op"] == "leave":
            periods = store.member_periods("team", "erin")
            assert periods and periods[-1][1] is not None
    check_invariants(store)
    # at most the one operation in flight at each kill wrote anything beyond what was acknowledged
    unacknowledged = [r.message_id for r in all_records(store) if r.message_id not in sent_ids]
    assert len(unacknowledged) <= kills, unacknowledged
    # and the world still works: everyone catches up, invariants hold after it
    for user in USERS:
        world[user].set_online(True)
    await world.settle()
    check_invariants(store)
    close_world(world)


# NORMAL defers only the fsync: in WAL mode a killed process (unlike a crashed machine) still loses
# no commit, which is the claim this test checks for both settings.
@pytest.mark.parametrize("synchronous", ["FULL", "NORMAL"])
async def test_sigkill_loses_nothing_acknowledged(tmp_path, synchronous):
    acks: list[dict] = []
    for kills, (seed, kill_after) in enumerate(((1, 40), (2, 25), (3, 60)), start=1):
        acks += run_and_kill(tmp_path, seed, kill_after, synchronous)
        await verify(tmp_path, acks, kills)
    assert sum(1 for a in acks if a["op"] == "send") >= 20
    assert sum(1 for a in acks if a["op"] == "read") >= 10


# Several calls in flight in one loop turn share one commit: a kill lands between a batch's writes
# and its commit, or just after a commit while other calls of the next batch are being served.
@pytest.mark.parametrize("synchronous", ["FULL", "NORMAL"])
async def test_sigkill_during_batched_commits_loses_nothing_acknowledged(tmp_path, synchronous):
    acks: list[dict] = []
    for kills, (seed, kill_after) in enumerate(((4, 30), (5, 17), (6, 45)), start=1):
        acks += run_and_kill(tmp_path, seed, kill_after, synchronous, "burst")
        await verify(tmp_path, acks, kills * 2)  # up to two sends of a batch were in flight
    assert sum(1 for a in acks if a["op"] == "send") >= 20
    assert sum(1 for a in acks if a["op"] == "read") >= 10
