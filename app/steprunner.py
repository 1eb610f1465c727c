"""What each scenario step does to a ``ScenarioWorld``: sends (text or media, through an upload),
reads, conversation reads, link changes, membership changes, clock jumps, screenshots, and the
checks of ``expect`` steps; no Qt here. The ``ScenarioPlayer`` decides when steps run;
``StepRunner`` runs one.

A ``send`` step that names its message (``as``) is remembered, so later steps can read it or
expect its status as one client sees it (that client's cached copy).
"""

from __future__ import annotations

import asyncio
import inspect
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from readtick.app.scenario import (
    AdvanceTime,
    ChangeMembers,
    Expect,
    Read,
    ReadConversation,
    Screenshot,
    Send,
    SetLatency,
    SetOnline,
    Step,
    Wait,
)
from readtick.app.scenarioworld import ScenarioWorld
from readtick.core import (
    Client,
    ConversationType,
    FileMessage,
    ImageMessage,
    Message,
    MessageSendConfig,
    ReceiptError,
    TextMessage,
)
from readtick.core.localcache import cache_key
from readtick.core.uploads import PROGRESS_STEPS

ScreenshotCallback = Callable[[str], Awaitable[None] | None]
FailCallback = Callable[[Step, str, str], None]
"""``fail(step, kind, message)``: ``kind`` is "expect" (a failed expectation) or "step" (a step
whose SDK call went wrong)."""
PaceCallback = Callable[[float], Awaitable[None]]
"""``pace(fraction)``: let this fraction of the interval between steps pass (a paced play)."""


@dataclass
class _Sent:
    """A named message: the sender's copy (accepted or failed) and its conversation."""

    sender: str
    copy: Message
    to: str | None
    group: str | None


