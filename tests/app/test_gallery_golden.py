"""Golden images: every receipt state painted by the real delegate, compared with committed
baselines in tests/app/baselines/gallery/ with a small per-pixel tolerance.

On a mismatch the actual, expected and diff images go to tests/app/_output/gallery/. Baselines
change only with an explicit switch: ``READTICK_UPDATE_BASELINES=1 make test ARGS=tests/app``.
Style (Fusion), cell size, font family and theme are pinned and asserted, because offscreen
rendering with a missing font draws boxes and raises nothing.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QFontInfo, QImage
from PySide6.QtWidgets import QApplication
from readtick.app.gallery import CELL, CONTACT_SHEET, THEME_NAMES, GalleryPainter, cells, render_gallery
from readtick.ui.theme import UI_FONT_FAMILY, apply_theme, current_theme, ui_font

HERE = Path(__file__).resolve().parent
BASELINES = HERE / "baselines" / "gallery"
OUTPUT = HERE / "_output" / "gallery"
UPDATE = os.environ.get("READTICK_UPDATE_BASELINES") == "1"

CHANNEL_TOLERANCE = 8  # a channel may differ by this much (antialiasing, rasteriser rounding)
MAX_BAD_FRACTION = 0.005  # at most 0.5% of pixels may differ by more


@dataclass(frozen=True)
class Comparison:
    bad_pixels: int
    total_pixels: int
    diff: QImage | None

    @property
    def ok(self) -> bool:
        return self.bad_pixels <= self.total_pixels * MAX_BAD_FRACTION


def compare(actual: QImage, expected: QImage) -> Comparison:
    """Count pixels with any channel off by more than the tolerance; paint them red in a diff."""
    a = actual.convertToFormat(QImage.Format.Format_RGBA8888)
    e = expected.convertToFormat(QImage.Format.Format_RGBA8888)
    total = a.width() * a.height()
    if a.size() != e.size():
        return Comparison(total, total, None)
    width, height = a.width(), a.height()
    stride_a, stride_e = a.bytesPerLine(), e.bytesPerLine()
    bits_a, bits_e = bytes(a.constBits()), bytes(e.constBits())
    diff = QImage(a.size(), QImage.Format.Format_RGBA8888)
    diff.fill(QColor(255, 255, 255))
    bad = 0
    for y in range(height):
        row_a = bits_a[y * stride_a : y * stride_a + width * 4]
        row_e = bits_e[y * stride_e : y * stride_e + width * 4]
        if row_a == row_e:
            continue  # the common case: compare whole rows as bytes, pixels only where they differ
        for x in range(width):
            pa, pe = row_a[x * 4 : x * 4 + 4], row_e[x * 4 : x * 4 + 4]
            if pa != pe and max(abs(pa[i] - pe[i]) for i in range(4)) > CHANNEL_TOLERANCE:
                bad += 1
                diff.setPixelColor(x, y, QColor(255, 0, 0))
    return Comparison(bad, total, diff)


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
    expected_names = {c.file_name for c in cells()} | {CONTACT_SHEET}
    assert set(rendered) == expected_names
    assert len(expected_names) == 6 * 2 * 2 * 2 + 1
    assert current_theme().name == "light"
    for name, path in rendered.items():
        image = QImage(str(path))
        assert not image.isNull(), name
        if name != CONTACT_SHEET:
            assert image.size() == CELL, name


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
                    assert compare(first, second).bad_pixels > 50


@pytest.mark.parametrize("name", sorted({c.file_name for c in cells()} | {CONTACT_SHEET}))
def test_gallery_matches_baseline(rendered: dict[str, Path], name: str) -> None:
    actual_path = rendered[name]
    baseline = BASELINES / name
    if UPDATE:
        BASELINES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(actual_path, baseline)
        return
    if not baseline.exists():
        pytest.fail(f"no baseline {baseline}; create it with READTICK_UPDATE_BASELINES=1 (then look at it)")
    actual, expected = QImage(str(actual_path)), QImage(str(baseline))
    result = compare(actual, expected)
    if not result.ok:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        stem = Path(name).stem
        shutil.copyfile(actual_path, OUTPUT / f"{stem}.actual.png")
        shutil.copyfile(baseline, OUTPUT / f"{stem}.expected.png")
        if result.diff is not None:
            result.diff.save(str(OUTPUT / f"{stem}.diff.png"))
        pytest.fail(
            f"{name}: {result.bad_pixels} of {result.total_pixels} pixels differ by more than "
            f"{CHANNEL_TOLERANCE} (allowed {MAX_BAD_FRACTION:.1%}); see {OUTPUT}/{stem}.*.png"
        )


def test_compare_tolerates_small_differences_and_catches_real_ones() -> None:
    base = QImage(100, 100, QImage.Format.Format_RGBA8888)
    base.fill(QColor(100, 100, 100))
    near = base.copy()
    for x in range(100):
        near.setPixelColor(x, 0, QColor(108, 92, 100))  # within the tolerance everywhere
    assert compare(base, near).bad_pixels == 0
    few = base.copy()
    for x in range(50):
        few.setPixelColor(x, 0, QColor(0, 0, 0))  # 0.5%: still allowed
    assert compare(base, few).ok
    many = base.copy()
    for x in range(51):
        many.setPixelColor(x, 1, QColor(0, 0, 0))
    assert not compare(base, many).ok
    assert not compare(base, QImage(100, 99, QImage.Format.Format_RGBA8888)).ok
