"""The timeline's picture, compared with committed baselines like the receipt gallery (same
tolerance, same switch to update: ``READTICK_UPDATE_BASELINES=1``; on a mismatch the actual and
diff images go to tests/ui/_output/timeline/)."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtGui import QFontInfo, QImage
from PySide6.QtWidgets import QApplication
from readtick.ui.theme import UI_FONT_FAMILY, apply_theme, ui_font
from readtick.ui.timelineview import busiest_message, render_timeline

from tests.app.test_gallery_golden import compare
from tests.ui.test_timelinemodel import group_read_by_three_of_four

HERE = Path(__file__).resolve().parent
BASELINES = HERE / "baselines" / "timeline"
OUTPUT = HERE / "_output" / "timeline"
UPDATE = os.environ.get("READTICK_UPDATE_BASELINES") == "1"


@pytest.mark.parametrize("theme_name", ["light", "dark"])
def test_the_timeline_of_a_group_message_read_by_three_of_four_matches_its_baseline(
    qapp: QApplication, theme_name: str
) -> None:
    theme = apply_theme(qapp, theme_name)
    assert QFontInfo(ui_font(12)).family() == UI_FONT_FAMILY  # a missing font would draw boxes
    model, message_id, _ = asyncio.run(group_read_by_three_of_four())
    assert busiest_message(model).message_id == message_id
    image = render_timeline(model, model.message(message_id), theme)
    name = f"group-read-by-3-of-4-{theme_name}.png"
    baseline = BASELINES / name
    OUTPUT.mkdir(parents=True, exist_ok=True)
    image.save(str(OUTPUT / name))
    if UPDATE or not baseline.exists():
        BASELINES.mkdir(parents=True, exist_ok=True)
        shutil.copy(OUTPUT / name, baseline)
        if not UPDATE:
            pytest.fail(f"no baseline yet: wrote {baseline}; look at it, then commit it")
    result = compare(image, QImage(str(baseline)))
    if not result.ok and result.diff is not None:
        result.diff.save(str(OUTPUT / f"diff-{name}"))
    assert result.ok, f"{result.bad_pixels} of {result.total_pixels} pixels differ; see {OUTPUT}"
