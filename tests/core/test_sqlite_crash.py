"""SIGKILL between (or in the middle of) operations loses nothing that was acknowledged and
leaves no half-applied receipt. Three rounds on the same files: each child resumes the last one's
state, is killed after a number of acknowledgements (never after a time), and the parent checks."""

from __future__ import annotations

import json
import os
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
    check_caches_hold_the_engines_truth(world)
    close_world(world)


def check_caches_hold_the_engines_truth(world) -> None:
    """Once every client is back online and caught up, nothing a kill interrupted is missing:
    every sender holds each message the engine has from it (SUCCESS, with its counts), every
    recipient holds it as the engine shows it to them, and no send is left SENDING."""
    store = world.engine.store
    records = all_records(store)
    for user, client in world.clients.items():
        assert client.cache.sending() == [], f"{user} still has an unsettled send"
        views = world.engine.views_of(user, [r.message_id for r in records])
        for record in records:
            if record.message_id not in views:
                continue
            view, cached = views[record.message_id], client.cached_message(record.message_id)
            what = f"{user}'s copy of {record.message_id}: {cached}, engine {view}"
            assert cached is not None, what
            if user == record.sender_user_id:
                assert cached.sent_status is SentStatus.SUCCESS, what
                assert cached.receipt_status is record.status, what
                if record.has_receipt:
                    info = client.cached_receipt_info(record.message_id)
                    assert info is not None and (info.read_member_count, info.unread_member_count) == (
                        record.read,
                        record.eligible - record.read,
                    ), f"{what}, info {info}"
                continue
            has_read = record.seq in ReadRanges(store.read_ranges(record.conversation_key, user))
            if view.receipt_status is ReceiptStatus.DONE and not has_read:
                # it left the group unread and the others completed it: DONE for them, not news here
                assert cached.receipt_status in (ReceiptStatus.PROCESSING, ReceiptStatus.DONE), what
            else:
                assert cached.receipt_status is view.receipt_status, what


def run_script(data_dir: Path, kill_after: str | None) -> tuple[list[dict], dict | None]:
    """Run the child's fixed script, killed after a given write or to its end: (acks, totals)."""
    env = {**os.environ, "READTICK_KILL_AFTER_WRITE": kill_after or ""}
    child = subprocess.run(
        [sys.executable, str(CHILD), str(data_dir), "script"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    lines = [json.loads(line) for line in child.stdout.splitlines(keepends=True) if line.endswith("\n")]
    if kill_after:
        assert child.returncode == -signal.SIGKILL, f"{kill_after}: {child.returncode}\n{child.stderr}"
        return lines, None
    assert child.returncode == 0, child.stderr
    return lines[:-1], lines[-1]["writes"]


@pytest.mark.parametrize("kind", ["engine", "cache"])
async def test_a_kill_at_every_write_boundary_loses_nothing(tmp_path, kind):
    """Kill the same short script right after its 1st, 2nd, ... write to the engine file (or to
    a client cache file): each time, on a fresh data directory, the files reopen with every
    acknowledged call, and once everyone is back online every cache holds the engine's truth
    (a send the engine took before the kill is in its sender's history, a read in its reader's)."""
    (tmp_path / "whole").mkdir()
    _, totals = run_script(tmp_path / "whole", None)
    assert totals is not None and totals[kind] >= 20, totals
    for number in range(1, totals[kind] + 1):
        data_dir = tmp_path / f"{kind}-{number}"
        data_dir.mkdir()
        acks, _ = run_script(data_dir, f"{kind}:{number}")
        await verify(data_dir, acks, kills=1)


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
