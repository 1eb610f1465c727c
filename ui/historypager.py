"""Reads a panel's conversation from the client page by page, so the panel shows a window of it
however long it is.

Opening a conversation reads one page, its newest ``INITIAL_WINDOW`` messages, from the client's
cache. When the feed's view nears the first row (within a page) the page before it is loaded
through the client's history call, which also refreshes the page's receipt statuses; nearing the
last row of a window that is not at the newest message loads the page after it. The feed puts
each page in and trims its window's other end (``WINDOW_ROWS``). A message the user sends while
older history is shown brings the newest messages back.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from readtick.core.enums import ConversationType
from readtick.core.errors import ReceiptError
from readtick.core.messages import Message
from readtick.ui.alive import alive_slot, survive
from readtick.ui.clientbridge import ClientBridge
from readtick.ui.conversationfeed import ConversationFeed

#: Messages shown when a conversation opens: a few screens, so the first scroll needs no page.
INITIAL_WINDOW = 100
#: Messages per page paged in while scrolling: the SDK's default count. Measuring a page's rows is
#: most of the frame that pages it in, so a page is kept small enough for a frame.
HISTORY_PAGE = 30


class HistoryPager(QObject):
    """Pages one panel's conversation into its ``ConversationFeed``.

    Signals:
        failed(str, ReceiptError): a page could not be loaded: what failed, and why.
    """

    failed = Signal(str, object)

    def __init__(self, bridge: ClientBridge, feed: ConversationFeed, parent: QObject) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._feed = feed
        self._loading = False
        feed.view().prefetch_rows = HISTORY_PAGE
        feed.olderHistoryRequested.connect(self._on_older_wanted)
        feed.newerHistoryRequested.connect(self._on_newer_wanted)

    def open(self, conversation_id: str, conversation_type: ConversationType) -> list[Message]:
        """Show the newest messages of a conversation (one page read from the cache, no engine
        call); returns them, oldest first."""
        page = self._bridge.cached_before(conversation_id, conversation_type, None, INITIAL_WINDOW + 1)
        window = page[-INITIAL_WINDOW:]
        self._feed.show_conversation(
            conversation_id,
            conversation_type,
            window,
            self._bridge.cached_infos(window),
            has_older=len(page) > len(window),
        )
        return window

    def show_newest(self) -> None:
        """Bring the newest messages back if older history is shown (the user sent a message:
        they see it, as a messenger shows what you just sent)."""
        conversation = self._feed.model().conversation()
        if conversation is not None and self._feed.model().has_newer():
            self.open(*conversation)

    def _on_older_wanted(self) -> None:
        model = self._feed.model()
        if model.has_older() and not self._loading and model.rowCount():
            self._load(True)

    def _on_newer_wanted(self) -> None:
        model = self._feed.model()
        if model.has_newer() and not self._loading and model.rowCount():
            self._load(False)

    @alive_slot(bool)
    async def _load(self, older: bool) -> None:
        model = self._feed.model()
        conversation = model.conversation()
        if conversation is None:
            return
        self._loading = True
        anchor = model.message_at(0 if older else model.rowCount() - 1)
        while True:
            if older:
                loading = self._bridge.history_before(*conversation, anchor, HISTORY_PAGE)
            else:
                loading = self._bridge.history_after(*conversation, anchor, HISTORY_PAGE)
            try:
                page = await survive(self, loading)
            except ReceiptError as error:
                self._loading = False
                self.failed.emit(f"Could not load {'older' if older else 'newer'} messages", error)
                return
            if model.conversation() != conversation:
                break  # the user switched conversations meanwhile
            last = len(page) < HISTORY_PAGE
            if self._feed.add_page(page, self._bridge.cached_infos(page), older=older, last=last) or last:
                break
            # Every message of a full page was shown already (the cache's order, arrival, can
            # differ from the feed's, conversation sequence): go on from the page's end.
            anchor = page[0] if older else page[-1]
        self._loading = False
