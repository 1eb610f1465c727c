"""readtick's command line: the options, and the one place that decides what a run does.

``parse_command_line(argv)`` returns a ``Run``: the parsed options, the ``Mode`` (interactive
window, paced scenario window, headless scenario, screenshot, gallery) and the data directory
of the run. Qt-free: nothing here loads Qt, so a run that needs no window never starts it and
``--version``, ``--help`` and refused options answer at once.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from readtick.app.datadir import default_data_dir
from readtick.app.scenario import DEFAULT_SCENARIO
from readtick.app.world import DEFAULT_GROUP
from readtick.core.receipt import MAX_CLIENTS, MIN_CLIENTS

EXIT_OK = 0
EXIT_FAILED = 1  # a scenario's expectation or step failed, or a picture could not be written
EXIT_INVALID = 2  # the command line or a scenario file is invalid
EXIT_DATA_DIR = 2  # the data directory is unusable, in use, or its reset was not confirmed
MEMORY = ":memory:"
MAX_GROUP_SIZE = 1000
DEFAULT_OUT = Path("screenshots")
SCREENSHOT_SCENARIO = "screenshot"
"""The built-in scenario ``--screenshot PATH`` plays before it saves the window."""
#: Qt platforms that never show a window to anybody (``QT_QPA_PLATFORM``).
INVISIBLE_PLATFORMS = frozenset({"offscreen", "minimal", "minimalegl"})
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Mode(Enum):
    """What a run does; ``needs_display`` modes show a window someone watches."""

    WINDOW = "the interactive demo in a window"
    PACED = "a scenario played paced in a window"
    HEADLESS = "a scenario played headless"
    SCREENSHOT = "a picture of the window after the built-in screenshot scenario"
    GALLERY = "every receipt state as pictures"

    @property
    def needs_display(self) -> bool:
        return self in (Mode.WINDOW, Mode.PACED)


@dataclass(frozen=True)
class Run:
    """One run: ``args`` as parsed, its ``mode``, its ``scenario`` (a name or path, for the
    scenario modes), its ``data_dir`` (None: in memory) and, when the mode was changed to
    headless because nobody could see a window, ``fallback``: the one line that says why."""

    args: argparse.Namespace
    mode: Mode
    scenario: str | None = None
    data_dir: Path | None = None
    fallback: str | None = None


def package_version() -> str:
    try:
        return version("readtick")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


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


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"speed must be more than 0, got {text}")
    return value


def _log_level(text: str) -> str:
    level = text.upper()
    if level not in LOG_LEVELS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a log level: choose {', '.join(LOG_LEVELS)}")
    return level


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
    parser.add_argument("--version", action="version", version=f"readtick {package_version()}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="log what happens: -v for INFO, -vv for DEBUG"
    )
    parser.add_argument(
        "--log-level",
        type=_log_level,
        metavar="LEVEL",
        help=f"log at LEVEL ({', '.join(LOG_LEVELS)}); wins over -v",
    )
    _add_world_arguments(parser)
    _add_scenario_arguments(parser)
    _add_data_arguments(parser)
    return parser


def _add_world_arguments(parser: argparse.ArgumentParser) -> None:
    """The interactive demo's world (scenarios bring their own)."""
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
        default=None,
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


def _add_scenario_arguments(parser: argparse.ArgumentParser) -> None:
    """Scenarios, pictures and the gallery: always in memory, the same every run."""
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
        "--screenshot",
        type=Path,
        metavar="PATH",
        help=f"play the built-in {SCREENSHOT_SCENARIO!r} scenario offscreen, save the window as a PNG, exit",
    )
    parser.add_argument(
        "--gallery",
        type=Path,
        metavar="DIR",
        help="render every receipt state (light and dark) as PNGs and a contact sheet, then exit",
    )


