"""readtick's entry point: ``readtick`` / ``python -m app``.

Parses the command line, builds the engine, clients and bots, and runs the window with asyncio on
Qt's event loop (qasync). Without a display it says so in one line and plays the built-in demo
scenario headless (``app/headless.py``); ``--screenshot PATH`` renders the window offscreen.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from readtick.app import headless
from readtick.app.datadir import default_data_dir
from readtick.app.persistence import Persistence, PersistenceError, open_persistence
from readtick.app.world import DEFAULT_GROUP, DemoWorld, build_world, panel_users

if TYPE_CHECKING:
    from readtick.ui.mainwindow import MainWindow

EXIT_OK = 0
EXIT_DATA_DIR = 2  # the data directory is unusable, in use, or its reset was not confirmed
MEMORY = ":memory:"
MIN_CLIENTS, MAX_CLIENTS = 2, 8
MAX_GROUP_SIZE = 1000


def _client_count(text: str) -> int:
    value = _whole_number(text)
    if not MIN_CLIENTS <= value <= MAX_CLIENTS:
        raise argparse.ArgumentTypeError(f"{value} clients do not fit: choose {MIN_CLIENTS} to {MAX_CLIENTS}")
    return value


def _group_size(text: str) -> int:
    value = _whole_number(text)
    if not 2 <= value <= MAX_GROUP_SIZE:
        raise argparse.ArgumentTypeError(f"group size must be 2 to {MAX_GROUP_SIZE}, got {value}")
    return value


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


class _StoreClients(argparse.Action):
    """``--clients N``: also notes that N was given (it then wins over the saved panels)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # type: ignore[no-untyped-def]
        setattr(namespace, self.dest, values)
        namespace.clients_given = True


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="readtick",
        description="Simulated chat clients side by side, exchanging messages with read receipts.",
    )
    parser.add_argument(
        "--clients",
        type=_client_count,
        default=2,
        action=_StoreClients,
        metavar="N",
        help=f"clients with a panel, {MIN_CLIENTS}-{MAX_CLIENTS}; given, the first N default names "
        "get panels (default: the panels of the data directory's last run, else 2: alice and bob)",
    )
    parser.set_defaults(clients_given=False)
    parser.add_argument(
        "--group-size",
        type=_group_size,
        default=None,
        metavar="M",
        help=f"members of the group {DEFAULT_GROUP!r}: the panel clients plus bots "
        "without a panel (default: clients + 3 with bot readers, else clients)",
    )
    parser.add_argument(
        "--bot-readers",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="bots read receipt messages after a short random delay (default on)",
    )
    parser.add_argument("--theme", choices=("light", "dark"), default="light", help="colour theme")
    parser.add_argument(
        "--virtual-clock",
        action="store_true",
        help="run on a virtual clock with an 'advance' control (to watch receipts expire)",
    )
    parser.add_argument(
        "--delivered-status",
        action="store_true",
        help="report DELIVERED (two grey ticks) once every reader's client has a message",
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="PATH",
        help="render the window offscreen after a short built-in script, save a PNG, exit",
    )
    headless.add_arguments(parser)  # --scenario, --headless, --out, --speed, --gallery
    _add_data_arguments(parser)
    return parser


