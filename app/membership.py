"""Which groups a client added while the app runs joins: the app's policy, handed to the window
(``MainWindow(join_policy=...)``), which applies it after the new client logged in. No Qt here.
"""

from __future__ import annotations

from collections.abc import Sequence

from readtick.core.engine import ReceiptEngine


def join_groups_of_first_panel(engine: ReceiptEngine, user_id: str, panel_user_ids: Sequence[str]) -> None:
    """Put ``user_id`` in every group the first panel's user is in (the demo's group, where the
    bots are), so a new client has someone to talk to at once. It counts only for messages sent
    from now on; groups it is in already are left as they are. Raises ``ReceiptError`` from the
    engine (the caller shows it)."""
    first = next(iter(panel_user_ids), None)
    for group_id in engine.group_ids_of(first) if first is not None else []:
        if user_id not in engine.group_members(group_id):
            engine.add_group_members(group_id, [user_id])
