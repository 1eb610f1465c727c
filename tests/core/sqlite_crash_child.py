"""Child process of ``test_sqlite_crash.py``: a long, seeded stream of SDK calls on file stores.

Usage: ``python sqlite_crash_child.py DATA_DIR SEED SYNCHRONOUS [burst]``. After every call that returned
success (and whose deliveries have settled) it prints one JSON acknowledgement line and flushes; the
parent kills it with SIGKILL at some point and checks that every acknowledged call survived. With
``burst``, every online user reads at once (one group commit for all of them), sends go out in
pairs, and each call is acknowledged as soon as it returns, while the others are still in flight.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from readtick.core import ConversationType, MessageDirection, ReceiptError, ReceiptStatus  # noqa: E402
from sqlite_worlds import file_world  # noqa: E402

USERS = ["alice", "bob", "carol", "dave"]
GROUP_MEMBERS = [*USERS, "erin"]
MAX_OPS = 100_000  # far more than the parent waits for: it always kills mid-stream


def ack(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


async def read_some(world, reader: str, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    """``reader`` reads up to 3 unread messages of one conversation; acknowledged on return."""
    client = world[reader]
    for conversation_id, ctype in client.cache.conversations():
        unread = [
            m
            for m in client.cached_messages(conversation_id, ctype)
            if m.direction is MessageDirection.RECEIVE and m.receipt_status is ReceiptStatus.PROCESSING
        ][: rng.randint(1, 3)]
        if unread:
            try:
                result = await client.send_message_receipts_read(unread, conversation_id, ctype)
            except ReceiptError:
                return
            read = [m.message_id for m in unread if m.message_id not in result.error_message_ids]
            ack(op="read", user=reader, ids=read)
            return


async def send_one(world, sender: str, seed: int, step: int, index: int, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    group = rng.random() < 0.5
    to = "team" if group else rng.choice([u for u in USERS if u != sender])
    message = await world.send(sender, to, f"{seed}:{step}:{index}", group=group, settle=False)
    ack(op="send", id=message.message_id, sender=sender, to=to, local=message.local_message_id)


async def burst_step(world, rng: random.Random, seed: int, step: int, online: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Calls of several users in one loop turn: they share one commit."""
    if rng.random() < 0.5:
        calls = [send_one(world, rng.choice(online), seed, step, i, rng) for i in range(2)]
    else:
        calls = [read_some(world, reader, rng) for reader in online]
    await asyncio.gather(*calls)
    await world.settle()


async def main(data_dir: Path, seed: int, synchronous: str, burst: bool = False) -> None:
    world = await file_world(data_dir, USERS, now=seed * 1000.0, synchronous=synchronous)
    engine = world.engine
    if not engine.store.has_group("team"):
        engine.create_group("team", GROUP_MEMBERS)
    rng = random.Random(seed)
    for step in range(MAX_OPS):
        online = [u for u in USERS if world[u].online]
        roll = rng.random()
        if burst and roll < 0.85:
            await burst_step(world, rng, seed, step, online)
            continue
        if roll < 0.45:
            sender = rng.choice(online)
            group = rng.random() < 0.5
            to = "team" if group else rng.choice([u for u in USERS if u != sender])
            receipt = rng.random() < 0.8
            message = await world.send(sender, to, f"{seed}:{step}", group=group, receipt=receipt)
            ack(op="send", id=message.message_id, sender=sender, to=to, local=message.local_message_id)
        elif roll < 0.85:
            reader = rng.choice(online)
            client = world[reader]
            for conversation_id, ctype in client.cache.conversations():
                unread = [
                    m
                    for m in client.cached_messages(conversation_id, ctype)
                    if m.direction is MessageDirection.RECEIVE
                    and m.receipt_status is ReceiptStatus.PROCESSING
                ][: rng.randint(1, 4)]
                if unread:
                    try:
                        result = await client.send_message_receipts_read(unread, conversation_id, ctype)
                    except ReceiptError:
                        break  # e.g. the reader left the group: not acknowledged, nothing to check
                    await world.settle()
                    read = [m.message_id for m in unread if m.message_id not in result.error_message_ids]
                    ack(op="read", user=reader, ids=read)
                    break
        elif roll < 0.9:
            reader = rng.choice(online)
            peer = rng.choice([u for u in USERS if u != reader])
            try:
                await world[reader].send_conversation_message_receipt_read(peer, ConversationType.PEER)
            except ReceiptError:
                continue  # no conversation yet
            await world.settle()
            ack(op="conversation_read", user=reader, peer=peer)
        elif roll < 0.97:
            user = rng.choice(["carol", "dave"])
            world[user].set_online(not world[user].online)
            await world.settle()
            ack(op="link", user=user, online=world[user].online)
        elif "erin" in engine.group_members("team"):
            engine.remove_group_members("team", ["erin"])
            await world.settle()
            ack(op="leave", user="erin")
        else:
            world.clock.advance(1)
            await world.settle()
            ack(op="tick")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], burst="burst" in sys.argv[4:]))
