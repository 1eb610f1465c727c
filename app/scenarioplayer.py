"""Plays a checked ``Scenario`` against real ``core`` clients on a virtual clock; no Qt here.

``ScenarioWorld.create(scenario)`` (``readtick.app.scenarioworld``, re-exported here) builds the
engine, groups and logged-in clients the window is given; ``ScenarioPlayer(scenario,
world).play()`` runs the steps in order, instantly (tests, headless) or paced (demos, with pause /
resume / single step), each by a ``StepRunner`` (``readtick.app.steprunner``), and returns a
``PlayResult`` with every failed expectation or step. The window subscribes through plain
callback lists, not Qt signals.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from readtick.app.scenario import Scenario, Step, Wait
from readtick.app.scenarioworld import ScenarioWorld as ScenarioWorld
from readtick.app.steprunner import ScreenshotCallback, StepRunner


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
        self._failures: list[Failure] = []
        pace = (lambda fraction: self._pace(self.step_interval * fraction)) if paced else None
        self._steps = StepRunner(world, self._fail, screenshot, pace)

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
        shots = tuple(self._steps.screenshots)
        return PlayResult(self.scenario.source, tuple(self._failures), shots, steps_run, stopped)

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
        if isinstance(step.action, Wait):
            if self.paced:
                await self._pace(step.action.seconds)
        else:
            await self._steps.run(step)

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
