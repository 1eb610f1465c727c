"""The window's own decisions: how many panels it holds (core's limits) and that the groups a
client added from the toolbar joins are the caller's policy, not the window's."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox
from readtick.core import Client, ConversationType
from readtick.core.receipt import MAX_CLIENTS, MIN_CLIENTS
from readtick.ui.conversationpicker import ConversationTypeRole

NAMES = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi")


def offered(h, user: str) -> list[tuple[str, ConversationType]]:
    picker = h.widget(user, "conversationPicker", QComboBox)
    return [(picker.itemData(i), picker.itemData(i, ConversationTypeRole)) for i in range(picker.count())]


def test_a_client_added_from_the_toolbar_joins_what_the_join_policy_says(make_receipt_window) -> None:
    calls = []

    def join_team(engine, user_id, panel_user_ids) -> None:  # type: ignore[no-untyped-def]
        calls.append((user_id, list(panel_user_ids)))
        engine.add_group_members("team", [user_id])

    h = make_receipt_window(join_policy=join_team)
    h.window.add_client_action.trigger()
    h.qtbot.waitUntil(lambda: len(h.window.panels()) == 3)
    assert calls == [("carol", ["alice", "bob"])]  # after carol logged in, before her panel
    assert ("team", ConversationType.GROUP) in offered(h, "carol")
    assert h.window.statusBar().currentMessage() == "carol logged in and joined the groups."


def test_without_a_join_policy_an_added_client_joins_no_group(make_receipt_window) -> None:
    h = make_receipt_window()
    h.window.add_client_action.trigger()
    h.qtbot.waitUntil(lambda: len(h.window.panels()) == 3)
    assert h.engine.group_ids_of("carol") == []
    assert offered(h, "carol") == [("alice", ConversationType.PEER), ("bob", ConversationType.PEER)]
    assert h.window.statusBar().currentMessage() == "carol logged in."


def test_a_join_policy_the_engine_refuses_leaves_no_panel_and_says_why(make_receipt_window) -> None:
    made: list[Client] = []

    def make_client(engine, user_id: str) -> Client:  # type: ignore[no-untyped-def]
        made.append(Client(engine, user_id))
        return made[-1]

    def join_nowhere(engine, user_id, panel_user_ids) -> None:  # type: ignore[no-untyped-def]
        engine.add_group_members("nowhere", [user_id])

    h = make_receipt_window(make_client=make_client, join_policy=join_nowhere)
    assert h.run(h.window.create_client("carol")) is None
    assert h.window.user_ids() == ["alice", "bob"]
    assert "Could not add carol: group 'nowhere' does not exist" in h.window.statusBar().currentMessage()
    assert not made[0].logged_in  # logged in, then out again: nothing of carol is left running


def test_the_toolbar_keeps_between_core_min_and_max_clients(make_receipt_window) -> None:
    h = make_receipt_window(clients=NAMES[:MAX_CLIENTS], size=(2000, 760))
    assert not h.window.add_client_action.isEnabled()
    assert h.window.add_client_action.toolTip() == f"At most {MAX_CLIENTS} clients fit side by side"
    assert h.run(h.window.create_client("ivan")) is None
    h = make_receipt_window(clients=NAMES[:MIN_CLIENTS])
    assert not h.window.remove_client_action.isEnabled()
    assert h.window.remove_client_action.toolTip() == (
        f"At least {MIN_CLIENTS} clients stay, or there is nobody to talk to"
    )
