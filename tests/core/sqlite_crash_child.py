"""Child process of ``test_sqlite_crash.py``: SDK calls on file stores, killed mid-stream.

``python sqlite_crash_child.py DATA_DIR SEED SYNCHRONOUS [burst]``: a long, seeded stream of
calls; the parent kills it with SIGKILL after some acknowledgement. With ``burst``, every online
user reads at once (one group commit for all of them), sends go out in pairs, and each call is
acknowledged as soon as it returns, while the others are still in flight.

``python sqlite_crash_child.py DATA_DIR script``: a short fixed script that touches every kind of
write once or twice (sends with and without receipt, peer and group, deliveries, reads, a
conversation read, a leave, an expiry); with ``READTICK_KILL_AFTER_WRITE=engine:N`` (or
``cache:N``) the child SIGKILLs itself right after the N-th committed write to an engine file (or
to any client cache file), so the parent can stop it at every write boundary. A script run to its
end prints how many writes of each kind it made.

After every call that returned success (and whose deliveries have settled) the child prints one
JSON acknowledgement line and flushes; the parent checks that every acknowledged call survived.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from readtick.core import ConversationType, MessageDirection, ReceiptError, ReceiptStatus  # noqa: E402
from readtick.core.sqlitedb import Database  # noqa: E402
from sqlite_worlds import file_world  # noqa: E402

WRITE_KINDS = {"engine store": "engine", "client cache": "cache"}
writes = {"engine": 0, "cache": 0}


def count_writes(kill_after: str | None) -> None:
    """Count every committed (outermost) transaction per kind of file; SIGKILL this process right
    after the one ``kill_after`` names (``"engine:3"``). Every write of both stores is inside one."""
    original = Database.transaction
    kind, _, number = (kill_after or ":").partition(":")

    @contextmanager
    def transaction(self: Database) -> Iterator[None]:
        outermost = not self.in_transaction
        with original(self):
            yield
        if outermost:
            which = WRITE_KINDS[self.kind.name]
            writes[which] += 1
            if which == kind and writes[which] == int(number):
                os.kill(os.getpid(), signal.SIGKILL)

    Database.transaction = transaction  # type: ignore[method-assign]


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


async def script(data_dir: Path) -> None:
    """The same few calls every time, acknowledged like ``main``'s."""
    world = await file_world(data_dir, USERS)
    engine = world.engine
    engine.create_group("team", GROUP_MEMBERS)
    peer = await world.send("alice", "bob", "peer", receipt=True)
    ack(op="send", id=peer.message_id, sender="alice", to="bob", local=peer.local_message_id)
    group = await world.send("bob", "team", "group", group=True, receipt=True)
    ack(op="send", id=group.message_id, sender="bob", to="team", local=group.local_message_id)
    plain = await world.send("carol", "alice", "no receipt", receipt=False)
    ack(op="send", id=plain.message_id, sender="carol", to="alice", local=plain.local_message_id)
    await world["bob"].send_message_receipts_read(
        [world.copy_of("bob", peer)], "alice", ConversationType.PEER
    )
    await world.settle()
    ack(op="read", user="bob", ids=[peer.message_id])
    await world["alice"].send_message_receipts_read(
        [world.copy_of("alice", group)], "team", ConversationType.GROUP
    )
    await world.settle()
    ack(op="read", user="alice", ids=[group.message_id])
    late = await world.send("bob", "carol", "late", receipt=True)
    ack(op="send", id=late.message_id, sender="bob", to="carol", local=late.local_message_id)
    await world["carol"].send_conversation_message_receipt_read("bob", ConversationType.PEER)
    await world.settle()
    ack(op="conversation_read", user="carol", peer="bob")
    engine.remove_group_members("team", ["erin"])
    await world.settle()
    ack(op="leave", user="erin")
    world.clock.advance(7 * 24 * 3600)
    await world.settle()
    ack(op="tick")
    print(json.dumps({"op": "done", "writes": writes}), flush=True)


if __name__ == "__main__":
    count_writes(os.environ.get("READTICK_KILL_AFTER_WRITE"))
    if sys.argv[2] == "script":
        asyncio.run(script(Path(sys.argv[1])))
    else:
        asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], burst="burst" in sys.argv[4:]))
