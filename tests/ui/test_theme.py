"""Fonts and themes: the pinned font must really resolve (a missing font draws boxes silently)."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QFontInfo
from readtick.ui.theme import FALLBACK_FAMILIES, UI_FONT_FAMILY, apply_theme, current_theme, ui_font


def test_ui_font_resolves_to_dejavu(qapp) -> None:
    font = ui_font()
    assert QFontInfo(font).family() == UI_FONT_FAMILY
    assert font.families()[0] == UI_FONT_FAMILY
    assert QFontInfo(ui_font(mono=True)).family() == "DejaVu Sans Mono"


def test_installed_fallbacks_are_used_and_missing_ones_skipped(qapp) -> None:
    installed = set(QFontDatabase.families())
    fallbacks = ui_font().families()[1:]
    assert fallbacks == [f for f in FALLBACK_FAMILIES if f in installed]


def test_the_application_font_after_apply_theme(qapp) -> None:
    for name in ("dark", "light"):
        theme = apply_theme(qapp, name)
        assert current_theme() is theme and theme.name == name
        assert QFontInfo(qapp.font()).family() == UI_FONT_FAMILY
        assert qapp.palette().window().color().name() == theme.window
