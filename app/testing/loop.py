"""asyncio on Qt's event loop for one pytest-qt test, the way qasync needs it there.

Without an installed loop an ``asyncSlot`` silently never runs and the test still passes; with a
plain ``asyncio`` loop Qt's events do not run. ``open_test_loop`` installs a
``qasync.QEventLoop(app, already_running=True)`` (pytest-qt drives Qt's loop) whose exception
handler records what tasks and callbacks raised, so the test can fail on it instead of the error
only being logged. ``close_test_loop`` undoes it without leaving Qt in a state that breaks the
next test.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from typing import Any

# PySide6 before qasync: qasync uses the Qt binding that is already imported (else PyQt first).
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

import qasync  # isort: skip

#: How long teardown waits for cancelled leftover tasks to finish.
CANCEL_GRACE_SECONDS = 5.0


class TestLoop(qasync.QEventLoop):
    """The loop of one test. ``recorded_errors`` holds the context of every exception asyncio
    reported (a task that raised and nobody awaited, a failing callback)."""

    __test__ = False  # not a test class, whatever its name says

    def __init__(self, app: QApplication) -> None:
        super().__init__(app, already_running=True)
        self.recorded_errors: list[dict[str, Any]] = []
        self.set_exception_handler(lambda _loop, context: self.recorded_errors.append(context))


def open_test_loop(app: QApplication) -> TestLoop:
    """Install a fresh loop on ``app`` as asyncio's current loop."""
    loop = TestLoop(app)
    asyncio.set_event_loop(loop)
    return loop


def close_test_loop(loop: TestLoop, app: QApplication) -> list[dict[str, Any]]:
    """Cancel the tasks still pending, stop and close ``loop``; return the errors it recorded."""
    leftovers = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in leftovers:
        task.cancel()
    if leftovers:
        deadline = time.monotonic() + CANCEL_GRACE_SECONDS
        while not all(task.done() for task in leftovers) and time.monotonic() < deadline:
            app.processEvents()
    # loop.stop() calls QApplication.exit(); outside exec() that would leave Qt's quit flag set
    # and every later waitSignal would return at once. So stop it from inside a short exec().
    QTimer.singleShot(0, loop.stop)
    app.exec()
    try:
        app.aboutToQuit.disconnect(loop._after_run_forever)
    except (RuntimeError, TypeError):
        pass  # not connected in this qasync version: nothing to undo
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)
    loop.close()
    return loop.recorded_errors


def describe_errors(contexts: list[dict[str, Any]]) -> str:
    """One line for the failure message: each recorded error's message and exception."""
    return "; ".join(f"{c.get('message')}: {c.get('exception')!r}" for c in contexts)


def run_until_done(qtbot: Any, coroutine: Coroutine[Any, Any, Any], timeout: int = 5000) -> Any:
    """Run ``coroutine`` as a task on the current (test) loop, pumping Qt events until it is
    done; return its result or raise what it raised. ``timeout`` is in milliseconds."""
    task = asyncio.ensure_future(coroutine)
    qtbot.waitUntil(task.done, timeout=timeout)
    return task.result()
