"""Every client fits the screen: the grid's shape for common screens, and the window at 1366x768
with eight clients (each composer on screen or one overview click away, nothing off to the side)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QLineEdit, QWidget
from readtick.core import Client, ReceiptEngine, VirtualClock
from readtick.ui.clientpanel import ClientPanel
from readtick.ui.mainwindow import MainWindow
from readtick.ui.panelgrid import MIN_PANEL_SIZE, grid_shape

NAMES = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi")


@pytest.mark.parametrize(
    ("count", "size", "shape"),
    [
        (2, (1346, 600), (2, 1, True)),
        (4, (1346, 600), (4, 1, True)),  # 4 x 330 wide: tall panels beat 2 x 2 short ones
        (8, (1900, 900), (4, 2, True)),
        (8, (2540, 1280), (4, 2, True)),
        (4, (2540, 1280), (4, 1, True)),
        (5, (1346, 900), (3, 2, True)),  # fewest empty cells among equally roomy shapes
        (8, (1346, 600), (8, 1, False)),  # two rows would be too short: one row, scrolled sideways
    ],
)
def test_the_grid_gives_each_panel_the_most_room_that_keeps_its_minimum(count, size, shape) -> None:
    assert grid_shape(count, *size) == shape


def make_window(qtbot, run_async, users, screen: QRect) -> MainWindow:
    engine = ReceiptEngine(clock=VirtualClock(start=0.0))
    engine.create_group("team", list(users))
    clients = []
    for user in users:
        client = Client(engine, user)
        run_async(client.login())
        clients.append(client)
    window = MainWindow(engine, clients, available_geometry=lambda: screen)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def composer_on_screen(window: MainWindow, panel: ClientPanel, screen: QRect) -> bool:
    """The whole composer lies inside the panels' scrolled view, the window and the screen."""
    composer = panel.findChild(QLineEdit, "composer")
    if not composer.isVisible():
        return False
    box = QRect(composer.mapToGlobal(QPoint(0, 0)), composer.size())
    viewport = window.panel_area.findChild(QWidget, "qt_scrollarea_viewport")
    seen = QRect(viewport.mapToGlobal(QPoint(0, 0)), viewport.size())
    shown = QRect(window.mapToGlobal(QPoint(0, 0)), window.size())
    return seen.contains(box) and shown.contains(box) and screen.contains(box)


def test_eight_clients_at_1366x768_fit_and_each_composer_is_one_click_away(qtbot, run_async) -> None:
    screen = QRect(0, 0, 1366, 728)  # 1366x768 less a 40 px task bar
    window = make_window(qtbot, run_async, NAMES, screen)
    frame = window.frameGeometry()
    assert screen.left() <= frame.left() and frame.right() <= screen.right()
    assert frame.height() <= screen.height()
    jumped = []
    for panel in window.panels():
        if not composer_on_screen(window, panel, screen):
            jumped.append(panel.user_id)
            qtbot.mouseClick(window.panel_area.overview.button(panel.user_id), Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda p=panel: composer_on_screen(window, p, screen))
        assert panel.width() >= MIN_PANEL_SIZE.width()
    assert window.panel_area.overview.isVisible()  # 8 panels do not fit side by side here
    assert jumped == ["erin", "frank", "grace", "heidi"]  # four at a time, the rest one click away


def test_eight_clients_on_a_large_screen_are_all_visible_in_a_grid(qtbot, run_async) -> None:
    screen = QRect(0, 0, 1920, 1040)
    window = make_window(qtbot, run_async, NAMES, screen)
    assert window.panel_area.shape() == (4, 2, True)
    assert not window.panel_area.overview.isVisible()
    qtbot.waitUntil(lambda: all(composer_on_screen(window, panel, screen) for panel in window.panels()))


def test_adding_clients_grows_the_window_up_to_the_screen_edge_and_never_moves_it(qtbot, run_async) -> None:
    screen = QRect(0, 0, 1600, 960)
    window = make_window(qtbot, run_async, NAMES[:2], screen)
    position = window.pos()
    for expected in range(3, 9):
        assert run_async(window.create_client(NAMES[expected - 1])) is not None
        assert window.pos() == position
        assert window.frameGeometry().right() <= screen.right()
    width = window.width()
    run_async(window.remove_client("heidi"))
    assert window.width() == width  # removing re-flows the grid; the window keeps its size
