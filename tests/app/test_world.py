"""The world a run starts with: panel clients, the default group and its bots."""

from __future__ import annotations

import asyncio

from readtick.app.bots import bot_names
from readtick.app.world import DEFAULT_GROUP, build_world


def test_default_world_has_alice_bob_and_three_bots() -> None:
    world = asyncio.run(build_world())
    assert [c.user_id for c in world.clients] == ["alice", "bob"]
    assert [b.user_id for b in world.bots] == ["mia", "noah", "olivia"]
    assert sorted(world.engine.group_members(DEFAULT_GROUP)) == sorted(
        ["alice", "bob", "mia", "noah", "olivia"]
    )
    assert all(c.logged_in for c in (*world.clients, *world.bots))


def test_group_size_without_bot_readers() -> None:
    world = asyncio.run(build_world(clients=3, bot_readers=False))
    assert len(world.engine.group_members(DEFAULT_GROUP)) == 3 and world.bots == []
    world = asyncio.run(build_world(clients=2, group_size=14, bot_readers=False))
    assert len(world.bots) == 12 and not world.bot_handler.enabled


def test_bot_names_never_collide() -> None:
    assert bot_names(3, taken=["mia"]) == ["noah", "olivia", "liam"]
    assert len(set(bot_names(25))) == 25
