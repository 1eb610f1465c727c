"""The message model: Qt's model checks, role names, and one-row receipt updates."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QModelIndex
from readtick.core import (
    ConversationType,
    MessageDirection,
    MessageReceiptInfo,
    ReceiptStatus,
    SentStatus,
    TextMessage,
)
from readtick.ui.messagemodel import (
    RECEIPT_ROLES,
    MessageListModel,
    ReadMemberCountRole,
    ReceiptStatusRole,
    UnreadMemberCountRole,
)

GROUP = ConversationType.GROUP


def message(
    seq: int, *, outgoing: bool = True, status: ReceiptStatus = ReceiptStatus.PROCESSING
) -> TextMessage:
    return TextMessage(
        f"message {seq}",
        message_id=100 + seq,
        conversation_id="team",
        conversation_type=GROUP,
        sender_user_id="alice" if outgoing else "bob",
        direction=MessageDirection.SEND if outgoing else MessageDirection.RECEIVE,
        conversation_seq=seq,
        receipt_status=status,
        timestamp=1000.0 + seq,
    )


def filled(count: int = 5) -> MessageListModel:
    model = MessageListModel()
    model.set_conversation("team", GROUP, [message(s) for s in range(1, count + 1)])
    return model


def test_qt_model_checks(qtmodeltester) -> None:
    model = filled()
    qtmodeltester.check(model, force_py=True)
    model.add_messages([message(6)])
    model.prepend_history([])
    model.apply_infos([MessageReceiptInfo("team", GROUP, 103, ReceiptStatus.DONE, 2, 0)])
    qtmodeltester.check(model, force_py=True)


def test_role_names_expose_the_contract() -> None:
    names = {bytes(name).decode() for name in filled().roleNames().values()}
    assert {"message", "receiptStatus", "readMemberCount", "unreadMemberCount"} <= names


def test_a_receipt_change_emits_one_row_with_receipt_roles_only(qtbot) -> None:
    model = filled()
    with qtbot.waitSignal(model.dataChanged, timeout=1000) as blocker:
        model.apply_infos([MessageReceiptInfo("team", GROUP, 103, ReceiptStatus.PROCESSING, 1, 2)])
    top_left, bottom_right, roles = blocker.args
    assert top_left.row() == bottom_right.row() == 2
    assert set(roles) == set(RECEIPT_ROLES)
    index = model.index(2, 0)
    assert (model.data(index, ReadMemberCountRole), model.data(index, UnreadMemberCountRole)) == (1, 2)


def test_receipt_changes_in_one_turn_are_one_data_changed_per_row(qtbot) -> None:
    model = filled()
    changed: list[int] = []
    model.dataChanged.connect(lambda top_left, bottom_right, roles: changed.append(top_left.row()))
    for read in range(1, 50):
        model.apply_infos([MessageReceiptInfo("team", GROUP, 103, ReceiptStatus.PROCESSING, read, 50 - read)])
        model.apply_infos([MessageReceiptInfo("team", GROUP, 105, ReceiptStatus.PROCESSING, read, 50 - read)])
    assert model.data(model.index(2, 0), ReadMemberCountRole) == 49  # the data is current at once
    qtbot.waitUntil(lambda: len(changed) == 2)
    assert sorted(changed) == [2, 4]
    model.apply_infos([MessageReceiptInfo("team", GROUP, 101, ReceiptStatus.DONE, 3, 0)])
    model.set_conversation("team", GROUP, [message(1)])  # the row's change is moot after a reset
    model.flush_changes()
    assert sorted(changed) == [2, 4]


def test_unchanged_or_stale_infos_emit_nothing(qtbot) -> None:
    model = filled()
    model.apply_infos([MessageReceiptInfo("team", GROUP, 101, ReceiptStatus.DONE, 3, 0)])
    model.flush_changes()
    with qtbot.assertNotEmitted(model.dataChanged):
        model.apply_infos([MessageReceiptInfo("team", GROUP, 101, ReceiptStatus.DONE, 3, 0)])  # same again
        model.apply_infos(
            [MessageReceiptInfo("team", GROUP, 101, ReceiptStatus.PROCESSING, 2, 1)]
        )  # backwards
        model.apply_infos([MessageReceiptInfo("other", GROUP, 102, ReceiptStatus.DONE, 3, 0)])  # elsewhere
        model.apply_infos([MessageReceiptInfo("team", GROUP, 999, ReceiptStatus.DONE, 3, 0)])  # not shown
        model.flush_changes()
    assert model.data(model.index(0, 0), ReceiptStatusRole) == ReceiptStatus.DONE


def test_a_delivered_row_never_goes_back_to_processing(qtbot) -> None:
    model = filled(1)
    delivered = dataclasses.replace(message(1), receipt_status=ReceiptStatus.DELIVERED)
    model.upsert_message(delivered)
    model.flush_changes()
    with qtbot.assertNotEmitted(model.dataChanged):
        model.upsert_message(message(1))  # an answer older than the event that said DELIVERED
        model.apply_infos([MessageReceiptInfo("team", GROUP, 101, ReceiptStatus.PROCESSING, 0, 2)])
        model.flush_changes()
    assert model.data(model.index(0, 0), ReceiptStatusRole) == ReceiptStatus.DELIVERED


def test_new_messages_append_and_history_prepends(qtbot) -> None:
    model = MessageListModel()
    model.set_conversation("team", GROUP, [message(5), message(6)], has_older=True)
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        assert model.add_messages([message(7)]) == 1
    assert inserted.args[1:] == [2, 2]
    assert model.add_messages([message(7)]) == 0  # known already
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        assert model.prepend_history([message(3), message(4)]) == 2
    assert inserted.args[1:] == [0, 1]
    assert [m.conversation_seq for m in model.messages()] == [3, 4, 5, 6, 7]


def test_a_late_message_goes_where_its_sequence_puts_it() -> None:
    model = MessageListModel()
    model.set_conversation("team", GROUP, [message(1), message(3)])
    model.add_messages([message(2)])
    assert [m.conversation_seq for m in model.messages()] == [1, 2, 3]


def test_upsert_mirrors_cache_writes_one_row_at_a_time(qtbot) -> None:
    model = filled(3)
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        assert model.upsert_message(message(4))
    assert inserted.args[1:] == [3, 3]
    with qtbot.waitSignal(model.dataChanged) as changed:
        assert not model.upsert_message(dataclasses.replace(message(2), receipt_status=ReceiptStatus.DONE))
    top_left, bottom_right, roles = changed.args
    assert top_left.row() == bottom_right.row() == 1
    assert set(roles) == set(RECEIPT_ROLES)  # status only: the view repaints, no re-layout
    with qtbot.assertNotEmitted(model.dataChanged), qtbot.assertNotEmitted(model.rowsInserted):
        model.upsert_message(dataclasses.replace(message(2), receipt_status=ReceiptStatus.DONE))  # same
        model.upsert_message(message(2))  # a late write never moves a final status back
        model.upsert_message(dataclasses.replace(message(5), conversation_id="other"))  # elsewhere
        model.flush_changes()
    assert model.data(model.index(1, 0), ReceiptStatusRole) == ReceiptStatus.DONE


def sending(local_id: int) -> TextMessage:
    """The sender's copy of a send the engine has not answered yet (no id, no sequence)."""
    return dataclasses.replace(
        message(0), message_id=0, local_message_id=local_id, sent_status=SentStatus.SENDING
    )


