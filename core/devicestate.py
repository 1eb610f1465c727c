"""What an engine store keeps per device of a user (``core.sessions``): the devices each user
logged in on, how far each took the user's receipt events, and the last message of each
conversation each was handed. Mixed into both engine stores.

A user's receipt events stay in its outbox until every remembered device took them; the receipt
rules keep counting users (the per-user delivered cursor of ``EngineStore.delivered_seq``), while
these cursors say what each device still needs. A user with one remembered device (most users)
keeps none of this: its device's cursor *is* the user's delivered cursor, and an event leaves the
outbox when that device takes it, so one device costs nothing more than before devices existed.
The cursors are written from the moment a second device is remembered (``core.sessions`` then
copies the first device's place in). The SQLite store keeps them in memory like everything else
and writes what changed at its next commit (``SqliteDeviceState``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

DEVICE_SCHEMA = (
    """CREATE TABLE devices (
        user_id TEXT NOT NULL, device_id TEXT NOT NULL, login_order INTEGER NOT NULL,
        events_taken INTEGER NOT NULL, PRIMARY KEY (user_id, device_id)) WITHOUT ROWID""",
    """CREATE TABLE device_cursors (
        user_id TEXT NOT NULL, device_id TEXT NOT NULL, conversation_key TEXT NOT NULL,
        seq INTEGER NOT NULL, PRIMARY KEY (user_id, device_id, conversation_key)) WITHOUT ROWID""",
)
"""The engine store's schema version 2: the device tables."""


class MemoryDeviceState:
    """The device state of ``MemoryEngineStore``; its outbox is the store's (``outbox``,
    ``remove_outbox``)."""

    def __init__(self) -> None:
        self._devices: dict[str, dict[str, int]] = {}  # user -> device -> events taken, by login
        self._device_seqs: dict[tuple[str, str, str], int] = {}  # (key, user, device) -> seq

    def outbox(self, user_id: str) -> Sequence[tuple[int, object]]:
        raise NotImplementedError

    def remove_outbox(self, user_id: str, order_key: int) -> None:
        raise NotImplementedError

    def delivered_seq(self, key: str, user_id: str) -> int:
        raise NotImplementedError

    def _several(self, user_id: str) -> bool:
        """Whether the user has more than one remembered device (only then are cursors kept)."""
        return len(self._devices.get(user_id, ())) > 1

    def devices_of(self, user_id: str) -> list[str]:
        """The user's remembered devices, the one logged in longest ago first."""
        return list(self._devices.get(user_id, {}))

    def add_device(self, user_id: str, device_id: str, events_taken: int) -> None:
        self._devices.setdefault(user_id, {})[device_id] = events_taken

    def touch_device(self, user_id: str, device_id: str) -> None:
        """The device logged in again: it becomes the most recent."""
        devices = self._devices[user_id]
        devices[device_id] = devices.pop(device_id)

    def forget_device(self, user_id: str, device_id: str) -> None:
        """Drop the device and its cursors."""
        self._devices.get(user_id, {}).pop(device_id, None)
        for key in [k for k in self._device_seqs if k[1:] == (user_id, device_id)]:
            del self._device_seqs[key]

    def events_taken(self, user_id: str, device_id: str) -> int:
        """The outbox key up to which the device took the user's receipt events (with one device,
        0: what it took has left the outbox)."""
        return self._devices[user_id].get(device_id, 0) if self._several(user_id) else 0

    def save_events_taken(self, user_id: str, device_id: str, order_key: int) -> None:
        if device_id in self._devices.get(user_id, {}):
            self._devices[user_id][device_id] = order_key

    def took_events(self, user_id: str, device_id: str, order_keys: Sequence[int]) -> None:
        """The device took these events of the user's outbox: each leaves it once every
        remembered device took it."""
        if not self._several(user_id):
            for order in order_keys:
                self.remove_outbox(user_id, order)
            return
        self.save_events_taken(user_id, device_id, max(order_keys))
        taken = min(self._devices[user_id].values())
        for order, _ in list(self.outbox(user_id)):
            if order > taken:
                break
            self.remove_outbox(user_id, order)

    def device_seq(self, key: str, user_id: str, device_id: str) -> int:
        """The last seq of the conversation handed to this device (0: none); with one device,
        the user's delivered cursor."""
        if not self._several(user_id):
            return self.delivered_seq(key, user_id)
        return self._device_seqs.get((key, user_id, device_id), 0)

    def save_device_seq(self, key: str, user_id: str, device_id: str, seq: int) -> None:
        """Record the device's place (nothing to do with one device: the delivered cursor is it)."""
        if self._several(user_id):
            self._device_seqs[(key, user_id, device_id)] = seq


