"""Drive a readtick window the way a person would: find a client's panel and its widgets by
their documented object names, type and click, and wait (never sleep) for what the panel shows.

It relies only on what readtick documents for GUI tests, so it works on any readtick
``MainWindow`` (one from ``make_receipt_window``, or one the app built):

- each panel is ``client:<client_id>`` (the user id, or ``alice/desktop`` for another device
  of a user); inside it ``conversationPicker``, ``messageView``, ``attachButton``, ``composer``,
  ``receiptToggle``, ``sendButton``, ``markReadButton``, ``markConversationReadButton``,
  ``onlineToggle``, ``eventLog``;
- the message view's model has one row per message of the open conversation, oldest first; its
  display role is the message text and its ``receiptStatus`` role (``roleNames()``) the
  ``ReceiptStatus`` that this client's copy of the message shows;
- a panel emits ``statusShown(severity, text)`` when an action it started has finished.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from readtick.core import ConversationType, ReceiptStatus
from readtick.ui.conversationpicker import ConversationTypeRole

#: How long an action or a wait may take by default, in milliseconds.
DEFAULT_TIMEOUT = 5000

MessageRef = int | str
"""A message in a panel: its row (negative counts from the newest) or its exact text (the
newest row with that text)."""


def receipt_status(value: ReceiptStatus | str) -> ReceiptStatus:
    """``ReceiptStatus.DONE``, ``"DONE"`` or ``"done"`` (``COMPLETED`` is DONE's other name)."""
    if isinstance(value, ReceiptStatus):
        return value
    try:
        return ReceiptStatus[str(value).upper()]
    except KeyError:
        names = ", ".join(s.name for s in ReceiptStatus)
        raise ValueError(f"no receipt status {value!r}; choose one of: {names}") from None


def find_role(model: QAbstractItemModel, name: str) -> int:
    """The item data role that ``model.roleNames()`` calls ``name``."""
    for role, role_name in model.roleNames().items():
        if role_name.data().decode() == name:
            return int(role)
    raise LookupError(f"the model has no role named {name!r}")


class WindowDriver:
    """Finds, clicks and waits in one readtick window through ``qtbot`` (pytest-qt)."""

    def __init__(self, window: QWidget, qtbot: Any) -> None:
        self.window = window
        self.qtbot = qtbot

    # --- finding ----------------------------------------------------------------------------------

    def panel(self, user_id: str) -> Any:
        """The panel ``client:<user_id>`` (a ``ClientPanel``)."""
        found = self.window.findChild(QWidget, f"client:{user_id}")
        if found is None:
            shown = [
                w.objectName()
                for w in self.window.findChildren(QWidget)
                if w.objectName().startswith("client:")
            ]
            raise LookupError(f"no panel client:{user_id}; the window has {', '.join(shown) or 'none'}")
        return found

    def widget(self, user_id: str, name: str, kind: type = QWidget) -> Any:
        """The widget called ``name`` in ``user_id``'s panel (``kind`` narrows the search)."""
        found = self.panel(user_id).findChild(kind, name)
        if found is None:
            raise LookupError(f"client:{user_id} has no {kind.__name__} named {name!r}")
        return found

    def model(self, user_id: str) -> QAbstractItemModel:
        """The messages of the conversation ``user_id``'s panel shows."""
        return self.widget(user_id, "messageView", QAbstractItemView).model()

    def rows(self, user_id: str) -> int:
        return self.model(user_id).rowCount()

    def texts(self, user_id: str) -> list[str]:
        model = self.model(user_id)
        return [model.index(row, 0).data() for row in range(model.rowCount())]

    def statuses(self, user_id: str) -> list[ReceiptStatus]:
        """Every shown message's receipt status, oldest first."""
        model = self.model(user_id)
        role = find_role(model, "receiptStatus")
        return [model.index(row, 0).data(role) for row in range(model.rowCount())]

    def status(self, user_id: str, message: MessageRef) -> ReceiptStatus:
        model = self.model(user_id)
        return model.index(self.row(user_id, message), 0).data(find_role(model, "receiptStatus"))

    def row(self, user_id: str, message: MessageRef) -> int:
        """The row of ``message`` (a row number or a text) in ``user_id``'s panel."""
        texts = self.texts(user_id)
        if isinstance(message, int):
            row = message + len(texts) if message < 0 else message
            if not 0 <= row < len(texts):
                raise LookupError(f"client:{user_id} shows {len(texts)} messages, no row {message}")
            return row
        for row in range(len(texts) - 1, -1, -1):
            if texts[row] == message:
                return row
        raise LookupError(f"client:{user_id} shows no message {message!r}; it shows {texts}")

    def log_text(self, user_id: str) -> str:
        """What the panel's event log shows (the handler callbacks its client received)."""
        return self.widget(user_id, "eventLog", QPlainTextEdit).toPlainText()

    # --- acting -----------------------------------------------------------------------------------

    def open(
        self, user_id: str, conversation_id: str, conversation_type: ConversationType | None = None
    ) -> None:
        """Pick a conversation in ``user_id``'s ``conversationPicker`` (a peer or a group id;
        pass the type if a user and a group share the id)."""
        picker = self.widget(user_id, "conversationPicker", QComboBox)
        for index in range(picker.count()):
            same_type = (
                conversation_type is None or picker.itemData(index, ConversationTypeRole) == conversation_type
            )
            if picker.itemData(index) == conversation_id and same_type:
                picker.setCurrentIndex(index)
                return
        offered = [picker.itemData(i) for i in range(picker.count())]
        raise LookupError(f"client:{user_id} offers no conversation {conversation_id!r}; it offers {offered}")

    def send(self, user_id: str, text: str, *, to: str | None = None, receipt: bool = True) -> str:
        """Type ``text`` into the composer and click Send (in conversation ``to`` if given, else
        the open one), with the receipt box as asked. Returns what the status line then says:
        the send finished, accepted or refused."""
        if to is not None:
            self.open(user_id, to)
        toggle = self.widget(user_id, "receiptToggle", QCheckBox)
        if toggle.isChecked() != receipt:
            self.qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
        composer = self.widget(user_id, "composer", QLineEdit)
        composer.clear()
        composer.setFocus()
        self.qtbot.keyClicks(composer, text)
        return self._click_and_wait(user_id, "sendButton")

    def attach(self, user_id: str, path: str, *, to: str | None = None, receipt: bool = True) -> str:
        """Click the attach button and pick the file at ``path`` (in conversation ``to`` if
        given), with the receipt box as asked. Returns what the status line then says (the upload
        started, or why the file was refused); a media message's row is its summary, e.g.
        ``"[image] photo.png"``."""
        if to is not None:
            self.open(user_id, to)
        toggle = self.widget(user_id, "receiptToggle", QCheckBox)
        if toggle.isChecked() != receipt:
            self.qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
        self.widget(user_id, "composerRow").file_chooser = lambda: path
        button = self.widget(user_id, "attachButton", QAbstractButton)
        with self.qtbot.waitSignal(self.panel(user_id).statusShown, timeout=DEFAULT_TIMEOUT) as shown:
            self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        return shown.args[1]

    def select(self, user_id: str, *messages: MessageRef) -> None:
        """Click the first message's row, then Ctrl+click the others."""
        for number, message in enumerate(messages):
            modifier = Qt.KeyboardModifier.ControlModifier if number else Qt.KeyboardModifier.NoModifier
            self.click_row(user_id, message, modifier)

    def read(self, user_id: str, *messages: MessageRef) -> str:
        """Select ``messages`` (received ones) and click "Mark selected read"; returns what the
        status line then says."""
        self.select(user_id, *messages)
        return self._click_and_wait(user_id, "markReadButton")

    def read_conversation(self, user_id: str, with_user: str | None = None) -> str:
        """Click "Mark conversation read" (in the one-to-one conversation with ``with_user`` if
        given); returns what the status line then says."""
        if with_user is not None:
            self.open(user_id, with_user, ConversationType.PEER)
        return self._click_and_wait(user_id, "markConversationReadButton")

    def set_online(self, user_id: str, online: bool) -> None:
        """Click the panel's online switch if it is not already as asked."""
        switch = self.widget(user_id, "onlineToggle", QAbstractButton)
        if switch.isChecked() != online:
            self.qtbot.mouseClick(switch, Qt.MouseButton.LeftButton)

    def click_row(
        self,
        user_id: str,
        message: MessageRef,
        modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
    ) -> None:
        """Click a message's row beside its bubble (a click on the receipt ticks acts on them),
        once the panel shows it."""
        view = self.widget(user_id, "messageView", QAbstractItemView)
        index = view.model().index(self.wait_for_message(user_id, message), 0)
        view.scrollTo(index)
        rect = view.visualRect(index)
        self.qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, modifier, QPoint(rect.left() + 4, rect.center().y())
        )

    def click_receipt(self, user_id: str, message: MessageRef) -> None:
        """Click a message's receipt ticks, once the panel shows it: reads it if it awaits this
        client's read, opens the member lists of an own group message. Waits for neither."""
        view = self.widget(user_id, "messageView", QAbstractItemView)
        row = self.wait_for_message(user_id, message)
        view.scrollTo(view.model().index(row, 0))
        self.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.marker_point(row))

    def _click_and_wait(self, user_id: str, button_name: str) -> str:
        button = self.widget(user_id, button_name, QPushButton)
        if not button.isEnabled():
            raise AssertionError(
                f"client:{user_id}: {button_name} is disabled ({button.toolTip() or 'no reason given'})"
            )
        with self.qtbot.waitSignal(self.panel(user_id).statusShown, timeout=DEFAULT_TIMEOUT) as shown:
            self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        return shown.args[1]

    # --- waiting ----------------------------------------------------------------------------------

    def wait_for_status(
        self,
        user_id: str,
        message: MessageRef,
        status: ReceiptStatus | str,
        *,
        timeout: int = DEFAULT_TIMEOUT,
    ) -> None:
        """Wait until ``message`` shows ``status`` in ``user_id``'s panel (its ``receiptStatus``
        role); fail naming what it shows instead. A text that is not shown yet is waited for."""
        wanted = receipt_status(status)

        def shows_it() -> bool:
            try:
                return self.status(user_id, message) == wanted
            except LookupError:
                return False

        try:
            self.qtbot.waitUntil(shows_it, timeout=timeout)
        except self.qtbot.TimeoutError:
            try:
                shown = self.status(user_id, message).name
            except LookupError as missing:
                shown = f"nothing ({missing})"
            raise AssertionError(
                f"client:{user_id}: message {message!r} shows {shown}, not {wanted.name}, after {timeout} ms"
            ) from None

    def wait_for_message(self, user_id: str, message: MessageRef, *, timeout: int = DEFAULT_TIMEOUT) -> int:
        """Wait until ``user_id``'s panel shows ``message``; return its row."""
        try:
            self.qtbot.waitUntil(lambda: self._shows(user_id, message), timeout=timeout)
        except self.qtbot.TimeoutError:
            self.row(user_id, message)  # raises LookupError saying what is shown instead
        return self.row(user_id, message)

    def _shows(self, user_id: str, message: MessageRef) -> bool:
        try:
            self.row(user_id, message)
        except LookupError:
            return False
        return True

    def wait_for_rows(self, user_id: str, count: int, *, timeout: int = DEFAULT_TIMEOUT) -> None:
        """Wait until ``user_id``'s panel shows ``count`` messages."""
        try:
            self.qtbot.waitUntil(lambda: self.rows(user_id) == count, timeout=timeout)
        except self.qtbot.TimeoutError:
            raise AssertionError(
                f"client:{user_id} shows {self.rows(user_id)} messages, not {count}, after {timeout} ms"
            ) from None
