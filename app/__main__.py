"""readtick's front door: ``readtick`` / ``python -m readtick.app``.

Parses the command line once (``cli.parse_command_line`` decides the mode), sets up logging,
and hands the run to its mode: the interactive window (``demo``), a scenario paced in the
window (``pacedwindow``), or one of the modes without a window (``headless``: a scenario,
``--screenshot``, ``--gallery``). Qt is loaded only by a mode that needs it. Ctrl+C ends every
mode cleanly with exit status 130 (SIGTERM: 143), without a traceback.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from readtick.app.cli import Run

log = logging.getLogger("readtick.app")  # not __name__: run with -m, that is "__main__"
LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"
EXIT_INTERRUPTED = 130  # 128 + SIGINT


def main(argv: list[str] | None = None) -> int:
    try:
        # Imported here, so that a Ctrl+C while they load also ends in exit status 130.
        from readtick.app.cli import log_level, parse_command_line

        run = parse_command_line(argv)
        configure_logging(log_level(run.args))
        if run.fallback is not None:
            print(run.fallback, file=sys.stderr)
        log.info("mode: %s", run.mode.value)
        return _run_mode(run)
    except KeyboardInterrupt as stop:  # qtapp.Interrupted if it came while the event loop ran
        return int(getattr(stop, "exit_code", EXIT_INTERRUPTED))


def _run_mode(run: Run) -> int:
    from readtick.app.cli import DEFAULT_OUT, Mode
    from readtick.app.qtapp import hold_stop_signals

    args = run.args
    if run.mode is Mode.WINDOW:
        from readtick.app.demo import run_window  # Qt only once its data directory is open

        return run_window(args, run.data_dir)
    hold_stop_signals()  # the modules below import Qt
    if run.mode is Mode.PACED:
        from readtick.app.pacedwindow import run_paced

        return run_paced(str(run.scenario), args.theme, args.speed)
    from readtick.app import headless

    if run.mode is Mode.GALLERY:
        return headless.run_gallery(args.gallery, args.theme)
    if run.mode is Mode.SCREENSHOT:
        return headless.run_screenshot(args.screenshot, args.theme)
    out = args.out if args.out is not None else DEFAULT_OUT
    return headless.run_headless(str(run.scenario), out, args.theme)


def configure_logging(level: int) -> None:
    """readtick's loggers (``readtick.core``, ``readtick.ui``, ``readtick.app`` and their
    modules) write to stderr from ``level`` up; called again, it only changes the level."""
    package = logging.getLogger("readtick")
    package.setLevel(level)
    if not any(getattr(handler, "readtick", False) for handler in package.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        handler.readtick = True  # type: ignore[attr-defined]
        package.addHandler(handler)


if __name__ == "__main__":
    sys.exit(main())
