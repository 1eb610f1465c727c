"""Which groups a client added while the app runs joins (app policy, no Qt)."""

from __future__ import annotations

from readtick.app.membership import join_groups_of_first_panel
from readtick.core import ReceiptEngine, VirtualClock


def engine_with_groups() -> ReceiptEngine:
    engine = ReceiptEngine(clock=VirtualClock())
    engine.create_group("team", ["alice", "bob"])
    engine.create_group("pair", ["bob", "mia"])
    return engine


def test_a_new_client_joins_every_group_of_the_first_panel_user_only() -> None:
    engine = engine_with_groups()
    join_groups_of_first_panel(engine, "carol", ["alice", "bob"])
    assert engine.group_ids_of("carol") == ["team"]
    assert sorted(engine.group_members("team")) == ["alice", "bob", "carol"]
    assert "carol" not in engine.group_members("pair")  # bob's group, but bob is not first


def test_a_member_already_in_the_group_is_left_as_it_is() -> None:
    engine = engine_with_groups()
    engine.add_group_members("team", ["carol"])
    join_groups_of_first_panel(engine, "carol", ["alice", "bob"])
    assert sorted(engine.group_members("team")) == ["alice", "bob", "carol"]


def test_without_panels_nobody_joins_anything() -> None:
    engine = engine_with_groups()
    join_groups_of_first_panel(engine, "carol", [])
    assert engine.group_ids_of("carol") == []
