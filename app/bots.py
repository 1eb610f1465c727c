"""Bot readers: group members without a panel who read receipt messages after a short random
delay, so "n unread" visibly counts down in the demo even with only two panels.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence

from readtick.core import Client, ConversationType, EventHandler, Message, ReceiptError
from readtick.core.receipt import awaits_read

log = logging.getLogger(__name__)

#: Names the bots get, in order; more bots than names are called bot<n>.
BOT_NAMES = ("mia", "noah", "olivia", "liam", "emma", "lucas", "sofia", "mateo", "yuki", "ravi")


def bot_names(count: int, taken: Sequence[str] = ()) -> list[str]:
    names = [n for n in BOT_NAMES if n not in taken][:count]
    number = 1
    while len(names) < count:
        candidate = f"bot{number}"
        if candidate not in taken and candidate not in names:
            names.append(candidate)
        number += 1
    return names


class BotReader(EventHandler):
    """Reads every incoming receipt message ``min_delay``..``max_delay`` real seconds after it
    arrives. ``enabled=False`` keeps the bot a silent member (it never reads)."""

    def __init__(
        self,
        *,
        enabled: bool = True,
        min_delay: float = 1.5,
        max_delay: float = 6.0,
        rng: random.Random | None = None,
    ) -> None:
        self.enabled = enabled
        self.min_delay = min_delay
        self.max_delay = max_delay
        self._rng = rng or random.Random()
        self._tasks: set[asyncio.Task[None]] = set()

    def on_peer_message_received(
        self, client: Client, messages: Sequence[Message], from_user_id: str
    ) -> None:
        self._schedule(client, messages, from_user_id, ConversationType.PEER)

    def on_group_message_received(
        self, client: Client, messages: Sequence[Message], from_group_id: str
    ) -> None:
        self._schedule(client, messages, from_group_id, ConversationType.GROUP)

    def _schedule(
        self,
        client: Client,
        messages: Sequence[Message],
        conversation_id: str,
        conversation_type: ConversationType,
    ) -> None:
        if not self.enabled:
            return
        for message in messages:
            if awaits_read(message.receipt_status):
                delay = self._rng.uniform(self.min_delay, self.max_delay)
                task = asyncio.ensure_future(
                    self._read_later(client, message, conversation_id, conversation_type, delay)
                )
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _read_later(
        self,
        client: Client,
        message: Message,
        conversation_id: str,
        conversation_type: ConversationType,
        delay: float,
    ) -> None:
        await asyncio.sleep(delay)
        try:
            await client.send_message_receipts_read([message], conversation_id, conversation_type)
        except ReceiptError as error:  # expired meanwhile, bot removed from the group, ...
            log.info("bot %s could not read %s: %s", client.user_id, message.message_id, error)

    def cancel(self) -> None:
        for task in list(self._tasks):
            task.cancel()
