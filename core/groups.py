"""The engine's directory: users, groups and who is a member of which group when.

``ReceiptEngine`` takes these calls from this mixin. A join opens a membership period at the
group's last seq (so a new member counts only for messages sent from then on, rule 5); a leave
closes it and, before the leave is recorded, takes the leaver off the counts of every message
they were still eligible for, which may complete some (rule 5).
"""

from __future__ import annotations

from collections.abc import Iterable

from readtick.core.clock import Clock
from readtick.core.errors import ErrorCode, ReceiptError
from readtick.core.groupcommit import GroupCommit
from readtick.core.outbound import Outbound
from readtick.core.readindex import ReadIndex
from readtick.core.receipt import drops_out_on_leaving
from readtick.core.store import EngineStore, StoreFacts, group_key
from readtick.core.validation import check_id, check_ids, invalid


class GroupDirectory:
    """Users, groups and memberships; mixed into ``ReceiptEngine``, whose state it uses."""

    clock: Clock
    store: EngineStore
    _facts: StoreFacts
    _index: ReadIndex
    _outbound: Outbound
    _commits: GroupCommit

    def register_user(self, user_id: str) -> None:
        """Make ``user_id`` known (a login or a group does this too)."""
        check_id(user_id, "user id")
        with self._commits.write(durable=True):
            self.store.add_user(user_id)

    def create_group(self, group_id: str, user_ids: Iterable[str]) -> None:
        """Create a group with these members (unknown users come into existence)."""
        check_id(group_id, "group id")
        members = check_ids(
            list(user_ids) if not isinstance(user_ids, (str, bytes)) else user_ids, "user_ids"
        )
        if self.store.has_group(group_id):
            raise invalid(f"group {group_id!r} already exists; use add_group_members to grow it")
        with self._commits.write(durable=True):
            self.store.add_group(group_id)
            self._join(group_id, members)

    def add_group_members(self, group_id: str, user_ids: Iterable[str]) -> None:
        """Add members; they count only for messages sent from now on (rule 5)."""
        members = self._checked_group_ids(group_id, user_ids)
        current = set(self.store.current_members(group_id))
        already = [u for u in members if u in current]
        if already:
            raise invalid(f"{', '.join(already)} already in group {group_id!r}")
        with self._commits.write(durable=True):
            self._join(group_id, members)

    def remove_group_members(self, group_id: str, user_ids: Iterable[str]) -> None:
        """Remove members; their unread receipts stop counting (rule 5), which may complete some."""
        members = self._checked_group_ids(group_id, user_ids)
        current = set(self.store.current_members(group_id))
        strangers = [u for u in members if u not in current]
        if strangers:
            raise ReceiptError(
                ErrorCode.NOT_GROUP_MEMBER, f"{', '.join(strangers)} not a member of group {group_id!r}"
            )
        key = group_key(group_id)
        with self._commits.write(durable=True):
            self._outbound.expire_due()
            # who drops out of what is decided before the leave is recorded: only a member who is
            # still eligible now leaves a count (a second leave after a rejoin takes nothing off)
            dropping = [
                (record, [u for u in members if drops_out_on_leaving(self._facts, record, u)])
                for record in self.store.active_messages(key)
            ]
            leave_seq, now = self.store.last_seq(key), self.clock.now()
            for user in members:
                self.store.close_period(group_id, user, leave_seq, now)
                self._index.membership_changed(group_id, user)
            for record, leavers in dropping:
                if not leavers:
                    continue
                for user in leavers:
                    record.eligible -= 1
                    if self._facts.has_received(record, user):
                        record.delivered -= 1
                self._outbound.settle(record, notify=False)
                # the unread count changed even if the status did not: the sender hears of it
                self._outbound.tell_sender(record)

    def user_ids(self) -> list[str]:
        return self.store.user_ids()

    def group_ids(self) -> list[str]:
        return self.store.group_ids()

    def group_ids_of(self, user_id: str) -> list[str]:
        """Groups ``user_id`` is a member of now."""
        check_id(user_id, "user id")
        return [
            g
            for g, periods in self.store.memberships_of(user_id)
            if periods and periods[-1].leave_seq is None
        ]

    def group_members(self, group_id: str) -> list[str]:
        check_id(group_id, "group id")
        if not self.store.has_group(group_id):
            raise ReceiptError(ErrorCode.GROUP_DOES_NOT_EXIST, f"group {group_id!r} does not exist")
        return self.store.current_members(group_id)

    def _checked_group_ids(self, group_id: str, user_ids: Iterable[str]) -> list[str]:
        check_id(group_id, "group id")
        members = check_ids(
            list(user_ids) if not isinstance(user_ids, (str, bytes)) else user_ids, "user_ids"
        )
        if not self.store.has_group(group_id):
            raise ReceiptError(ErrorCode.GROUP_DOES_NOT_EXIST, f"group {group_id!r} does not exist")
        return members

    def _join(self, group_id: str, members: list[str]) -> None:
        join_seq = self.store.last_seq(group_key(group_id))
        for user in members:
            self.store.add_user(user)
            self.store.open_period(group_id, user, join_seq)
            self._index.membership_changed(group_id, user)

    def _require_member(self, user: str, group_id: str) -> None:
        if not self.store.has_group(group_id):
            raise ReceiptError(ErrorCode.GROUP_DOES_NOT_EXIST, f"group {group_id!r} does not exist")
        periods = self.store.member_periods(group_id, user)
        if not periods or periods[-1].leave_seq is not None:
            raise ReceiptError(ErrorCode.NOT_GROUP_MEMBER, f"{user!r} is not a member of group {group_id!r}")
