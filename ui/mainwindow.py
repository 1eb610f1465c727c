"""The main window: one ``ClientPanel`` per client (2 to 8) in a grid that fits the screen
(``PanelArea``), with a toolbar (``WindowToolBar``) to add and remove clients, switch theme and
(on a virtual clock) advance time.

The window never opens larger than the screen's available geometry (``available_geometry``, by
default the screen's, can be given for tests); one row of panels opens at their preferred width,
more rows take the screen. Adding a panel grows the window at most to the screen's edge and never
moves it; removing one leaves the size alone and the grid re-flows.

The window is the composition root of the UI: it creates one ``ClientBridge`` per client and is
the only widget that touches the engine (to log new clients in). Clients added from the toolbar
come from ``make_client`` and join the groups ``join_policy`` picks, both given by the app (so they
get the same kind of cache as the others); removing one logs it out and closes its cache.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QWidget
from readtick.core import Client, ReceiptEngine, ReceiptError
from readtick.core.receipt import MAX_CLIENTS, MIN_CLIENTS
from readtick.ui.alive import Gone, alive_slot, is_alive, survive
from readtick.ui.clientbridge import ClientBridge
from readtick.ui.clientpanel import ClientPanel
from readtick.ui.displaytime import clock_text
from readtick.ui.panelgrid import PanelArea
from readtick.ui.theme import apply_theme
from readtick.ui.timelinelink import TimelineLink
from readtick.ui.windowfit import fit_window, keep_frame_on_screen
from readtick.ui.windowtoolbar import WindowToolBar

JoinPolicy = Callable[[ReceiptEngine, str, Sequence[str]], None]
"""``join_policy(engine, user_id, panel_user_ids)`` puts a client added from the toolbar, just logged
in, in groups (``panel_user_ids``: the panels before it, in order); a ``ReceiptError`` undoes it."""


class MainWindow(QMainWindow):
    """The readtick window (object name ``mainWindow``).

    ``make_client(user_id)`` makes the (not yet logged-in) client of a panel added from the
    toolbar; by default a ``Client`` on ``engine`` with a fresh cache in memory. ``join_policy``
    then puts it in groups (see ``JoinPolicy``); by default it joins none. The Add client menu
    also adds another device of a user with a panel: ``make_device(user_id, device_id)`` makes
    its client (by default with a cache in memory). Panels are keyed by ``Client.client_id``
    ("alice", "alice/desktop").

    Signals:
        clientsChanged(): a panel was added or removed.
    """

    clientsChanged = Signal()

    def __init__(
        self,
        engine: ReceiptEngine,
        clients: Sequence[Client],
        parent: QWidget | None = None,
        *,
        make_client: Callable[[str], Client] | None = None,
        join_policy: JoinPolicy | None = None,
        client_names: Sequence[str] = (),
        available_geometry: Callable[[], QRect] | None = None,
        make_device: Callable[[str, str], Client] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("readtick — read receipts, side by side")
        self._engine = engine
        self._make_client: Callable[[str], Client] = make_client or (lambda user_id: Client(engine, user_id))
        self._join_policy = join_policy
        self._client_names = tuple(client_names)
        self._make_device: Callable[[str, str], Client] = make_device or (
            lambda user_id, device_id: Client(engine, user_id, device_id=device_id)
        )
        self._panels: dict[str, ClientPanel] = {}
        self._pending_peers: list[str] = []
        self._clients: dict[str, Client] = {}
        self._shown = False
        self._available_geometry = available_geometry

        self.panel_area = PanelArea()
        self.setCentralWidget(self.panel_area)
        self.timeline = TimelineLink(self, engine)
        self._build_toolbar()
        self._clock_label = QLabel()
        self.statusBar().addPermanentWidget(self._clock_label)
        # Whoever advances a virtual clock (the toolbar, a script, the scenario player), the label
        # follows; a real clock never jumps. Receipts that expire meanwhile reach every panel as
        # events through its client's cache. Weakly held: the clock outlives the window.
        engine.clock.subscribe(_WeakClockListener(self))

        # Every initial panel offers every initial peer from the start, so each opens on a
        # one-to-one conversation rather than on whatever existed when it was created.
        self._pending_peers = list(dict.fromkeys(client.user_id for client in clients))
        for client in clients:
            self.add_client(client)
        self._pending_peers = []
        self._fit_size(first=True)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if not self._shown:
            self._shown = True
            self._keep_frame_on_screen()
            # A chat window starts in its first composer, not in the first toolbar control.
            if self._panels:
                next(iter(self._panels.values())).focus_composer()

    # --- toolbar ----------------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        toolbar = WindowToolBar(self._engine, self.timeline.action, self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar
        # The controls, under the names tests and the app use.
        self.add_client_action = toolbar.add_client_action
        self.add_client_menu = toolbar.add_client_menu
        self.remove_client_action = toolbar.remove_client_action
        self.theme_action = toolbar.theme_action
        self.advance_action = toolbar.advance_action
        self.time_control = toolbar.time_control
        self.record_action = toolbar.record_action
        self.add_client_action.triggered.connect(self.add_new_client)
        self.add_client_menu.newUserRequested.connect(self.add_new_client)
        self.add_client_menu.deviceRequested.connect(self.add_device)
        toolbar.removeRequested.connect(self.remove_client)
        self.theme_action.toggled.connect(lambda dark: self.set_theme("dark" if dark else "light"))
        self.advance_action.triggered.connect(self.advance_clock)

    def _update_toolbar(self) -> None:
        self.toolbar.show_clients([(cid, _shown_name(cid)) for cid in self._panels], self._panel_users())
        count = len(self._panels)
        users = len(self._engine.user_ids())
        groups = len({g for uid in self._panel_users() for g in self._engine.group_ids_of(uid)})
        self.statusBar().showMessage(
            f"{count} clients with panels · {users} users · "
            f"{groups} group{'s' if groups != 1 else ''} · one shared engine"
        )
        self._update_clock()

    def _update_clock(self) -> None:
        clock = self._engine.clock
        kind = "virtual clock" if hasattr(clock, "advance") else "real clock"
        self._clock_label.setText(f"{kind} · {clock_text(clock.now(), '%Y-%m-%d %H:%M')}")

    # --- panels -----------------------------------------------------------------------------------

    def panel(self, client_id: str) -> ClientPanel:
        """The panel of ``client_id`` ("alice", "alice/desktop")."""
        return self._panels[client_id]

    def panels(self) -> list[ClientPanel]:
        return list(self._panels.values())

    def user_ids(self) -> list[str]:
        """The users whose (default-device) clients have panels, in order: what is saved and
        restored. Panels of other devices are not restored."""
        return [cid for cid, client in self._clients.items() if client.client_id == client.user_id]

    def client_ids(self) -> list[str]:
        """Every panel's client, in order."""
        return list(self._panels)

    def client(self, client_id: str) -> Client:
        """The client shown in the panel of ``client_id`` ("alice", "alice/desktop")."""
        return self._clients[client_id]

    def _panel_users(self) -> list[str]:
        return list(dict.fromkeys(client.user_id for client in self._clients.values()))

    def add_client(self, client: Client) -> ClientPanel:
        """Give an already logged-in client a panel."""
        if client.client_id in self._panels:
            raise ValueError(f"{client.client_id!r} already has a panel")
        if len(self._panels) >= MAX_CLIENTS:
            raise ValueError(f"at most {MAX_CLIENTS} clients fit side by side")
        bridge = ClientBridge(client, self._engine)
        panel = ClientPanel(bridge, peers=self._peer_ids(client.user_id))
        bridge.setParent(panel)
        panel.statusShown.connect(
            lambda severity, text, cid=client.client_id: self._on_panel_status(cid, severity, text)
        )
        panel.newCountChanged.connect(
            lambda count, cid=client.client_id: self.panel_area.overview.set_new_count(cid, count)
        )
        first_of_user = client.user_id not in self._panel_users()
        self._panels[client.client_id] = panel
        self._clients[client.client_id] = client
        if first_of_user:
            self.timeline.panel_added(panel, client)  # one lane per user: its first panel's
        self._show_panels()
        self._refresh_peers()
        self._update_toolbar()
        self.clientsChanged.emit()
        return panel

    def _peer_ids(self, extra: str) -> list[str]:
        return list(dict.fromkeys([*self._panel_users(), *self._pending_peers, extra]))

    def _refresh_peers(self) -> None:
        users = list(dict.fromkeys([*self._panel_users(), *self._pending_peers]))
        for panel in self._panels.values():
            panel.set_peers(users)

    def _show_panels(self) -> None:
        self.panel_area.set_panels(list(self._panels.values()), list(self._panels))

    def available_geometry(self) -> QRect:
        """The screen space the window may take (the screen's minus task bars and docks)."""
        if self._available_geometry is not None:
            return self._available_geometry()
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry()

    def _keep_frame_on_screen(self) -> None:
        keep_frame_on_screen(self, self.available_geometry())

    def _fit_size(self, *, first: bool = False) -> None:
        fit_window(self, self.available_geometry(), len(self._panels), first=first)

    def _on_panel_status(self, client_id: str, severity: str, text: str) -> None:
        if severity == "error":
            self.statusBar().showMessage(f"{_shown_name(client_id)}: {text}", 8000)

    @alive_slot(str, str)
    async def add_device(self, user_id: str, device_id: str) -> None:
        """Add-client menu: another device of a user with a panel."""
        await self.create_device(user_id, device_id)

    async def create_device(self, user_id: str, device_id: str) -> ClientPanel | None:
        """Log ``user_id`` in on ``device_id`` (``make_device``) and give it a panel; it is in the
        user's groups already. Errors go to the status bar; returns the panel, or None."""
        if len(self._panels) >= MAX_CLIENTS:
            self.statusBar().showMessage(f"At most {MAX_CLIENTS} clients fit side by side.", 5000)
            return None
        try:
            client = self._make_device(user_id, device_id)
            await survive(self, client.login())
        except (ReceiptError, Gone) as error:
            if isinstance(error, ReceiptError) and is_alive(self):
                self.statusBar().showMessage(f"Could not add {user_id} · {device_id}: {error.message}", 8000)
            return None
        panel = self.add_client(client)
        self._fit_size()
        self.statusBar().showMessage(f"{user_id} logged in on {device_id} too.", 5000)
        return panel

    def next_free_name(self) -> str:
        """The first of ``client_names`` nobody uses yet, else ``user<n>``."""
        taken = set(self._engine.user_ids()) | set(self._panel_users())
        for name in self._client_names:
            if name not in taken:
                return name
        number = len(taken) + 1
        while f"user{number}" in taken:
            number += 1
        return f"user{number}"

    @alive_slot()
    async def add_new_client(self) -> None:
        """Toolbar action: a new client with the next free name."""
        await self.create_client(self.next_free_name())

    async def create_client(self, user_id: str) -> ClientPanel | None:
        """Make a new client (``make_client``), log it in, put it in groups (``join_policy``), and
        give it a panel. Errors go to the status bar; returns the panel, or None."""
        if len(self._panels) >= MAX_CLIENTS:
            self.statusBar().showMessage(f"At most {MAX_CLIENTS} clients fit side by side.", 5000)
            return None
        if user_id in self._panel_users():
            self.statusBar().showMessage(f"{user_id} already has a panel.", 5000)
            return None
        try:
            client = self._make_client(user_id)
        except Exception as error:  # whatever the factory raises, e.g. a cache file it cannot open
            message = error.message if isinstance(error, ReceiptError) else str(error)
            self.statusBar().showMessage(f"Could not add {user_id}: {message}", 8000)
            return None
        try:
            await survive(self, client.login())
            if self._join_policy is not None:
                self._join_policy(self._engine, user_id, list(self._panels))
        except (ReceiptError, Gone) as error:
            await _log_out_and_close(client)
            if isinstance(error, ReceiptError) and is_alive(self):
                self.statusBar().showMessage(f"Could not add {user_id}: {error.message}", 8000)
            return None
        panel = self.add_client(client)
        self._fit_size()
        joined = " and joined the groups" if self._join_policy is not None else ""
        self.statusBar().showMessage(f"{user_id} logged in{joined}.", 5000)
        return panel

    @alive_slot(str)
    async def remove_client(self, client_id: str) -> None:
        """Close a client's panel, log the client out and close its local cache (its user stays
        known to the engine, which keeps what arrives for it until it logs in again)."""
        if len(self._panels) <= MIN_CLIENTS:
            self.statusBar().showMessage(f"At least {MIN_CLIENTS} clients stay.", 5000)
            return
        panel = self._panels.pop(client_id, None)
        client = self._clients.pop(client_id, None)
        if panel is None or client is None:
            return
        panel.bridge.detach()
        self.timeline.panel_removed(client.user_id)
        same_user = [cid for cid, other in self._clients.items() if other.user_id == client.user_id]
        if same_user:  # the user's lane follows another of its devices' panels
            self.timeline.panel_added(self._panels[same_user[0]], self._clients[same_user[0]])
        self._show_panels()
        panel.hide()
        panel.setParent(None)
        panel.deleteLater()
        self._refresh_peers()
        self._update_toolbar()
        self.clientsChanged.emit()
        try:
            await survive(self, client.logout())
        except ReceiptError as error:
            self.statusBar().showMessage(f"{_shown_name(client_id)}: {error.message}", 8000)
        finally:
            client.cache.close()

    # --- theme and time ---------------------------------------------------------------------------

    def set_theme(self, name: str) -> None:
        apply_theme(QApplication.instance(), name)
        self.toolbar.show_theme(name)
        for panel in self._panels.values():
            panel.refresh_theme()

    @alive_slot()
    async def advance_clock(self) -> None:
        """Toolbar action: one day forward on the virtual clock."""
        await self.advance_clock_by(86400.0)

    async def advance_clock_by(self, seconds: float) -> None:
        clock = self._engine.clock
        if not hasattr(clock, "advance"):
            return
        clock.advance(seconds)
        await self._engine.drain()


def _shown_name(client_id: str) -> str:
    """How a client is named to people: "alice", or "alice · desktop"."""
    return client_id.replace("/", " · ")


async def _log_out_and_close(client: Client) -> None:
    """Undo a client that did not make it to a panel: log it out if it got in, close its cache."""
    try:
        if client.logged_in:
            await client.logout()
    except ReceiptError:
        pass
    finally:
        client.cache.close()


class _WeakClockListener:
    """When the clock jumps, while the window exists, its clock label follows."""

    def __init__(self, window: MainWindow) -> None:
        self._window = weakref.ref(window)

    def __call__(self) -> None:
        window = self._window()
        if window is not None and is_alive(window):
            window._update_clock()
