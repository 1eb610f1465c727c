"""Group commit: the server calls of one pump slice run together and share one commit, and each
SDK call returns only after that commit.

A store commit (an fsync with SQLite ``synchronous=FULL``) costs far more than the writes of one
call, so the engine does not commit per call while an asyncio loop runs. A client submits its
server call (``submit``); the delivery pump runs the calls waiting (``serve``, within the slice's
time budget, so a burst of a thousand readers never holds the loop for long), commits once, and only
then answers them and hands out what they sent: nothing reaches a client before the write that
produced it is durable, and a zero-latency read reaches its sender in the very callback that
commits it. Engine methods called directly write into the same batch (``committed()`` waits for
it). Without a running loop nobody would commit later, so every write commits at once.

A failed commit fails every call waiting on the batch with its ``ReceiptError`` (STORE_ERROR); the
store has then undone the batch and reloaded its state from the last commit, and delivery drops
what the batch would have sent (``failed``). An operation that raises half way through undoes the
batch the same way when the store can (SQLite); the in-memory store writes nothing before its
checks pass, so there is nothing to undo.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from contextlib import AbstractContextManager
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from readtick.core.errors import ErrorCode, ReceiptError

if TYPE_CHECKING:
    from readtick.core.store import EngineStore

T = TypeVar("T")


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
        self._nested = 0  # depth of write() blocks; only the outermost opens a store transaction
        self._block: AbstractContextManager[None] | None = None
        self._pending = False
        self._waiters: list[asyncio.Future[None]] = []
        self._requests: deque[tuple[Callable[[], Any], asyncio.Future[Any]]] = deque()
        self._answers: list[tuple[asyncio.Future[Any], Any]] = []  # results waiting for the commit
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
        if not self._nested:
            self._durable_now = durable
        return self

    def __enter__(self) -> None:
        if self._nested:
            self._nested += 1  # joins the operation already open: nothing to begin
            return
        # a loop will commit later; without one, the store commits each operation itself
        self._store.autocommit = _running_loop() is None
        self._block = self._store.transaction()
        self._block.__enter__()
        self._nested = 1

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._nested -= 1
        if self._nested:
            return  # the outermost block ends the operation (and sees the error, if any)
        block, self._block = self._block, None
        assert block is not None
        try:
            block.__exit__(kind, error, trace)
        except ReceiptError as store_failure:  # the store undid the batch (and raised this)
            self._abandon(store_failure)
            raise
        if error is not None:
            if self._store.undoes_failed_operations:
                self._abandon(
                    ReceiptError(
                        ErrorCode.STORE_ERROR,
                        f"the writes of this turn were undone because an operation failed: {error!r}",
                    )
                )
            return
        self._pending = True
        if self._durable_now or self._store.autocommit:
            self.commit(force=True)
        else:
            self._kick()

    @property
    def has_requests(self) -> bool:
        """Whether submitted calls wait to be served."""
        return bool(self._requests)

    def submit(self, call: Callable[[], T]) -> asyncio.Future[T]:
        """Queue a server call for the pump; the future has its result once it is committed."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._requests.append((call, future))
        self._kick()
        return future

    def serve(self, deadline: float) -> None:
        """Run the submitted calls in order, until none is left or ``deadline`` (perf_counter)."""
        requests = self._requests
        while requests:
            call, future = requests.popleft()
            if future.done():
                continue  # its caller gave up (cancelled)
            try:
                result = call()
            except Exception as error:  # the call's own refusal: it wrote nothing, or was undone
                future.set_exception(error)
            else:
                if self._pending:
                    self._answers.append((future, result))
                else:
                    future.set_result(result)  # it wrote nothing: nothing to wait for
            if time.perf_counter() > deadline:
                return

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
        if not self._pending or not (force or self._waiters or self._answers):
            return True
        try:
            self._store.commit()
        except ReceiptError as error:
            self._abandon(error)
            return False
        self._pending = False
        waiters, self._waiters = self._waiters, []
        answers, self._answers = self._answers, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)
        for future, result in answers:
            if not future.done():
                future.set_result(result)
        return True

    def _abandon(self, error: ReceiptError) -> None:
        """The batch is gone (the store undid it and reloaded): fail its calls, drop its parcels."""
        self._pending = False
        waiters, self._waiters = self._waiters, []
        answers, self._answers = self._answers, []
        self._failed()
        for waiter in [*waiters, *(future for future, _ in answers)]:
            if not waiter.done():
                waiter.set_exception(ReceiptError(error.code, error.message))
