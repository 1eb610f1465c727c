"""The conversation picker of a client's panel: the conversations its client can open (each peer,
each of its groups, and anyone who wrote to it), with "(n new)" counting what arrived in a
conversation while another one was shown; opening that conversation clears its count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QWidget
from readtick.core.enums import ConversationType
from readtick.ui.avatar import avatar_icon

#: Item data role holding the ConversationType (the conversation id is ``Qt.UserRole``).
ConversationTypeRole = Qt.ItemDataRole.UserRole + 1

Conversation = tuple[str, ConversationType]
"""A conversation as the SDK names it: its id and its type."""


class ConversationPicker(QComboBox):
    """A combo box of conversations (object name ``conversationPicker``); each item's data is the
    conversation id (``Qt.UserRole``) and its type (``ConversationTypeRole``). A group's item says
    how many members it has, asked of ``group_size(group_id)``.

    Signals:
        conversationChanged(object): the conversation to show changed, to an
            ``(id, ConversationType)`` tuple, or to None when there is none to show.
        newCountChanged(int): the "(n new)" counts of all conversations now add up to this.
    """

    conversationChanged = Signal(object)
    newCountChanged = Signal(int)

    def __init__(self, group_size: Callable[[str], int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationPicker")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._group_size = group_size
        # Arrivals per conversation while it was not shown; a key present (even at 0) also means
        # that conversation exists on the client, so it stays offered after its peer's panel went.
        self._unread: dict[Conversation, int] = {}
        self.currentIndexChanged.connect(self._on_index_changed)

    def current(self) -> Conversation | None:
        """The conversation picked, or None if none is offered."""
        return self._conversation_at(self.currentIndex())

    def select(self, conversation_id: str, conversation_type: ConversationType) -> bool:
        """Pick this conversation; False if it is not offered."""
        index = self._find(conversation_id, ConversationType(conversation_type))
        if index >= 0:
            self.setCurrentIndex(index)
        return index >= 0

    def offer(self, conversations: Sequence[Conversation]) -> None:
        """Offer these conversations, and those that received messages before; the current one
        stays picked if it is still offered, else the first is (reported if that changes it)."""
        current = self.current()
        wanted = list(conversations)
        for index in range(self.count()):
            entry = self._conversation_at(index)
            if entry not in wanted and self._unread.get(entry) is not None:
                wanted.append(entry)
        self.blockSignals(True)
        self.clear()
        for conversation_id, conversation_type in wanted:
            self._add_item(conversation_id, conversation_type)
        target = self._find(*current) if current else -1
        self.setCurrentIndex(target if target >= 0 else (0 if wanted else -1))
        self.blockSignals(False)
        if self.current() != current:
            self._on_index_changed()

    def count_arrivals(self, conversation: Conversation, count: int) -> None:
        """``count`` messages arrived in ``conversation``: offer it if it is new (and pick it if
        nothing was picked), and count them unless it is the conversation shown."""
        if self._find(*conversation) < 0:
            self._unread.setdefault(conversation, 0)
            empty = self.count() == 0
            self.blockSignals(True)
            self._add_item(*conversation)  # a combo box picks its first item by itself, silently
            self.blockSignals(False)
            if empty:
                self._on_index_changed()
        if self.current() != conversation:
            self._unread[conversation] = (self._unread.get(conversation) or 0) + count
            self._update_text(self._find(*conversation))
            self.newCountChanged.emit(self.new_count())

    def new_count(self) -> int:
        """Messages that arrived in conversations while they were not shown, all together."""
        return sum(self._unread.values())

    def _on_index_changed(self, *_: object) -> None:
        current = self.current()
        if current is not None and self._unread.get(current):
            self._unread[current] = 0
            self._update_text(self.currentIndex())
            self.newCountChanged.emit(self.new_count())
        self.conversationChanged.emit(current)

    def _conversation_at(self, index: int) -> Conversation | None:
        if index < 0:
            return None
        return self.itemData(index), ConversationType(self.itemData(index, ConversationTypeRole))

    def _add_item(self, conversation_id: str, conversation_type: ConversationType) -> None:
        group = conversation_type == ConversationType.GROUP
        self.addItem(avatar_icon(conversation_id, group=group), conversation_id)
        index = self.count() - 1
        self.setItemData(index, conversation_id, Qt.ItemDataRole.UserRole)
        self.setItemData(index, conversation_type, ConversationTypeRole)
        self._update_text(index)

    def _update_text(self, index: int) -> None:
        conversation_id, conversation_type = self._conversation_at(index)
        if conversation_type == ConversationType.GROUP:
            text = f"{conversation_id} · group of {self._group_size(conversation_id)}"
        else:
            text = conversation_id
        unread = self._unread.get((conversation_id, conversation_type)) or 0
        if unread:
            text += f"  ({unread} new)"
        self.setItemText(index, text)

    def _find(self, conversation_id: str, conversation_type: ConversationType) -> int:
        for index in range(self.count()):
            if (
                self.itemData(index) == conversation_id
                and self.itemData(index, ConversationTypeRole) == conversation_type
            ):
                return index
        return -1