class StepRunner:
    """Runs scenario steps against ``world``; reports each failure to ``fail`` (play goes on),
    takes screenshots through ``screenshot`` (if given), whose names it keeps in
    ``screenshots``, and with ``pace`` (a paced play) lets an upload take its time."""

    def __init__(
        self,
        world: ScenarioWorld,
        fail: FailCallback,
        screenshot: ScreenshotCallback | None = None,
        pace: PaceCallback | None = None,
    ) -> None:
        self.world = world
        self._fail = fail
        self._screenshot = screenshot
        self._pace = pace
        self._sent: dict[str, _Sent] = {}
        self.screenshots: list[str] = []

    async def run(self, step: Step) -> None:
        """Do what ``step`` says (a ``Wait`` is the player's: nothing to do here)."""
        action = step.action
        if isinstance(action, Send):
            await self._send(step, action)
        elif isinstance(action, Read):
            await self._read(step, action)
        elif isinstance(action, ReadConversation):
            await self._call(
                step,
                self._client(action.who).send_conversation_message_receipt_read(
                    action.peer, ConversationType.PEER
                ),
            )
        elif isinstance(action, SetOnline):
            self._client(action.who).set_online(action.online)
        elif isinstance(action, SetLatency):
            self._client(action.who).set_latency(action.seconds)
        elif isinstance(action, ChangeMembers):
            change = (
                self.world.engine.add_group_members if action.join else self.world.engine.remove_group_members
            )
            try:
                change(action.group, [action.who])
            except ReceiptError as error:
                self._fail(step, "step", f"{action.describe()}: {error}")
        elif isinstance(action, AdvanceTime):
            self.world.clock.advance(action.seconds)
        elif isinstance(action, Wait):
            pass  # paced by the player; an instant play does not wait
        elif isinstance(action, Screenshot):
            await self._take_screenshot(step, action)
        elif isinstance(action, Expect):
            self._expect(step, action)
        else:  # pragma: no cover - the checker builds only the actions above
            raise TypeError(f"unknown action {action!r}")

    def _client(self, user: str) -> Client:
        return self.world.clients[user]

    async def _call(self, step: Step, call: Awaitable[object]) -> object | None:
        try:
            return await call
        except ReceiptError as error:
            self._fail(step, "step", f"{step.action.describe()}: {error}")
            return None

    async def _send(self, step: Step, action: Send) -> None:
        client = self._client(action.sender)
        if action.group is not None:
            target, ctype = action.group, ConversationType.GROUP
        else:
            assert action.to is not None
            target, ctype = action.to, ConversationType.PEER
        config = MessageSendConfig(has_receipt=action.receipt)
        try:
            if action.media is None:
                copy = (
                    await client.send_message(TextMessage(message=action.text), target, ctype, config)
                ).message
            else:
                copy = await self._send_media(client, action, target, ctype, config)
        except ReceiptError as error:
            if error.failed_message is None:
                self._fail(step, "step", f"{action.describe()}: {error}")
                return
            copy = error.failed_message  # a failed send is an outcome to show, not a scenario error
        if action.name is not None:
            self._sent[action.name] = _Sent(action.sender, copy, action.to, action.group)

    async def _send_media(
        self, client: Client, action: Send, target: str, ctype: ConversationType, config: MessageSendConfig
    ) -> Message:
        """Send the step's file; with an ``upload_rate``, move the clock on through the upload in
        ``PROGRESS_STEPS`` steps (paced: with a pause each, so the bar fills as one watches)."""
        assert action.path is not None
        kind = ImageMessage if action.media == "image" else FileMessage
        rate, size = action.upload_rate, os.stat(action.path).st_size
        before = client.upload_rate
        client.set_upload_rate(rate)
        try:
            sending = asyncio.ensure_future(
                client.send_media_message(kind(file_local_path=action.path), target, ctype, config)
            )
            await self.world.engine.drain()
            if rate is not None:
                for _ in range(PROGRESS_STEPS):
                    if sending.done():
                        break
                    if self._pace is not None:
                        await self._pace(1 / PROGRESS_STEPS)
                    self.world.clock.advance(size / rate / PROGRESS_STEPS)
                    await self.world.engine.drain()
            return (await sending).message
        finally:
            client.set_upload_rate(before)

    def _view(self, name: str, user: str) -> Message | None:
        """``user``'s cached copy of a named message, or None if that client does not hold it."""
        sent = self._sent.get(name)
        if sent is None:
            return None
        client = self._client(user)
        key = cache_key(sent.copy) if user == sent.sender else sent.copy.message_id
        return client.cache.get(key) if key else None

    async def _read(self, step: Step, action: Read) -> None:
        copies: list[Message] = []
        for name in action.messages:
            copy = self._view(name, action.who)
            if copy is None:
                self._fail(step, "step", f"{action.who} has not received {name!r} (yet); it cannot be read")
                return
            copies.append(copy)
        first = self._sent[action.messages[0]]
        conversation = first.group if first.group is not None else self.world.user_of(first.sender)
        ctype = ConversationType.GROUP if first.group is not None else ConversationType.PEER
        result = await self._call(
            step, self._client(action.who).send_message_receipts_read(copies, conversation, ctype)
        )
        error_ids = set(getattr(result, "error_message_ids", ()))
        if error_ids:
            names = [n for n, c in zip(action.messages, copies, strict=True) if c.message_id in error_ids]
            self._fail(step, "step", f"{action.who} could not read {', '.join(names)} (error_message_ids)")

    async def _take_screenshot(self, step: Step, action: Screenshot) -> None:
        self.screenshots.append(action.name)
        if self._screenshot is None:
            return
        try:
            outcome = self._screenshot(action.name)
            if inspect.isawaitable(outcome):
                await outcome
        except Exception as error:  # a broken picture must not hide the remaining expectations
            self._fail(step, "step", f"screenshot {action.name!r} failed: {error!r}")

    def _expect(self, step: Step, action: Expect) -> None:
        subject = f"{action.message} as seen by {action.as_seen_by}"
        sent = self._sent.get(action.message)
        if sent is None:
            self._fail(step, "expect", f"{subject}: the send of {action.message!r} did not happen")
            return
        copy = self._view(action.message, action.as_seen_by)
        if copy is None:
            self._fail(step, "expect", f"{subject}: {action.as_seen_by} has not received it (yet)")
            return
        problems = []
        if copy.receipt_status != action.status:
            problems.append(f"status is {copy.receipt_status.name}, expected {action.status.name}")
        if action.read is not None or action.unread is not None:
            info = (
                self._client(action.as_seen_by).cached_receipt_info(copy.message_id)
                if copy.message_id
                else None
            )
            read = info.read_member_count if info is not None else None
            unread = info.unread_member_count if info is not None else None
            if action.read is not None and read != action.read:
                problems.append(f"read count is {read}, expected {action.read}")
            if action.unread is not None and unread != action.unread:
                problems.append(f"unread count is {unread}, expected {action.unread}")
        if problems:
            self._fail(step, "expect", f"{subject}: {'; '.join(problems)}")
