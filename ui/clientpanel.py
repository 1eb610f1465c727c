"""One simulated client's panel: header (user, online switch, latency), conversation picker,
conversation view, read actions, composer, status line and the client's event log.

Everything the panel knows about its client comes from its ``ClientBridge``: the client's cache
writes keep the message model a mirror of the client's cache (whoever acted on the client), and
the handler's callbacks feed the event log and the picker's "(n new)" counters. The panel's
actions are coroutines (``qasync.asyncSlot``) that await the bridge's calls and show any
``ReceiptError`` in the status line; their effect reaches the model through the cache too.
"""

from __future__ import annotations

import qasync
import shiboken6
from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from readtick.core.enums import ConnectionState, ConversationType, MessageDirection, ReceiptStatus, SentStatus
from readtick.core.errors import ReceiptError
from readtick.core.messages import Message
from readtick.core.results import MessageReceiptInfo
from readtick.ui.avatar import avatar_icon, avatar_pixmap
from readtick.ui.clientbridge import READ_BATCH_LIMIT, ClientBridge
from readtick.ui.eventlog import EventLog
from readtick.ui.memberlistdialog import DEFAULT_PAGE_SIZE, MemberListDialog
from readtick.ui.messagemodel import MessageListModel, ReadMemberCountRole, UnreadMemberCountRole
from readtick.ui.messageview import MessageView
from readtick.ui.theme import current_theme
from readtick.ui.toggleswitch import ToggleSwitch

#: Item data role of ``conversationPicker`` holding the ConversationType (the id is UserRole).
ConversationTypeRole = Qt.ItemDataRole.UserRole + 1

#: Longest text the composer accepts, in characters (the SDK's own limit is 32 KiB of UTF-8).
MAX_TEXT_LENGTH = 2000
#: Messages shown when a conversation opens; older ones come page by page on scrolling up.
INITIAL_WINDOW = 50
HISTORY_PAGE = 30
#: Newest messages whose receipt statuses a refresh asks the engine for (the SDK's page limit).
REFRESH_COUNT = 100
#: Rows kept while following the newest messages; older ones are dropped and paged back in.
MAX_WINDOW = 3000

GROUP_READ_TOOLTIP = (
    "Conversation read is for one-to-one chats only (the SDK refuses it in groups). "
    "In a group, select messages and use “Mark selected read”."
)
_AWAITING = (ReceiptStatus.PROCESSING, ReceiptStatus.DELIVERED)


