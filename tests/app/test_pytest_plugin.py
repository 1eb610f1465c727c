"""readtick's pytest plugin as a tester meets it: small test files in an empty directory (no
conftest), run by pytest in a subprocess, which finds the fixtures through the installed entry
point; the outcome is asserted (napari tests its plugin the same way, with ``pytester``)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from readtick.app import pytest_plugin

ROOT = Path(__file__).resolve().parents[2]

WINDOW_TESTS = """
import asyncio

import pytest
from PySide6.QtWidgets import QLabel
from readtick.core import ReceiptStatus
from readtick.ui.displaytime import display_zone
from readtick.ui.theme import current_theme

MADE = []


def test_send_and_read_through_clicks(make_receipt_window):
    w = make_receipt_window(clients=["alice", "bob"], groups={"team": ["alice", "bob", "carol"]})
    assert w.send("alice", "lunch?", to="bob").startswith("Sent #1 to bob")
    w.wait_for_status("alice", "lunch?", "PROCESSING")
    assert "Sent read receipt" in w.read("bob", "lunch?")
    w.wait_for_status("alice", "lunch?", ReceiptStatus.DONE)
    assert w.statuses("bob") == [ReceiptStatus.DONE]
    assert "carol" in w.clients and w.clients["carol"].logged_in
    with pytest.raises(LookupError, match="no panel client:carol"):
        w.panel("carol")


def test_windows_are_closed_and_the_theme_restored_at_teardown_1(make_receipt_window):
    MADE.append(make_receipt_window(clients=["erin", "frank", "grace"], virtual_clock=False))
    MADE.append(make_receipt_window(theme="dark"))
    assert current_theme().name == "dark"
    assert all(made.window.isVisible() for made in MADE)


def test_windows_are_closed_and_the_theme_restored_at_teardown_2():
    assert len(MADE) == 2
    assert all(made.closed for made in MADE)
    assert current_theme().name == "light"
    assert display_zone() is None


def test_times_are_shown_in_utc_unless_asked_whatever_the_machine_zone(make_receipt_window):
    def clock(w):
        return " ".join(label.text() for label in w.window.statusBar().findChildren(QLabel))

    assert "virtual clock · 2025-01-06 09:41" in clock(make_receipt_window())
    assert "virtual clock · 2025-01-06 17:41" in clock(make_receipt_window(timezone=None))


def test_a_status_that_never_comes_fails_saying_what_is_shown(make_receipt_window):
    w = make_receipt_window()
    w.send("alice", "hello", to="bob")
    w.wait_for_status("alice", "hello", "DONE", timeout=300)


def test_a_task_that_raises_fails_the_test(qtbot, qasync_loop):
    async def boom():
        raise RuntimeError("boom in a task")

    task = qasync_loop.create_task(boom())
    qtbot.waitUntil(task.done)
    del task  # nobody awaits it: asyncio reports it to the loop's exception handler


def test_run_async_returns_the_result(run_async):
    async def answer():
        await asyncio.sleep(0)
        return 42

    assert run_async(answer()) == 42
"""


def run_inner(pytester: pytest.Pytester) -> pytest.RunResult:
    """pytest on pytester's directory in a fresh process (a fresh Qt, as a tester's run has);
    warnings are errors, as in readtick's own run; hypothesis is not needed there."""
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-W", "error")


def test_the_plugin_is_registered_through_the_entry_point(request: pytest.FixtureRequest) -> None:
    assert request.config.pluginmanager.get_plugin("readtick") is pytest_plugin


def test_window_fixtures_drive_clicks_wait_and_clean_up(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_receipts=WINDOW_TESTS)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TZ", "Asia/Shanghai")  # the machine's zone, 8 hours east of UTC
        result = run_inner(pytester)
    result.assert_outcomes(passed=6, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*test_a_status_that_never_comes_fails_saying_what_is_shown*",
            "*client:alice: message 'hello' shows PROCESSING, not DONE, after 300 ms*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_a_task_that_raises_fails_the_test*",
            "*the asyncio loop reported errors: *RuntimeError('boom in a task')*",
        ]
    )


GOLDEN_TEST = """
from pathlib import Path

from PySide6.QtGui import QColor, QImage


def test_square(qapp, golden_images):
    here = Path(__file__).parent
    assert (golden_images.baselines, golden_images.output) == (here / "baselines", here / "_output")
    image = QImage(40, 40, QImage.Format.Format_RGBA8888)
    image.fill(QColor("#3070b0"))
    golden_images.within("shapes").check(image, "square")
"""


def test_golden_images_fixture_keeps_baselines_next_to_the_test(pytester: pytest.Pytester) -> None:
    """The comparison itself is tested in test_golden_images.py; here: where the fixture puts
    baselines, and that the switch reaches it."""
    pytester.makepyfile(test_golden=GOLDEN_TEST)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("READTICK_UPDATE_BASELINES", "1")
        run_inner(pytester).assert_outcomes(passed=1)
    assert (pytester.path / "baselines" / "shapes" / "square.png").exists()


def test_loading_the_plugin_imports_no_qt() -> None:
    """pytest loads the plugin in every run where readtick is installed: a project testing
    something else must not pay for (or break on) Qt."""
    script = (
        "import json, sys, readtick.app.pytest_plugin; "
        "print(json.dumps(sorted(n for n in sys.modules if n.split('.')[0] in "
        "{'PySide6', 'shiboken6', 'qasync', 'PyQt5', 'PyQt6'})))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_the_readme_shows_the_example_that_ci_runs() -> None:
    """tests/packaging/test_wheel.py runs the example file against the installed wheel; the README
    must show that file, not a copy that drifted."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Testing your receipt UI", 1)[1]
    shown = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    example = (ROOT / "tests" / "plugin_example" / "test_receipt_ui_example.py").read_text(encoding="utf-8")
    assert shown.strip() == example.split('"""', 2)[2].strip()
