"""The paced player's keys: Ctrl+P pauses and resumes, Ctrl+N plays one step, and typing in a
composer keeps every key (Space and N used to pause and step, or rather never reached the
player, because the focused composer took them)."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit
from readtick.app.pacedwindow import PAUSE_KEY, STEP_KEY, bind_player_keys
from readtick.app.scenario import builtin_scenarios, load_scenario
from readtick.app.scenarioplayer import PlayerState, ScenarioPlayer, ScenarioWorld
from readtick.app.scenariowindow import scenario_window

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
CTRL = Qt.KeyboardModifier.ControlModifier


def test_typing_keeps_its_keys_and_ctrl_p_ctrl_n_drive_the_player(qtbot) -> None:  # type: ignore[no-untyped-def]
    scenario = load_scenario(builtin_scenarios()["peer_read"])

    async def check() -> None:
        world = await ScenarioWorld.create(scenario)
        window = scenario_window(world, scenario)
        qtbot.addWidget(window)
        player = ScenarioPlayer(scenario, world, paced=True)
        pause, step = bind_player_keys(window, player)
        assert (pause.shortcut(), step.shortcut()) == (QKeySequence(PAUSE_KEY), QKeySequence(STEP_KEY))
        window.show()
        window.activateWindow()
        qtbot.waitActive(window)
        composer = window.panel("alice").findChild(QLineEdit, "composer")
        composer.setFocus()
        handle = window.windowHandle()  # keys go in as the window system delivers them

        for key in (Qt.Key.Key_N, Qt.Key.Key_Space, Qt.Key.Key_O, Qt.Key.Key_Space):
            QTest.keyClick(handle, key)
        assert composer.text() == "n o " and player.state is PlayerState.IDLE

        QTest.keyClick(handle, Qt.Key.Key_P, CTRL)
        assert player.state is PlayerState.PAUSED
        QTest.keyClick(handle, Qt.Key.Key_P, CTRL)
        assert player.state is PlayerState.PLAYING
        QTest.keyClick(handle, Qt.Key.Key_N, CTRL)
        assert player.state is PlayerState.PAUSED  # one step, then it holds
        assert composer.text() == "n o "  # the player's keys typed nothing
        window.close()
        world.close()

    asyncio.run(check())
