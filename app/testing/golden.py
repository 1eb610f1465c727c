"""Golden images: compare a picture with a committed baseline, with a small per-pixel tolerance.

Offscreen rendering differs by a channel value here and there between machines (antialiasing,
rasteriser rounding), so a pixel counts as different only when a channel is off by more than
``channel_tolerance``, and a picture matches while at most ``max_bad_fraction`` of its pixels
differ. On a mismatch the actual, expected and diff images (different pixels red) are written
to the output directory. Baselines change only on an explicit switch:
``READTICK_UPDATE_BASELINES=1`` writes every picture checked as its new baseline.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import QWidget

UPDATE_SWITCH = "READTICK_UPDATE_BASELINES"
CHANNEL_TOLERANCE = 8
MAX_BAD_FRACTION = 0.005


@dataclass(frozen=True)
class Comparison:
    """``bad_pixels`` of ``total_pixels`` differ by more than the tolerance; ``diff`` paints them
    red on white (None when the sizes differ: then every pixel counts as bad)."""

    bad_pixels: int
    total_pixels: int
    diff: QImage | None
    max_bad_fraction: float = MAX_BAD_FRACTION

    @property
    def ok(self) -> bool:
        return self.bad_pixels <= self.total_pixels * self.max_bad_fraction


def compare_images(
    actual: QImage,
    expected: QImage,
    *,
    channel_tolerance: int = CHANNEL_TOLERANCE,
    max_bad_fraction: float = MAX_BAD_FRACTION,
) -> Comparison:
    """Count the pixels with any channel (RGBA) off by more than ``channel_tolerance``."""
    a = actual.convertToFormat(QImage.Format.Format_RGBA8888)
    e = expected.convertToFormat(QImage.Format.Format_RGBA8888)
    total = a.width() * a.height()
    if a.size() != e.size():
        return Comparison(total, total, None, max_bad_fraction)
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
            if pa != pe and max(abs(pa[i] - pe[i]) for i in range(4)) > channel_tolerance:
                bad += 1
                diff.setPixelColor(x, y, QColor(255, 0, 0))
    return Comparison(bad, total, diff, max_bad_fraction)


Picture = QImage | QPixmap | QWidget | Path | str
"""What ``GoldenImages.check`` takes: an image, a pixmap, a widget (grabbed as it is drawn) or
the path of a PNG."""


@dataclass(frozen=True)
class GoldenImages:
    """Baselines in ``baselines``, failure pictures in ``output``, tolerances as above."""

    baselines: Path
    output: Path
    channel_tolerance: int = CHANNEL_TOLERANCE
    max_bad_fraction: float = MAX_BAD_FRACTION

    def within(self, folder: str) -> GoldenImages:
        """The same, with baselines and output one folder further down."""
        return replace(self, baselines=self.baselines / folder, output=self.output / folder)

    @staticmethod
    def updating() -> bool:
        return os.environ.get(UPDATE_SWITCH) == "1"

    def check(self, picture: Picture, name: str) -> None:
        """Fail unless ``picture`` matches the baseline ``<name>.png``; with the update switch
        on, make it the baseline instead."""
        file_name = name if name.endswith(".png") else f"{name}.png"
        baseline = self.baselines / file_name
        actual = _image(picture)
        if self.updating():
            self.baselines.mkdir(parents=True, exist_ok=True)
            _save(picture, actual, baseline)
            return
        if not baseline.exists():
            raise AssertionError(
                f"no baseline {baseline}; create it with {UPDATE_SWITCH}=1 "
                "(then look at it before committing)"
            )
        expected = QImage(str(baseline))
        result = compare_images(
            actual, expected, channel_tolerance=self.channel_tolerance, max_bad_fraction=self.max_bad_fraction
        )
        if result.ok:
            return
        self.output.mkdir(parents=True, exist_ok=True)
        stem = Path(file_name).stem
        _save(picture, actual, self.output / f"{stem}.actual.png")
        shutil.copyfile(baseline, self.output / f"{stem}.expected.png")
        if result.diff is not None:
            result.diff.save(str(self.output / f"{stem}.diff.png"))
            what = (
                f"{result.bad_pixels} of {result.total_pixels} pixels differ by more than "
                f"{self.channel_tolerance}"
            )
        else:
            what = (
                f"it is {actual.width()}x{actual.height()}, "
                f"the baseline {expected.width()}x{expected.height()}"
            )
        raise AssertionError(
            f"{file_name}: {what} (allowed {self.max_bad_fraction:.1%} of pixels); "
            f"see {self.output}/{stem}.*.png"
        )


def _image(picture: Picture) -> QImage:
    if isinstance(picture, QImage):
        return picture
    if isinstance(picture, QPixmap):
        return picture.toImage()
    if isinstance(picture, QWidget):
        return picture.grab().toImage()
    image = QImage(str(picture))
    if image.isNull():
        raise AssertionError(f"{picture} is not a readable image")
    return image


def _save(picture: Picture, image: QImage, path: Path) -> None:
    """A PNG file is copied byte for byte; anything else is written as PNG."""
    if isinstance(picture, (Path, str)):
        shutil.copyfile(picture, path)
    elif not image.save(str(path)):
        raise AssertionError(f"could not write {path}")
