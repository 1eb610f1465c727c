"""The bridge's calls cost what they touch: marking a conversation read counts the messages the
call marked from the cache writes it caused, without loading the conversation."""

from __future__ import annotations

from readtick.core import ConversationType, MessageSendConfig, TextMessage

PEER = ConversationType.PEER


def send(h, sender: str, to: str, text: str, *, receipt: bool = True) -> None:
    h.run(h.clients[sender].send_message(TextMessage(text), to, PEER, MessageSendConfig(has_receipt=receipt)))


def test_mark_conversation_read_counts_what_it_marked_without_loading_the_conversation(
    make_receipt_window, counting_cache
) -> None:
    h = make_receipt_window()
    for text in ("one", "two", "three"):
        send(h, "alice", "bob", text)
    send(h, "alice", "bob", "no receipt", receipt=False)
    send(h, "bob", "alice", "bob's own")
    h.drain()
    h.open("bob", "alice", PEER)
    h.wait_for_rows("bob", 5)
    assert h.read("bob", "one").startswith("Sent read receipt for 1 message")
    spy = counting_cache(h.clients["bob"].cache)
    h.clients["bob"].cache = spy

    status = h.read_conversation("bob")

    assert status == "Marked the conversation with alice read (2 newly read)."
    assert spy.calls["conversation"] == 0
    assert [h.status("bob", text).name for text in ("one", "two", "three")] == ["DONE"] * 3
    assert h.read_conversation("bob") == "Marked the conversation with alice read (0 newly read)."
    assert spy.calls["conversation"] == 0
