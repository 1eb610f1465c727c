"""What a panel's parts ask of its client, done by awaiting the bridge: send a text or a file, read
messages, read a whole conversation, refresh the newest receipt statuses and group counts never
learnt.

Each call reports its outcome as one status line (a ``ReceiptError`` as ``failed``); what it
changes in the messages shown reaches the feed through the client's cache, not from here.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, Signal
from readtick.core.enums import ConversationType, MessageDirection
from readtick.core.errors import ReceiptError
from readtick.core.messages import Message
from readtick.core.receipt import awaits_read
from readtick.ui.alive import alive_slot, survive
from readtick.ui.clientbridge import ClientBridge
from readtick.ui.conversationfeed import ConversationFeed

#: Newest messages whose receipt statuses a refresh asks the engine for (the SDK's page limit).
REFRESH_COUNT = 100


class PanelCalls(QObject):
    """One panel's calls to its client (through its ``ClientBridge``), for its ``ConversationFeed``.

    Signals:
        statusShown(str, str): a call finished: what to say (text, severity "info" or "error").
        failed(str, ReceiptError): a call was refused: what failed, and why.
        sent(): a text's send finished with the client holding the message (accepted, or failed
            and kept as such): the composer may clear.
    """

    statusShown = Signal(str, str)
    failed = Signal(str, object)
    sent = Signal()

    def __init__(self, bridge: ClientBridge, feed: ConversationFeed, parent: QObject) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._feed = feed

    @alive_slot()
    async def send(
        self, conversation_id: str, conversation_type: ConversationType, text: str, with_receipt: bool
    ) -> None:
        sending = self._bridge.send_text(conversation_id, conversation_type, text, with_receipt=with_receipt)
        try:
            message = await survive(self, sending)
        except ReceiptError as error:
            if error.failed_message is not None:
                self.sent.emit()  # the client keeps it, as a failed message
            self.failed.emit("Not sent", error)
            return
        self.sent.emit()
        receipt = "with a read receipt" if with_receipt else "without a receipt"
        self.statusShown.emit(f"Sent #{message.message_id} to {conversation_id} {receipt}.", "info")

    @alive_slot()
    async def send_file(
        self, conversation_id: str, conversation_type: ConversationType, path: str, with_receipt: bool
    ) -> None:
        name = os.path.basename(path)
        self.statusShown.emit(f"Uploading {name}…", "info")
        sending = self._bridge.send_file(conversation_id, conversation_type, path, with_receipt=with_receipt)
        try:
            message = await survive(self, sending)
        except ReceiptError as error:
            self.failed.emit(f"{name} not sent", error)
            return
        receipt = "with a read receipt" if with_receipt else "without a receipt"
        self.statusShown.emit(f"Sent {name} (#{message.message_id}) to {conversation_id} {receipt}.", "info")

    @alive_slot(list)
    async def read(self, messages: list[Message]) -> None:
        conversation_id = messages[0].conversation_id
        conversation_type = ConversationType(messages[0].conversation_type)
        try:
            refused = await survive(
                self, self._bridge.read_messages(messages, conversation_id, conversation_type)
            )
        except ReceiptError as error:
            self.failed.emit("Read failed", error)
            return
        read = len(messages) - len(refused)
        if refused:
            self.statusShown.emit(
                f"Read {read}; the engine refused {len(refused)} (ids {', '.join(map(str, refused))}): "
                "expired, already read or not yours to read.",
                "error",
            )
        else:
            plural = "s" if read != 1 else ""
            self.statusShown.emit(f"Sent read receipt{plural} for {read} message{plural}.", "info")
        self._feed.refresh_actions()

    @alive_slot(str)
    async def read_conversation(self, peer: str) -> None:
        try:
            count = await survive(self, self._bridge.read_conversation(peer, ConversationType.PEER))
        except ReceiptError as error:
            self.failed.emit("Conversation read failed", error)
            return
        self.statusShown.emit(f"Marked the conversation with {peer} read ({count} newly read).", "info")
        self._feed.refresh_actions()

    @alive_slot()
    async def refresh_newest(self, conversation_id: str, conversation_type: ConversationType) -> None:
        """Ask the engine for the receipt statuses of the newest messages shown."""
        model = self._feed.model()
        if not model.is_showing(conversation_id, conversation_type):
            return
        # Counted now, not when asked: messages delivered meanwhile (on connecting) are newer.
        count = min(max(model.rowCount(), 1), REFRESH_COUNT)
        try:
            await survive(self, self._bridge.history_before(conversation_id, conversation_type, None, count))
        except ReceiptError as error:
            self.failed.emit("Could not refresh receipt states", error)

    @alive_slot()
    async def refresh_group_counts(self, messages: list[Message], group_id: str) -> None:
        """Own group messages whose counts this client never learnt: ask the engine once."""
        known = {info.message_id for info in self._bridge.cached_infos(messages)}
        unknown = [
            m
            for m in messages
            if m.direction == MessageDirection.SEND
            and m.message_id
            and m.message_id not in known
            and awaits_read(m.receipt_status)
        ]
        if unknown:
            try:
                await survive(self, self._bridge.refresh_receipts(unknown, group_id, ConversationType.GROUP))
            except ReceiptError as error:
                self.failed.emit("Could not fetch receipt counts", error)
