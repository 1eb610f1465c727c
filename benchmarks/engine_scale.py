"""Engine speed at scale (issue 10): reads, fan-out, member pages and loop stalls with 10,000 members.

Run: .venv/bin/python benchmarks/engine_scale.py          (about two minutes on 2 vCPUs)
     .venv/bin/python benchmarks/engine_scale.py --quick  (smaller groups: checks the script runs)

Prints one table: what was measured, its goal, the figure, a baseline measured in the same run (the
same operation done with plain dictionaries, or plain sqlite3 for the SQLite rows: the floor of
Python or SQLite on this machine) and measured / baseline. Times are CPU time of this process,
best of three, so other processes sharing the CPUs change them little (the load is printed first);
rows on SQLite files are wall-clock time instead, since waiting for the disk is their cost. Loop
stalls are the CPU time the loop spent between two turns of a heartbeat task. Every member of the
big group is a logged-in client, as in the window, so anything that walks every session shows up.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from readtick.core import (
    Client,
    ConversationType,
    Message,
    MessageSendConfig,
    ReceiptEngine,
    ReceiptFilter,
    TextMessage,
    VirtualClock,
)
from readtick.core.memorystore import MemoryEngineStore
from readtick.core.sqlitestore import SqliteEngineStore
from readtick.core.store import EngineStore

CPU, WALL = time.process_time, time.perf_counter
"""Memory rows are timed in CPU time, rows on SQLite files in wall-clock time (fsync waits)."""

GROUP = ConversationType.GROUP
RECEIPT = MessageSendConfig(has_receipt=True)
ROWS: list[tuple[str, str, str, str, str]] = []


def row(what: str, goal: str, measured: float, baseline: float, unit: str = "ms", met: bool = True) -> None:
    scale = {"ms": 1e3, "us": 1e6}[unit]
    ratio = f"{measured / baseline:.1f}x" if baseline > 0 else "-"
    flag = "" if met else "  MISSED"
    ROWS.append((what, goal, f"{measured * scale:.3g} {unit}{flag}", f"{baseline * scale:.3g} {unit}", ratio))
    print(f"  {what}: {measured * scale:.3g} {unit} (baseline {baseline * scale:.3g} {unit})", flush=True)


def best(samples: list[float]) -> float:
    return min(samples)


# ---------------------------------------------------------------------- worlds
async def group_world(members: int, store: EngineStore) -> tuple[ReceiptEngine, dict[str, Client]]:
    """An engine with group "g" of ``members`` users, every one a logged-in client."""
    engine = ReceiptEngine(clock=VirtualClock(), store=store)
    users = ["sender"] + [f"u{i:05}" for i in range(members - 1)]
    engine.create_group("g", users)
    clients = {user: Client(engine, user) for user in users}
    for client in clients.values():
        await client.login()
    await engine.drain()
    return engine, clients


async def send(clients: dict[str, Client], count: int) -> list[Message]:
    sender = clients["sender"]
    sent = [
        (await sender.send_message(TextMessage(f"m{i}"), "g", GROUP, RECEIPT)).message for i in range(count)
    ]
    await sender.engine.drain()
    return sent


def copy(client: Client, message: Message) -> Message:
    cached = client.cached_message(message.message_id)
    assert cached is not None
    return cached


def sqlite_store(folder: Path, name: str, synchronous: str) -> SqliteEngineStore:
    return SqliteEngineStore(folder / f"{name}.sqlite3", synchronous=synchronous)


# ---------------------------------------------------------------------- baselines (dict floors)
async def floor_reads(count: int, turn_between: bool, timer: Callable[[], float] = CPU) -> float:
    read: set[tuple[int, str]] = set()
    counts: dict[int, int] = {}
    seen: list[tuple[int, int]] = []
    start = timer()
    for i in range(count):
        read.add((i % 120, f"u{i % 9}"))
        counts[i % 120] = counts.get(i % 120, 0) + 1
        seen.append((i % 120, counts[i % 120]))
        if turn_between:
            await asyncio.sleep(0)
    return (timer() - start) / count


async def floor_concurrent(count: int, timer: Callable[[], float] = CPU) -> float:
    counts: dict[int, int] = {}
    inbox: list[int] = []

    async def one(i: int) -> None:
        counts[0] = counts.get(0, 0) + 1
        inbox.append(counts[0])
        await asyncio.sleep(0)

    start = timer()
    await asyncio.gather(*(one(i) for i in range(count)))
    return (timer() - start) / count


def floor_fan_out(members: int, timer: Callable[[], float] = CPU) -> float:
    inboxes: dict[str, list[object]] = {f"u{i:05}": [] for i in range(members)}
    handled: list[object] = []
    start = timer()
    message = object()
    for box in inboxes.values():
        box.append(message)
        handled.append(message)
    return timer() - start


def floor_sqlite(
    folder: Path, synchronous: str, reads: int, per_commit: int, timer: Callable[[], float] = WALL
) -> float:
    """Plain sqlite3: ``reads`` one-row updates, ``per_commit`` of them per commit."""
    conn = sqlite3.connect(folder / f"floor-{synchronous}-{per_commit}.sqlite3", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.execute("CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY, v TEXT)")
    start = timer()
    for batch in range(0, reads, per_commit):
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT OR REPLACE INTO t (k, v) VALUES (?, ?)",
            [(i, "[[1,2]]") for i in range(batch, batch + per_commit)],
        )
        conn.execute("COMMIT")
    elapsed = timer() - start
    conn.close()
    return elapsed / reads


# ---------------------------------------------------------------------- measurements
async def reads_one_by_one(members: int, turn_between: bool, timer: Callable[[], float] = CPU) -> float:
    """Seconds per read: 9 readers read 120 messages one at a time (best of three rounds)."""
    engine, clients = await group_world(members, MemoryEngineStore())
    sent = await send(clients, 360)
    readers = [clients[f"u{i:05}"] for i in range(9)]
    samples = []
    for round_ in range(3):
        batch = sent[round_ * 120 : (round_ + 1) * 120]
        start = timer()
        for message in batch:
            for reader in readers:
                await reader.send_message_receipts_read([copy(reader, message)], "g", GROUP)
                if turn_between:
                    await asyncio.sleep(0)
        await engine.drain()
        samples.append((timer() - start) / (len(batch) * len(readers)))
    engine.close()
    return best(samples)


async def concurrent_reads(
    members: int, readers: int, store: EngineStore, timer: Callable[[], float] = CPU
) -> float:
    """Seconds per read: ``readers`` members read one message at once, then the sender hears."""
    engine, clients = await group_world(members, store)
    sent = await send(clients, 3)
    group = [clients[f"u{i:05}"] for i in range(readers)]
    samples = []
    for message in sent:
        copies = [copy(reader, message) for reader in group]
        start = timer()
        await asyncio.gather(
            *(r.send_message_receipts_read([c], "g", GROUP) for r, c in zip(group, copies, strict=True))
        )
        await engine.drain()
        samples.append((timer() - start) / readers)
    engine.close()
    return best(samples)


async def sqlite_awaited_reads(
    folder: Path, synchronous: str, count: int, timer: Callable[[], float] = WALL
) -> float:
    store = sqlite_store(folder, f"awaited-{synchronous}", synchronous)
    engine, clients = await group_world(10, store)
    sent = await send(clients, count)
    reader = clients["u00000"]
    start = timer()
    for message in sent:
        await reader.send_message_receipts_read([copy(reader, message)], "g", GROUP)
    await engine.drain()
    elapsed = (timer() - start) / count
    engine.close()
    return elapsed


async def fan_out(members: int, store: EngineStore, timer: Callable[[], float] = CPU) -> float:
    """Seconds from ``send_message`` to every member's client holding the message."""
    engine, clients = await group_world(members, store)
    sender = clients["sender"]
    samples = []
    for i in range(3):
        start = timer()
        await sender.send_message(TextMessage(f"fan-out {i}"), "g", GROUP, RECEIPT)
        await engine.drain()
        samples.append(timer() - start)
    engine.close()
    return best(samples)


