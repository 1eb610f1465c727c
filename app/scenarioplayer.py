"""Plays a checked ``Scenario`` against real ``core`` clients on a virtual clock; no Qt here.

``ScenarioWorld.create(scenario)`` (``readtick.app.scenarioworld``, re-exported here) builds the
engine, groups and logged-in clients the window is given; ``ScenarioPlayer(scenario,
world).play()`` runs the steps, instantly (tests, headless) or paced (demos, with pause / resume
/ single step), and returns a ``PlayResult`` with every failed expectation or step. The window
subscribes through plain callback lists, not Qt signals.
"""

from __future__ import annotations

import asyncio
import inspect
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum

from readtick.app.scenario import (
    AdvanceTime,
    ChangeMembers,
    Expect,
    Read,
    ReadConversation,
    Scenario,
    Screenshot,
    Send,
    SetLatency,
    SetOnline,
    Step,
    Wait,
)
from readtick.app.scenarioworld import ScenarioWorld as ScenarioWorld
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


class PlayerState(Enum):
    IDLE = "idle"
    PLAYING = "playing"
    PAUSED = "paused"
    FINISHED = "finished"
    STOPPED = "stopped"


@dataclass(frozen=True)
class Failure:
    """A failed ``expect`` (``kind`` "expect") or a step whose SDK call went wrong ("step")."""

    step: int
    kind: str
    message: str

    def __str__(self) -> str:
        return f"step {self.step} ({self.kind}): {self.message}"


@dataclass(frozen=True)
class PlayResult:
    """What a play did: failures in step order, screenshots taken, steps run, whether it stopped."""

    source: str
    failures: tuple[Failure, ...]
    screenshots: tuple[str, ...]
    steps_run: int
    stopped: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures and not self.stopped

    def failure_lines(self) -> list[str]:
        """One line per failure, naming the file: ``path: step 7 (expect): ...``."""
        return [f"{self.source}: {failure}" for failure in self.failures]


@dataclass
class _Sent:
    """A named message: the sender's copy (accepted or failed) and its conversation."""

    sender: str
    copy: Message
    to: str | None
    group: str | None


class _Stopped(Exception):
    pass


