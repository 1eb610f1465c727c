"""What tests/ui needs beyond readtick's pytest plugin (``readtick.app.pytest_plugin``, loaded
through its installed entry point, gives ``qasync_loop``, ``run_async``, ``make_receipt_window``
and ``golden_images``; its windows show times in UTC): the offscreen-noise marker for every
test here, a window on a large group's message, and screenshots for people.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from readtick.app.pytest_plugin import OFFSCREEN_QT_NOISE
from readtick.core import ConversationType, MessageSendConfig, TextMessage

OUTPUT_DIR = Path(__file__).resolve().parent / "_output"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test here may open top-level widgets offscreen, with or without the plugin's
    fixtures."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_QT_NOISE))


@pytest.fixture
def message_to_crowd(make_receipt_window):
    """``message_to_crowd(members)``: the window of alice and bob with alice's panel open on the
    group "crowd" (alice, bob and ``members``, named ``member0000``... without panels), after alice
    sent it "to everyone" with a receipt and the send was delivered; returns (window, alice's
    copy of the message)."""

    def make(members: int):
        h = make_receipt_window()
        h.engine.create_group("crowd", ["alice", "bob", *(f"member{i:04}" for i in range(members))])
        h.panel("alice").set_peers(["bob"])
        h.open("alice", "crowd", ConversationType.GROUP)
        text, config = TextMessage("to everyone"), MessageSendConfig(has_receipt=True)
        sent = h.run(h.clients["alice"].send_message(text, "crowd", ConversationType.GROUP, config)).message
        h.drain()
        model = h.panel("alice").model()
        h.qtbot.waitUntil(lambda: model.rowCount() == 1)
        return h, sent

    return make


def save_screenshot(widget: QWidget, name: str) -> Path:
    """Render ``widget`` offscreen into tests/ui/_output/<name>.png (git-ignored)."""
    OUTPUT_DIR.mkdir(exist_ok=True)
    path = OUTPUT_DIR / f"{name}.png"
    assert widget.grab().save(str(path)), f"could not write {path}"
    return path