def test_a_sending_row_becomes_the_accepted_copy_in_its_place(qtmodeltester) -> None:
    model = filled(2)
    assert model.upsert_message(sending(7))
    accepted = dataclasses.replace(message(3), local_message_id=7, sent_status=SentStatus.SUCCESS)
    model.upsert_message(accepted)
    assert model.messages() == [message(1), message(2), accepted]
    assert model.index_of(accepted.message_id).row() == 2
    qtmodeltester.check(model, force_py=True)


def test_a_sending_row_becomes_failed_although_failed_is_no_receipt_step() -> None:
    model = filled(2)
    model.upsert_message(sending(7))
    failed = dataclasses.replace(
        sending(7), sent_status=SentStatus.FAILED, receipt_status=ReceiptStatus.FAILED
    )
    model.upsert_message(failed)
    assert model.messages() == [message(1), message(2), failed]
    assert model.data(model.index(2, 0), ReceiptStatusRole) == ReceiptStatus.FAILED


def test_a_sending_row_left_by_a_crash_moves_to_where_its_sequence_puts_it() -> None:
    model = MessageListModel()
    model.set_conversation("team", GROUP, [message(1), sending(7), message(3)])
    accepted = dataclasses.replace(message(2), local_message_id=7, sent_status=SentStatus.SUCCESS)
    model.upsert_message(accepted)
    assert [m.conversation_seq for m in model.messages()] == [1, 2, 3]


