"""What a client settles with the engine when it connects, because a killed process may have
stopped between the engine's commit and the client's own cache write.

A send is written to the sender's cache as SENDING *before* the engine accepts it (a kill after
the engine's commit must not leave a message every receiver has and its sender's history lacks);
on connecting, each SENDING copy is looked up by its local id: accepted, the engine's copy (ids,
sequence, status and counts as they are now) takes its place in history; never accepted, it is
FAILED. A read the engine recorded just before a kill, and expiries missed while away, reach the
client through delivery (``Outbound.backlog``), as reads done on another device do.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import replace

from readtick.core import drafts
from readtick.core.copies import LocalCopies
from readtick.core.engine import ReceiptEngine
from readtick.core.enums import ReceiptStatus
from readtick.core.localcache import LocalCache
from readtick.core.messages import Message
from readtick.core.sessions import Session


def same_send(pending: Message, accepted: Message) -> bool:
    """Whether the engine's message is this copy's send. The local id alone could be a reused one
    (a client that started over with a new cache counts from 1 again), so content and
    conversation must match too."""
    return (
        type(accepted) is type(pending)
        and accepted.payload() == pending.payload()
        and (accepted.conversation_id, accepted.conversation_type)
        == (pending.conversation_id, pending.conversation_type)
    )


def catch_up(
    engine: ReceiptEngine, session: Session, cache: LocalCache, copies: LocalCopies, in_flight: Set[int]
) -> None:
    """Settle every unfinished send in the cache of ``session``'s client (but the ``in_flight``
    local ids this process is still sending)."""
    for pending in cache.sending():
        if pending.local_message_id in in_flight:
            continue
        found = engine.accepted_send(session, pending.local_message_id)
        if found is not None and same_send(pending, found[0]):
            sent, info = found
            copies.replace_draft(pending, replace(sent, local_message_id=pending.local_message_id), info)
        else:
            # a media send killed while its file uploaded had no receipt yet: FAILED without one
            copies.put(drafts.failed(pending, pending.receipt_status is not ReceiptStatus.NONE))
