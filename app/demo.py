"""Plain ``readtick``: the interactive demo in a window, kept in the data directory.

The data directory is opened (locked, reset if asked, its engine store read) before Qt starts,
so a bad or busy one is one line and no window. The panels of the last run come back; closing
the window, quitting, Ctrl+C and SIGTERM all close the files cleanly.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from readtick.app.cli import EXIT_DATA_DIR, EXIT_FAILED, EXIT_OK
from readtick.app.persistence import Persistence, PersistenceError, open_persistence
from readtick.app.world import CLIENT_NAMES, DemoWorld, build_world, panel_users

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication
    from readtick.ui.mainwindow import MainWindow

log = logging.getLogger(__name__)


def run_window(args: argparse.Namespace, data_dir: Path | None) -> int:
    """The demo on ``data_dir`` (None: in memory) until its window is closed; exit status."""
    persistence = None
    if data_dir is not None:  # before Qt: a bad or busy data directory is one line, no window
        try:
            persistence = open_persistence(data_dir, reset=args.reset, assume_yes=args.yes)
        except PersistenceError as error:
            print(error, file=sys.stderr)
            return EXIT_DATA_DIR
        log.info("data directory: %s", data_dir)
    try:
        from readtick.app.qtapp import run_on_qt_loop, start_qt

        app = start_qt(args.theme)
        return run_on_qt_loop(app, _show(args, app, persistence))
    finally:
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
        bot_readers=args.bot_readers is not False,  # None (not given) means on
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
    from readtick.app.recording import RecordingControl
    from readtick.ui.mainwindow import MainWindow

    window = MainWindow(
        world.engine,
        world.clients,
        make_client=world.new_client,
        join_policy=join_groups_of_first_panel,
        client_names=CLIENT_NAMES,
    )
    for bot in world.bots:
        window.timeline.watch_without_panel(bot)
    RecordingControl(window, world.engine, world.bots)
    if persistence is not None:
        persistence.follow(window, world.engine.clock)
    return window


async def _show(args: argparse.Namespace, app: QApplication, persistence: Persistence | None) -> int:
    from readtick.app.qtapp import report_slot_errors, save_window, window_closed

    fresh = persistence is None or not persistence.store.user_ids()  # before the world registers users
    try:
        world = await build_demo_world(args, persistence)
    except PersistenceError as error:  # a client's cache file cannot be used
        print(error, file=sys.stderr)
        return EXIT_DATA_DIR
    app.aboutToQuit.connect(world.stop)  # however Qt is told to quit, the files get closed
    try:
        if fresh and not args.empty:
            from readtick.app.sampledata import add_sample_to_world

            await add_sample_to_world(world)
        window = demo_window(world, persistence)
        if fresh and not args.empty:
            window.statusBar().showMessage(
                "A sample conversation to start with (readtick --empty: none)", 15000
            )
        report_slot_errors(window)
        window.show()
        log.info("window shown: panels %s", ", ".join(window.user_ids()))
        if args.exit_after_start is None:
            await window_closed(app, window)
        elif isinstance(args.exit_after_start, Path):
            try:
                path = await save_window(window, args.exit_after_start)
            except OSError as error:
                print(f"readtick: {error}", file=sys.stderr)
                return EXIT_FAILED
            print(f"readtick: screenshot saved to {path}")
        else:
            await asyncio.sleep(0.05)  # let queued layouts and repaints run
        return EXIT_OK
    finally:
        if persistence is not None:
            persistence.finish(world.engine.clock)
        world.stop()
