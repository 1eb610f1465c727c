"""Scenario and gallery runs from the command line: ``--headless --scenario FILE --out DIR``,
``--gallery DIR``, the no-display fallback of plain ``readtick``, and ``--scenario`` in a window.

Headless runs force ``QT_QPA_PLATFORM=offscreen`` before the QApplication exists, play the
scenario instantly with the real ``MainWindow`` and save what its ``screenshot`` steps ask for.
Exit status: 0 all expectations met, 1 an expectation or step failed, 2 invalid input.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from readtick.app.membership import join_groups_of_first_panel
from readtick.app.scenario import (
    DEFAULT_SCENARIO,
    Read,
    ReadConversation,
    Scenario,
    ScenarioError,
    Send,
    Step,
    load_scenario,
    resolve_scenario_path,
)
from readtick.app.scenarioplayer import Failure, PlayerState, PlayResult, ScenarioPlayer, ScenarioWorld
from readtick.core import ConversationType
from readtick.ui.displaytime import set_display_zone

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication
    from readtick.ui.mainwindow import MainWindow

T = TypeVar("T")
EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
DEFAULT_OUT = Path("screenshots")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The scenario and gallery options of ``readtick``."""
    parser.add_argument(
        "--scenario",
        metavar="FILE",
        help="play a scenario (a TOML file, or the name of a built-in one such as peer_read); "
        "paced in the window, or instantly with --headless",
    )
    parser.add_argument(
        "--headless",
        action="store_true",
        help="play the scenario offscreen (default: the built-in demo), save its screenshots to --out, "
        "exit 1 if an expectation fails",
    )
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help=f"where --headless writes PNGs (default ./{DEFAULT_OUT})"
    )
    parser.add_argument(
        "--speed",
        type=_speed,
        default=1.0,
        metavar="X",
        help="pace of a scenario played in the window (2 = twice as fast)",
    )
    parser.add_argument(
        "--gallery",
        type=Path,
        metavar="DIR",
        help="render every receipt state (light and dark) as PNGs and a contact sheet, then exit",
    )


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"speed must be more than 0, got {text}")
    return value


def wants_this_module(args: argparse.Namespace, display: bool) -> bool:
    """Whether ``run`` handles the command line (else the plain window or ``--screenshot`` does)."""
    if args.gallery is not None or args.headless or args.scenario is not None:
        return True
    return not display and getattr(args, "screenshot", None) is None


def run(args: argparse.Namespace, display: bool) -> int:
    """Dispatch: gallery, headless scenario, no-display fallback, or a paced scenario in a window."""
    if args.gallery is not None:
        return run_gallery(args.gallery, args.theme)
    name = args.scenario if args.scenario is not None else DEFAULT_SCENARIO
    # QT_QPA_PLATFORM=offscreen counts as a display to the window, but nobody could watch it
    display = display and os.environ.get("QT_QPA_PLATFORM", "") not in ("offscreen", "minimal")
    if not args.headless and display:
        return run_in_window(name, args.theme, args.speed)
    if not args.headless:
        print(
            "readtick: no display found ($DISPLAY and $WAYLAND_DISPLAY are unset); "
            f"playing the {'scenario' if args.scenario else 'built-in demo scenario'} headless instead",
            file=sys.stderr,
        )
    return run_headless(name, args.out if args.out is not None else DEFAULT_OUT, args.theme)


# ------------------------------------------------------------------------------ Qt set-up
def _offscreen_app(theme: str) -> QApplication:
    """The application, offscreen: the variable must be set before the QApplication exists."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication
    from readtick.ui.theme import apply_theme

    if QApplication.instance() is not None and QApplication.platformName() != "offscreen":
        raise RuntimeError("a QApplication already exists on a real display; headless needs a fresh process")
    _quiet_offscreen_warnings()
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "readtick"])
    app.setApplicationName("readtick")
    app.setQuitOnLastWindowClosed(False)
    apply_theme(app, theme)
    return app  # type: ignore[return-value]


#: What the offscreen plugin says about every top-level window; not a problem of ours.
OFFSCREEN_NOISE = ("This plugin does not support propagateSizeHints",)


def _quiet_offscreen_warnings() -> None:
    """Drop the offscreen plugin's harmless chatter; pass every other Qt message on to stderr."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(kind, context, message: str) -> None:  # type: ignore[no-untyped-def]
        if not message.startswith(OFFSCREEN_NOISE):
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def _run_on_qt_loop(app: QApplication, coroutine: Coroutine[object, object, T]) -> T:
    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        with loop:
            return loop.run_until_complete(coroutine)
    finally:
        asyncio.set_event_loop(None)


