"""What checking every page at open (``PRAGMA quick_check``) costs, on realistic files.

Run: .venv/bin/python benchmarks/open_check.py [--members 10000] [--messages 1000] [--cached 100000]

Builds the engine file of ``benchmarks/persistence_scale.py`` (``--members`` x ``--messages``, half
read by everyone) and one client cache holding ``--cached`` messages, then times opening and closing
each store as readtick does (the check included), the check alone on a read-only connection, and,
as the baseline measured in the same run, the same open with the check skipped. The files were
just written, so they are read from the operating system's cache: a first open after a reboot
also pays for reading the file from disk once (which SQLite would then do anyway as it is used).

Goal: the check adds under 100 ms to opening the 10,000 x 1,000 engine file.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import readtick.core.sqlitefile as sqlitefile
from persistence_scale import build_group
from readtick.core import ConversationType, ReceiptEngine, TextMessage, VirtualClock
from readtick.core.enums import MessageDirection, SentStatus
from readtick.core.sqlitecache import SqliteLocalCache
from readtick.core.sqlitestore import SqliteEngineStore

GOAL_MS = 100.0
ROUNDS = 7


def median_ms(action: Callable[[], object]) -> float:
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1e3)
    return statistics.median(samples)


def quick_check_alone(path: Path) -> None:
    import sqlite3

    probe = sqlite3.connect(f"file:{quote(str(path))}?immutable=1", uri=True)
    try:
        assert probe.execute("PRAGMA quick_check(1)").fetchall() == [("ok",)]
    finally:
        probe.close()


def without_check(action: Callable[[], object]) -> Callable[[], object]:
    """``action`` with the page check skipped (what opening cost before it existed)."""

    def run() -> object:
        real = sqlitefile._first_problem
        sqlitefile._first_problem = lambda probe: ""
        try:
            return action()
        finally:
            sqlitefile._first_problem = real

    return run


def build_cache(path: Path, count: int) -> None:
    cache = SqliteLocalCache(path, user_id="alice", synchronous="NORMAL")
    with cache._db.transaction():
        for number in range(1, count + 1):
            cache.put(
                TextMessage(
                    f"message {number} " + "x" * 80,
                    message_id=number,
                    conversation_id="big",
                    conversation_type=ConversationType.GROUP,
                    sender_user_id="bob",
                    direction=MessageDirection.RECEIVE,
                    sent_status=SentStatus.SUCCESS,
                    order_key=number,
                    conversation_seq=number,
                )
            )
    cache.close()


def report(name: str, path: Path, opener: Callable[[Path], object]) -> float:
    def open_and_close() -> None:
        opener(path).close()  # type: ignore[attr-defined]

    open_and_close()  # warm up: the file is in the OS cache for every variant alike
    checked = median_ms(open_and_close)
    baseline = median_ms(without_check(open_and_close))
    alone = median_ms(lambda: quick_check_alone(path))
    size = path.stat().st_size
    print(f"\n{name}: {size / 1e6:.1f} MB")
    print(f"  open + close, page check included   {checked:8.1f} ms (median of {ROUNDS})")
    print(f"  open + close, check skipped (base)   {baseline:8.1f} ms")
    print(f"  PRAGMA quick_check alone             {alone:8.1f} ms  = {alone / (size / 1e6):.1f} ms per MB")
    print(f"  added by the check                   {checked - baseline:8.1f} ms")
    return checked - baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=1_000)
    parser.add_argument("--cached", type=int, default=100_000, help="messages in the client cache")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        engine_path, cache_path = Path(scratch) / "engine.sqlite3", Path(scratch) / "cache.sqlite3"
        engine = ReceiptEngine(clock=VirtualClock(), store=SqliteEngineStore(engine_path))
        build_group(engine, "big", args.members, args.messages)
        engine.close()
        build_cache(cache_path, args.cached)
        added = report(
            f"engine store, {args.members:,} members x {args.messages:,} messages",
            engine_path,
            SqliteEngineStore,
        )
        report(f"client cache, {args.cached:,} messages", cache_path, SqliteLocalCache)
    verdict = "met" if added < GOAL_MS else "MISSED"
    print(f"\ngoal: the check adds < {GOAL_MS:.0f} ms to opening the engine file: {added:.1f} ms, {verdict}")


if __name__ == "__main__":
    main()
