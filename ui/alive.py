"""Still alive after an await: a widget can be deleted (a panel removed, a dialog closed) while one
of its coroutines waits for a client call, and touching it afterwards crashes.

``alive_slot`` is ``qasync.asyncSlot`` for methods of a QObject: the coroutine starts only if its
object still exists, and inside it ``await survive(self, call)`` raises ``Gone`` if the object was
deleted meanwhile, which ends the slot quietly. Code after a ``survive`` may use ``self``.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import qasync
import shiboken6
from readtick.core.errors import ReceiptError

T = TypeVar("T")


class Gone(Exception):
    """The Qt object a coroutine works for was deleted while the coroutine awaited."""


def is_alive(obj: object) -> bool:
    """Whether the C++ object behind a Qt wrapper still exists."""
    return shiboken6.isValid(obj)


async def survive(owner: object, awaitable: Awaitable[T]) -> T:
    """Await ``awaitable`` on behalf of ``owner``: its result, or its ``ReceiptError``, if ``owner``
    still exists afterwards; ``Gone`` if it does not (a refusal nobody is left to show is dropped;
    any other exception is a bug and propagates as it is)."""
    try:
        result = await awaitable
    except ReceiptError:
        if not is_alive(owner):
            raise Gone from None
        raise
    if not is_alive(owner):
        raise Gone
    return result


def alive_slot(
    *types: type,
) -> Callable[[Callable[..., Coroutine[Any, Any, Any]]], Callable[..., Any]]:
    """``qasync.asyncSlot(*types)`` for a method whose coroutine runs only while its object lives:
    it does not start on a deleted object, and a ``Gone`` raised inside ends it quietly."""

    def decorate(method: Callable[..., Coroutine[Any, Any, Any]]) -> Callable[..., Any]:
        @functools.wraps(method)
        async def run_while_alive(owner: object, *args: Any, **kwargs: Any) -> Any:
            # A slot's task starts on a later turn of the loop: its object may be gone already.
            if not is_alive(owner):
                return None
            try:
                return await method(owner, *args, **kwargs)
            except Gone:
                return None

        return qasync.asyncSlot(*types)(run_while_alive)

    return decorate