async def member_pages(
    members: int, store_factory: Callable[[], EngineStore], timer: Callable[[], float] = CPU
) -> dict[int, float]:
    """Worst seconds per page of 100 (READ and UNREAD lists, first, middle and last page) when
    100 %, 10 % and 1 % of the group have read."""
    results = {}
    for percent in (100, 10, 1):
        store = store_factory()
        engine = ReceiptEngine(clock=VirtualClock(), store=store)
        users = ["sender"] + [f"u{i:05}" for i in range(members - 1)]
        engine.create_group("g", users)
        draft = TextMessage("page me", conversation_id="g", conversation_type=GROUP, sender_user_id="sender")
        message, _ = engine.accept_message("sender", draft, True)
        step = 100 // percent
        for user in users[1::step]:
            engine.mark_read(user, [message], "g", GROUP)
        worst = 0.0
        for member_filter in (ReceiptFilter.READ, ReceiptFilter.UNREAD):
            flags, flag = [0], 0
            while True:
                flag, _ = engine.receipt_members("sender", message, "g", member_filter, flag, 100)
                if flag == 0:
                    break
                flags.append(flag)
            for flag in {flags[0], flags[len(flags) // 2], flags[-1]}:
                samples = []
                for _ in range(5):
                    start = timer()
                    engine.receipt_members("sender", message, "g", member_filter, flag, 100)
                    samples.append(timer() - start)
                worst = max(worst, best(samples))
        results[percent] = worst
        engine.close()
    return results


async def receipts_info(store: EngineStore, timer: Callable[[], float] = CPU) -> float:
    engine, clients = await group_world(10, store)
    sent = await send(clients, 100)
    sender = clients["sender"]
    samples = []
    for _ in range(5):
        start = timer()
        await sender.query_message_receipts_info(sent, "g", GROUP)
        samples.append(timer() - start)
    engine.close()
    return best(samples)


async def longest_stall(work: Callable[[], Awaitable[object]], timer: Callable[[], float] = CPU) -> float:
    """The longest time the loop went without running a heartbeat callback while ``work`` ran."""
    gaps: list[float] = []
    running = True

    async def heartbeat() -> None:
        last = timer()
        while running:
            await asyncio.sleep(0)
            now = timer()
            gaps.append(now - last)
            last = now

    beat = asyncio.ensure_future(heartbeat())
    await asyncio.sleep(0)
    await work()
    running = False
    await beat
    return max(gaps)


async def stalls(members: int, burst: int) -> tuple[float, float]:
    """Longest stall during a fan-out to ``members`` and during ``burst`` members reading at once."""
    engine, clients = await group_world(members, MemoryEngineStore())
    sender = clients["sender"]

    async def one_send() -> None:
        await sender.send_message(TextMessage("stall?"), "g", GROUP, RECEIPT)
        await engine.drain()

    send_stall = best([await longest_stall(one_send) for _ in range(3)])
    sent = await send(clients, 3)
    readers = [clients[f"u{i:05}"] for i in range(burst)]

    def reading(message: Message) -> Callable[[], Awaitable[object]]:
        async def burst_of_reads() -> None:
            await asyncio.gather(
                *(r.send_message_receipts_read([copy(r, message)], "g", GROUP) for r in readers)
            )
            await engine.drain()

        return burst_of_reads

    read_stall = best([await longest_stall(reading(m)) for m in sent])
    engine.close()
    return send_stall, read_stall


# ---------------------------------------------------------------------- the table
async def main(quick: bool) -> None:
    big = 1_000 if quick else 10_000
    burst = 100 if quick else 1_000
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} (1 min)", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small = await reads_one_by_one(10, True)
        large = await reads_one_by_one(big, True)
        floor_turn = await floor_reads(1080, True)
        row("one read, loop turn between reads, 10 members", "-", small, floor_turn, "us")
        row(
            f"the same, {big:,} members",
            "<= 1.2x the 10-member figure",
            large,
            floor_turn,
            "us",
            large <= 1.2 * small,
        )
        awaited = await reads_one_by_one(big, False)
        row(
            "reads awaited back to back, memory",
            ">= 20,000/s (<= 50 us)",
            awaited,
            await floor_reads(1080, False),
            "us",
            awaited <= 50e-6,
        )
        concurrent = await concurrent_reads(big, burst, MemoryEngineStore())
        row(
            f"reads by {burst:,} concurrent callers, memory",
            ">= 50,000/s (<= 20 us)",
            concurrent,
            await floor_concurrent(burst),
            "us",
            concurrent <= 20e-6,
        )
        concurrent_sqlite = await concurrent_reads(
            big, burst, sqlite_store(folder, "concurrent", "NORMAL"), WALL
        )
        row(
            f"reads by {burst:,} concurrent callers, SQLite NORMAL",
            ">= 20,000/s (<= 50 us)",
            concurrent_sqlite,
            floor_sqlite(folder, "NORMAL", burst, burst),
            "us",
            concurrent_sqlite <= 50e-6,
        )
        for synchronous in ("NORMAL", "FULL"):
            awaited_sqlite = await sqlite_awaited_reads(folder, synchronous, 50 if quick else 200)
            row(
                f"read awaited alone, SQLite {synchronous} (one commit each)",
                "fsync-bound",
                awaited_sqlite,
                floor_sqlite(folder, synchronous, 200, 1),
                "ms",
            )
        floor = floor_fan_out(big)
        floors = {
            "memory": floor,
            "SQLite NORMAL": floor + floor_sqlite(folder, "NORMAL", big, big) * big,
            "SQLite FULL": floor + floor_sqlite(folder, "FULL", big, big) * big,
        }
        for name, factory in (
            ("memory", MemoryEngineStore),
            ("SQLite NORMAL", lambda: sqlite_store(folder, "fan-normal", "NORMAL")),
            ("SQLite FULL", lambda: sqlite_store(folder, "fan-full", "FULL")),
        ):
            spent = await fan_out(big, factory(), CPU if name == "memory" else WALL)
            row(
                f"send + fan-out to {big:,} members, {name}",
                "<= 100 ms",
                spent,
                floors[name],
                "ms",
                spent <= 0.1,
            )
        for name, factory in (
            ("memory", MemoryEngineStore),
            ("SQLite", lambda: SqliteEngineStore(":memory:")),
        ):
            pages = await member_pages(big, factory)
            floor_page = page_floor(big)
            for percent, spent in pages.items():
                row(
                    f"member page of 100 in {big:,}, {percent} % read, {name}",
                    "<= 1 ms",
                    spent,
                    floor_page,
                    "ms",
                    spent <= 1e-3,
                )
        reopen, first_page = await first_page_after_restart(folder, big)
        row(
            f"first page after a restart (index built), {big:,} members",
            "<= 1 ms",
            first_page,
            reopen,
            "ms",
            first_page <= 1e-3,
        )
        for name, store in (("memory", MemoryEngineStore()), ("SQLite", SqliteEngineStore(":memory:"))):
            spent = await receipts_info(store)
            row(
                f"receipts info for 100 messages, {name}", "<= 1 ms", spent, info_floor(), "ms", spent <= 1e-3
            )
        send_stall, read_stall = await stalls(big, burst)
        floor_stall = await longest_stall(lambda: floor_concurrent(burst))
        row(
            f"longest loop stall: send to {big:,} members",
            "<= 16 ms",
            send_stall,
            floor_stall,
            "ms",
            send_stall <= 0.016,
        )
        row(
            f"longest loop stall: {burst:,} members read at once",
            "<= 16 ms",
            read_stall,
            floor_stall,
            "ms",
            read_stall <= 0.016,
        )
    print(f"\nload average after: {os.getloadavg()[0]:.2f}\n")
    header = ("what", "goal", "measured", "baseline (same run)", "ratio")
    widths = [max(len(r[i]) for r in [header, *ROWS]) for i in range(5)]
    for line in [header, tuple("-" * w for w in widths), *ROWS]:
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) + " |")


