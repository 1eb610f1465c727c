"""The panel header reports what the user changes and shows the link it is told about."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QDoubleSpinBox, QLabel
from readtick.ui.panelheader import PanelHeader


def make_header(qtbot, *, online: bool = True, latency: float = 0.0) -> PanelHeader:
    header = PanelHeader("alice", online=online, latency=latency)
    qtbot.addWidget(header)
    header.show()
    qtbot.waitExposed(header)
    return header


def subtitle(header: PanelHeader) -> str:
    return header.findChild(QLabel, "userSubtitle").text()


def test_clicking_the_switch_reports_the_new_link_state(qtbot) -> None:
    header = make_header(qtbot)
    switch = header.findChild(QAbstractButton, "onlineToggle")
    with qtbot.waitSignal(header.onlineToggled, timeout=1000) as off:
        qtbot.mouseClick(switch, Qt.MouseButton.LeftButton)
    assert off.args == [False]
    with qtbot.waitSignal(header.onlineToggled, timeout=1000) as on:
        qtbot.mouseClick(switch, Qt.MouseButton.LeftButton)
    assert on.args == [True]


def test_typing_a_latency_reports_it_in_seconds(qtbot) -> None:
    header = make_header(qtbot)
    spin = header.findChild(QDoubleSpinBox, "latencySpin")
    spin.selectAll()
    with qtbot.waitSignal(header.latencyChanged, timeout=1000, check_params_cb=lambda s: s == 2.5):
        qtbot.keyClicks(spin, "2.5")


def test_show_link_moves_the_switch_without_reporting_a_toggle(qtbot) -> None:
    header = make_header(qtbot, latency=1.5)
    assert subtitle(header) == "● online · 1.5 s delay"
    switch = header.findChild(QAbstractButton, "onlineToggle")
    with qtbot.assertNotEmitted(header.onlineToggled):
        header.show_link(False, 1.5)
    assert not switch.isChecked()
    assert subtitle(header) == "○ offline · events wait"
    header.show_link(True, 0.0)
    assert switch.isChecked() and subtitle(header) == "● online"
