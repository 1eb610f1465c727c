"""High-DPI: the avatar in a panel's header is drawn at the pixel ratio of what it is painted on,
so at scale 2 it has twice the pixels instead of a stretched 1x picture (ticks are vector paths)."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage
from readtick.ui.avatar import AvatarWidget
from readtick.ui.panelheader import PanelHeader


def render_at(widget, ratio: float) -> QImage:
    image = QImage(
        int(widget.width() * ratio), int(widget.height() * ratio), QImage.Format.Format_ARGB32_Premultiplied
    )
    image.setDevicePixelRatio(ratio)
    image.fill(0)
    widget.render(image, QPoint(0, 0))
    return image


def test_the_header_avatar_is_drawn_at_the_target_pixel_ratio(qtbot) -> None:
    header = PanelHeader("alice", online=True, latency=0.0)
    qtbot.addWidget(header)
    header.resize(420, 60)
    avatar = header.findChild(AvatarWidget, "avatar")
    render_at(header, 2.0)
    assert avatar.pixmap_ratio() == 2.0
    assert avatar._pixmap.size().width() == 68  # 34 px at scale 2: device pixels, not stretched
    render_at(header, 1.0)
    assert avatar.pixmap_ratio() == 1.0
