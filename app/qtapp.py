"""The Qt side every mode shares: one QApplication (Fusion style, pinned fonts, the theme), Qt's
own messages routed into the log, and asyncio run on Qt's loop (qasync) so that Ctrl+C
(SIGINT) and SIGTERM end the run cleanly: the run's coroutine is cancelled, its ``finally``
blocks close windows and files, and the caller gets ``Interrupted`` (exit status 128 + signal).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)
T = TypeVar("T")
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_held: list[int] = []
"""Stop signals that came while Qt was starting, for the event loop to act on."""
#: What the offscreen plugin says about every top-level window; not a problem of ours.
OFFSCREEN_NOISE = ("This plugin does not support propagateSizeHints",)


class Interrupted(KeyboardInterrupt):
    """The run was ended by signal ``number`` (Ctrl+C: SIGINT, or SIGTERM) while the event loop
    ran, after the run closed what it had open; exit with ``exit_code``. A KeyboardInterrupt,
    so that no ``except Exception`` on the way out mistakes it for an error."""

    def __init__(self, number: int) -> None:
        super().__init__(signal.Signals(number).name)
        self.number = number

    @property
    def exit_code(self) -> int:
        return 128 + self.number


def hold_stop_signals() -> None:
    """From now until ``run_on_qt_loop`` runs, Ctrl+C and SIGTERM are remembered instead of
    acted on; the loop then acts on them at once.

    A KeyboardInterrupt raised while PySide6 is imported or inside a Qt callback is swallowed
    (the run carries on) or aborts the process ("libshiboken/signature: could not initialize"),
    so none may be raised from the moment Qt is touched. Call it before importing a module that
    imports Qt; ``start_qt`` calls it too.
    """
    for number in STOP_SIGNALS:
        try:
            signal.signal(number, _remember)
        except ValueError:  # not the main thread: signals are not ours to handle
            pass


def _remember(number: int, frame: object) -> None:
    if number not in _held:
        _held.append(number)


def start_qt(theme: str, *, offscreen: bool = False) -> QApplication:
    """The application, themed. ``offscreen`` renders without any display (it must be chosen
    before the QApplication exists, so an application already on a real display is refused)."""
    hold_stop_signals()
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication
    from readtick.ui.theme import apply_theme

    existing = QApplication.instance()
    if existing is not None and offscreen and QApplication.platformName() != "offscreen":
        raise RuntimeError("a QApplication already exists on a real display; headless needs a fresh process")
    _log_qt_messages()
    app = existing or QApplication([sys.argv[0] if sys.argv else "readtick"])
    app.setApplicationName("readtick")
    app.setQuitOnLastWindowClosed(False)  # the run's coroutine ends the run, not Qt
    apply_theme(app, theme)
    return app  # type: ignore[return-value]


def _log_qt_messages() -> None:
    """Qt's warnings go to the log like ours (shown by default); its debug chatter only with -vv."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handler(kind, context, message: str) -> None:  # type: ignore[no-untyped-def]
        level = logging.DEBUG if message.startswith(OFFSCREEN_NOISE) else levels.get(kind, logging.WARNING)
        log.log(level, "Qt: %s", message)

    qInstallMessageHandler(handler)


def run_on_qt_loop(app: QApplication, coroutine: Coroutine[object, object, T]) -> T:
    """Run ``coroutine`` to its end on Qt's event loop; raise ``Interrupted`` if a stop signal
    came first (also one that came while it was finishing: the user asked to stop)."""
    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    caught: list[int] = []
    try:
        with loop:  # closing the loop also gives the signals back to Python
            task = loop.create_task(coroutine)

            def stop(number: int) -> None:
                if not caught:  # a second Ctrl+C while closing changes nothing
                    log.info("%s: ending the run", signal.Signals(number).name)
                    caught.append(number)
                    task.cancel()

            for number in STOP_SIGNALS:
                try:
                    # The handler runs on the loop, never inside a Qt callback, which would
                    # print a KeyboardInterrupt traceback and carry on.
                    loop.add_signal_handler(number, stop, number)
                except (NotImplementedError, RuntimeError, ValueError):
                    # Windows, or not the main thread: Ctrl+C raises KeyboardInterrupt again
                    if number == signal.SIGINT:
                        _restore_keyboard_interrupt()
            for number in _held:
                stop(number)
            _held.clear()
            try:
                result = loop.run_until_complete(task)
            except asyncio.CancelledError:
                if caught:
                    raise Interrupted(caught[0]) from None
                raise
            if caught:
                raise Interrupted(caught[0])
            return result
    finally:
        asyncio.set_event_loop(None)


def _restore_keyboard_interrupt() -> None:
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    except ValueError:
        pass


async def window_closed(app: QApplication, window: QWidget) -> None:
    """Return once ``window`` is closed (or the application's last window is)."""
    closed = asyncio.Event()
    window.destroyed.connect(closed.set)
    app.lastWindowClosed.connect(closed.set)
    await closed.wait()


async def save_window(window: QWidget, path: Path) -> Path:
    """Save a picture of ``window`` as PNG ``path`` once queued layouts and repaints have run;
    raises ``OSError`` if it cannot be written."""
    from readtick.ui.thumbnails import shared_thumbnails

    await asyncio.sleep(0.05)
    shared_thumbnails().decode_pending()  # pictures whole, not their placeholders
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def report_slot_errors(window: QWidget) -> None:
    """A bug in a slot must not take the window down: log it and say so in the status bar."""

    def hook(kind, value, tb) -> None:  # type: ignore[no-untyped-def]
        log.error("internal error", exc_info=(kind, value, tb))
        try:
            window.statusBar().showMessage(f"Internal error: {kind.__name__}: {value}", 10000)  # type: ignore[attr-defined]
        except RuntimeError:
            pass

    sys.excepthook = hook
