"""What 10,000 members x 1,000 receipt messages cost on disk, and what a read costs there.

Run: .venv/bin/python benchmarks/persistence_scale.py [--members 10000] [--messages 1000] [--keep DIR]
     [--through-engine]

Builds, in a SQLite engine store on disk (WAL, synchronous=FULL), a group of ``--members`` members
in which the first member sent ``--messages`` receipt messages, the first half of them read by
every other member. Prints the rows per table and the file size, then times single reads
(``engine.mark_read``, each its own committed transaction) in a 10-member group and in the big
one, and the paging of one message's unread members.

How the read state is built: 5,000,000 member-message reads through ``engine.mark_read`` would take
several minutes, so the big group's reads are written through the store protocol in bulk, exactly
as the engine leaves them (one read range [1, n] per reader; counters and DONE on the message;
the sender's events taken out of the outbox as its client would). The script first proves that
equivalence on a small group: engine reads and bulk writes must leave identical stores.
``--through-engine`` makes every read with ``mark_read`` instead (minutes at full size).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from readtick.core import (
    ConversationType,
    ReceiptEngine,
    ReceiptFilter,
    ReceiptStatus,
    TextMessage,
    VirtualClock,
)
from readtick.core.messages import Message
from readtick.core.sqlitestore import SqliteEngineStore
from readtick.core.store import group_key

GROUP = ConversationType.GROUP
SENDER = "sender"


def send_all(engine: ReceiptEngine, group_id: str, count: int) -> list[Message]:
    """``count`` receipt messages from SENDER, in one transaction (setup, not timed)."""
    draft = TextMessage("x", conversation_id=group_id, conversation_type=GROUP, sender_user_id=SENDER)
    with engine.store.transaction():
        return [engine.accept_message(SENDER, draft, True)[0] for _ in range(count)]


def read_through_engine(
    engine: ReceiptEngine, group_id: str, readers: list[str], messages: list[Message]
) -> None:
    for reader in readers:
        with engine.store.transaction():
            for start in range(0, len(messages), 10):
                engine.mark_read(reader, messages[start : start + 10], group_id, GROUP)
            drain_outbox(engine.store)


def read_in_bulk(engine: ReceiptEngine, group_id: str, readers: list[str], messages: list[Message]) -> None:
    """What ``read_through_engine`` leaves behind when ``messages`` are the group's first ones."""
    store, key, now = engine.store, group_key(group_id), engine.clock.now()
    last_seq = max(m.conversation_seq for m in messages)
    assert sorted(m.conversation_seq for m in messages) == list(range(1, last_seq + 1))
    with store.transaction():
        for reader in readers:
            store.save_read_ranges(key, reader, [(1, last_seq)])
        for message in messages:
            record = store.get_message(message.message_id)
            assert record is not None
            record.read += len(readers)
            record.read_time = now
            if record.read == record.eligible:
                record.status = ReceiptStatus.DONE
            store.save_message(record)
        drain_outbox(store)


def drain_outbox(store: SqliteEngineStore) -> None:
    for order, _ in store.outbox(SENDER):
        store.remove_outbox(SENDER, order)


def dump(store: SqliteEngineStore) -> list[object]:
    """Every row of every table but ``counters`` (the engine's reads also used up event ids)."""
    conn = store._db.conn
    tables = [
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        if r[0] != "counters"
    ]
    return [(t, sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)) for t in tables]


def prove_bulk_equals_engine() -> None:
    dumps = []
    for reads in (read_through_engine, read_in_bulk):
        store = SqliteEngineStore(":memory:")
        engine = ReceiptEngine(clock=VirtualClock(), store=store)
        users = [SENDER] + [f"u{i:05}" for i in range(29)]
        engine.create_group("g", users)
        sent = send_all(engine, "g", 20)
        reads(engine, "g", users[1:], sent[:10])
        dumps.append(dump(store))
        engine.close()
    assert dumps[0] == dumps[1], "bulk reads differ from engine reads: the benchmark would lie"


