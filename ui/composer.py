"""The composer of a client's panel: the attach button, the message text, the "receipt" toggle (on
by default) and the Send button. It checks what a person typed before anything is sent, and says
why not.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QToolButton,
    QWidget,
)

#: Longest text the composer accepts, in characters (the SDK's own limit is 32 KiB of UTF-8).
MAX_TEXT_LENGTH = 2000


#: What the file dialog offers first; any file can be sent.
FILE_FILTERS = ["Images (*.png *.jpg *.jpeg *.gif *.bmp *.webp)", "All files (*)"]


class Composer(QWidget):
    """The row with ``attachButton``, ``composer`` (the text), ``receiptToggle`` and
    ``sendButton``; Return in the text sends too. It sends to the conversation given to
    ``set_conversation``.

    The attach button opens a file dialog (``attachDialog``, not modal: the chat goes on behind
    it); tests and scripts set ``file_chooser`` to a callable that returns the path instead.

    Signals:
        sendRequested(str, bool): send this text (stripped, not empty, at most
            ``MAX_TEXT_LENGTH`` characters); True: ask for a read receipt.
        attachRequested(str, bool): send the file at this path; True: ask for a read receipt.
        sendRefused(str): why what was typed is not sent (no conversation, empty, too long).
    """

    sendRequested = Signal(str, bool)
    attachRequested = Signal(str, bool)
    sendRefused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composerRow")
        self._conversation_id: str | None = None
        self.file_chooser: Callable[[], str | None] | None = None
        self._attach = QToolButton()
        self._attach.setObjectName("attachButton")
        self._attach.setIcon(_paperclip_icon())
        self._attach.setIconSize(QSize(18, 18))
        self._attach.setToolTip("Send a picture or a file (or drop one on the panel)")
        self._attach.setAutoRaise(True)
        self._attach.clicked.connect(self._on_attach_clicked)
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
        layout.addWidget(self._attach)
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

    def attach(self, path: str) -> None:
        """Send the file at ``path`` to the current conversation (as the attach button does)."""
        if self._conversation_id is None:
            self.sendRefused.emit("Pick a conversation first.")
        elif path:
            self.attachRequested.emit(path, self._receipt.isChecked())

    def _on_attach_clicked(self) -> None:
        if self._conversation_id is None:
            self.sendRefused.emit("Pick a conversation first.")
            return
        if self.file_chooser is not None:
            self.attach(self.file_chooser() or "")
            return
        dialog = QFileDialog(self, "Send a picture or a file")
        dialog.setObjectName("attachDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters(FILE_FILTERS)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.fileSelected.connect(self.attach)
        dialog.open()  # not exec(): a nested event loop would stall the clients' asyncio loop


def _paperclip_icon() -> QIcon:
    """A paper clip drawn with a path (no icon font needed), in a neutral grey."""
    pixmap = QPixmap(36, 36)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    pen = QPen(QColor("#7a8591"), 1.6)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    clip = QPainterPath(QPointF(11.5, 6.5))
    clip.lineTo(11.5, 13.5)
    clip.arcTo(7.5, 10.5, 6.0, 6.0, 0, -180)
    clip.lineTo(7.5, 4.5)
    clip.arcTo(7.5, 1.5, 4.0, 4.0, 180, -180)
    clip.lineTo(11.5, 6.5)
    clip.moveTo(9.5, 5.0)
    clip.lineTo(9.5, 12.5)
    painter.drawPath(clip)
    painter.end()
    return QIcon(pixmap)