@dataclass
class DirtyDevices:
    """Device rows changed since the last commit."""

    devices: dict[tuple[str, str], None] = field(default_factory=dict)
    forgotten: dict[tuple[str, str], None] = field(default_factory=dict)
    cursors: dict[tuple[str, str, str], None] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.devices or self.forgotten or self.cursors)


class SqliteDeviceState(MemoryDeviceState):
    """The device state of ``SqliteEngineStore``: in memory, written at commit. The store calls
    ``_load_devices`` when it (re)loads and ``_flush_devices`` inside its commit."""

    _dirty_devices: DirtyDevices

    def _wrote(self) -> None:
        raise NotImplementedError

    def _load_devices(self, conn: sqlite3.Connection) -> None:
        self._dirty_devices = DirtyDevices()
        self._login_order: dict[tuple[str, str], int] = {}
        self._last_login_order = 0
        rows = conn.execute(
            "SELECT user_id, device_id, login_order, events_taken FROM devices ORDER BY login_order"
        )
        for user, device, order, taken in rows:
            self._devices.setdefault(user, {})[device] = taken
            self._login_order[(user, device)] = order
            self._last_login_order = max(self._last_login_order, order)
        for user, device, key, seq in conn.execute(
            "SELECT user_id, device_id, conversation_key, seq FROM device_cursors"
        ):
            self._device_seqs[(key, user, device)] = seq

    def _flush_devices(self, conn: sqlite3.Connection) -> None:
        dirty, self._dirty_devices = self._dirty_devices, DirtyDevices()
        conn.executemany("DELETE FROM devices WHERE user_id = ? AND device_id = ?", list(dirty.forgotten))
        conn.executemany(
            "DELETE FROM device_cursors WHERE user_id = ? AND device_id = ?", list(dirty.forgotten)
        )
        conn.executemany(
            """INSERT INTO devices (user_id, device_id, login_order, events_taken) VALUES (?, ?, ?, ?)
               ON CONFLICT (user_id, device_id)
               DO UPDATE SET login_order = excluded.login_order, events_taken = excluded.events_taken""",
            [
                (u, d, self._login_order[(u, d)], self._devices[u][d])
                for u, d in dirty.devices
                if d in self._devices.get(u, {})
            ],
        )
        conn.executemany(
            """INSERT INTO device_cursors (user_id, device_id, conversation_key, seq) VALUES (?, ?, ?, ?)
               ON CONFLICT (user_id, device_id, conversation_key) DO UPDATE SET seq = excluded.seq""",
            [
                (u, d, k, self._device_seqs[(k, u, d)])
                for k, u, d in dirty.cursors
                if (k, u, d) in self._device_seqs
            ],
        )

    def _logged_in_now(self, user_id: str, device_id: str) -> None:
        # a running counter: taking the max over every device at each login made 10,000 logins
        # quadratic (0.7 s of a 10,000-member world's start-up)
        self._last_login_order += 1
        self._login_order[(user_id, device_id)] = self._last_login_order
        self._dirty_devices.devices[(user_id, device_id)] = None
        self._dirty_devices.forgotten.pop((user_id, device_id), None)
        self._wrote()

    def add_device(self, user_id: str, device_id: str, events_taken: int) -> None:
        super().add_device(user_id, device_id, events_taken)
        self._logged_in_now(user_id, device_id)

    def touch_device(self, user_id: str, device_id: str) -> None:
        super().touch_device(user_id, device_id)
        self._logged_in_now(user_id, device_id)

    def forget_device(self, user_id: str, device_id: str) -> None:
        super().forget_device(user_id, device_id)
        self._login_order.pop((user_id, device_id), None)
        self._dirty_devices.forgotten[(user_id, device_id)] = None
        self._dirty_devices.devices.pop((user_id, device_id), None)
        self._wrote()

    def save_events_taken(self, user_id: str, device_id: str, order_key: int) -> None:
        super().save_events_taken(user_id, device_id, order_key)
        self._dirty_devices.devices[(user_id, device_id)] = None
        self._wrote()

    def save_device_seq(self, key: str, user_id: str, device_id: str, seq: int) -> None:
        super().save_device_seq(key, user_id, device_id, seq)
        if self._several(user_id):
            self._dirty_devices.cursors[(key, user_id, device_id)] = None
            self._wrote()