def test_upsert_leaves_messages_before_the_window_to_paging() -> None:
    model = MessageListModel()
    model.set_conversation("team", GROUP, [message(5), message(6)], has_older=True)
    assert not model.upsert_message(message(3))  # a history refresh of a page not loaded yet
    assert model.prepend_history([message(3), message(4)]) == 2
    assert [m.conversation_seq for m in model.messages()] == [3, 4, 5, 6]


def test_trim_keeps_a_window_and_marks_older_history() -> None:
    model = filled(10)
    assert model.trim_oldest(4) == 6
    assert [m.conversation_seq for m in model.messages()] == [7, 8, 9, 10]
    assert model.has_older()
    assert model.index_of(107).row() == 0
    assert not model.index_of(101).isValid()
    assert model.rowCount(model.index(0, 0)) == 0 and model.rowCount(QModelIndex()) == 4


def test_the_window_slides_both_ways_and_leaves_newer_messages_to_paging() -> None:
    model = MessageListModel()
    model.set_conversation("team", GROUP, [message(s) for s in range(5, 11)], has_older=True)
    assert model.prepend_history([message(3), message(4)]) == 2
    assert model.trim_newest(5) == 3
    assert [m.conversation_seq for m in model.messages()] == [3, 4, 5, 6, 7]
    assert model.has_newer() and model.has_older()
    # while the newest messages are left out, a new one is not shown: paging forward brings it
    assert not model.upsert_message(message(11))
    assert model.upsert_message(dataclasses.replace(message(5), receipt_status=ReceiptStatus.DONE)) is False
    assert model.data(model.index(2, 0), ReceiptStatusRole) == ReceiptStatus.DONE
    assert model.append_history([message(7), message(8), message(9)]) == 2
    assert model.trim_oldest(4) == 3
    assert [m.conversation_seq for m in model.messages()] == [6, 7, 8, 9]
    assert model.contains(message(8)) and not model.contains(message(5))


def test_paged_rows_come_with_their_counts() -> None:
    model = MessageListModel()
    model.set_conversation("team", GROUP, [message(5)], has_older=True)
    infos = [MessageReceiptInfo("team", GROUP, 103, ReceiptStatus.PROCESSING, 1, 2)]
    model.prepend_history([message(3), message(4)], infos)
    model.append_history([message(6)], [MessageReceiptInfo("team", GROUP, 106, ReceiptStatus.DONE, 3, 0)])
    counts = [
        (
            model.data(model.index(r, 0), ReadMemberCountRole),
            model.data(model.index(r, 0), UnreadMemberCountRole),
        )
        for r in range(4)
    ]
    assert counts == [(1, 2), (None, None), (None, None), (3, 0)]
    assert model.data(model.index(3, 0), ReceiptStatusRole) == ReceiptStatus.DONE
