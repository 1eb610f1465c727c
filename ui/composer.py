"""The composer of a client's panel: the message text, the "receipt" toggle (on by default) and
the Send button. It checks what a person typed before anything is sent, and says why not.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

#: Longest text the composer accepts, in characters (the SDK's own limit is 32 KiB of UTF-8).
MAX_TEXT_LENGTH = 2000


class Composer(QWidget):
    """The row with ``composer`` (the text), ``receiptToggle`` and ``sendButton``; Return in the
    text sends too. It sends to the conversation given to ``set_conversation``.

    Signals:
        sendRequested(str, bool): send this text (stripped, not empty, at most
            ``MAX_TEXT_LENGTH`` characters); True: ask for a read receipt.
        sendRefused(str): why what was typed is not sent (no conversation, empty, too long).
    """

    sendRequested = Signal(str, bool)
    sendRefused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composerRow")
        self._conversation_id: str | None = None
        self._text = QLineEdit()
        self._text.setObjectName("composer")
        self._text.setClearButtonEnabled(True)
        self._text.returnPressed.connect(self._on_send_clicked)
        self._receipt = QCheckBox("receipt")
        self._receipt.setObjectName("receiptToggle")
        self._receipt.setChecked(True)
        self._receipt.setToolTip("Ask the receivers for a read receipt")
        self._send = QPushButton("Send")
        self._send.setObjectName("sendButton")
        self._send.clicked.connect(self._on_send_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 2)
        layout.setSpacing(8)
        layout.addWidget(self._text, 1)
        layout.addWidget(self._receipt)
        layout.addWidget(self._send)

    def set_conversation(self, conversation_id: str | None) -> None:
        """Send to this conversation from now on (None: there is none to send to)."""
        self._conversation_id = conversation_id
        if conversation_id is not None:
            self._text.setPlaceholderText(f"Message {conversation_id}…")

    def clear(self) -> None:
        """Empty the text (it was sent, or kept by the client as a failed message)."""
        self._text.clear()

    def focus(self) -> None:
        self._text.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_send_clicked(self) -> None:
        text = self._text.text().strip()
        if self._conversation_id is None:
            self.sendRefused.emit("Pick a conversation first.")
        elif not text:
            self.sendRefused.emit("Type a message first: empty messages are not sent.")
        elif len(text) > MAX_TEXT_LENGTH:
            self.sendRefused.emit(
                f"That message is {len(text)} characters; the limit is {MAX_TEXT_LENGTH}. Shorten it."
            )
        else:
            self.sendRequested.emit(text, self._receipt.isChecked())
