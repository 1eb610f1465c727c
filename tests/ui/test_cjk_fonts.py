"""Chinese and emoji in messages: the font chain must really cover them (misses draw boxes silently).

CI installs fonts-wqy-microhei and fonts-noto-color-emoji (.ci/run); on a machine without them
this test fails and says which package to install, instead of screenshots quietly showing boxes.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QRawFont
from readtick.ui.theme import ui_font

SAMPLES = {"你好，已读回执": "fonts-wqy-microhei", "👋🍜": "fonts-noto-color-emoji"}


def covered_by(font: QFont, text: str) -> bool:
    # QRawFont is one real font file: QFontMetrics would answer for Qt's own fallback merging.
    raw = [QRawFont.fromFont(QFont(family)) for family in font.families()]
    return all(any(r.supportsCharacter(ord(char)) for r in raw) for char in text)


def test_chinese_and_emoji_are_covered_by_the_ui_font_chain(qapp) -> None:
    font = ui_font()
    for text, package in SAMPLES.items():
        assert covered_by(font, text), (
            f"no font in {font.families()} draws {text!r}: apt-get install {package}"
        )
