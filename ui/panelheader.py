"""The top of a client's panel: who the client is (avatar, name and device), its link as a subtitle
("● online · 2.5 s delay" or "○ offline · events wait"), the online switch and the latency box.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget
from readtick.ui.avatar import AvatarWidget
from readtick.ui.theme import current_theme
from readtick.ui.toggleswitch import ToggleSwitch

#: The latency box's range, in seconds.
MAX_LATENCY = 30.0
#: Narrower than this, the header leaves out the labels beside the switch and the latency box.
COMPACT_BELOW = 400


class PanelHeader(QWidget):
    """The header of one panel (object name ``panelHeader``), holding ``onlineToggle`` and
    ``latencySpin``. It shows the link it is told about (``show_link``) and reports what the user
    changes; it never changes the link itself.

    Signals:
        onlineToggled(bool): the user flipped the online switch (True: online).
        latencyChanged(float): the user set the latency, in seconds.
    """

    onlineToggled = Signal(bool)
    latencyChanged = Signal(float)

    def __init__(
        self,
        user_id: str,
        *,
        online: bool,
        latency: float,
        device: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("panelHeader")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._link = (online, latency)
        avatar = AvatarWidget(user_id, 34)
        avatar.setObjectName("avatar")
        # Panels of one user share the avatar (its colour is the user's); the device tells them apart.
        name = QLabel(user_id if device is None else f"{user_id} · {device}")
        name.setObjectName("userName")
        self._subtitle = QLabel()
        self._subtitle.setObjectName("userSubtitle")
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(name)
        names.addWidget(self._subtitle)

        self._online = ToggleSwitch()
        self._online.setObjectName("onlineToggle")
        self._online.setChecked(online)
        self._online.setToolTip(
            "Online: calls reach the engine and events arrive. Offline: calls fail, events wait."
        )
        self._online.toggled.connect(self.onlineToggled)
        online_label = QLabel("online")
        online_label.setObjectName("latencyLabel")
        self._labels = (online_label,)

        self._latency = QDoubleSpinBox()
        self._latency.setObjectName("latencySpin")
        self._latency.setRange(0.0, MAX_LATENCY)
        self._latency.setDecimals(1)
        self._latency.setSingleStep(0.1)
        self._latency.setSuffix(" s")
        self._latency.setValue(latency)
        self._latency.setToolTip(
            "Link latency: how long what the engine sends takes to reach this client "
            "(type a value, or use the mouse wheel or arrow keys)"
        )
        self._latency.setFixedWidth(64)
        self._latency.setAlignment(Qt.AlignmentFlag.AlignRight)
        self._latency.valueChanged.connect(self.latencyChanged)
        latency_label = QLabel("latency")
        latency_label.setObjectName("latencyLabel")
        self._labels += (latency_label,)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        layout.addWidget(avatar)
        layout.addLayout(names, 1)
        layout.addWidget(online_label)
        layout.addWidget(self._online)
        layout.addSpacing(6)
        layout.addWidget(latency_label)
        layout.addWidget(self._latency)
        self.show_link(online, latency)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        # A narrow panel drops the words "online" and "latency": the controls keep their tooltips.
        super().resizeEvent(event)
        for label in self._labels:
            label.setVisible(self.width() >= COMPACT_BELOW)

    def show_link(self, online: bool, latency: float) -> None:
        """Show the client's link: the switch follows it (without reporting a toggle) and the
        subtitle says it. The latency box keeps what the user typed."""
        self._link = (online, latency)
        if self._online.isChecked() != online:
            self._online.blockSignals(True)
            self._online.setChecked(online)
            self._online.blockSignals(False)
        if online:
            self._subtitle.setText(f"● online · {latency:.1f} s delay" if latency else "● online")
            self._subtitle.setStyleSheet(f"color: {current_theme().info_text};")
        else:
            self._subtitle.setText("○ offline · events wait")
            self._subtitle.setStyleSheet(f"color: {current_theme().error_text};")

    def refresh_theme(self) -> None:
        """Repaint in the current theme (the subtitle's colour and the switch are set in code)."""
        self.show_link(*self._link)
        self._online.update()
