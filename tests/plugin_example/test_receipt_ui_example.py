"""The README's "Testing your receipt UI" example: GUI tests of read receipts written with
readtick's pytest plugin alone. CI runs this file in the repository and, copied to a directory
outside it, against the installed wheel (tests/packaging/test_wheel.py)."""

from readtick.core import ConversationType, ReceiptStatus


def test_bob_reads_and_alice_sees_it(make_receipt_window):
    w = make_receipt_window(clients=["alice", "bob"])
    w.send("alice", "Lunch at 12?", to="bob")  # types into alice's composer, clicks Send
    w.wait_for_status("alice", "Lunch at 12?", ReceiptStatus.PROCESSING)

    w.read("bob", "Lunch at 12?")  # selects it in bob's panel, clicks "Mark selected read"
    w.wait_for_status("alice", "Lunch at 12?", "DONE")
    assert "on_message_receipt_changed" in w.log_text("alice")


def test_a_group_message_is_done_when_every_member_read_it(make_receipt_window):
    w = make_receipt_window(clients=["alice", "bob"], groups={"team": ["alice", "bob", "mia"]})
    w.send("alice", "Stand-up in 5", to="team")
    w.open("bob", "team")
    w.click_receipt("bob", "Stand-up in 5")  # clicking the ticks of a received message reads it
    w.drain()
    assert w.status("alice", "Stand-up in 5") == ReceiptStatus.PROCESSING  # mia has not read it

    mia = w.clients["mia"]  # a member without a panel: drive her client directly
    received = mia.cached_messages("team", ConversationType.GROUP)
    w.run(mia.send_message_receipts_read(received, "team", ConversationType.GROUP))
    w.wait_for_status("alice", "Stand-up in 5", "DONE")


def test_an_unread_receipt_expires_after_a_week(make_receipt_window):
    w = make_receipt_window(virtual_clock=True)
    w.send("alice", "Anyone there?", to="bob")
    w.advance(7 * 24 * 3600)  # the virtual clock jumps; nothing waits a week
    w.wait_for_status("alice", "Anyone there?", "EXPIRED")
    w.wait_for_status("bob", "Anyone there?", "EXPIRED")
