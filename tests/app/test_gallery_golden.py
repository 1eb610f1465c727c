"""Golden images: every receipt state painted by the real delegate, compared with committed
baselines in tests/app/baselines/gallery/ with a small per-pixel tolerance.

The comparison is the pytest plugin's ``golden_images`` (readtick.app.testing.golden): on a
mismatch the actual, expected and diff images go to tests/app/_output/gallery/; baselines change
only with an explicit switch: ``READTICK_UPDATE_BASELINES=1 make test ARGS=tests/app``.
Style (Fusion), cell size, font family and theme are pinned and asserted, because offscreen
rendering with a missing font draws boxes and raises nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QFontInfo, QImage
from PySide6.QtWidgets import QApplication
from readtick.app.gallery import CELL, CONTACT_SHEET, THEME_NAMES, GalleryPainter, cells, render_gallery
from readtick.app.gallerymedia import MEDIA_CELL, media_cells
from readtick.app.testing import GoldenImages, compare_images
from readtick.ui.theme import UI_FONT_FAMILY, apply_theme, current_theme, ui_font


@pytest.fixture(scope="module")
def rendered(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The gallery, rendered once for the module into a temporary directory."""
    out = tmp_path_factory.mktemp("gallery")
    apply_theme(qapp, "light")
    paths = render_gallery(out, qapp)
    return {p.name: p for p in paths}


def test_rendering_is_pinned(qapp: QApplication) -> None:
    apply_theme(qapp, "light")
    sheet = qapp.styleSheet()
    qapp.setStyleSheet("")  # with a style sheet, style() is a wrapper without a name
    try:
        assert qapp.style().name().lower() == "fusion"
    finally:
        qapp.setStyleSheet(sheet)
    assert QFontInfo(ui_font()).family() == UI_FONT_FAMILY, "the pinned UI font is not installed"
    painter = GalleryPainter()
    try:
        for theme in THEME_NAMES:
            apply_theme(qapp, theme)
            assert current_theme().name == theme
            image = painter.paint(next(c for c in cells() if c.theme == theme))
            assert image.size() == CELL
            assert image.devicePixelRatio() == 1.0
    finally:
        painter.close()
        apply_theme(qapp, "light")


def test_the_gallery_has_every_state_and_restores_the_theme(
    qapp: QApplication, rendered: dict[str, Path]
) -> None:
    media_names = {c.file_name for c in media_cells()}
    expected_names = {c.file_name for c in cells()} | media_names | {CONTACT_SHEET}
    assert set(rendered) == expected_names
    # text: 6 states x peer/group x in/out x 2 themes; media: 6 states x image/file x in/out, and
    # uploading image/file outgoing, x 2 themes
    assert len(expected_names) == 6 * 2 * 2 * 2 + (6 * 2 * 2 + 2) * 2 + 1
    assert current_theme().name == "light"
    for name, path in rendered.items():
        image = QImage(str(path))
        assert not image.isNull(), name
        if name != CONTACT_SHEET:
            assert image.size() == (MEDIA_CELL if name in media_names else CELL), name


def test_every_state_looks_different_from_every_other(rendered: dict[str, Path]) -> None:
    """Outgoing: six states, six different pictures (per theme and conversation kind)."""
    for theme in THEME_NAMES:
        for kind in ("peer", "group"):
            pictures = [
                QImage(str(rendered[f"{theme}-{kind}-outgoing-{state}.png"]))
                for state in ("none", "processing", "delivered", "done", "expired", "failed")
            ]
            for i, first in enumerate(pictures):
                for second in pictures[i + 1 :]:
                    assert compare_images(first, second).bad_pixels > 50


def test_every_state_looks_different_on_a_picture_and_a_file(rendered: dict[str, Path]) -> None:
    """Outgoing media: the six states and the upload, seven different pictures, in both themes
    (the ticks sit on the photo, on a pill that is dark in both themes)."""
    for theme in THEME_NAMES:
        for media in ("image", "file"):
            pictures = [
                QImage(str(rendered[f"{theme}-{media}-outgoing-{state}.png"]))
                for state in ("none", "processing", "delivered", "done", "expired", "failed", "uploading")
            ]
            for i, first in enumerate(pictures):
                for second in pictures[i + 1 :]:
                    assert compare_images(first, second).bad_pixels > 30


@pytest.mark.parametrize(
    "name", sorted({c.file_name for c in cells()} | {c.file_name for c in media_cells()} | {CONTACT_SHEET})
)
def test_gallery_matches_baseline(rendered: dict[str, Path], golden_images: GoldenImages, name: str) -> None:
    golden_images.within("gallery").check(rendered[name], name)
