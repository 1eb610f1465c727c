"""The member lists of a large group's message: pages of 100 loaded as the user scrolls, every
member listed once, and one avatar image per look rather than per row."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QAbstractItemView, QListWidget
from readtick.core import ConversationType
from readtick.ui.avatar import avatar_icon
from readtick.ui.memberlistdialog import DEFAULT_PAGE_SIZE, MemberListDialog

GROUP = ConversationType.GROUP


def test_the_unread_list_of_a_large_group_scrolls_to_its_end(message_to_crowd) -> None:
    h, _ = message_to_crowd(1998)
    crowd = [f"member{i:04}" for i in range(1998)]
    model = h.panel("alice").model()
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


def test_a_new_read_keeps_the_scrolled_unread_list_where_it_is(message_to_crowd) -> None:
    h, sent = message_to_crowd(1998)
    model = h.panel("alice").model()
    dialog = h.panel("alice")._open_member_list(model.index(0, 0))
    unread = dialog.column(False)
    bar = unread.list.verticalScrollBar()
    while unread.list.count() < 800:  # the user scrolls down until row 700 is well inside
        shown = unread.list.count()
        h.qtbot.waitUntil(lambda: bar.maximum() > bar.value())
        bar.setValue(bar.maximum())
        h.qtbot.waitUntil(lambda shown=shown: unread.list.count() > shown)
    h.qtbot.waitUntil(lambda: not unread.loading)
    unread.list.scrollToItem(unread.list.item(700), QAbstractItemView.ScrollHint.PositionAtTop)
    first_shown = first_visible(unread.list)
    assert first_shown == "member0699"  # bob is the first unread member

    # Someone high up the list reads, then someone below the screen: the list follows each read.
    for reader in ("member0100", "member0750"):
        h.engine.mark_read(reader, [sent], "crowd", GROUP)
        h.drain()
        h.qtbot.waitUntil(lambda reader=reader: reader not in names(unread.list))
        assert first_visible(unread.list) == first_shown
        listed = names(unread.list)
        assert len(listed) == len(set(listed))  # nobody twice
        assert listed == sorted(listed, key=lambda n: (n != "bob", n))  # still in member order
    assert len(names(unread.list)) >= 798
    assert unread.label.text().endswith("of 1997")
    h.qtbot.waitUntil(lambda: {"member0100", "member0750"} <= set(names(dialog.column(True).list)))
    dialog.close()


def names(widget: QListWidget) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())]


def first_visible(widget: QListWidget) -> str:
    return widget.itemAt(QPoint(1, 1)).text()


def test_a_burst_of_receipt_news_refreshes_the_open_lists_once(make_receipt_window) -> None:
    h = make_receipt_window(groups={"team": ["alice", "bob", "mia", "noah"]})
    h.open("alice", "team", GROUP)
    h.send("alice", "read me")
    h.drain()
    h.click_receipt("alice", 0)
    dialog = h.panel("alice").findChild(MemberListDialog, "memberListDialog")
    read, unread = dialog.column(True), dialog.column(False)
    h.qtbot.waitUntil(lambda: names(unread.list) == ["bob", "mia", "noah"])
    for member in ("mia", "noah"):
        client = h.clients[member]
        h.run(client.send_message_receipts_read(client.cached_messages("team", GROUP), "team", GROUP))
    h.drain()
    h.qtbot.waitUntil(lambda: names(unread.list) == ["bob"] and names(read.list) == ["mia", "noah"])
    h.qtbot.waitUntil(lambda: not read.loading and not unread.loading)

    bridge = h.panel("alice").bridge
    pages: list[bool] = []
    member_page = bridge.member_page

    def counted(*args, read: bool, **kwargs):
        pages.append(read)
        return member_page(*args, read=read, **kwargs)

    bridge.member_page = counted
    info = h.clients["alice"].cached_receipt_info(h.panel("alice").model().message_at(0).message_id)
    for _ in range(1000):  # a burst of receipt news within one loop turn
        bridge.receiptInfoCached.emit(info)
    h.qtbot.waitUntil(lambda: len(pages) == 2)
    h.qtbot.waitUntil(lambda: not read.loading and not unread.loading)
    assert sorted(pages) == [False, True]  # each list's one page, fetched again once
    assert names(unread.list) == ["bob"] and names(read.list) == ["mia", "noah"]
    assert read.label.text() == "READ · 2 of 2"
    dialog.close()
