"""The modes that never show a window: ``--headless`` (a scenario played instantly, offscreen,
with the real window, saving what its ``screenshot`` steps ask for), ``--screenshot PATH`` (the
built-in ``screenshot`` scenario, its picture saved to PATH) and ``--gallery DIR``.

Exit status: 0 all expectations met, 1 an expectation or step failed, 2 invalid input.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from readtick.app.cli import EXIT_FAILED, EXIT_INVALID, EXIT_OK, SCREENSHOT_SCENARIO
from readtick.app.qtapp import run_on_qt_loop, save_window, start_qt
from readtick.app.scenario import Scenario, Step
from readtick.app.scenarioplayer import PlayResult, ScenarioPlayer
from readtick.app.scenariowindow import follow_step, load_named_scenario, scenario_window
from readtick.app.scenarioworld import ScenarioWorld

if TYPE_CHECKING:
    from readtick.ui.mainwindow import MainWindow

log = logging.getLogger(__name__)
#: The screen offscreen pictures are laid out for (the offscreen platform's own is 800x600).
PICTURE_SCREEN = (1920, 1080)


def run_headless(name: str, out_dir: Path, theme: str = "light") -> int:
    """Play a scenario offscreen with the real window; one line per failure; exit status."""
    scenario = load_named_scenario(name)
    if scenario is None:
        return EXIT_INVALID
    if out_dir.exists() and not out_dir.is_dir():
        print(f"readtick: --out {out_dir} is a file, not a directory", file=sys.stderr)
        return EXIT_INVALID
    app = start_qt(scenario.theme or theme, offscreen=True)
    playing = play_offscreen(scenario, lambda shot: out_dir / f"{shot}.png", timeline_dir=out_dir)
    result, written = run_on_qt_loop(app, playing)
    for line in result.failure_lines():
        print(line, file=sys.stderr)
    shots = ", ".join(p.name for p in written) or "none"
    print(
        f"readtick: played {scenario.source} ({result.steps_run} steps, "
        f"{len(scenario.expectations)} expectations, {len(result.failures)} failed); "
        f"{len(written)} screenshot{'s' if len(written) != 1 else ''} in {out_dir.resolve()}: {shots}"
    )
    return EXIT_OK if result.ok else EXIT_FAILED


def run_screenshot(path: Path, theme: str = "light") -> int:
    """Play the built-in ``screenshot`` scenario offscreen and save its picture to ``path``."""
    scenario = load_named_scenario(SCREENSHOT_SCENARIO)
    if scenario is None:
        return EXIT_INVALID
    app = start_qt(theme, offscreen=True)
    result, written = run_on_qt_loop(app, play_offscreen(scenario, lambda shot: path))
    for line in result.failure_lines():
        print(line, file=sys.stderr)
    if not written:
        print(f"readtick: could not write the screenshot to {path}", file=sys.stderr)
        return EXIT_FAILED
    print(f"readtick: screenshot saved to {path}")
    return EXIT_OK if result.ok else EXIT_FAILED


async def play_offscreen(
    scenario: Scenario, path_of: Callable[[str], Path], timeline_dir: Path | None = None
) -> tuple[PlayResult, list[Path]]:
    """Play ``scenario`` instantly in the real window; each screenshot step saves the window to
    ``path_of(name)``; at the end, the busiest message's timeline goes to ``timeline_dir`` as
    ``timeline.png`` and ``timeline.svg`` (if given). Returns the result and the files written."""
    written: list[Path] = []
    world = await ScenarioWorld.create(scenario)
    try:
        window = scenario_window(world, scenario, PICTURE_SCREEN)
        try:
            window.show()
            await asyncio.sleep(0)

            async def screenshot(shot: str) -> None:
                written.append(await save_window(window, path_of(shot)))

            def followed(step: Step) -> None:
                log.debug("step %d: %s", step.number, step.action.describe())
                follow_step(window, world, scenario, step)

            player = ScenarioPlayer(scenario, world, screenshot=screenshot)
            player.step_finished.append(followed)
            result = await player.play()
            if timeline_dir is not None:
                written += _write_timeline(window, timeline_dir)
        finally:
            window.close()
            window.deleteLater()
            await asyncio.sleep(0)
    finally:
        world.close()
    return result, written


def _write_timeline(window: MainWindow, out_dir: Path) -> list[Path]:
    from readtick.ui.theme import current_theme
    from readtick.ui.timelineview import write_timeline

    out_dir.mkdir(parents=True, exist_ok=True)
    return write_timeline(window.timeline.model, out_dir, current_theme())


def run_gallery(out_dir: Path, theme: str = "light") -> int:
    if out_dir.exists() and not out_dir.is_dir():
        print(f"readtick: --gallery {out_dir} is a file, not a directory", file=sys.stderr)
        return EXIT_INVALID
    app = start_qt(theme, offscreen=True)
    from readtick.app.gallery import CONTACT_SHEET, write_gallery

    async def render() -> list[Path]:
        paths = []
        for path in write_gallery(out_dir, app):
            paths.append(path)
            await asyncio.sleep(0)  # a turn of the loop between pictures: Ctrl+C lands here
        return paths

    try:
        paths = run_on_qt_loop(app, render())
    except (OSError, RuntimeError) as error:
        print(f"readtick: gallery not written: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(
        f"readtick: {len(paths) - 1} receipt-state pictures and {CONTACT_SHEET} "
        f"written to {out_dir.resolve()}"
    )
    return EXIT_OK
