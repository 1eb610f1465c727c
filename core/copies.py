"""A client's cached copies kept in step with what it learns: receipt events, conversation read
watermarks, its own reads, history refreshes and expiries.

Every write to a client's cache goes through ``LocalCopies``, so a copy's receipt status only moves
the way ``core.receipt`` allows (never backwards), a copy is written only when it changed, and each
write is reported once (the client passes it on to its cache listeners).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from readtick.core.enums import ConversationType, MessageDirection, ReceiptStatus
from readtick.core.localcache import LocalCache, cache_key
from readtick.core.messages import Message
from readtick.core.receipt import awaits_read, copy_status_after
from readtick.core.results import MessageReceiptInfo

log = logging.getLogger(__name__)


def with_status(message: Message, status: ReceiptStatus) -> Message:
    """A copy of the frozen ``message`` with another receipt status.

    The same as ``dataclasses.replace(message, receipt_status=status)``, which re-runs the frozen
    constructor field by field (about 6 us); every read and receipt event moves a copy, so this
    copies the instance's fields directly (about 0.5 us).
    """
    moved = object.__new__(type(message))
    fields = moved.__dict__
    fields.update(message.__dict__)
    fields["receipt_status"] = status
    return moved


class LocalCopies:
    """The writing side of one client's ``LocalCache``.

    Args:
        cache: where the copies live.
        message_written, info_written: told of every message and info written, after the write.
    """

    def __init__(
        self,
        cache: LocalCache,
        message_written: Callable[[Message], None],
        info_written: Callable[[MessageReceiptInfo], None],
    ) -> None:
        self._cache = cache
        self._message_written = message_written
        self._info_written = info_written

    def put(self, message: Message) -> None:
        """Write a new copy (a send, a received message), or one the client built itself."""
        with self._cache.transaction():
            self._cache.put(message)
        self._message_written(message)

    def replace_draft(self, draft: Message, sent: Message, info: MessageReceiptInfo | None = None) -> None:
        """The engine accepted ``draft`` (the SENDING copy, kept by its local id): ``sent`` takes
        its place in the cache, so the conversation shows one message, where it was; with its
        first ``info``, in one write (a kill leaves both or neither)."""
        with self._cache.transaction():
            self._cache.replace(cache_key(draft), sent)
            if info is not None:
                self._cache.put_info(info)
        self._message_written(sent)
        if info is not None:
            self._info_written(info)

    def put_info(self, info: MessageReceiptInfo) -> None:
        with self._cache.transaction():
            self._cache.put_info(info)
        self._info_written(info)

    def move(self, cached: Message, reported: ReceiptStatus) -> Message:
        """Move ``cached`` to the ``reported`` status if the state machine allows; return the copy
        as it is cached now."""
        status = copy_status_after(cached.receipt_status, reported)
        if status is cached.receipt_status:
            return cached
        moved = with_status(cached, status)
        self.put(moved)
        return moved

    def move_by_id(self, message_ids: Iterable[int], reported: ReceiptStatus) -> None:
        """``move`` each of these messages this client holds (its own reads: DONE; expiries)."""
        for message_id in message_ids:
            if (cached := self._cache.get(message_id)) is not None:
                self.move(cached, reported)

    def apply_receipt(self, info: MessageReceiptInfo) -> None:
        """A receipt event for one of the client's messages: its info, and its copy's status.

        The info is written even when the copy already shows the final status (a history page
        refreshed it first), but a final info is never replaced by an older, open one.
        """
        self._put_newer_info(info)
        self.move_by_id([info.message_id], info.status)

    def _put_newer_info(self, info: MessageReceiptInfo) -> None:
        cached = self._cache.info(info.message_id)
        if cached is not None and not awaits_read(cached.status) and awaits_read(info.status):
            return  # counts freeze at a final status (rule 10): this report is older
        if cached != info:
            self.put_info(info)

    def apply_conversation_receipt(self, owner: str, info: MessageReceiptInfo) -> None:
        """The peer read the conversation up to ``info.message_id``: every message ``owner`` sent
        there up to that watermark, still awaiting a read, is DONE (rule 4). With
        ``is_self_operated``, ``owner`` read it on another device: the messages it received up to
        the watermark are DONE."""
        watermark = self._cache.get(info.message_id)
        if watermark is None:
            log.warning("%s: conversation receipt for unknown message %s", owner, info.message_id)
            return
        side = MessageDirection.RECEIVE if info.is_self_operated else MessageDirection.SEND
        for message in self._cache.conversation(info.conversation_id, ConversationType.PEER):
            if (
                message.direction is not side
                or not message.message_id
                or message.conversation_seq > watermark.conversation_seq
            ):
                continue
            if awaits_read(message.receipt_status):
                self.move(message, ReceiptStatus.DONE)
                if side is MessageDirection.SEND:
                    self.put_info(replace(info, message_id=message.message_id))
            elif message.receipt_status is ReceiptStatus.DONE and side is MessageDirection.SEND:
                # a history page moved the copy already; its info may still show it open
                known = self._cache.info(message.message_id)
                if known is not None and awaits_read(known.status):
                    self.put_info(replace(info, message_id=message.message_id))

    def refresh(self, page: list[Message], views: Mapping[int, Message]) -> list[Message]:
        """Bring a page of copies up to the engine's ``views`` of them (by message id)."""
        return [
            self.move(message, views[message.message_id].receipt_status)
            if message.message_id in views
            else message
            for message in page
        ]
