"""``readtick --scenario FILE``: a scenario played paced in the real window, for demos.

The player's keys are ``Ctrl+P`` (pause / resume) and ``Ctrl+N`` (play one step, then hold).
They are chosen so they never take a key from typing: no text field uses them, while plain
Space or N would be typed into the focused composer. The status bar shows the step being
played and, when paused, these keys. Closing the window or Ctrl+C stops the play.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication
from readtick.app.cli import EXIT_FAILED, EXIT_INVALID, EXIT_OK
from readtick.app.qtapp import report_slot_errors, run_on_qt_loop, start_qt, window_closed
from readtick.app.scenario import Scenario, Step
from readtick.app.scenarioplayer import Failure, PlayerState, ScenarioPlayer
from readtick.app.scenariowindow import follow_step, load_named_scenario, scenario_window
from readtick.app.scenarioworld import ScenarioWorld
from readtick.ui.mainwindow import MainWindow

log = logging.getLogger(__name__)
PAUSE_KEY = "Ctrl+P"
STEP_KEY = "Ctrl+N"
STEP_INTERVAL = 1.5
"""Seconds between two steps at speed 1."""


def run_paced(name: str, theme: str = "light", speed: float = 1.0) -> int:
    """Play scenario ``name`` paced in the window until the window is closed; exit status."""
    scenario = load_named_scenario(name)
    if scenario is None:
        return EXIT_INVALID
    app = start_qt(scenario.theme or theme)
    return run_on_qt_loop(app, play_in_window(app, scenario, speed))


def bind_player_keys(window: MainWindow, player: ScenarioPlayer) -> tuple[QAction, QAction]:
    """The window's ``Ctrl+P`` (pause / resume) and ``Ctrl+N`` (one step) actions."""

    def pause_or_resume() -> None:
        if player.state is PlayerState.PAUSED:
            player.resume()
        else:
            player.pause()

    actions = []
    for text, key, slot in (
        ("Pause / resume the scenario", PAUSE_KEY, pause_or_resume),
        ("Play one step of the scenario", STEP_KEY, player.step),
    ):
        action = QAction(text, window)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        window.addAction(action)
        actions.append(action)
    return actions[0], actions[1]


def follow_player(
    window: MainWindow, world: ScenarioWorld, scenario: Scenario, player: ScenarioPlayer
) -> None:
    """The window shows what the player does: the step in the status bar, each panel on the
    conversation a step acted on, a failed expectation on stderr."""
    total = len(scenario.steps)

    def show_step(step: Step) -> None:
        text = f"step {step.number}/{total}: {step.note or step.action.describe()}"
        log.info("%s", text)
        window.statusBar().showMessage(text)

    def show_state(state: PlayerState) -> None:
        if state is PlayerState.PAUSED:
            window.statusBar().showMessage(f"paused — {PAUSE_KEY} resumes, {STEP_KEY} plays one step")
        elif state is PlayerState.FINISHED:
            log.info("%s: finished", scenario.title)
            window.statusBar().showMessage(f"{scenario.title}: finished")

    def show_failure(failure: Failure) -> None:
        print(f"{scenario.source}: {failure}", file=sys.stderr)

    player.step_started.append(show_step)
    player.step_finished.append(lambda step: follow_step(window, world, scenario, step))
    player.state_changed.append(show_state)
    player.failed.append(show_failure)


async def play_in_window(app: QApplication, scenario: Scenario, speed: float) -> int:
    world = await ScenarioWorld.create(scenario)
    try:
        window = scenario_window(world, scenario)
        player = ScenarioPlayer(scenario, world, paced=True, speed=speed, step_interval=STEP_INTERVAL)
        follow_player(window, world, scenario, player)
        bind_player_keys(window, player)
        report_slot_errors(window)
        window.show()
        log.info("window shown: %s, paced (%s pauses, %s steps)", scenario.title, PAUSE_KEY, STEP_KEY)
        play = asyncio.ensure_future(player.play())
        try:
            await window_closed(app, window)
        finally:
            player.stop()  # the play ends at its next step boundary
            result = await play
            window.close()
            window.deleteLater()
        return EXIT_OK if not result.failures else EXIT_FAILED
    finally:
        world.close()
