"""Group commit: every engine write of one event-loop turn shares one commit, and each SDK call
that wrote returns only after that commit.

A store commit (an fsync with SQLite ``synchronous=FULL``) costs far more than the writes of one
call, so the engine does not commit per call while an asyncio loop runs: a call makes its changes
(in the store's memory), joins the turn's batch and awaits ``committed()``. The delivery pump
commits the batch before it hands anything out, so nothing reaches a client before the write that
produced it is durable, and a zero-latency read reaches its sender in the very callback that
commits it. Without a running loop nobody would commit later, so every write commits at once.

A failed commit fails every call waiting on the batch with its ``ReceiptError`` (STORE_ERROR); the
store has then undone the batch and reloaded its state from the last commit, and delivery drops
what the batch would have sent (``failed``). An operation that raises half way through undoes the
batch the same way when the store can (SQLite); the in-memory store writes nothing before its
checks pass, so there is nothing to undo.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractContextManager
from types import TracebackType
from typing import TYPE_CHECKING

from readtick.core.errors import ErrorCode, ReceiptError

if TYPE_CHECKING:
    from readtick.core.store import EngineStore


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class GroupCommit:
    """The batch of writes of the current loop turn and the calls waiting for it.

    Args:
        store: the engine's store (``transaction()``, ``commit()``, ``autocommit``).
        kick: asks for a pump soon (the pump commits the batch).
        failed: told after a failed commit or an undone batch (delivery drops what it held back).
    """

    def __init__(self, store: EngineStore, kick: Callable[[], None], failed: Callable[[], None]) -> None:
        self._store = store
        self._kick = kick
        self._failed = failed
        self._open: list[AbstractContextManager[None]] = []
        self._pending = False
        self._waiters: list[asyncio.Future[None]] = []
        self._durable_now = False

    @property
    def pending(self) -> bool:
        """Whether writes are waiting for a commit."""
        return self._pending

    def write(self, durable: bool = False) -> GroupCommit:
        """``with commits.write():`` one engine operation, atomic, in the turn's batch.

        ``durable=True``: commit as soon as the operation ends (calls that cannot await, such as
        the engine's group set-up methods), taking the rest of the batch along.
        """
        if not self._open:
            self._durable_now = durable
        return self

    def __enter__(self) -> None:
        if not self._open:
            # a loop will commit later; without one, the store commits each operation itself
            self._store.autocommit = _running_loop() is None
        block = self._store.transaction()
        block.__enter__()
        self._open.append(block)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        block = self._open.pop()
        outermost = not self._open
        try:
            block.__exit__(kind, error, trace)
        except ReceiptError as store_failure:  # the store undid the batch (and raised this)
            if outermost:
                self._abandon(store_failure)
            raise
        if error is not None:
            if outermost and self._store.undoes_failed_operations:
                self._abandon(
                    ReceiptError(
                        ErrorCode.STORE_ERROR,
                        f"the writes of this turn were undone because an operation failed: {error!r}",
                    )
                )
            return
        if not outermost:
            return
        self._pending = True
        if self._durable_now or self._store.autocommit:
            self.commit(force=True)
        else:
            self._kick()

    async def committed(self) -> None:
        """Return once everything written so far is committed; raise its ``ReceiptError`` if the
        commit failed."""
        if not self._pending:
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        self._kick()
        await waiter

    def commit(self, force: bool = True) -> bool:
        """Commit the batch (``force=False``: only if a call waits for it). False if it failed."""
        if not self._pending or not (force or self._waiters):
            return True
        try:
            self._store.commit()
        except ReceiptError as error:
            self._abandon(error)
            return False
        self._pending = False
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)
        return True

    def _abandon(self, error: ReceiptError) -> None:
        """The batch is gone (the store undid it and reloaded): fail its calls, drop its parcels."""
        self._pending = False
        waiters, self._waiters = self._waiters, []
        self._failed()
        for waiter in waiters:
            if not waiter.done():
                waiter.set_exception(ReceiptError(error.code, error.message))