def _load(name: str) -> Scenario | None:
    try:
        return load_scenario(resolve_scenario_path(name))
    except ScenarioError as error:
        print(f"readtick: the scenario cannot be played. {error}", file=sys.stderr)
        return None


# ------------------------------------------------------------------------------ gallery
def run_gallery(out_dir: Path, theme: str = "light") -> int:
    if out_dir.exists() and not out_dir.is_dir():
        print(f"readtick: --gallery {out_dir} is a file, not a directory", file=sys.stderr)
        return EXIT_INVALID
    app = _offscreen_app(theme)
    from readtick.app.gallery import CONTACT_SHEET, render_gallery

    try:
        paths = render_gallery(out_dir, app)
    except (OSError, RuntimeError) as error:
        print(f"readtick: gallery not written: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(
        f"readtick: {len(paths) - 1} receipt-state pictures and {CONTACT_SHEET} "
        f"written to {out_dir.resolve()}"
    )
    return EXIT_OK


# ------------------------------------------------------------------------------ headless scenario
def run_headless(name: str, out_dir: Path, theme: str = "light") -> int:
    """Play a scenario offscreen with the real window; one line per failure; exit status."""
    scenario = _load(name)
    if scenario is None:
        return EXIT_INVALID
    if out_dir.exists() and not out_dir.is_dir():
        print(f"readtick: --out {out_dir} is a file, not a directory", file=sys.stderr)
        return EXIT_INVALID
    app = _offscreen_app(scenario.theme or theme)
    set_display_zone(scenario.zone)  # pictures show the scenario's zone, not this machine's
    result, written = _run_on_qt_loop(app, _play_headless(scenario, out_dir))
    for line in result.failure_lines():
        print(line, file=sys.stderr)
    shots = ", ".join(p.name for p in written) or "none"
    print(
        f"readtick: played {scenario.source} ({result.steps_run} steps, "
        f"{len(scenario.expectations)} expectations, {len(result.failures)} failed); "
        f"{len(written)} screenshot{'s' if len(written) != 1 else ''} in {out_dir.resolve()}: {shots}"
    )
    return EXIT_OK if result.ok else EXIT_FAILED


async def _play_headless(scenario: Scenario, out_dir: Path) -> tuple[PlayResult, list[Path]]:
    from readtick.ui.mainwindow import MainWindow

    written: list[Path] = []
    world = await ScenarioWorld.create(scenario)
    window = MainWindow(world.engine, list(world.clients.values()), join_policy=join_groups_of_first_panel)
    try:
        window.show()
        await asyncio.sleep(0)

        async def screenshot(shot: str) -> None:
            await asyncio.sleep(0.05)  # let queued layouts and repaints run before grabbing
            out_dir.mkdir(parents=True, exist_ok=True)
            path = out_dir / f"{shot}.png"
            if not window.grab().save(str(path)):
                raise OSError(f"could not write {path}")
            written.append(path)

        player = ScenarioPlayer(scenario, world, screenshot=screenshot)
        player.step_finished.append(lambda step: follow_step(window, world, scenario, step))
        result = await player.play()
    finally:
        window.close()
        window.deleteLater()
        await asyncio.sleep(0)
        world.close()
    return result, written