def _add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the interactive demo keeps its data (every other mode runs in memory)."""
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
    parser.add_argument(
        "--empty",
        action="store_true",
        help="start a new data directory without the sample conversation it gets otherwise",
    )
    # For tests and checks: exit once the window is up (saving a PNG of it if given a path); such
    # a window ends by itself, so it may run where nobody can see it.
    parser.add_argument("--exit-after-start", nargs="?", const=True, type=Path, help=argparse.SUPPRESS)
    # For tests: run a window mode on an invisible platform (offscreen) until it is closed or
    # signalled, instead of falling back to headless.
    parser.add_argument("--allow-invisible-window", action="store_true", help=argparse.SUPPRESS)


# ------------------------------------------------------------------------------ the decision
def parse_command_line(argv: list[str] | None = None, environ: Mapping[str, str] = os.environ) -> Run:
    """Parse ``argv`` and decide the run; options that do not fit exit 2 with a reason."""
    parser = build_parser()
    args = parser.parse_args(argv)
    mode = _mode_asked(parser, args)
    _refuse_world_options(parser, args, mode)
    data_dir = _data_dir(parser, args, mode)
    scenario = None
    if mode in (Mode.PACED, Mode.HEADLESS):
        scenario = args.scenario if args.scenario is not None else DEFAULT_SCENARIO
    elif mode is Mode.SCREENSHOT:
        scenario = SCREENSHOT_SCENARIO
    fallback = None
    why = why_no_window(environ) if mode.needs_display else None
    # A test's window on an invisible platform may run; without any platform it could not start.
    test_window = (args.exit_after_start or args.allow_invisible_window) and environ.get("QT_QPA_PLATFORM")
    if why is not None and not test_window:
        what = "the scenario" if mode is Mode.PACED else "the built-in demo scenario"
        fallback = f"readtick: no display found ({why}); playing {what} headless instead"
        if data_dir is not None and (args.data_dir or args.reset):
            fallback += f"; {data_dir} is left as it is (not read or reset)"
        mode, data_dir = Mode.HEADLESS, None
        scenario = args.scenario if args.scenario is not None else DEFAULT_SCENARIO
    return Run(args, mode, scenario, data_dir, fallback)


def _mode_asked(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Mode:
    """The mode the options ask for; two modes at once are refused."""
    asked = [
        (flag, mode)
        for flag, mode, on in (
            ("--gallery", Mode.GALLERY, args.gallery is not None),
            ("--screenshot", Mode.SCREENSHOT, args.screenshot is not None),
            ("--headless", Mode.HEADLESS, args.headless),
            ("--scenario", Mode.PACED, args.scenario is not None and not args.headless),
        )
        if on
    ]
    if len(asked) > 1:
        parser.error(f"{asked[0][0]} and {asked[1][0]} do not go together: choose one")
    return asked[0][1] if asked else Mode.WINDOW


def _refuse_world_options(parser: argparse.ArgumentParser, args: argparse.Namespace, mode: Mode) -> None:
    """The demo's world options mean nothing to a scenario (it names its own users), so a run
    that would silently ignore them is refused instead."""
    if mode is Mode.WINDOW:
        return
    given = [
        flag
        for flag, on in (
            ("--clients", args.clients_given),
            ("--group-size", args.group_size is not None),
            ("--bot-readers/--no-bot-readers", args.bot_readers is not None),
            ("--virtual-clock", args.virtual_clock),
            ("--delivered-status", args.delivered_status),
        )
        if on
    ]
    if given:
        parser.error(
            f"{given[0]} applies to the interactive demo only, not to {_flag_of(args, mode)} "
            "(a scenario names its own users, groups and engine options)"
        )


def _flag_of(args: argparse.Namespace, mode: Mode) -> str:
    return {Mode.GALLERY: "--gallery", Mode.SCREENSHOT: "--screenshot", Mode.HEADLESS: "--headless"}.get(
        mode, "--scenario"
    )


def _data_dir(parser: argparse.ArgumentParser, args: argparse.Namespace, mode: Mode) -> Path | None:
    """The data directory of this run, None for in memory; refuses options that do not fit."""
    if args.data_dir == "":
        parser.error(
            "argument --data-dir: an empty name is no directory (to keep nothing on disk, use --no-persist)"
        )
    given_dir = args.data_dir not in (None, MEMORY)
    if mode is not Mode.WINDOW and (given_dir or args.reset):
        parser.error(
            f"{_flag_of(args, mode)} always runs in memory (reproducibly); "
            "--data-dir and --reset apply to the interactive demo only"
        )
    if args.no_persist and given_dir:
        parser.error("--no-persist and --data-dir DIR contradict each other")
    if mode is not Mode.WINDOW or args.no_persist or args.data_dir == MEMORY:
        if args.reset:
            parser.error("--reset needs a data directory; this run keeps everything in memory")
        return None
    return Path(args.data_dir).expanduser() if args.data_dir else default_data_dir()


def why_no_window(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> str | None:
    """Why a window would be seen by nobody, or None if it can be shown.

    ``QT_QPA_PLATFORM`` naming an invisible platform (offscreen, minimal) means nobody sees a
    window; naming another one is trusted. Without it, X11 and Wayland need ``$DISPLAY`` or
    ``$WAYLAND_DISPLAY``; macOS and Windows always have a screen.
    """
    requested = environ.get("QT_QPA_PLATFORM", "")
    if requested:
        first = requested.split(";")[0].split(":")[0].strip()
        if first in INVISIBLE_PLATFORMS:
            return f"QT_QPA_PLATFORM={first} shows no window"
        return None
    if platform in ("darwin", "win32") or environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return "$DISPLAY and $WAYLAND_DISPLAY are unset"


def log_level(args: argparse.Namespace) -> int:
    """``--log-level`` if given, else WARNING lowered one step per ``-v`` (INFO, DEBUG)."""
    if args.log_level is not None:
        return int(getattr(logging, args.log_level))
    return {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
