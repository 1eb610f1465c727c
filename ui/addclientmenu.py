"""The menu of the toolbar's "Add client" button: a new user, or another device of a user who has
a panel already ("alice · desktop"), with the next device name that user is not logged in on.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMenu, QWidget
from readtick.core import ReceiptEngine

#: Names offered to another device of a user, in order (skipping those it is logged in on).
DEVICE_NAMES = ("desktop", "phone", "tablet", "laptop", "web", "watch")


def next_free_device(engine: ReceiptEngine, user_id: str) -> str | None:
    """The first of ``DEVICE_NAMES`` the user is not logged in on, if the engine lets the user
    log in on one more device."""
    logged_in = engine.devices_logged_in(user_id)
    if len(logged_in) >= engine.max_devices:
        return None
    return next((name for name in DEVICE_NAMES if name not in logged_in), None)


class AddClientMenu(QMenu):
    """``addClientMenu``: "New user" (``addUserAction``), then one "Another device of <user>"
    (``addDeviceAction:<user>``) per user with a panel.

    Signals:
        newUserRequested(): add a client of a new user.
        deviceRequested(str, str): add a client of this user on this device.
    """

    newUserRequested = Signal()
    deviceRequested = Signal(str, str)

    def __init__(self, engine: ReceiptEngine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addClientMenu")
        self._engine = engine

    def refresh(self, users: Sequence[str], room: bool) -> None:
        """Offer devices of ``users``; ``room``: whether one more panel fits."""
        self.clear()
        new_user = self.addAction("New user")
        new_user.setObjectName("addUserAction")
        new_user.setEnabled(room)
        new_user.triggered.connect(self.newUserRequested)
        for user_id in users:
            device = next_free_device(self._engine, user_id)
            label = f" ({user_id} · {device})" if device else " (no more allowed)"
            action = self.addAction(f"Another device of {user_id}{label}")
            action.setObjectName(f"addDeviceAction:{user_id}")
            action.setEnabled(device is not None and room)
            if device is not None:
                action.triggered.connect(lambda _=False, u=user_id, d=device: self.deviceRequested.emit(u, d))
