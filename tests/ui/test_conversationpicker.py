"""The conversation picker: what it offers, what it reports, and its "(n new)" counters."""

from __future__ import annotations

from PySide6.QtCore import Qt
from readtick.core import ConversationType
from readtick.ui.conversationpicker import ConversationPicker, ConversationTypeRole

PEER, GROUP = ConversationType.PEER, ConversationType.GROUP


def make_picker(qtbot) -> ConversationPicker:
    picker = ConversationPicker(group_size=lambda group_id: 3)
    qtbot.addWidget(picker)
    picker.show()
    qtbot.waitExposed(picker)
    return picker


def offered(picker: ConversationPicker) -> list[tuple[str, ConversationType]]:
    return [(cid, kind) for cid, kind, _ in entries(picker)]


def entries(picker: ConversationPicker) -> list[tuple[str, ConversationType, str]]:
    return [
        (picker.itemData(i), picker.itemData(i, ConversationTypeRole), picker.itemText(i))
        for i in range(picker.count())
    ]


def test_offering_conversations_picks_the_first_and_reports_it(qtbot) -> None:
    picker = make_picker(qtbot)
    with qtbot.waitSignal(picker.conversationChanged, timeout=1000) as picked:
        picker.offer([("bob", PEER), ("team", GROUP)])
    assert picked.args == [("bob", PEER)]
    assert entries(picker) == [("bob", PEER, "bob"), ("team", GROUP, "team · group of 3")]
    with qtbot.assertNotEmitted(picker.conversationChanged):
        picker.offer([("bob", PEER), ("carol", PEER), ("team", GROUP)])  # bob stays picked
    with qtbot.waitSignal(picker.conversationChanged, timeout=1000) as emptied:
        picker.offer([])
    assert emptied.args == [None] and picker.current() is None


def test_choosing_with_the_keyboard_reports_the_conversation(qtbot) -> None:
    picker = make_picker(qtbot)
    picker.offer([("bob", PEER), ("team", GROUP)])
    picker.setFocus()
    with qtbot.waitSignal(picker.conversationChanged, timeout=1000) as picked:
        qtbot.keyClick(picker, Qt.Key.Key_Down)
    assert picked.args == [("team", GROUP)]
    assert picker.select("bob", PEER) and picker.current() == ("bob", PEER)
    assert not picker.select("nobody", PEER)


def test_arrivals_elsewhere_are_counted_until_that_conversation_is_opened(qtbot) -> None:
    picker = make_picker(qtbot)
    picker.offer([("bob", PEER), ("team", GROUP)])
    picker.count_arrivals(("bob", PEER), 1)  # shown: not counted
    picker.count_arrivals(("team", GROUP), 2)
    assert [text for *_, text in entries(picker)] == ["bob", "team · group of 3  (2 new)"]
    with qtbot.waitSignal(picker.conversationChanged, timeout=1000):
        picker.select("team", GROUP)
    assert [text for *_, text in entries(picker)] == ["bob", "team · group of 3"]


def test_someone_who_wrote_is_offered_and_stays_offered(qtbot) -> None:
    picker = make_picker(qtbot)
    picker.offer([("bob", PEER)])
    picker.count_arrivals(("dave", PEER), 1)  # dave has no panel, but wrote
    assert offered(picker) == [("bob", PEER), ("dave", PEER)]
    picker.offer([("bob", PEER), ("team", GROUP)])
    assert offered(picker) == [("bob", PEER), ("team", GROUP), ("dave", PEER)]


def test_a_first_arrival_with_nothing_offered_opens_it(qtbot) -> None:
    picker = make_picker(qtbot)
    with qtbot.waitSignal(picker.conversationChanged, timeout=1000) as picked:
        picker.count_arrivals(("dave", PEER), 2)
    assert picked.args == [("dave", PEER)]
    assert entries(picker) == [("dave", PEER, "dave")]  # shown at once: nothing counted
