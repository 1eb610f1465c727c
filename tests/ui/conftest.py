"""Qt fixtures: the one qasync loop every GUI test runs on, and a window of logged-in clients.

The loop fixture follows qasync's documented pattern for pytest-qt. Without it an ``asyncSlot``
silently never runs and the test still passes, so ``test_qasync_fixture.py`` proves it works
before any GUI test relies on it.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
# Message times are shown in local time; pin it so screenshots are the same everywhere.
os.environ["TZ"] = "UTC"
time.tzset()

import pytest  # noqa: E402
import qasync  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402
from readtick.core import Client, ConversationType, ReceiptEngine, VirtualClock  # noqa: E402
from readtick.ui.clientpanel import ClientPanel  # noqa: E402
from readtick.ui.mainwindow import MainWindow  # noqa: E402
from readtick.ui.theme import apply_theme  # noqa: E402

OUTPUT_DIR = Path(__file__).resolve().parent / "_output"
#: 2025-01-06 09:41 UTC: screenshots show a plausible time instead of 1970.
T0 = 1736156460.0


#: Qt messages that are not our bugs: the offscreen platform plugin warns on every top-level
#: window whose size constraints it cannot pass on to a (non-existent) window manager.
QT_LOG_IGNORE = ("This plugin does not support propagateSizeHints",)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.qt_log_ignore(*QT_LOG_IGNORE))


@dataclass
class LoopErrors:
    """Contexts passed to the loop's exception handler during one test."""

    contexts: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def qasync_loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """asyncio on Qt's loop for one test; fails the test if any task or callback raised."""
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    errors = LoopErrors()

    def record(the_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        errors.contexts.append(context)

    loop.set_exception_handler(record)
    loop.recorded_errors = errors  # type: ignore[attr-defined]
    yield loop

    leftovers = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in leftovers:
        task.cancel()
    if leftovers:
        deadline = time.monotonic() + 5.0
        while not all(task.done() for task in leftovers) and time.monotonic() < deadline:
            qapp.processEvents()
    # loop.stop() calls QApplication.exit(); outside exec() that would leave Qt's quit flag set
    # and every later waitSignal would return at once. So stop it from inside a short exec().
    QTimer.singleShot(0, loop.stop)
    qapp.exec()
    try:
        qapp.aboutToQuit.disconnect(loop._after_run_forever)
    except (RuntimeError, TypeError):
        pass
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)
    loop.close()
    if errors.contexts:
        described = "; ".join(f"{c.get('message')}: {c.get('exception')!r}" for c in errors.contexts)
        pytest.fail(f"the asyncio loop reported errors: {described}")


@pytest.fixture
def run(qtbot, qasync_loop) -> Callable[[Coroutine[Any, Any, Any]], Any]:
    """Run a coroutine to completion on the qasync loop, pumping Qt events meanwhile."""

    def run_coroutine(coroutine: Coroutine[Any, Any, Any], timeout: int = 5000) -> Any:
        task = asyncio.ensure_future(coroutine)
        qtbot.waitUntil(task.done, timeout=timeout)
        return task.result()

    return run_coroutine


@dataclass
class Harness:
    """An engine on a virtual clock, logged-in clients and the window showing them."""

    engine: ReceiptEngine
    clock: VirtualClock
    clients: dict[str, Client]
    window: MainWindow
    qtbot: Any
    run: Callable[[Coroutine[Any, Any, Any]], Any]

    def panel(self, user_id: str) -> ClientPanel:
        panel = self.window.findChild(ClientPanel, f"client:{user_id}")
        assert panel is not None, f"no panel client:{user_id}"
        return panel

    def widget(self, user_id: str, name: str, kind: type = QWidget) -> Any:
        found = self.panel(user_id).findChild(kind, name)
        assert found is not None, f"client:{user_id} has no {name}"
        return found

    def drain(self) -> None:
        self.run(self.engine.drain())

    def open(self, user_id: str, conversation_id: str, conversation_type: ConversationType) -> None:
        self.panel(user_id).select_conversation(conversation_id, conversation_type)


@pytest.fixture
def make_harness(qtbot, qasync_loop, run) -> Callable[..., Harness]:
    """Build a window: ``make_harness(users=("alice", "bob"), group_extra=("mia",))``.

    Every user in ``users`` gets a logged-in client and a panel; ``group_extra`` are members of
    the group "team" without a panel (logged in, silent unless a test drives them).
    ``make_client(engine, user_id)`` makes the clients of panels added from the toolbar, and
    ``join_policy(engine, user_id, panel_user_ids)`` puts them in groups.
    """

    def build(
        users: tuple[str, ...] = ("alice", "bob"),
        group_extra: tuple[str, ...] = (),
        *,
        theme: str = "light",
        delivered_status: bool = False,
        size: tuple[int, int] = (980, 760),
        make_client: Callable[[ReceiptEngine, str], Client] | None = None,
        join_policy: Callable[[ReceiptEngine, str, Sequence[str]], None] | None = None,
    ) -> Harness:
        apply_theme(QApplication.instance(), theme)
        clock = VirtualClock(start=T0)
        engine = ReceiptEngine(clock=clock, delivered_status=delivered_status)
        engine.create_group("team", [*users, *group_extra])
        clients = {}
        for user_id in (*users, *group_extra):
            client = Client(engine, user_id)
            run(client.login())
            clients[user_id] = client
        factory = None if make_client is None else (lambda user_id: make_client(engine, user_id))
        window = MainWindow(engine, [clients[u] for u in users], make_client=factory, join_policy=join_policy)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        return Harness(engine, clock, clients, window, qtbot, run)

    return build


def save_screenshot(widget: QWidget, name: str) -> Path:
    """Render ``widget`` offscreen into tests/ui/_output/<name>.png (git-ignored)."""
    OUTPUT_DIR.mkdir(exist_ok=True)
    path = OUTPUT_DIR / f"{name}.png"
    assert widget.grab().save(str(path)), f"could not write {path}"
    return path
