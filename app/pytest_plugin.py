"""readtick's pytest plugin, for tests of receipt UI with pytest-qt.

Installed with readtick (entry point ``pytest11``, name ``readtick``), so pytest loads it in any
environment that has readtick; ``-p no:readtick`` turns it off. Its fixtures need pytest-qt
(``pip install "readtick[pytest]"``):

- ``qasync_loop``: asyncio on Qt's loop for one test; ``asyncSlot``\\ s run, and the test fails if
  a task or callback raised. Leftover tasks are cancelled at the end.
- ``run_async``: ``run_async(coroutine, timeout=5000)`` runs it on that loop and returns its
  result, pumping Qt events meanwhile.
- ``make_receipt_window``: ``make_receipt_window(clients=["alice", "bob"], groups={"team":
  [...]}, virtual_clock=True, ...)`` builds an engine, logged-in clients and the window, and
  returns a ``ReceiptWindow`` that finds panels by object name, sends and reads through clicks
  and waits for receipt statuses. Everything it made is closed when the test ends.
- ``golden_images``: ``golden_images.check(picture, "name")`` compares with
  ``baselines/name.png`` next to the test file (``_output/`` gets actual, expected and diff on a
  mismatch; ``READTICK_UPDATE_BASELINES=1`` updates).

Qt is imported only when a fixture is used: every pytest run in such an environment loads this
module, and those that test something else must not pay for Qt.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from readtick.app.testing.golden import GoldenImages
    from readtick.app.testing.loop import TestLoop
    from readtick.app.testing.receiptwindow import ReceiptWindowFactory

#: Qt messages that are not bugs of a test: the offscreen platform warns on every top-level
#: window whose size constraints it cannot pass on to a (non-existent) window manager.
OFFSCREEN_QT_NOISE = ("This plugin does not support propagateSizeHints",)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Windows from these fixtures do not fail tests on the offscreen platform's noise (with
    pytest-qt's ``qt_log_level_fail``)."""
    if not config.pluginmanager.hasplugin("pytest-qt"):
        return
    for item in items:
        if "qasync_loop" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_QT_NOISE))


@pytest.fixture
def qasync_loop(qapp: Any) -> Iterator[TestLoop]:
    """asyncio on Qt's loop for one test; fails the test if any task or callback raised."""
    from readtick.app.testing.loop import close_test_loop, describe_errors, open_test_loop

    loop = open_test_loop(qapp)
    yield loop
    errors = close_test_loop(loop, qapp)
    if errors:
        pytest.fail(f"the asyncio loop reported errors: {describe_errors(errors)}")


@pytest.fixture
def run_async(qtbot: Any, qasync_loop: TestLoop) -> Any:
    """``run_async(coroutine, timeout=5000)``: the coroutine's result (or what it raised)."""
    from readtick.app.testing.loop import run_until_done

    def run(coroutine: Any, timeout: int = 5000) -> Any:
        return run_until_done(qtbot, coroutine, timeout)

    return run


@pytest.fixture
def make_receipt_window(qtbot: Any, qasync_loop: TestLoop, run_async: Any) -> Iterator[ReceiptWindowFactory]:
    """A factory of ``ReceiptWindow``\\ s (see ``ReceiptWindowFactory.__call__``), all closed at
    the end of the test."""
    from readtick.app.testing.receiptwindow import ReceiptWindowFactory

    factory = ReceiptWindowFactory(qtbot, run_async)
    yield factory
    factory.close_all()


@pytest.fixture
def golden_images(request: pytest.FixtureRequest) -> GoldenImages:
    """Baselines in ``baselines/`` next to the test file, failure pictures in ``_output/``;
    ``golden_images.within("gallery")`` for a subfolder."""
    from readtick.app.testing.golden import GoldenImages

    here = Path(request.path).parent
    return GoldenImages(baselines=here / "baselines", output=here / "_output")
