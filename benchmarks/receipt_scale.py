"""Read cost in a 10-member vs a 10,000-member group, and the read state it leaves behind.

Run: .venv/bin/python benchmarks/receipt_scale.py
Target (SPEC §4 rule 7, issue 2): a read costs about the same at both sizes, and read state grows
with readers, not with readers x messages (one read range per reader who reads in order).
"""

from __future__ import annotations

import asyncio
import time
import tracemalloc

from readtick.core import (
    Client,
    ConversationType,
    MessageSendConfig,
    ReceiptEngine,
    ReceiptFilter,
    TextMessage,
    VirtualClock,
)
from readtick.core.store import group_key

MESSAGES = 200
READERS_TIMED = 500


async def measure(members: int) -> dict[str, float]:
    engine = ReceiptEngine(clock=VirtualClock())
    users = ["sender"] + [f"u{i:05}" for i in range(members - 1)]
    engine.create_group("g", users)
    sender = Client(engine, "sender")
    await sender.login()
    sent = []
    for i in range(MESSAGES):
        result = await sender.send_message(
            TextMessage(f"m{i}"), "g", ConversationType.GROUP, MessageSendConfig(has_receipt=True)
        )
        sent.append(result.message)
    readers = users[1 : 1 + min(READERS_TIMED, members - 1)]
    start = time.perf_counter()
    reads = 0
    for message in sent:
        for reader in readers:
            engine.mark_read(reader, [message], "g", ConversationType.GROUP)
            reads += 1
    elapsed = time.perf_counter() - start
    await engine.drain()
    key = group_key("g")
    ranges = sum(len(engine.store.read_ranges(key, r)) for r in readers)
    page_start = time.perf_counter()
    flag, listed = 0, 0
    while True:
        flag, page = engine.receipt_members("sender", sent[0], "g", ReceiptFilter.UNREAD, flag, 100)
        listed += len(page)
        if flag == 0:
            break
    page_time = time.perf_counter() - page_start
    return {
        "members": members,
        "us_per_read": elapsed / reads * 1e6,
        "reads": reads,
        "read_ranges": ranges,
        "unread_listed": listed,
        "ms_all_unread_pages": page_time * 1e3,
    }


def main() -> None:
    tracemalloc.start()
    for members in (10, 10_000):
        row = asyncio.run(measure(members))
        print(
            f"{row['members']:>6} members: {row['us_per_read']:7.1f} us/read over {row['reads']} reads; "
            f"read state {row['read_ranges']} ranges for {min(READERS_TIMED, members - 1)} readers "
            f"x {MESSAGES} messages; all unread pages of one message ({row['unread_listed']} members) in "
            f"{row['ms_all_unread_pages']:.1f} ms"
        )
    current, peak = tracemalloc.get_traced_memory()
    print(f"peak traced memory {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
