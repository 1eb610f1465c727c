"""The client's query calls: receipt infos, group member lists and history pages.

They send nothing and change no receipt: they check their arguments, then ask the engine (online)
and the local cache. ``Client`` takes them from this mixin, whose state it owns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from readtick.core.copies import LocalCopies
from readtick.core.engine import ReceiptEngine
from readtick.core.enums import ConversationType, ReceiptFilter
from readtick.core.errors import ErrorCode, ReceiptError
from readtick.core.link import Link
from readtick.core.localcache import HISTORY_PAGE_MAX, LocalCache, history_page
from readtick.core.messages import Message
from readtick.core.receipt import MEMBER_PAGE_MAX, MEMBER_PAGE_MIN
from readtick.core.results import (
    GroupMessageReceiptMemberListQueriedResult,
    GroupMessageReceiptMemberQueryConfig,
    MessageQueriedResult,
    MessageReceiptsInfoQueriedResult,
)
from readtick.core.sessions import Session
from readtick.core.validation import (
    MAX_ID,
    check_bool,
    check_conversation_type,
    check_id,
    check_in_scope,
    check_int,
    check_messages,
    check_whole,
    invalid,
)


class ClientQueries:
    """The query calls of ``Client``; mixed into it, they use its engine, link and cache."""

    engine: ReceiptEngine
    link: Link
    cache: LocalCache
    _copies: LocalCopies

    if TYPE_CHECKING:

        def _require_login(self) -> Session: ...

        def _require_online(self) -> Session: ...

    async def query_message_receipts_info(
        self, messages: Sequence[Message], conversation_id: str, conversation_type: ConversationType
    ) -> MessageReceiptsInfoQueriedResult:
        messages = check_messages(messages)
        ctype = check_conversation_type(conversation_type)
        check_id(conversation_id, "conversation id")
        session = self._require_online()
        infos, error_ids = self.engine.receipt_infos(session, messages, conversation_id, ctype)
        for info in infos:
            if info.read_member_count or info.unread_member_count:
                self._copies.put_info(info)
        return MessageReceiptsInfoQueriedResult(tuple(infos), tuple(error_ids))

    async def query_group_message_receipt_read_member_list(
        self, message: Message, group_id: str, config: GroupMessageReceiptMemberQueryConfig
    ) -> GroupMessageReceiptMemberListQueriedResult:
        return self._member_page(message, group_id, ReceiptFilter.READ, config, None)

    async def query_group_message_receipt_unread_member_list(
        self, message: Message, group_id: str, config: GroupMessageReceiptMemberQueryConfig
    ) -> GroupMessageReceiptMemberListQueriedResult:
        return self._member_page(message, group_id, ReceiptFilter.UNREAD, config, None)

    async def query_group_message_receipt_member_list(
        self,
        message: Message,
        group_id: str,
        count: int,
        config_with_filter: GroupMessageReceiptMemberQueryConfig,
    ) -> GroupMessageReceiptMemberListQueriedResult:
        if not isinstance(config_with_filter, GroupMessageReceiptMemberQueryConfig):
            raise invalid("config_with_filter must be a GroupMessageReceiptMemberQueryConfig")
        try:
            member_filter = ReceiptFilter(config_with_filter.filter)
        except ValueError:
            raise invalid(f"filter {config_with_filter.filter!r} is not READ, UNREAD or DELIVERED") from None
        return self._member_page(message, group_id, member_filter, config_with_filter, count)

    async def query_history_message(
        self,
        conversation_id: str,
        conversation_type: ConversationType,
        next_message: Message | None = None,
        count: int = 30,
        reverse: bool = True,
    ) -> MessageQueriedResult:
        """A page of this client's messages, oldest first, from its local cache.

        ``reverse=True`` (the default) pages backwards: the ``count`` messages before
        ``next_message`` (or the newest ones). ``reverse=False`` pages forwards from the oldest.
        Works offline; online, the page's receipt statuses are refreshed from the engine first.
        """
        ctype = check_conversation_type(conversation_type)
        check_in_scope(ctype)
        check_id(conversation_id, "conversation id")
        check_int(count, "count", 1, HISTORY_PAGE_MAX)
        check_bool(reverse, "reverse")
        session = self._require_login()
        if self.link.up and not self.engine.conversation_exists(session, conversation_id, ctype):
            raise ReceiptError(
                ErrorCode.CONVERSATION_DOES_NOT_EXIST, f"conversation {conversation_id!r} does not exist"
            )
        page = history_page(self.cache, conversation_id, ctype, next_message, count, reverse)
        if self.link.up:
            views = self.engine.views_of(session, [m.message_id for m in page if m.message_id])
            page = self._copies.refresh(page, views)
        return MessageQueriedResult(conversation_id, ctype, tuple(page))

    def _member_page(
        self,
        message: Message,
        group_id: str,
        member_filter: ReceiptFilter,
        config: GroupMessageReceiptMemberQueryConfig,
        count: int | None,
    ) -> GroupMessageReceiptMemberListQueriedResult:
        if not isinstance(message, Message):
            raise invalid(f"message must be a Message, got {type(message).__name__}")
        check_whole(message.message_id)
        if not isinstance(config, GroupMessageReceiptMemberQueryConfig):
            raise invalid("config must be a GroupMessageReceiptMemberQueryConfig")
        check_id(group_id, "group id")
        page_size = check_int(
            config.count if count is None else count, "count", MEMBER_PAGE_MIN, MEMBER_PAGE_MAX
        )
        next_flag = check_int(config.next_flag, "next_flag", 0, MAX_ID)
        session = self._require_online()
        flag, users = self.engine.receipt_members(
            session, message, group_id, member_filter, next_flag, page_size
        )
        return GroupMessageReceiptMemberListQueriedResult(group_id, flag, tuple(users))