def _add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the interactive demo keeps its data (scenarios, --gallery, --screenshot: in memory)."""
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=f"keep the demo's data in DIR (default {default_data_dir()}); {MEMORY!r} keeps it in memory",
    )
    parser.add_argument(
        "--no-persist",
        action="store_true",
        help="keep everything in memory: nothing is read or written on disk",
    )
    parser.add_argument(
        "--reset",
        action="store_true",
        help="delete readtick's files in the data directory first (asks on a terminal)",
    )
    parser.add_argument("--yes", "-y", action="store_true", help="with --reset: do not ask")
    # for tests and checks: exit once the window is up (saving a PNG of it if given a path)
    parser.add_argument("--exit-after-start", nargs="?", const=True, type=Path, help=argparse.SUPPRESS)


def _data_dir(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Path | None:
    """The data directory of this run, None for in memory; refuses options that do not fit."""
    in_memory_modes = [
        flag
        for flag, on in (
            ("--screenshot", args.screenshot is not None),
            ("--gallery", args.gallery is not None),
            ("--headless", args.headless),
            ("--scenario", args.scenario is not None),
        )
        if on
    ]
    if args.data_dir == "":
        parser.error(
            "argument --data-dir: an empty name is no directory (to keep nothing on disk, use --no-persist)"
        )
    given_dir = args.data_dir not in (None, MEMORY)
    if in_memory_modes and (given_dir or args.reset):
        parser.error(
            f"{in_memory_modes[0]} always runs in memory (reproducibly); "
            "--data-dir and --reset apply to the interactive demo only"
        )
    if args.no_persist and given_dir:
        parser.error("--no-persist and --data-dir DIR contradict each other")
    if in_memory_modes or args.no_persist or args.data_dir == MEMORY:
        if args.reset:
            parser.error("--reset needs a data directory; this run keeps everything in memory")
        return None
    return Path(args.data_dir).expanduser() if args.data_dir else default_data_dir()


def has_display(environ: os._Environ[str] | dict[str, str] = os.environ) -> bool:
    return bool(environ.get("QT_QPA_PLATFORM") or environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    data_dir = _data_dir(parser, args)
    if headless.wants_this_module(args, has_display()):
        # scenarios, the gallery, and the no-display fallback (the demo scenario, headless)
        if data_dir is not None and (args.data_dir or args.reset):
            print(
                f"readtick: no display, so {data_dir} is left as it is (not read or reset)", file=sys.stderr
            )
        return headless.run(args, has_display())
    if args.screenshot is not None:
        # A headless picture: the same pixels whatever display the caller has.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    persistence = None
    if data_dir is not None:  # before Qt: a bad or busy data directory is one line, no window
        try:
            persistence = open_persistence(data_dir, reset=args.reset, assume_yes=args.yes)
        except PersistenceError as error:
            print(error, file=sys.stderr)
            return EXIT_DATA_DIR

    import qasync
    from PySide6.QtWidgets import QApplication
    from readtick.ui.theme import apply_theme

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "readtick"])
    app.setApplicationName("readtick")
    app.setQuitOnLastWindowClosed(False)  # the main coroutine ends the run, not Qt
    apply_theme(app, args.theme)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        with loop:
            return loop.run_until_complete(_run(args, app, persistence))
    finally:
        asyncio.set_event_loop(None)
        if persistence is not None:
            persistence.release()  # after the world closed its files


async def build_demo_world(args: argparse.Namespace, persistence: Persistence | None) -> DemoWorld:
    """The interactive demo's world. On a data directory, the panels of its last run come back
    (``--clients N``, given, wins: the first N default names) and a virtual clock resumes where
    it was; without a saved time (or a data directory) a virtual clock starts at the wall clock's
    now. Raises ``PersistenceError`` if a panel client's cache file cannot be used."""
    saved = persistence.session.panels if persistence else None
    return await build_world(
        users=panel_users(saved, args.clients if args.clients_given or not saved else None),
        group_size=args.group_size,
        bot_readers=args.bot_readers,
        virtual_clock=args.virtual_clock,
        clock_start=persistence.clock_start() if persistence else time.time(),
        delivered_status=args.delivered_status,
        store=persistence.store if persistence else None,
        cache_for=persistence.cache_for if persistence else None,
    )


def demo_window(world: DemoWorld, persistence: Persistence | None = None) -> MainWindow:
    """The window on ``world``: panels added from its toolbar get their clients (and caches) from
    the world; on a data directory, the panels and a virtual clock's time are saved as they
    change."""
    from readtick.app.membership import join_groups_of_first_panel
    from readtick.ui.mainwindow import MainWindow

    window = MainWindow(
        world.engine, world.clients, make_client=world.new_client, join_policy=join_groups_of_first_panel
    )
    if persistence is not None:
        persistence.follow(window, world.engine.clock)
    return window


async def _run(args: argparse.Namespace, app, persistence: Persistence | None = None) -> int:
    screenshot = args.screenshot is not None
    if screenshot:
        from readtick.app.demoscript import SCRIPT_START, play_demo_script

        world = await build_world(
            clients=args.clients,
            group_size=args.group_size or args.clients + 3,
            bot_readers=False,  # the script drives every read: the same picture every run
            virtual_clock=True,
            clock_start=SCRIPT_START,
            delivered_status=args.delivered_status,
        )
    else:
        try:
            world = await build_demo_world(args, persistence)
        except PersistenceError as error:  # a client's cache file cannot be used
            print(error, file=sys.stderr)
            return EXIT_DATA_DIR
        app.aboutToQuit.connect(world.stop)  # however Qt is told to quit, the files get closed
    window = demo_window(world, persistence)
    _install_excepthook(window)
    try:
        if screenshot:
            window.show()
            await play_demo_script(world, window)
            await asyncio.sleep(0.05)  # let queued layouts and repaints run before grabbing
            return _save_screenshot(window, args.screenshot)
        window.show()
        if args.exit_after_start is not None:
            await asyncio.sleep(0.05)  # let queued layouts and repaints run
            if isinstance(args.exit_after_start, Path):
                return _save_screenshot(window, args.exit_after_start)
            return EXIT_OK
        closed = asyncio.Event()
        window.destroyed.connect(closed.set)
        app.lastWindowClosed.connect(closed.set)
        _close_on_signals(closed)
        await closed.wait()
        return EXIT_OK
    finally:
        if persistence is not None:  # never with --screenshot: it runs in memory
            persistence.finish(world.engine.clock)
        world.stop()


def _close_on_signals(closed: asyncio.Event) -> None:
    """Ctrl+C and SIGTERM end the run like closing the window: the data files are closed."""
    import signal

    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(number, closed.set)
        except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
            pass


def _save_screenshot(window, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path)):
        print(f"readtick: could not write the screenshot to {path}", file=sys.stderr)
        return 1
    print(f"readtick: screenshot saved to {path}")
    return EXIT_OK


def _install_excepthook(window) -> None:
    """A bug in a slot must not take the demo down: log it and say so in the status bar."""

    def hook(kind, value, tb) -> None:
        traceback.print_exception(kind, value, tb)
        try:
            window.statusBar().showMessage(f"Internal error: {kind.__name__}: {value}", 10000)
        except RuntimeError:
            pass

    sys.excepthook = hook


if __name__ == "__main__":
    sys.exit(main())