class ScenarioPlayer:
    """Runs a scenario's steps in order against a ``ScenarioWorld``.

    Instant mode (``paced=False``): no waiting at all; after every step ``engine.drain()``
    settles what is due, so an ``expect`` after ``advance_time = "7d"`` already sees EXPIRED.
    Paced mode: the same steps and drains, with ``step_interval / speed`` seconds of real time
    between steps and ``wait`` steps honoured; ``pause()``, ``resume()``, ``step()`` and ``stop()``
    act at step boundaries and interrupt waits.

    Callbacks (plain lists of callables; append to subscribe):
        step_started(step): a step is about to run (the "active step").
        step_finished(step): it ran and deliveries due were settled.
        state_changed(state): a ``PlayerState``.
        failed(failure): an expectation or step failed (play goes on).
    """

    def __init__(
        self,
        scenario: Scenario,
        world: ScenarioWorld,
        *,
        screenshot: ScreenshotCallback | None = None,
        paced: bool = False,
        speed: float = 1.0,
        step_interval: float = 1.0,
    ) -> None:
        self.scenario = scenario
        self.world = world
        self.paced = paced
        self.speed = speed
        self.step_interval = step_interval
        self._screenshot = screenshot
        self.step_started: list[Callable[[Step], None]] = []
        self.step_finished: list[Callable[[Step], None]] = []
        self.state_changed: list[Callable[[PlayerState], None]] = []
        self.failed: list[Callable[[Failure], None]] = []
        self.state = PlayerState.IDLE
        self.current: Step | None = None
        self._paused = False
        self._stop = False
        self._step_credit = 0
        self._wake = asyncio.Event()
        self._sent: dict[str, _Sent] = {}
        self._failures: list[Failure] = []
        self._shots: list[str] = []

    # ------------------------------------------------------------------ controls
    @property
    def speed(self) -> float:
        return self._speed

    @speed.setter
    def speed(self, value: float) -> None:
        if not isinstance(value, (int, float)) or not value > 0:
            raise ValueError(f"speed must be a number > 0, got {value!r}")
        self._speed = float(value)

    def pause(self) -> None:
        """Hold before the next step (or in the middle of a wait)."""
        self._paused = True
        self._set_state(PlayerState.PAUSED)
        self._wake.set()

    def resume(self) -> None:
        self._paused = False
        self._step_credit = 0
        self._set_state(PlayerState.PLAYING)
        self._wake.set()

    def step(self) -> None:
        """Run exactly one more step now, then hold (pauses a playing scenario)."""
        self._paused = True
        self._step_credit += 1
        self._set_state(PlayerState.PAUSED)
        self._wake.set()

    def stop(self) -> None:
        """Abandon the play at the next step boundary."""
        self._stop = True
        self._wake.set()

    # ------------------------------------------------------------------ playing
    async def play(self) -> PlayResult:
        """Run every step; return failures (a stopped play says so)."""
        self._set_state(PlayerState.PAUSED if self._paused else PlayerState.PLAYING)
        steps_run = 0
        stopped = False
        try:
            for index, step in enumerate(self.scenario.steps):
                if self.paced and index > 0:
                    await self._pace(self.step_interval, between_steps=True)
                await self._gate()
                self.current = step
                self._emit(self.step_started, step)
                await self._run(step)
                await self.world.engine.drain()
                steps_run += 1
                self._emit(self.step_finished, step)
        except _Stopped:
            stopped = True
        self.current = None
        self._set_state(PlayerState.STOPPED if stopped else PlayerState.FINISHED)
        return PlayResult(self.scenario.source, tuple(self._failures), tuple(self._shots), steps_run, stopped)

    async def _gate(self) -> None:
        """Wait while paused, unless a single step was asked for."""
        while True:
            if self._stop:
                raise _Stopped
            if not self._paused:
                return
            if self._step_credit:
                self._step_credit -= 1
                return
            self._wake.clear()
            await self._wake.wait()

    async def _pace(self, seconds: float, *, between_steps: bool = False) -> None:
        """Let ``seconds`` (scaled by speed) of real time pass, honouring pause, step and stop."""
        loop = asyncio.get_running_loop()
        remaining = seconds
        while remaining > 0:
            if self._stop:
                raise _Stopped
            if self._paused:
                if between_steps:
                    return  # _gate holds; a step request must not also wait out the interval
                await self._gate()
                continue
            self._wake.clear()
            started = loop.time()
            try:
                await asyncio.wait_for(self._wake.wait(), remaining / self._speed)
            except TimeoutError:
                return
            remaining -= (loop.time() - started) * self._speed

    async def _run(self, step: Step) -> None:
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
            if self.paced:
                await self._pace(action.seconds)
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
                    if self.paced:
                        await self._pace(self.step_interval / PROGRESS_STEPS)
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
        self._shots.append(action.name)
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

    # ------------------------------------------------------------------ plumbing
    def _fail(self, step: Step, kind: str, message: str) -> None:
        failure = Failure(step.number, kind, message)
        self._failures.append(failure)
        self._emit(self.failed, failure)

    def _set_state(self, state: PlayerState) -> None:
        if state is not self.state:
            self.state = state
            self._emit(self.state_changed, state)

    @staticmethod
    def _emit(listeners: list[Callable[..., None]], *args: object) -> None:
        for listener in list(listeners):
            listener(*args)


async def play_instantly(scenario: Scenario, screenshot: ScreenshotCallback | None = None) -> PlayResult:
    """Build a world, play the scenario with no waiting, close the world (core-only, for tests)."""
    world = await ScenarioWorld.create(scenario)
    try:
        return await ScenarioPlayer(scenario, world, screenshot=screenshot).play()
    finally:
        world.close()