def follow_step(window: MainWindow, world: ScenarioWorld, scenario: Scenario, step: Step) -> None:
    """Show, in each affected panel, the conversation the step acted on.

    The player calls clients directly; each panel mirrors its client's cache, so it already
    holds the step's effect and only needs to show the right conversation. A send from an
    offline client failed, so only the sender's panel turns to it.
    """
    sends = {s.action.name: s.action for s in scenario.steps if isinstance(s.action, Send) and s.action.name}
    views: list[tuple[str, str, ConversationType]] = []
    action = step.action
    if isinstance(action, Send) and not world.clients[action.sender].online:
        target = action.group if action.group is not None else action.to
        kind = ConversationType.GROUP if action.group is not None else ConversationType.PEER
        views.append((action.sender, str(target), kind))
    elif isinstance(action, Send):
        if action.group is not None:
            members = next(g.members for g in scenario.groups if g.id == action.group)
            views += [(m, action.group, ConversationType.GROUP) for m in members]
        elif action.to is not None:
            views += [
                (action.sender, action.to, ConversationType.PEER),
                (action.to, action.sender, ConversationType.PEER),
            ]
    elif isinstance(action, Read):
        sent = sends.get(action.messages[0])
        if sent is not None and sent.group is not None:
            views.append((action.who, sent.group, ConversationType.GROUP))
        elif sent is not None:
            views.append((action.who, sent.sender, ConversationType.PEER))
            views.append((sent.sender, action.who, ConversationType.PEER))
    elif isinstance(action, ReadConversation):
        views += [
            (action.who, action.peer, ConversationType.PEER),
            (action.peer, action.who, ConversationType.PEER),
        ]
    for user, conversation, kind in views:
        try:
            panel = window.panel(user)
            if panel.current_conversation() != (conversation, kind):
                panel.select_conversation(conversation, kind)
        except KeyError:
            pass  # no panel or no such conversation offered: leave the panel as it is


# ------------------------------------------------------------------------------ paced, in a window
def run_in_window(name: str, theme: str, speed: float) -> int:
    """Play a scenario paced in the real window; Space pauses/resumes, N runs one step."""
    scenario = _load(name)
    if scenario is None:
        return EXIT_INVALID
    from PySide6.QtWidgets import QApplication
    from readtick.ui.theme import apply_theme

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "readtick"])
    app.setApplicationName("readtick")
    app.setQuitOnLastWindowClosed(False)
    apply_theme(app, scenario.theme or theme)  # type: ignore[arg-type]
    set_display_zone(scenario.zone)
    return _run_on_qt_loop(app, _play_in_window(app, scenario, speed))  # type: ignore[arg-type]


async def _play_in_window(app: QApplication, scenario: Scenario, speed: float) -> int:
    from PySide6.QtGui import QKeySequence, QShortcut
    from readtick.ui.mainwindow import MainWindow

    world = await ScenarioWorld.create(scenario)
    window = MainWindow(world.engine, list(world.clients.values()), join_policy=join_groups_of_first_panel)
    window.setWindowTitle(f"readtick — {scenario.title}")
    player = ScenarioPlayer(scenario, world, paced=True, speed=speed, step_interval=1.5)
    total = len(scenario.steps)

    def show_step(step: Step) -> None:
        window.statusBar().showMessage(f"step {step.number}/{total}: {step.note or step.action.describe()}")

    def show_state(state: PlayerState) -> None:
        if state is PlayerState.PAUSED:
            window.statusBar().showMessage("paused — Space resumes, N plays one step")
        elif state is PlayerState.FINISHED:
            window.statusBar().showMessage(f"{scenario.title}: finished")

    def show_failure(failure: Failure) -> None:
        print(f"{scenario.source}: {failure}", file=sys.stderr)

    player.step_started.append(show_step)
    player.step_finished.append(lambda step: follow_step(window, world, scenario, step))
    player.state_changed.append(show_state)
    player.failed.append(show_failure)
    QShortcut(
        QKeySequence("Space"),
        window,
        lambda: player.resume() if player.state is PlayerState.PAUSED else player.pause(),
    )
    QShortcut(QKeySequence("N"), window, player.step)
    window.show()
    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)
    play = asyncio.ensure_future(player.play())
    await closed.wait()
    player.stop()
    result = await play
    world.close()
    return EXIT_OK if not result.failures else EXIT_FAILED
