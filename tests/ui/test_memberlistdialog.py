"""The member lists of a large group's message: pages of 100 loaded as the user scrolls, every
member listed once, and one avatar image per look rather than per row."""

from __future__ import annotations

from readtick.core import ConversationType, MessageSendConfig, TextMessage
from readtick.ui.avatar import avatar_icon
from readtick.ui.memberlistdialog import DEFAULT_PAGE_SIZE, MemberListDialog

GROUP = ConversationType.GROUP


def test_the_unread_list_of_a_large_group_scrolls_to_its_end(make_receipt_window) -> None:
    h = make_receipt_window()
    crowd = [f"member{i:04}" for i in range(1998)]
    h.engine.create_group("crowd", ["alice", "bob", *crowd])
    h.panel("alice").set_peers(["bob"])
    h.open("alice", "crowd", GROUP)
    h.run(
        h.clients["alice"].send_message(
            TextMessage("to everyone"), "crowd", GROUP, MessageSendConfig(has_receipt=True)
        )
    )
    model = h.panel("alice").model()
    h.qtbot.waitUntil(lambda: model.rowCount() == 1)
    h.panel("alice")._open_member_list(model.index(0, 0))
    dialog = h.panel("alice").findChild(MemberListDialog, "memberListDialog")
    unread = dialog.column(False)
    h.qtbot.waitUntil(lambda: unread.list.count() == DEFAULT_PAGE_SIZE == 100)
    bar = unread.list.verticalScrollBar()
    while not unread.finished:  # the user drags the list to its end, page after page
        shown = unread.list.count()
        h.qtbot.waitUntil(lambda: bar.maximum() > bar.value())  # the new rows are laid out
        bar.setValue(bar.maximum())
        h.qtbot.waitUntil(lambda shown=shown: unread.list.count() > shown)
    names = [unread.list.item(i).text() for i in range(unread.list.count())]
    assert sorted(names) == sorted(["bob", *crowd])  # everyone who has not read, each once
    assert unread.pages == 20
    assert unread.label.text() == "UNREAD · 1999 of 1999"
    looks = {unread.list.item(i).icon().cacheKey() for i in range(unread.list.count())}
    assert len(looks) <= 8 * 2  # one image per colour and initial ("b", "m"), not one per row
    dialog.close()


def test_avatar_icons_are_shared_by_names_that_look_the_same() -> None:
    assert avatar_icon("mia").cacheKey() == avatar_icon("mia").cacheKey()
    assert avatar_icon("mia").cacheKey() != avatar_icon("mia", group=True).cacheKey()
    assert avatar_icon("mia").cacheKey() != avatar_icon("noah").cacheKey()