class ClientPanel(QFrame):
    """The panel of one client, object name ``client:<user_id>``.

    Signals:
        statusShown(str, str): a message was put on the status line (severity, text);
            severity is "error" or "info".
    """

    statusShown = Signal(str, str)

    def __init__(
        self, bridge: ClientBridge, peers: list[str] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._unread: dict[tuple[str, ConversationType], int] = {}
        self._loading_history = False
        self.member_page_size = DEFAULT_PAGE_SIZE
        self.setObjectName(f"client:{bridge.user_id}")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setMinimumWidth(340)

        self._build_header()
        self._build_chat()
        self._log = EventLog()
        log_box = QWidget()
        log_layout = QVBoxLayout(log_box)
        log_layout.setContentsMargins(10, 6, 10, 10)
        log_layout.setSpacing(4)
        log_title = QLabel("EVENT LOG · handler callbacks")
        log_title.setObjectName("sectionLabel")
        log_layout.addWidget(log_title)
        log_layout.addWidget(self._log)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("panelSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._chat)
        splitter.addWidget(log_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([520, 170])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._header)
        layout.addWidget(splitter, 1)

        self._connect_bridge()
        self.set_peers(peers or [])
        self._refresh_link()

    # --- construction -----------------------------------------------------------------------------

    def _build_header(self) -> None:
        self._header = QWidget()
        self._header.setObjectName("panelHeader")
        self._header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        avatar = QLabel()
        avatar.setPixmap(avatar_pixmap(self._bridge.user_id, 34, device_pixel_ratio=2.0))
        avatar.setFixedSize(34, 34)
        name = QLabel(self._bridge.user_id)
        name.setObjectName("userName")
        self._subtitle = QLabel()
        self._subtitle.setObjectName("userSubtitle")
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(name)
        names.addWidget(self._subtitle)

        self._online = ToggleSwitch()
        self._online.setObjectName("onlineToggle")
        self._online.setChecked(self._bridge.online)
        self._online.setToolTip(
            "Online: calls reach the engine and events arrive. Offline: calls fail, events wait."
        )
        self._online.toggled.connect(self._on_online_toggled)
        online_label = QLabel("online")
        online_label.setObjectName("latencyLabel")

        self._latency = QDoubleSpinBox()
        self._latency.setObjectName("latencySpin")
        self._latency.setRange(0.0, 30.0)
        self._latency.setDecimals(1)
        self._latency.setSingleStep(0.1)
        self._latency.setSuffix(" s")
        self._latency.setValue(self._bridge.latency)
        self._latency.setToolTip(
            "Link latency: how long what the engine sends takes to reach this client "
            "(type a value, or use the mouse wheel or arrow keys)"
        )
        self._latency.setFixedWidth(64)
        self._latency.setAlignment(Qt.AlignmentFlag.AlignRight)
        self._latency.valueChanged.connect(self._on_latency_changed)
        latency_label = QLabel("latency")
        latency_label.setObjectName("latencyLabel")

        layout = QHBoxLayout(self._header)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        layout.addWidget(avatar)
        layout.addLayout(names, 1)
        layout.addWidget(online_label)
        layout.addWidget(self._online)
        layout.addSpacing(6)
        layout.addWidget(latency_label)
        layout.addWidget(self._latency)

    def _build_chat(self) -> None:
        self._chat = QWidget()
        self._picker = QComboBox()
        self._picker.setObjectName("conversationPicker")
        self._picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._picker.currentIndexChanged.connect(self._on_conversation_picked)
        picker_label = QLabel("CONVERSATION")
        picker_label.setObjectName("sectionLabel")
        picker_row = QHBoxLayout()
        picker_row.setContentsMargins(10, 8, 10, 8)
        picker_row.setSpacing(8)
        picker_row.addWidget(picker_label)
        picker_row.addWidget(self._picker, 1)

        self._model = MessageListModel(self)
        self._view = MessageView()
        self._view.setModel(self._model)
        self._view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self._view.receiptClicked.connect(self._on_receipt_clicked)
        self._view.olderHistoryRequested.connect(self.load_older_history)

        self._mark_read = QPushButton("Mark selected read")
        self._mark_read.setObjectName("markReadButton")
        self._mark_read.clicked.connect(self.mark_selected_read)
        self._mark_conversation = QPushButton("Mark conversation read")
        self._mark_conversation.setObjectName("markConversationReadButton")
        self._mark_conversation.clicked.connect(self.mark_conversation_read)
        actions = QHBoxLayout()
        actions.setContentsMargins(10, 8, 10, 0)
        actions.setSpacing(8)
        actions.addWidget(self._mark_read)
        actions.addWidget(self._mark_conversation)
        actions.addStretch(1)

        self._composer = QLineEdit()
        self._composer.setObjectName("composer")
        self._composer.setClearButtonEnabled(True)
        self._composer.returnPressed.connect(self.send)
        self._receipt = QCheckBox("receipt")
        self._receipt.setObjectName("receiptToggle")
        self._receipt.setChecked(True)
        self._receipt.setToolTip("Ask the receivers for a read receipt")
        self._send = QPushButton("Send")
        self._send.setObjectName("sendButton")
        self._send.clicked.connect(self.send)
        composer_row = QHBoxLayout()
        composer_row.setContentsMargins(10, 8, 10, 2)
        composer_row.setSpacing(8)
        composer_row.addWidget(self._composer, 1)
        composer_row.addWidget(self._receipt)
        composer_row.addWidget(self._send)

        self._status = QLabel("")
        self._status.setObjectName("statusLine")
        self._status.setWordWrap(True)
        self._status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._status.setMinimumHeight(18)
        status_row = QHBoxLayout()
        status_row.setContentsMargins(12, 0, 10, 6)
        status_row.addWidget(self._status)

        layout = QVBoxLayout(self._chat)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(picker_row)
        layout.addWidget(self._view, 1)
        layout.addLayout(actions)
        layout.addLayout(composer_row)
        layout.addLayout(status_row)

    def _connect_bridge(self) -> None:
        bridge = self._bridge
        bridge.eventFired.connect(self._log.append_event)
        bridge.peerMessagesReceived.connect(self._on_messages_received)
        bridge.groupMessagesReceived.connect(self._on_messages_received)
        bridge.messageCached.connect(self._on_message_cached)
        bridge.receiptInfoCached.connect(self._on_receipt_info_cached)
        bridge.connectionStateChanged.connect(self._on_connection_state_changed)
        bridge.linkChanged.connect(self._refresh_link)

    # --- public surface ---------------------------------------------------------------------------

    @property
    def user_id(self) -> str:
        return self._bridge.user_id

    @property
    def bridge(self) -> ClientBridge:
        return self._bridge

    def model(self) -> MessageListModel:
        return self._model

    def view(self) -> MessageView:
        return self._view

    def event_log(self) -> EventLog:
        return self._log

    def status_text(self) -> str:
        return self._status.text()

    def current_conversation(self) -> tuple[str, ConversationType] | None:
        index = self._picker.currentIndex()
        if index < 0:
            return None
        return self._picker.itemData(index), ConversationType(
            self._picker.itemData(index, ConversationTypeRole)
        )

    def select_conversation(self, conversation_id: str, conversation_type: ConversationType) -> None:
        index = self._find_conversation(conversation_id, ConversationType(conversation_type))
        if index < 0:
            raise KeyError(
                f"{self.user_id} has no conversation {conversation_id!r} ({conversation_type.name})"
            )
        self._picker.setCurrentIndex(index)

    def set_peers(self, peers: list[str]) -> None:
        """Offer these users (besides this one) and this user's groups in the picker; keeps the
        current conversation selected if it is still offered."""
        current = self.current_conversation()
        wanted = [(p, ConversationType.PEER) for p in peers if p != self.user_id]
        wanted += [(g, ConversationType.GROUP) for g in self._bridge.group_ids()]
        # Peers that wrote to us stay even if their panel is gone: the conversation exists.
        for index in range(self._picker.count()):
            entry = (
                self._picker.itemData(index),
                ConversationType(self._picker.itemData(index, ConversationTypeRole)),
            )
            if entry not in wanted and self._unread.get(entry) is not None:
                wanted.append(entry)
        self._picker.blockSignals(True)
        self._picker.clear()
        for conversation_id, conversation_type in wanted:
            self._add_picker_item(conversation_id, conversation_type)
        target = self._find_conversation(*current) if current else -1
        self._picker.setCurrentIndex(target if target >= 0 else (0 if wanted else -1))
        self._picker.blockSignals(False)
        if self.current_conversation() != current:
            self._on_conversation_picked()

    def focus_composer(self) -> None:
        self._composer.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_status(self, text: str, severity: str = "info") -> None:
        self._status.setText(text)
        self._status.setProperty("severity", severity)
        self._status.style().unpolish(self._status)
        self._status.style().polish(self._status)
        self.statusShown.emit(severity, text)

    def show_error(self, action: str, error: ReceiptError) -> None:
        self.show_status(f"{action}: {error.message} [{error.code.name} {int(error.code)}]", "error")

    # --- picker -----------------------------------------------------------------------------------

    def _add_picker_item(self, conversation_id: str, conversation_type: ConversationType) -> None:
        group = conversation_type == ConversationType.GROUP
        self._picker.addItem(avatar_icon(conversation_id, group=group), conversation_id)
        index = self._picker.count() - 1
        self._picker.setItemData(index, conversation_id, Qt.ItemDataRole.UserRole)
        self._picker.setItemData(index, conversation_type, ConversationTypeRole)
        self._update_picker_text(index)

    def _update_picker_text(self, index: int) -> None:
        conversation_id = self._picker.itemData(index)
        conversation_type = ConversationType(self._picker.itemData(index, ConversationTypeRole))
        if conversation_type == ConversationType.GROUP:
            members = len(self._bridge.group_members(conversation_id))
            text = f"{conversation_id} · group of {members}"
        else:
            text = conversation_id
        unread = self._unread.get((conversation_id, conversation_type)) or 0
        if unread:
            text += f"  ({unread} new)"
        self._picker.setItemText(index, text)

    def _find_conversation(self, conversation_id: str, conversation_type: ConversationType) -> int:
        for index in range(self._picker.count()):
            if (
                self._picker.itemData(index) == conversation_id
                and self._picker.itemData(index, ConversationTypeRole) == conversation_type
            ):
                return index
        return -1

    def _on_conversation_picked(self, *_: object) -> None:
        current = self.current_conversation()
        if current is None:
            self._model.clear()
            self._update_actions()
            return
        conversation_id, conversation_type = current
        if self._unread.get(current):
            self._unread[current] = 0
            self._update_picker_text(self._picker.currentIndex())
        cached = self._bridge.cached_messages(conversation_id, conversation_type)
        window = cached[-INITIAL_WINDOW:]
        self._model.set_conversation(
            conversation_id,
            conversation_type,
            window,
            self._bridge.cached_infos(window),
            has_older=len(cached) > len(window),
        )
        peer = conversation_type == ConversationType.PEER
        self._composer.setPlaceholderText(f"Message {conversation_id}…")
        self._mark_conversation.setEnabled(peer)
        self._mark_conversation.setToolTip(
            f"Mark every message {conversation_id} sent you so far as read" if peer else GROUP_READ_TOOLTIP
        )
        self._update_actions()
        if conversation_type == ConversationType.GROUP and self._bridge.online:
            self._refresh_group_counts(window, conversation_id)
        self.refresh_receipts_shown()

    def refresh_receipts_shown(self) -> None:
        """Ask the engine for the receipt statuses of the newest messages shown, if one of them
        still awaits this client's read: no event tells a receiver that such a receipt expired.
        The client's history call refreshes its cache; the model follows through the cache.
        Called when a conversation opens, when the client connects and when the clock jumps."""
        current = self.current_conversation()
        if (
            current is not None
            and self._bridge.online
            and any(
                m.direction == MessageDirection.RECEIVE and m.receipt_status in _AWAITING
                for m in self._model.messages()
            )
        ):
            self._refresh_newest(*current)

    @qasync.asyncSlot()
    async def _refresh_newest(self, conversation_id: str, conversation_type: ConversationType) -> None:
        if not shiboken6.isValid(self) or not self._model.is_showing(conversation_id, conversation_type):
            return
        # Counted now, not when asked: messages delivered meanwhile (on connecting) are newer.
        count = min(max(self._model.rowCount(), 1), REFRESH_COUNT)
        try:
            await self._bridge.history_before(conversation_id, conversation_type, None, count)
        except ReceiptError as error:
            if shiboken6.isValid(self):
                self.show_error("Could not refresh receipt states", error)

    @qasync.asyncSlot()
    async def _refresh_group_counts(self, messages: list[Message], group_id: str) -> None:
        """Own group messages whose counts this client never learnt: ask the engine once."""
        known = {info.message_id for info in self._bridge.cached_infos(messages)}
        unknown = [
            m
            for m in messages
            if m.direction == MessageDirection.SEND
            and m.message_id
            and m.message_id not in known
            and m.receipt_status in _AWAITING
        ]
        if not unknown:
            return
        try:
            await self._bridge.refresh_receipts(unknown, group_id, ConversationType.GROUP)
        except ReceiptError as error:
            if shiboken6.isValid(self):
                self.show_error("Could not fetch receipt counts", error)

    # --- bridge signals ---------------------------------------------------------------------------

    def _on_message_cached(self, message: Message) -> None:
        if not self._model.is_showing(message.conversation_id, ConversationType(message.conversation_type)):
            return
        following = self._view.is_at_bottom()
        if self._model.upsert_message(message):
            if message.direction == MessageDirection.SEND:
                self._view.scrollToBottom()  # this client's own new message: show it
                following = True
            if following:
                self._model.trim_oldest(MAX_WINDOW)
        if self._view.selectionModel().hasSelection():
            self._update_actions()  # a selected message may have become (un)readable

    def _on_receipt_info_cached(self, info: MessageReceiptInfo) -> None:
        self._model.apply_infos([info])

    def _on_messages_received(self, messages: list[Message], conversation_id: str) -> None:
        """The picker side of a delivery (the model already has the message from the cache):
        offer a new conversation, or count the message on a conversation not shown."""
        if not messages:
            return
        conversation_type = ConversationType(messages[0].conversation_type)
        key = (conversation_id, conversation_type)
        if self._find_conversation(*key) < 0:
            self._unread.setdefault(key, 0)
            self._picker.blockSignals(True)
            self._add_picker_item(*key)
            self._picker.blockSignals(False)
            if self._picker.currentIndex() < 0:
                self._picker.setCurrentIndex(0)
        if not self._model.is_showing(*key):
            self._unread[key] = (self._unread.get(key) or 0) + len(messages)
            self._update_picker_text(self._find_conversation(*key))

    def _on_connection_state_changed(self, state: ConnectionState) -> None:
        self._refresh_link()
        if state == ConnectionState.CONNECTED:
            self.refresh_receipts_shown()

    def _refresh_link(self, *_: object) -> None:
        online = self._bridge.online
        if self._online.isChecked() != online:
            self._online.blockSignals(True)
            self._online.setChecked(online)
            self._online.blockSignals(False)
        latency = self._bridge.latency
        if online:
            self._subtitle.setText(f"● online · {latency:.1f} s delay" if latency else "● online")
            self._subtitle.setStyleSheet(f"color: {current_theme().info_text};")
        else:
            self._subtitle.setText("○ offline · events wait")
            self._subtitle.setStyleSheet(f"color: {current_theme().error_text};")

    def refresh_theme(self) -> None:
        self._refresh_link()
        self._view.viewport().update()
        self._online.update()

    # --- header controls --------------------------------------------------------------------------

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
            current = self.current_conversation()
            if current and current[1] == ConversationType.GROUP:
                self._refresh_group_counts(self._model.messages()[-INITIAL_WINDOW:], current[0])

    def _on_latency_changed(self, seconds: float) -> None:
        try:
            self._bridge.set_latency(seconds)
        except ReceiptError as error:
            self.show_error("Could not set the latency", error)

    # --- actions ----------------------------------------------------------------------------------

    def _selected_messages(self) -> list[Message]:
        rows = sorted(index.row() for index in self._view.selectionModel().selectedRows())
        return [self._model.message_at(row) for row in rows]

    def _readable(self, messages: list[Message]) -> list[Message]:
        return [
            m for m in messages if m.direction == MessageDirection.RECEIVE and m.receipt_status in _AWAITING
        ]

    def _on_selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        self._update_actions()

    def _update_actions(self) -> None:
        readable = self._readable(self._selected_messages())
        selected = len(self._view.selectionModel().selectedRows())
        if not readable:
            enabled = False
            tip = (
                "None of the selected messages awaits your read receipt."
                if selected
                else "Select received messages that ask for a receipt (dot + “tap to read”)."
            )
        elif len(readable) > READ_BATCH_LIMIT:
            enabled = False
            tip = f"{len(readable)} selected: one read carries at most {READ_BATCH_LIMIT} messages."
        else:
            enabled = True
            tip = f"Send read receipts for {len(readable)} message{'s' if len(readable) != 1 else ''}."
        self._mark_read.setEnabled(enabled)
        self._mark_read.setToolTip(tip)
        self._mark_read.setText(
            f"Mark {len(readable)} read" if enabled and len(readable) > 1 else "Mark selected read"
        )

    @qasync.asyncSlot()
    async def send(self) -> None:
        current = self.current_conversation()
        if current is None:
            self.show_status("Pick a conversation first.", "error")
            return
        text = self._composer.text().strip()
        if not text:
            self.show_status("Type a message first: empty messages are not sent.", "error")
            return
        if len(text) > MAX_TEXT_LENGTH:
            self.show_status(
                f"That message is {len(text)} characters; the limit is {MAX_TEXT_LENGTH}. Shorten it.",
                "error",
            )
            return
        conversation_id, conversation_type = current
        with_receipt = self._receipt.isChecked()
        try:
            message = await self._bridge.send_text(
                conversation_id, conversation_type, text, with_receipt=with_receipt
            )
        except ReceiptError as error:
            if not shiboken6.isValid(self):
                return
            if error.failed_message is not None:
                self._composer.clear()
            self.show_error("Not sent", error)
            return
        if not shiboken6.isValid(self):
            return
        self._composer.clear()
        receipt = "with a read receipt" if with_receipt else "without a receipt"
        self.show_status(f"Sent #{message.message_id} to {conversation_id} {receipt}.")

    @qasync.asyncSlot()
    async def mark_selected_read(self) -> None:
        current = self.current_conversation()
        readable = self._readable(self._selected_messages())
        if current is None or not readable:
            self.show_status("Select received messages that await your read first.", "error")
            return
        if len(readable) > READ_BATCH_LIMIT:
            self.show_status(
                f"Select at most {READ_BATCH_LIMIT} messages per read ({len(readable)} selected).", "error"
            )
            return
        await self._read(readable, *current)

    async def _read(
        self, messages: list[Message], conversation_id: str, conversation_type: ConversationType
    ) -> None:
        try:
            refused = await self._bridge.read_messages(messages, conversation_id, conversation_type)
        except ReceiptError as error:
            if shiboken6.isValid(self):
                self.show_error("Read failed", error)
            return
        if not shiboken6.isValid(self):
            return
        read = len(messages) - len(refused)
        if refused:
            self.show_status(
                f"Read {read}; the engine refused {len(refused)} (ids {', '.join(map(str, refused))}): "
                "expired, already read or not yours to read.",
                "error",
            )
        else:
            self.show_status(
                f"Sent read receipt{'s' if read != 1 else ''} for {read} message{'s' if read != 1 else ''}."
            )
        self._update_actions()

    @qasync.asyncSlot()
    async def mark_conversation_read(self) -> None:
        current = self.current_conversation()
        if current is None:
            return
        conversation_id, conversation_type = current
        if conversation_type != ConversationType.PEER:
            self.show_status(GROUP_READ_TOOLTIP, "error")
            return
        try:
            count = await self._bridge.read_conversation(conversation_id, conversation_type)
        except ReceiptError as error:
            if shiboken6.isValid(self):
                self.show_error("Conversation read failed", error)
            return
        if shiboken6.isValid(self):
            self.show_status(f"Marked the conversation with {conversation_id} read ({count} read in total).")
            self._update_actions()

    @qasync.asyncSlot()
    async def load_older_history(self) -> None:
        current = self.current_conversation()
        if (
            current is None
            or self._loading_history
            or not self._model.has_older()
            or self._model.rowCount() == 0
        ):
            return
        self._loading_history = True
        oldest = self._model.message_at(0)
        try:
            page = await self._bridge.history_before(*current, oldest, HISTORY_PAGE)
        except ReceiptError as error:
            if shiboken6.isValid(self):
                self._loading_history = False
                self.show_error("Could not load older messages", error)
            return
        if not shiboken6.isValid(self):
            return
        self._loading_history = False
        if self.current_conversation() != current:
            return  # the user switched conversations meanwhile
        if len(page) < HISTORY_PAGE:
            self._model.set_has_older(False)
        self._model.prepend_history(page)

    # --- receipt marker clicks --------------------------------------------------------------------

    def _on_receipt_clicked(self, index: QModelIndex) -> None:
        message: Message = self._model.message_at(index.row())
        if message.direction == MessageDirection.RECEIVE:
            if message.receipt_status in _AWAITING:
                self._read_one(message)
            return
        if message.sent_status == SentStatus.FAILED:
            self.show_status(f"“{message.summary()[:40]}” was not sent (the client was offline).", "error")
        elif (
            message.conversation_type == ConversationType.GROUP
            and message.receipt_status != ReceiptStatus.NONE
        ):
            self.open_member_list(index)
        else:
            self.show_status(
                f"#{message.message_id} to {message.conversation_id}: receipt {message.receipt_status.name}."
            )

    @qasync.asyncSlot()
    async def _read_one(self, message: Message) -> None:
        await self._read([message], message.conversation_id, ConversationType(message.conversation_type))

    def open_member_list(self, index: QModelIndex) -> MemberListDialog:
        """Show the read / unread members of the own group message at ``index`` (non-modal)."""
        message: Message = self._model.message_at(index.row())
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
