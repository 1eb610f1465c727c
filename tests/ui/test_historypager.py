"""A long conversation in a panel (``HistoryPager``): opening it reads one page from the client's
cache, scrolling pages history in and out of a bounded window (never the whole conversation), and
a message the user sends brings the newest messages back."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit
from readtick.core import ConversationType, MessageDirection, ReceiptStatus, SentStatus, TextMessage
from readtick.ui.conversationfeed import WINDOW_ROWS
from readtick.ui.historypager import HISTORY_PAGE, INITIAL_WINDOW

PEER, GROUP = ConversationType.PEER, ConversationType.GROUP
TOTAL = 1000
FIRST_ID = 10_000  # far from the engine's own ids: these messages exist only in alice's cache


def history(count: int = TOTAL) -> list[TextMessage]:
    return [
        TextMessage(
            f"line {i}" + " and more" * (i % 3),
            message_id=FIRST_ID + i,
            conversation_id="bob",
            conversation_type=PEER,
            sender_user_id="alice" if i % 2 else "bob",
            direction=MessageDirection.SEND if i % 2 else MessageDirection.RECEIVE,
            sent_status=SentStatus.SUCCESS,
            conversation_seq=i,
            receipt_status=ReceiptStatus.NONE,
            timestamp=1736156460.0 + i,
        )
        for i in range(1, count + 1)
    ]


def long_conversation(make_receipt_window, counting_cache):
    """alice's panel with a 1,000-message conversation with bob in her cache, showing the group
    (the test opens the conversation); reads of her cache are counted (the client writes to the
    same cache underneath)."""
    h = make_receipt_window()
    cache = h.clients["alice"].cache
    for message in history():
        cache.put(message)
    spy = counting_cache(cache)
    h.clients["alice"].cache = spy
    h.open("alice", "team", GROUP)
    spy.calls.clear()
    return h, spy


def shown_ids(h) -> list[int]:
    return [m.message_id - FIRST_ID for m in h.panel("alice").model().messages()]


def test_opening_a_conversation_reads_one_page_from_the_cache(make_receipt_window, counting_cache) -> None:
    h, spy = long_conversation(make_receipt_window, counting_cache)
    h.open("alice", "bob", PEER)
    h.qtbot.waitUntil(lambda: h.panel("alice").view().is_at_bottom())
    assert spy.calls == {"messages_before": 1}
    assert shown_ids(h) == list(range(TOTAL - INITIAL_WINDOW + 1, TOTAL + 1))
    assert h.panel("alice").model().has_older()


def test_scrolling_pages_history_in_and_out_of_a_bounded_window(make_receipt_window, counting_cache) -> None:
    h, spy = long_conversation(make_receipt_window, counting_cache)
    h.open("alice", "bob", PEER)
    panel = h.panel("alice")
    model, bar = panel.model(), panel.view().verticalScrollBar()
    seen = set(shown_ids(h))
    while model.has_older():  # the user keeps scrolling up
        first = shown_ids(h)[0]
        bar.setValue(bar.minimum())
        h.qtbot.waitUntil(lambda first=first: shown_ids(h)[0] < first or not model.has_older())
        assert model.rowCount() <= WINDOW_ROWS
        assert shown_ids(h) == list(range(shown_ids(h)[0], shown_ids(h)[-1] + 1))  # no gap
        seen.update(shown_ids(h))
    assert shown_ids(h)[0] == 1 and model.has_newer()
    while model.has_newer():  # and back down to the newest
        last = shown_ids(h)[-1]
        bar.setValue(bar.maximum())
        h.qtbot.waitUntil(lambda last=last: shown_ids(h)[-1] > last or not model.has_newer())
        assert model.rowCount() <= WINDOW_ROWS
        assert shown_ids(h) == list(range(shown_ids(h)[0], shown_ids(h)[-1] + 1))
    assert shown_ids(h)[-1] == TOTAL
    assert seen == set(range(1, TOTAL + 1))
    # One read per page (and one that finds the end), never the whole conversation.
    pages = (TOTAL - INITIAL_WINDOW) // HISTORY_PAGE
    assert spy.calls["conversation"] == 0
    assert spy.calls["messages_before"] == 1 + pages + 1
    assert 0 < spy.calls["messages_after"] <= pages + 1


def test_sending_while_reading_old_history_brings_the_newest_back(
    make_receipt_window, counting_cache
) -> None:
    h, spy = long_conversation(make_receipt_window, counting_cache)
    h.open("alice", "bob", PEER)
    panel = h.panel("alice")
    model, bar = panel.model(), panel.view().verticalScrollBar()
    while not model.has_newer():
        first = shown_ids(h)[0]
        bar.setValue(bar.minimum())
        h.qtbot.waitUntil(lambda first=first: shown_ids(h)[0] < first)
    assert spy.calls["conversation"] == 0
    h.run(h.clients["bob"].send_message(TextMessage("meanwhile"), "alice", PEER))
    h.drain()
    assert "meanwhile" not in [m.summary() for m in model.messages()]  # paging forward brings it
    composer = h.widget("alice", "composer", QLineEdit)
    composer.setText("back to the present")
    composer.returnPressed.emit()
    h.qtbot.waitUntil(lambda: model.messages()[-1].summary() == "back to the present")
    assert [m.summary() for m in model.messages()[-2:]] == ["meanwhile", "back to the present"]
    assert not model.has_newer()
    h.qtbot.waitUntil(panel.view().is_at_bottom)
