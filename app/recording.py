"""The window's Record switch, wired to a ``Recorder``: while it is on, what the panels' bridges
report (sends, reads, conversation reads, link changes), panels added or closed and the bots'
reads become scenario steps; switching it off asks where to save the file and writes it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog
from readtick.app.recorder import Recorder
from readtick.core import Client, Message, MessageDirection, ReceiptEngine, ReceiptStatus
from readtick.core.results import MessageReceiptInfo
from readtick.ui.alive import Gone, survive
from readtick.ui.mainwindow import MainWindow

AskPath = Callable[[Callable[[str], None]], None]
"""``ask_path(done)``: find out where to save, then call ``done(path)`` (or never, if cancelled)."""


class RecordingControl(QObject):
    """Shows ``window.record_action`` and records while it is checked. ``others`` are clients
    without a panel whose reads are recorded too (the demo's bots)."""

    def __init__(
        self,
        window: MainWindow,
        engine: ReceiptEngine,
        others: Sequence[Client] = (),
        *,
        ask_path: AskPath | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._engine = engine
        self._others = list(others)
        self._ask_path = ask_path or self._ask_with_dialog
        self._monotonic = monotonic
        self._recorder: Recorder | None = None
        self._panels: list[str] = []
        self._links: dict[str, tuple[bool, float]] = {}
        self._undo: list[Callable[[], None]] = []
        self.last_saved: Path | None = None
        window.record_action.setVisible(True)
        window.record_action.toggled.connect(self._toggled)
        window.clientsChanged.connect(self._on_clients_changed)

    @property
    def recording(self) -> bool:
        return self._recorder is not None

    def _toggled(self, on: bool) -> None:
        if on and self._recorder is None:
            self._start()
        elif not on and self._recorder is not None:
            self._stop()

    def _start(self) -> None:
        window = self._window
        clients = {c.user_id: c for c in self._others} | {u: window.client(u) for u in window.user_ids()}
        self._recorder = Recorder(self._engine, clients, window.user_ids(), monotonic=self._monotonic)
        self._panels = []
        for user_id in window.user_ids():
            self._follow_panel(user_id)
        listener = _ReadsOfOthers(self._recorder)
        for client in self._others:
            client.add_cache_listener(listener)
            self._undo.append(lambda c=client: c.remove_cache_listener(listener))
        window.statusBar().showMessage("Recording: every action from now on becomes a scenario step.", 5000)

    def _stop(self) -> None:
        recorder, self._recorder = self._recorder, None
        for undo in self._undo:
            undo()
        self._undo.clear()
        assert recorder is not None
        asyncio.ensure_future(self._finish(recorder))

    async def _finish(self, recorder: Recorder) -> None:
        # What is due (a receipt event on its way) lands first: the replay settles it too.
        try:
            await survive(self._window, self._engine.drain())
        except Gone:
            return  # the window closed meanwhile: nobody is left to ask where to save
        window = self._window
        text = recorder.finish({u: window.client(u) for u in window.user_ids()})
        self._ask_path(lambda path: self._save(Path(path), text))

    def _save(self, path: Path, text: str) -> None:
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            self._window.statusBar().showMessage(f"Recording not saved: {error}", 10000)
            return
        self.last_saved = path
        self._window.statusBar().showMessage(
            f"Recording saved to {path}: replay it with readtick --scenario {path}", 10000
        )

    def _ask_with_dialog(self, done: Callable[[str], None]) -> None:
        dialog = QFileDialog(
            self._window, "Save the recording as a scenario", "recorded.toml", "Scenarios (*.toml)"
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("toml")
        dialog.fileSelected.connect(done)
        dialog.open()  # not exec(): a nested event loop would stall the asyncio tasks

    # --- following the panels ---------------------------------------------------------------------

    def _follow_panel(self, user_id: str) -> None:
        recorder = self._recorder
        assert recorder is not None
        bridge = self._window.panel(user_id).bridge
        self._panels.append(user_id)
        self._links[user_id] = (bridge.online, bridge.latency)
        connections = [
            (bridge.messageSent, lambda m, r, u=user_id: recorder.sent(u, m, with_receipt=r)),
            (bridge.messagesRead, lambda ms, u=user_id: recorder.read(u, ms)),
            (bridge.conversationRead, lambda peer, u=user_id: recorder.read_conversation(u, peer)),
            (bridge.linkChanged, lambda u=user_id, b=bridge: self._on_link_changed(u, b.online, b.latency)),
        ]
        for signal, slot in connections:
            signal.connect(slot)
            self._undo.append(lambda s=signal, f=slot: _disconnect(s, f))

    def _on_link_changed(self, user_id: str, online: bool, latency: float) -> None:
        before_online, before_latency = self._links.get(user_id, (online, latency))
        self._links[user_id] = (online, latency)
        if self._recorder is not None:
            self._recorder.link_changed(
                user_id,
                online=online if online != before_online else None,
                latency=latency if latency != before_latency else None,
            )

    def _on_clients_changed(self) -> None:
        if self._recorder is None:
            return
        now = self._window.user_ids()
        for user_id in [u for u in self._panels if u not in now]:
            self._panels.remove(user_id)
            self._recorder.client_removed(user_id)
        for user_id in [u for u in now if u not in self._panels]:
            self._recorder.client_added(user_id, self._window.client(user_id))
            self._follow_panel(user_id)


class _ReadsOfOthers:
    """Cache listener of a client without a panel: its own reads (a received message turning
    DONE in its cache) are steps; each (client, message) once, whatever re-caches it later."""

    def __init__(self, recorder: Recorder) -> None:
        self._recorder = recorder
        self._seen: set[tuple[str, int]] = set()

    def message_cached(self, client: Client, message: Message) -> None:
        key = (client.user_id, message.message_id)
        if message.direction == MessageDirection.RECEIVE and message.receipt_status == ReceiptStatus.DONE:
            if key not in self._seen:
                self._seen.add(key)
                self._recorder.read(client.user_id, [message])

    def receipt_info_cached(self, client: Client, info: MessageReceiptInfo) -> None:
        pass


def _disconnect(signal, slot) -> None:  # type: ignore[no-untyped-def]
    try:
        signal.disconnect(slot)
    except (RuntimeError, TypeError):  # the panel (and its bridge) is gone already
        pass