def build_group(
    engine: ReceiptEngine, group_id: str, members: int, messages: int, through_engine: bool = False
) -> list[Message]:
    users = [SENDER] + [f"{group_id}-{i:05}" for i in range(members - 1)]
    engine.create_group(group_id, users)
    sent = send_all(engine, group_id, messages)
    reads = read_through_engine if through_engine else read_in_bulk
    reads(engine, group_id, users[1:], sent[: messages // 2])
    return sent


def time_reads(engine: ReceiptEngine, group_id: str, message: Message, readers: list[str]) -> list[float]:
    """Seconds per ``mark_read`` of one message, each a committed transaction."""
    times = []
    for reader in readers:
        start = time.perf_counter()
        engine.mark_read(reader, [message], group_id, GROUP)
        times.append(time.perf_counter() - start)
    drain_outbox(engine.store)  # type: ignore[arg-type]
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=1_000)
    parser.add_argument("--keep", type=Path, help="build the database in this directory and keep it")
    parser.add_argument(
        "--through-engine",
        action="store_true",
        help="make every read with engine.mark_read instead of in bulk (minutes at full size)",
    )
    args = parser.parse_args()

    began = time.perf_counter()
    prove_bulk_equals_engine()
    print("check: bulk-written read state is identical to the engine's own (30 members x 10 reads)")

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "persistence_scale.sqlite3"
        for stale in folder.glob(path.name + "*"):
            stale.unlink()
        store = SqliteEngineStore(path)
        engine = ReceiptEngine(clock=VirtualClock(), store=store)

        start = time.perf_counter()
        big = build_group(engine, "big", args.members, args.messages, args.through_engine)
        store.checkpoint()
        built = time.perf_counter() - start
        print(
            f"\n{args.members:,} members, {args.messages:,} receipt messages, the first "
            f"{args.messages // 2:,} read by all {args.members - 1:,} other members (built in {built:.1f} s)"
        )
        for table, rows in store.table_counts().items():
            print(f"  {table:<14} {rows:>8,} rows")
        size = path.stat().st_size
        print(f"  file size      {size / 1e6:8.2f} MB ({size:,} bytes, checkpointed)")
        reads = (args.members - 1) * (args.messages // 2)
        print(f"  = {size / reads:.3f} bytes per member-message read ({reads:,} reads)")

        small = build_group(engine, "small", 10, args.messages)
        unread_big, unread_small = big[args.messages // 2], small[args.messages // 2]
        big_readers = [f"big-{i:05}" for i in range(0, args.members - 1, max(1, (args.members - 1) // 500))][
            :500
        ]
        small_readers = [f"small-{i:05}" for i in range(9)]
        timings = {
            "10-member group": [
                t
                for offset in range(0, 50)
                for t in time_reads(engine, "small", small[args.messages // 2 + offset], small_readers)
            ][:450],
            f"{args.members:,}-member group": time_reads(engine, "big", unread_big, big_readers),
        }
        print("\nmark_read of one message, one committed transaction each (fsync included):")
        for name, samples in timings.items():
            print(
                f"  {name:<20} median {statistics.median(samples) * 1e6:7.0f} us   "
                f"mean {statistics.fmean(samples) * 1e6:7.0f} us   over {len(samples)} reads"
            )

        start = time.perf_counter()
        flag, listed, pages = 0, 0, 0
        while True:
            flag, page = engine.receipt_members(SENDER, unread_big, "big", ReceiptFilter.UNREAD, flag, 100)
            listed += len(page)
            pages += 1
            if flag == 0:
                break
        paged = time.perf_counter() - start
        print(
            f"\nunread members of one message in the big group: {listed:,} in {pages} pages of 100, "
            f"{paged * 1e3:.0f} ms in all ({paged / pages * 1e3:.1f} ms per page)"
        )
        assert unread_small.message_id and listed == args.members - 1 - len(big_readers)
        engine.close()
        if args.keep:
            print(f"\ndatabase kept at {path}")
    print(f"total {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
