"""readtick's entry point: ``readtick`` / ``python -m app``.

Parses the command line, builds the engine, clients and bots, and runs the window with asyncio on
Qt's event loop (qasync). Without a display it says so and exits 2, unless ``--screenshot PATH``
asks for a headless picture after the built-in script.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import traceback
from pathlib import Path

from app import headless
from app.world import DEFAULT_GROUP, build_world

EXIT_OK = 0
EXIT_NO_DISPLAY = 2
MIN_CLIENTS, MAX_CLIENTS = 2, 8
MAX_GROUP_SIZE = 1000

NO_DISPLAY_MESSAGE = (
    "readtick: no display found ($DISPLAY and $WAYLAND_DISPLAY are unset, QT_QPA_PLATFORM is not set); "
    "run headless with `readtick --screenshot out.png`, or set QT_QPA_PLATFORM=offscreen"
)


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="readtick",
        description="Simulated chat clients side by side, exchanging messages with read receipts.",
    )
    parser.add_argument(
        "--clients",
        type=_client_count,
        default=2,
        metavar="N",
        help=f"clients with a panel, {MIN_CLIENTS}-{MAX_CLIENTS} (default 2: alice and bob)",
    )
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
    return parser


def has_display(environ: os._Environ[str] | dict[str, str] = os.environ) -> bool:
    return bool(environ.get("QT_QPA_PLATFORM") or environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if headless.wants_this_module(args, has_display()):
        # scenarios, the gallery, and the no-display fallback (the demo scenario, headless)
        return headless.run(args, has_display())
    if args.screenshot is not None:
        # A headless picture: the same pixels whatever display the caller has.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif not has_display():
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return EXIT_NO_DISPLAY
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    import qasync
    from PySide6.QtWidgets import QApplication

    from ui.theme import apply_theme

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "readtick"])
    app.setApplicationName("readtick")
    app.setQuitOnLastWindowClosed(False)  # the main coroutine ends the run, not Qt
    apply_theme(app, args.theme)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        with loop:
            return loop.run_until_complete(_run(args, app))
    finally:
        asyncio.set_event_loop(None)


async def _run(args: argparse.Namespace, app) -> int:
    from ui.mainwindow import MainWindow

    screenshot = args.screenshot is not None
    if screenshot:
        from app.demoscript import SCRIPT_START, play_demo_script

        world = await build_world(
            clients=args.clients,
            group_size=args.group_size or args.clients + 3,
            bot_readers=False,  # the script drives every read: the same picture every run
            virtual_clock=True,
            clock_start=SCRIPT_START,
            delivered_status=args.delivered_status,
        )
    else:
        world = await build_world(
            clients=args.clients,
            group_size=args.group_size,
            bot_readers=args.bot_readers,
            virtual_clock=args.virtual_clock,
            delivered_status=args.delivered_status,
        )
    window = MainWindow(world.engine, world.clients)
    _install_excepthook(window)
    try:
        if screenshot:
            window.show()
            await play_demo_script(world, window)
            await asyncio.sleep(0.05)  # let queued layouts and repaints run before grabbing
            return _save_screenshot(window, args.screenshot)
        window.show()
        closed = asyncio.Event()
        window.destroyed.connect(closed.set)
        app.lastWindowClosed.connect(closed.set)
        await closed.wait()
        return EXIT_OK
    finally:
        world.stop()


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