def page_floor(members: int, timer: Callable[[], float] = CPU) -> float:
    """A page of 100 from a sorted list of readers: slice it and look each one up in a dict."""
    ordered = [f"u{i:05}" for i in range(members)]
    read = dict.fromkeys(ordered)
    samples = []
    for _ in range(5):
        start = timer()
        page = [user for user in ordered[members // 2 : members // 2 + 100] if user in read]
        samples.append(timer() - start)
    assert len(page) == 100
    return best(samples)


async def first_page_after_restart(folder: Path, members: int) -> tuple[float, float]:
    """Seconds to reopen an engine file with a ``members`` group (10 % read one message), and
    for the first page of that message's unread list (its index is built from the rules)."""
    path = folder / "pages.sqlite3"
    engine = ReceiptEngine(clock=VirtualClock(), store=SqliteEngineStore(path, synchronous="NORMAL"))
    users = ["sender"] + [f"u{i:05}" for i in range(members - 1)]
    engine.create_group("g", users)
    draft = TextMessage("page me", conversation_id="g", conversation_type=GROUP, sender_user_id="sender")
    message, _ = engine.accept_message("sender", draft, True)
    with engine.store.transaction():
        for user in users[1::10]:
            engine.mark_read(user, [message], "g", GROUP)
    engine.close()
    start = WALL()
    engine = ReceiptEngine(clock=VirtualClock(), store=SqliteEngineStore(path, synchronous="NORMAL"))
    opened = WALL()
    engine.receipt_members("sender", message, "g", ReceiptFilter.UNREAD, 0, 100)
    paged = WALL()
    engine.close()
    return opened - start, paged - opened


def info_floor(timer: Callable[[], float] = CPU) -> float:
    counts = {i: (i, 9 - i % 9) for i in range(100)}
    samples = []
    for _ in range(5):
        start = timer()
        infos = tuple((i, *counts[i]) for i in range(100))
        samples.append(timer() - start)
    assert len(infos) == 100
    return best(samples)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000-member groups: a smoke run")
    asyncio.run(main(parser.parse_args().quick))
