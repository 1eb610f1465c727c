"""The golden-image comparison of readtick's pytest plugin (readtick.app.testing.golden): a
tolerance for rendering noise, actual/expected/diff pictures on a mismatch, baselines written
only on the explicit switch."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel
from readtick.app.testing import GoldenImages, compare_images


def square(color: str = "#3070b0", size: int = 100) -> QImage:
    image = QImage(size, size, QImage.Format.Format_RGBA8888)
    image.fill(QColor(color))
    return image


@pytest.fixture
def golden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GoldenImages:
    monkeypatch.delenv("READTICK_UPDATE_BASELINES", raising=False)
    return GoldenImages(baselines=tmp_path / "baselines", output=tmp_path / "_output")


def test_compare_tolerates_small_differences_and_catches_real_ones() -> None:
    base = square("#646464")
    near = base.copy()
    for x in range(100):
        near.setPixelColor(x, 0, QColor(108, 92, 100))  # within the tolerance everywhere
    assert compare_images(base, near).bad_pixels == 0
    few = base.copy()
    for x in range(50):
        few.setPixelColor(x, 0, QColor(0, 0, 0))  # 0.5%: still allowed
    assert compare_images(base, few).ok
    many = base.copy()
    for x in range(51):
        many.setPixelColor(x, 1, QColor(0, 0, 0))
    assert not compare_images(base, many).ok
    assert compare_images(base, many, max_bad_fraction=0.01).ok
    assert not compare_images(base, QImage(100, 99, QImage.Format.Format_RGBA8888)).ok


def test_a_missing_baseline_fails_and_says_how_to_make_one(golden: GoldenImages) -> None:
    with pytest.raises(
        AssertionError, match="no baseline .*square.png; create it with READTICK_UPDATE_BASELINES=1"
    ):
        golden.check(square(), "square")
    assert not golden.baselines.exists()


def test_the_switch_writes_baselines_and_then_they_are_compared(
    golden: GoldenImages, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READTICK_UPDATE_BASELINES", "1")
    golden.check(square(), "square")
    golden.check(square("#ff0000"), "other.png")
    assert sorted(p.name for p in golden.baselines.iterdir()) == ["other.png", "square.png"]
    monkeypatch.delenv("READTICK_UPDATE_BASELINES")
    golden.check(square(), "square")
    assert not golden.output.exists()


def test_a_mismatch_writes_actual_expected_and_diff(golden: GoldenImages) -> None:
    golden.baselines.mkdir()
    square().save(str(golden.baselines / "square.png"))
    changed = square()
    for x in range(100):
        changed.setPixelColor(x, 7, QColor("#000000"))  # 1% of the pixels
    with pytest.raises(AssertionError, match=r"square.png: 100 of 10000 pixels differ by more than 8"):
        golden.check(changed, "square")
    written = {p.name: QImage(str(p)) for p in golden.output.iterdir()}
    assert sorted(written) == ["square.actual.png", "square.diff.png", "square.expected.png"]
    diff = written["square.diff.png"]
    assert diff.pixelColor(3, 7) == QColor(255, 0, 0) and diff.pixelColor(3, 8) == QColor(255, 255, 255)


def test_a_different_size_fails_naming_both_sizes(golden: GoldenImages) -> None:
    golden.baselines.mkdir()
    square(size=100).save(str(golden.baselines / "square.png"))
    with pytest.raises(AssertionError, match="it is 90x90, the baseline 100x100"):
        golden.check(square(size=90), "square")


def test_a_png_file_becomes_the_baseline_byte_for_byte_and_widgets_are_grabbed(
    golden: GoldenImages, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot
) -> None:
    png = tmp_path / "rendered.png"
    square().save(str(png))
    monkeypatch.setenv("READTICK_UPDATE_BASELINES", "1")
    golden.within("files").check(png, "square")
    assert (golden.baselines / "files" / "square.png").read_bytes() == png.read_bytes()

    label = QLabel("golden")
    qtbot.addWidget(label)
    label.resize(80, 20)
    golden.check(label, "label")
    monkeypatch.delenv("READTICK_UPDATE_BASELINES")
    golden.check(label, "label")
    assert QImage(str(golden.baselines / "label.png")).size() == label.grab().size()
