"""One simulated client's panel, made of named parts that report upward by signals: the
``PanelHeader`` (user, online switch, latency), the ``ConversationPicker``, the
``ConversationFeed`` (messages and read actions), the ``Composer``, a status line, and the
client's ``EventLog``.

The panel wires the parts to its ``ClientBridge``: the client's cache writes keep the feed a mirror
of the client's cache (whoever acted on the client), and the handler's callbacks feed the event log
and the picker's "(n new)" counters. What a part asks for is done by ``PanelCalls`` (send, read,
refreshes) and ``HistoryPager`` (older history), which await the bridge's calls; the panel shows
their outcome, and any ``ReceiptError``, in the status line; the effect reaches the feed through
the cache too.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from readtick.core.enums import ConnectionState, ConversationType
from readtick.core.errors import ReceiptError
from readtick.core.messages import Message
from readtick.ui.clientbridge import ClientBridge
from readtick.ui.composer import Composer
from readtick.ui.conversationfeed import ConversationFeed
from readtick.ui.conversationpicker import Conversation, ConversationPicker
from readtick.ui.eventlog import EventLog
from readtick.ui.eventlogbox import EventLogBox
from readtick.ui.historypager import INITIAL_WINDOW, HistoryPager
from readtick.ui.memberlistdialog import DEFAULT_PAGE_SIZE, MemberListDialog
from readtick.ui.messagemodel import MessageListModel
from readtick.ui.messageroles import ReadMemberCountRole, UnreadMemberCountRole
from readtick.ui.messageview import MessageView
from readtick.ui.panelcalls import PanelCalls
from readtick.ui.panelgrid import MIN_PANEL_SIZE
from readtick.ui.panelheader import PanelHeader

#: Below this height the event log starts folded, so the messages keep the room.
LOG_OPEN_HEIGHT = 640


#: Most files one drop sends (each is one message, uploaded one after the other).
MAX_DROPPED_FILES = 10


class ClientPanel(QFrame):
    """The panel of one client, object name ``client:<client_id>`` (``client:alice``, or
    ``client:alice/desktop`` for another device of alice). Files dropped on it are sent to the
    conversation shown, as the attach button sends them.

    The event log folds into its title (``EventLogBox``): folded while the panel is shorter than
    ``LOG_OPEN_HEIGHT``, until the user opens or folds it.

    Signals:
        statusShown(str, str): a message was put on the status line (severity, text);
            severity is "error" or "info".
        newCountChanged(int): the picker's "(n new)" counts now add up to this.
        messageSelected(int): the message with this id became the feed's current one.
    """

    statusShown = Signal(str, str)
    newCountChanged = Signal(int)
    messageSelected = Signal(int)

    def __init__(
        self, bridge: ClientBridge, peers: list[str] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.member_page_size = DEFAULT_PAGE_SIZE
        self.setObjectName(f"client:{bridge.client_id}")
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setMinimumSize(MIN_PANEL_SIZE)

        self._header = PanelHeader(
            bridge.user_id, online=bridge.online, latency=bridge.latency, device=_device_label(bridge)
        )
        self._picker = ConversationPicker(self._group_size)
        self._feed = ConversationFeed()
        self._history = HistoryPager(bridge, self._feed, self)
        self._calls = PanelCalls(bridge, self._feed, self)
        self._composer = Composer()
        self._status = QLabel("")
        self._status.setObjectName("statusLine")
        self._status.setWordWrap(True)
        self._status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._status.setMinimumHeight(18)
        self._log = EventLog()
        self._lay_out()
        self._connect_parts()
        self._connect_bridge()
        self.set_peers(peers or [])

    def _lay_out(self) -> None:
        picker_label = QLabel("CONVERSATION")
        picker_label.setObjectName("sectionLabel")
        picker_row = QHBoxLayout()
        picker_row.setContentsMargins(10, 8, 10, 8)
        picker_row.setSpacing(8)
        picker_row.addWidget(picker_label)
        picker_row.addWidget(self._picker, 1)
        status_row = QHBoxLayout()
        status_row.setContentsMargins(12, 0, 10, 6)
        status_row.addWidget(self._status)
        chat = QWidget()
        chat_layout = QVBoxLayout(chat)
        chat_layout.setContentsMargins(0, 0, 0, 0)
        chat_layout.setSpacing(0)
        chat_layout.addLayout(picker_row)
        chat_layout.addWidget(self._feed, 1)
        chat_layout.addWidget(self._composer)
        chat_layout.addLayout(status_row)

        self._log_box = EventLogBox(self._log)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("panelSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(chat)
        splitter.addWidget(self._log_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([520, 170])
        self._splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._header)
        layout.addWidget(splitter, 1)

    def _connect_parts(self) -> None:
        self._header.onlineToggled.connect(self._on_online_toggled)
        self._header.latencyChanged.connect(self._on_latency_changed)
        self._picker.conversationChanged.connect(self._on_conversation_changed)
        self._picker.newCountChanged.connect(self.newCountChanged)
        self._feed.view().selectionModel().currentChanged.connect(self._on_current_changed)
        self._feed.readRequested.connect(self._calls.read)
        self._feed.conversationReadRequested.connect(self._calls.read_conversation)
        self._feed.memberListRequested.connect(self._open_member_list)
        self._history.failed.connect(self.show_error)
        self._calls.failed.connect(self.show_error)
        self._calls.statusShown.connect(self.show_status)
        self._calls.sent.connect(self._on_sent)
        self._feed.statusMessage.connect(self.show_status)
        self._composer.sendRequested.connect(self._send)
        self._composer.attachRequested.connect(self._send_file)
        self._composer.sendRefused.connect(self._on_send_refused)

    def _connect_bridge(self) -> None:
        bridge = self._bridge
        bridge.eventFired.connect(self._log.append_event)
        bridge.peerMessagesReceived.connect(self._on_messages_received)
        bridge.groupMessagesReceived.connect(self._on_messages_received)
        bridge.messageCached.connect(self._feed.upsert_message)
        bridge.receiptInfoCached.connect(self._feed.apply_info)
        bridge.connectionStateChanged.connect(self._on_connection_state_changed)
        bridge.linkChanged.connect(self._show_link)
        bridge.uploadProgressed.connect(self._feed.set_upload_progress)

    # --- public surface ---------------------------------------------------------------------------

    @property
    def user_id(self) -> str:
        return self._bridge.user_id

    @property
    def client_id(self) -> str:
        return self._bridge.client_id

    @property
    def bridge(self) -> ClientBridge:
        return self._bridge

    def composer(self) -> Composer:
        return self._composer

    def model(self) -> MessageListModel:
        return self._feed.model()

    def view(self) -> MessageView:
        return self._feed.view()

    def event_log(self) -> EventLog:
        return self._log

    def status_text(self) -> str:
        return self._status.text()

    def current_conversation(self) -> Conversation | None:
        return self._picker.current()

    def select_conversation(self, conversation_id: str, conversation_type: ConversationType) -> None:
        if not self._picker.select(conversation_id, conversation_type):
            raise KeyError(
                f"{self.user_id} has no conversation {conversation_id!r} ({conversation_type.name})"
            )

    def set_peers(self, peers: list[str]) -> None:
        """Offer these users (besides this one) and this user's groups in the picker; keeps the
        current conversation selected if it is still offered."""
        wanted = [(p, ConversationType.PEER) for p in peers if p != self.user_id]
        wanted += [(g, ConversationType.GROUP) for g in self._bridge.group_ids()]
        self._picker.offer(wanted)

    def select_message(self, message_id: int) -> bool:
        """Make this message current in the feed, if it is shown; False if it is not."""
        index = self.model().index_of(message_id)
        if not index.isValid():
            return False
        self.view().setCurrentIndex(index)
        self.view().scrollTo(index)
        return True

    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if current.isValid():
            message_id = self.model().message_at(current.row()).message_id
            if message_id:
                self.messageSelected.emit(message_id)

    def focus_composer(self) -> None:
        self._composer.focus()

    def event_log_open(self) -> bool:
        return self._log_box.is_open()

    def set_event_log_open(self, open_: bool) -> None:
        """Open or fold the event log (the user's choice: the panel's height no longer decides)."""
        self._log_box.set_open(open_)
        if open_:
            self._splitter.setSizes([max(1, self.height() - 200), 170])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._log_box.fit_height(self.height(), LOG_OPEN_HEIGHT)

    def show_status(self, text: str, severity: str = "info") -> None:
        self._status.setText(text)
        self._status.setProperty("severity", severity)
        self._status.style().unpolish(self._status)
        self._status.style().polish(self._status)
        self.statusShown.emit(severity, text)

    def show_error(self, action: str, error: ReceiptError) -> None:
        self.show_status(f"{action}: {error.message} [{error.code.name} {int(error.code)}]", "error")

    def refresh_theme(self) -> None:
        self._header.refresh_theme()
        self.view().viewport().update()

    def refresh_receipts_shown(self) -> None:
        """Ask the engine for the receipt statuses of the newest messages shown, if one of them
        still awaits this client's read (the SDK's history call refreshes statuses: a receiver whose
        fellow members completed a group receipt learns it this way). The feed follows through the
        cache. Called when a conversation opens and when the client connects; expiry needs no call,
        it arrives as an event."""
        current = self._picker.current()
        if current is not None and self._bridge.online and self._feed.awaits_own_read():
            self._calls.refresh_newest(*current)

    # --- what the parts report --------------------------------------------------------------------

    def _group_size(self, group_id: str) -> int:
        return len(self._bridge.group_members(group_id))

    def _on_conversation_changed(self, current: Conversation | None) -> None:
        if current is None:
            self._feed.clear()
            self._composer.set_conversation(None)
            return
        conversation_id, conversation_type = current
        window = self._history.open(conversation_id, conversation_type)
        self._composer.set_conversation(conversation_id)
        if conversation_type == ConversationType.GROUP and self._bridge.online:
            self._calls.refresh_group_counts(window, conversation_id)
        self.refresh_receipts_shown()

    def _on_online_toggled(self, online: bool) -> None:
        try:
            self._bridge.set_online(online)
        except ReceiptError as error:
            self.show_error("Could not switch the link", error)
            return
        self.show_status(
            "Back online: missed messages and receipts are arriving."
            if online
            else "Offline: sends fail and events wait until the switch is back on.",
        )
        if online:
            current = self._picker.current()
            if current and current[1] == ConversationType.GROUP:
                self._calls.refresh_group_counts(self.model().messages()[-INITIAL_WINDOW:], current[0])

    def _on_latency_changed(self, seconds: float) -> None:
        try:
            self._bridge.set_latency(seconds)
        except ReceiptError as error:
            self.show_error("Could not set the latency", error)

    def _on_send_refused(self, reason: str) -> None:
        self.show_status(reason, "error")

    def _open_member_list(self, index: QModelIndex) -> MemberListDialog:
        """Show the read / unread members of the own group message at ``index`` (non-modal)."""
        message: Message = self.model().message_at(index.row())
        dialog = MemberListDialog(
            self._bridge,
            message,
            message.conversation_id,
            read_count=index.data(ReadMemberCountRole),
            unread_count=index.data(UnreadMemberCountRole),
            page_size=self.member_page_size,
            parent=self,
        )
        dialog.setWindowFlag(Qt.WindowType.Window, True)
        dialog.show()
        dialog.start()
        return dialog

    # --- what the bridge reports ------------------------------------------------------------------

    def _on_messages_received(self, messages: list[Message], conversation_id: str) -> None:
        """The picker side of a delivery (the feed already has the message from the cache)."""
        if messages:
            conversation_type = ConversationType(messages[0].conversation_type)
            self._picker.count_arrivals((conversation_id, conversation_type), len(messages))

    def _on_connection_state_changed(self, state: ConnectionState) -> None:
        self._show_link()
        if state == ConnectionState.CONNECTED:
            self.refresh_receipts_shown()

    def _show_link(self, *_: object) -> None:
        self._header.show_link(self._bridge.online, self._bridge.latency)

    # --- calls to the client ----------------------------------------------------------------------

    def _send(self, text: str, with_receipt: bool) -> None:
        current = self._picker.current()
        if current is not None:
            self._calls.send(*current, text, with_receipt)

    def _send_file(self, path: str, with_receipt: bool) -> None:
        current = self._picker.current()
        if current is not None:
            self._calls.send_file(*current, path, with_receipt)

    def _on_sent(self) -> None:
        """The client holds the message just sent: show it (the newest messages) and clear the
        composer."""
        self._history.show_newest()
        self._composer.clear()

    # --- files dropped on the panel ---------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt's name)
        if _dropped_files(event) and self._picker.current() is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt's name)
        files = _dropped_files(event)
        if not files or self._picker.current() is None:
            event.ignore()
            return
        event.acceptProposedAction()
        if len(files) > MAX_DROPPED_FILES:
            self.show_status(f"Sending the first {MAX_DROPPED_FILES} of {len(files)} files.", "error")
        for path in files[:MAX_DROPPED_FILES]:
            self._composer.attach(path)


def _dropped_files(event: QDragEnterEvent | QDropEvent) -> list[str]:
    """The local files a drag carries (links to web pages and the like are not files)."""
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


def _device_label(bridge: ClientBridge) -> str | None:
    """The device named in the header: only for a device other than the default one."""
    return None if bridge.client_id == bridge.user_id else bridge.device_id
