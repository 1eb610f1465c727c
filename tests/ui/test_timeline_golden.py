"""The timeline's picture, compared with committed baselines in baselines/timeline/ through the
plugin's ``golden_images`` (update with ``READTICK_UPDATE_BASELINES=1``, then look at them)."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication
from readtick.ui.theme import UI_FONT_FAMILY, apply_theme, ui_font
from readtick.ui.timelineview import busiest_message, render_timeline

from tests.ui.test_timelinemodel import group_read_by_three_of_four


@pytest.mark.parametrize("theme_name", ["light", "dark"])
def test_the_timeline_of_a_group_message_read_by_three_of_four_matches_its_baseline(
    qapp: QApplication, golden_images, theme_name: str
) -> None:
    theme = apply_theme(qapp, theme_name)
    try:
        assert QFontInfo(ui_font(12)).family() == UI_FONT_FAMILY  # a missing font would draw boxes
        model, message_id, _ = asyncio.run(group_read_by_three_of_four())
        assert busiest_message(model).message_id == message_id
        image = render_timeline(model, model.message(message_id), theme)
        golden_images.within("timeline").check(image, f"group-read-by-3-of-4-{theme_name}")
    finally:
        apply_theme(qapp, "light")
