"""A world and its window for one test: an engine, logged-in clients, groups, and the readtick
``MainWindow`` showing some of the clients, built by ``ReceiptWindowFactory`` (the
``make_receipt_window`` fixture) and closed, all of them, when the test ends.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import shiboken6
from PySide6.QtWidgets import QApplication
from readtick.app.scenariomodel import DEFAULT_TIMEZONE, time_zone
from readtick.app.testing.windowdriver import WindowDriver
from readtick.app.world import CLIENT_NAMES
from readtick.core import DEFAULT_DEVICE, Client, Clock, RealClock, ReceiptEngine, VirtualClock
from readtick.core.sessions import split_client_id
from readtick.ui.displaytime import display_zone, set_display_zone
from readtick.ui.mainwindow import MainWindow
from readtick.ui.theme import apply_theme, current_theme

#: 2025-01-06 09:41 UTC, where a virtual clock starts: pictures show a plausible date, not 1970.
DEFAULT_CLOCK_START = 1736156460.0
#: The group every client is in unless ``groups`` says otherwise (as in the app).
DEFAULT_GROUP = "team"
DEFAULT_SIZE = (980, 760)

Runner = Callable[..., Any]
"""``run(coroutine, timeout=5000)``: the coroutine's result, Qt events pumped meanwhile."""


class ReceiptWindow(WindowDriver):
    """One world and the window showing it.

    Attributes: ``engine``, ``clock`` (a ``VirtualClock`` unless built with
    ``virtual_clock=False``), ``clients`` (every logged-in client by user id, also group members
    without a panel), ``window`` (the ``MainWindow``), ``qtbot``, and ``run`` to await a client
    call from a test: ``w.run(w.clients["mia"].send_message_receipts_read(...))``.
    """

    def __init__(
        self,
        engine: ReceiptEngine,
        clients: dict[str, Client],
        window: MainWindow,
        qtbot: Any,
        run: Runner,
    ) -> None:
        super().__init__(window, qtbot)
        self.engine = engine
        self.clock: Clock = engine.clock
        self.clients = clients
        self.run = run
        self.closed = False

    def drain(self) -> None:
        """Let everything due reach its client and every panel (``engine.drain()``)."""
        self.run(self.engine.drain())

    def advance(self, seconds: float) -> None:
        """Move the virtual clock on and deliver or expire what became due."""
        advance = getattr(self.clock, "advance", None)
        if advance is None:
            raise TypeError("advance() needs a virtual clock: build the window with virtual_clock=True")
        advance(seconds)
        self.drain()

    def close(self) -> None:
        """Close the window, the clients' caches and the engine (idempotent)."""
        if self.closed:
            return
        self.closed = True
        if shiboken6.isValid(self.window):
            self.window.close()
        for client in self.clients.values():
            client.cache.close()
        self.engine.close()


class ReceiptWindowFactory:
    """Builds ``ReceiptWindow``s for one test and closes them all in ``close_all``."""

    def __init__(self, qtbot: Any, run: Runner) -> None:
        self._qtbot = qtbot
        self._run = run
        self._made: list[ReceiptWindow] = []
        self._theme_before = current_theme().name
        self._zone_before = display_zone()

    def __call__(
        self,
        clients: Sequence[str] = ("alice", "bob"),
        groups: Mapping[str, Sequence[str]] | None = None,
        *,
        virtual_clock: bool = True,
        clock_start: float = DEFAULT_CLOCK_START,
        delivered_status: bool = False,
        theme: str = "light",
        timezone: str | None = DEFAULT_TIMEZONE,
        size: tuple[int, int] = DEFAULT_SIZE,
        make_client: Callable[[ReceiptEngine, str], Client] | None = None,
        join_policy: Callable[[ReceiptEngine, str, Sequence[str]], None] | None = None,
    ) -> ReceiptWindow:
        """A window with one panel per user in ``clients`` (2 to 8), open on a one-to-one
        conversation, shown and exposed.

        ``groups`` maps group ids to members; members without a panel get a logged-in client
        too (in ``.clients``, silent unless the test drives them). Without ``groups`` every
        client is in the group "team". ``virtual_clock`` (default) runs the engine on a
        ``VirtualClock`` at ``clock_start`` that only the test moves; ``delivered_status``
        reports DELIVERED. ``theme`` ("light" or "dark") and ``timezone`` (an IANA name the
        window shows times in; None: the machine's own zone) hold for the whole application
        until the test ends, so pictures are the same on every machine.
        ``make_client(engine, user_id)`` makes the clients of panels added from the toolbar and
        ``join_policy(engine, user_id, panel_user_ids)`` puts them in groups (without one they
        join none, as ``MainWindow`` does).
        """
        panel_users = list(clients)  # client ids: "alice", or "alice/desktop" for another device
        if len(set(panel_users)) != len(panel_users):
            raise ValueError(f"clients must be distinct, got {panel_users}")
        logins = {cid: split_client_id(cid) for cid in panel_users}
        users = list(dict.fromkeys(user for user, _ in logins.values()))
        groups = {DEFAULT_GROUP: users} if groups is None else {g: list(m) for g, m in groups.items()}
        for member in (u for members in groups.values() for u in members):
            if member not in users:
                users.append(member)
                logins[member] = (member, DEFAULT_DEVICE)

        app = QApplication.instance()
        apply_theme(app, theme)
        set_display_zone(None if timezone is None else time_zone(timezone))
        clock: Clock = VirtualClock(start=clock_start) if virtual_clock else RealClock()
        engine = ReceiptEngine(clock=clock, delivered_status=delivered_status)
        logged_in: dict[str, Client] = {}
        try:
            for group_id, members in groups.items():
                engine.create_group(group_id, members)
            for cid, (user_id, device_id) in logins.items():
                client = Client(engine, user_id, device_id=device_id)
                self._run(client.login())
                logged_in[cid] = client
            factory = None if make_client is None else (lambda user_id: make_client(engine, user_id))
            window = MainWindow(
                engine,
                [logged_in[u] for u in panel_users],
                make_client=factory,
                join_policy=join_policy,
                client_names=CLIENT_NAMES,
            )
        except BaseException:
            for client in logged_in.values():
                client.cache.close()
            engine.close()
            raise
        made = ReceiptWindow(engine, logged_in, window, self._qtbot, self._run)
        self._made.append(made)
        self._qtbot.addWidget(window)  # pytest-qt deletes it after the test
        window.resize(*size)
        window.show()
        self._qtbot.waitExposed(window)
        return made

    @property
    def made(self) -> list[ReceiptWindow]:
        return list(self._made)

    def close_all(self) -> None:
        """Close every window made (and its clients and engine); put the theme and the time
        zone back."""
        try:
            for made in self._made:
                made.close()
        finally:
            set_display_zone(self._zone_before)
            if current_theme().name != self._theme_before:
                apply_theme(QApplication.instance(), self._theme_before)
