"""Proves the plugin's qasync loop fixture (readtick.app.testing.loop) works before any GUI test
relies on it: an async slot runs, tasks get turns, and errors inside tasks are recorded (that
they fail the test is shown in test_pytest_plugin.py)."""

from __future__ import annotations

import asyncio

import qasync
from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[int] = []

    @qasync.asyncSlot(int)
    async def on_fired(self, value: int) -> None:
        await asyncio.sleep(0)  # a real suspension: only a running loop resumes it
        self.seen.append(value)


def test_async_slot_runs_to_completion(qtbot, qasync_loop) -> None:
    emitter = _Emitter()
    emitter.fired.connect(emitter.on_fired)
    emitter.fired.emit(7)
    qtbot.waitUntil(lambda: emitter.seen == [7], timeout=2000)


def test_running_loop_is_the_qasync_loop(qasync_loop) -> None:
    assert asyncio.get_event_loop() is qasync_loop
    assert qasync_loop.is_running()


def test_task_errors_are_recorded(qtbot, qasync_loop) -> None:
    async def boom() -> None:
        raise RuntimeError("boom")

    task = qasync_loop.create_task(boom())
    qtbot.waitUntil(task.done, timeout=2000)
    # The handler records what asyncio reports; check the recording path directly, then clear
    # it so this test (which raised on purpose) passes.
    qasync_loop.call_exception_handler({"message": "deliberate", "exception": task.exception()})
    assert [c["message"] for c in qasync_loop.recorded_errors] == ["deliberate"]
    qasync_loop.recorded_errors.clear()


def test_wait_signal_still_waits_after_an_earlier_test(qtbot, qasync_loop) -> None:
    """The teardown's exec() round-trip leaves no quit flag: waitSignal must really time out."""
    emitter = _Emitter()
    with qtbot.waitSignal(emitter.fired, timeout=200, raising=False) as blocker:
        pass
    assert not blocker.signal_triggered
