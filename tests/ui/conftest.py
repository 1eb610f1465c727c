"""What tests/ui needs beyond readtick's pytest plugin (``readtick.app.pytest_plugin``, loaded
through its installed entry point, gives ``qasync_loop``, ``run_async``, ``make_receipt_window``
and ``golden_images``; its windows show times in UTC): the offscreen-noise marker for every
test here, and screenshots for people.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from readtick.app.pytest_plugin import OFFSCREEN_QT_NOISE

OUTPUT_DIR = Path(__file__).resolve().parent / "_output"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test here may open top-level widgets offscreen, with or without the plugin's
    fixtures."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_QT_NOISE))


def save_screenshot(widget: QWidget, name: str) -> Path:
    """Render ``widget`` offscreen into tests/ui/_output/<name>.png (git-ignored)."""
    OUTPUT_DIR.mkdir(exist_ok=True)
    path = OUTPUT_DIR / f"{name}.png"
    assert widget.grab().save(str(path)), f"could not write {path}"
    return path
