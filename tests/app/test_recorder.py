"""The recorder on its own (no Qt): what it leaves out, and how it keeps a real clock's delays."""

from __future__ import annotations

import asyncio
import tomllib

import pytest
from readtick.app.recorder import Recorder
from readtick.app.scenario import ChangeMembers, ScenarioError, SetLatency, load_scenario_text
from readtick.app.scenarioplayer import play_instantly
from readtick.core import (
    Client,
    ConversationType,
    MessageSendConfig,
    ReceiptEngine,
    TextMessage,
    VirtualClock,
)

PEER = ConversationType.PEER


class StepClock:
    """A clock whose time the test sets (stands in for a real clock: not a VirtualClock)."""

    def __init__(self, now: float) -> None:
        self.time = now

    def now(self) -> float:
        return self.time

    def subscribe(self, listener) -> None:  # noqa: ANN001
        pass


async def world(clock) -> tuple[ReceiptEngine, dict[str, Client]]:  # noqa: ANN001
    engine = ReceiptEngine(clock=clock)
    clients = {u: Client(engine, u) for u in ("alice", "bob")}
    for client in clients.values():
        await client.login()
    return engine, clients


async def send(engine, client: Client, to: str, text: str):  # noqa: ANN001
    message = (
        await client.send_message(TextMessage(text), to, PEER, MessageSendConfig(has_receipt=True))
    ).message
    await engine.drain()
    return message


def test_on_a_real_clock_pauses_become_wait_and_advance_so_delayed_deliveries_happen() -> None:
    async def scenario_text() -> str:
        clock = StepClock(1_736_156_460.0)
        engine, clients = await world(clock)
        real = [0.0]
        recorder = Recorder(engine, clients, ["alice", "bob"], monotonic=lambda: real[0])
        clients["bob"].set_latency(1.5)
        recorder.link_changed("bob", latency=1.5)
        recorder.sent("alice", await send(engine, clients["alice"], "bob", "slow"), with_receipt=True)
        clock.time += 1.5004
        real[0] += 1.5004
        await engine.drain()
        [copy] = clients["bob"].cached_messages("alice", PEER)
        await clients["bob"].send_message_receipts_read([copy], "alice", PEER)
        recorder.read("bob", [copy])
        await engine.drain()
        return recorder.finish(clients)

    text = asyncio.run(scenario_text())
    steps = tomllib.loads(text)["steps"]
    assert steps[2:5] == [
        {"wait": 1.5},
        {"advance_time": 1.501},
        {"read": {"who": "bob", "messages": ["m1"]}},
    ]
    result = asyncio.run(play_instantly(load_scenario_text(text)))
    assert result.failures == ()


def test_reads_of_messages_from_before_the_recording_are_left_out() -> None:
    async def scenario_text() -> str:
        engine, clients = await world(VirtualClock(start=0.0))
        await send(engine, clients["alice"], "bob", "old")
        recorder = Recorder(engine, clients, ["alice", "bob"], monotonic=lambda: 0.0)
        [old] = clients["bob"].cached_messages("alice", PEER)
        recorder.read("bob", [old])
        recorder.read_conversation("bob", "alice")  # the replay has no conversation to read
        return recorder.finish(clients)

    steps = tomllib.loads(asyncio.run(scenario_text()))["steps"]
    assert steps == [{"wait": 0.0, "note": "nothing was done while recording"}]


BASE = """
[[users]]
id = "alice"
[[users]]
id = "bob"
[[users]]
id = "mia"
panel = false
[[groups]]
id = "team"
members = ["alice", "mia"]
"""


def test_latency_join_leave_and_users_without_a_panel_are_scenario_steps() -> None:
    scenario = load_scenario_text(
        BASE
        + """
[[steps]]
latency = { who = "bob", seconds = "2.5s" }
[[steps]]
join = { group = "team", who = "bob" }
[[steps]]
send = { from = "bob", group = "team", text = "in", as = "hi" }
[[steps]]
leave = { group = "team", who = "mia" }
"""
    )
    assert [u.panel for u in scenario.users] == [True, True, False]
    assert scenario.groups[0].members == ("alice", "mia")  # as created: steps change it later
    assert [s.action for s in scenario.steps[:2]] == [
        SetLatency("bob", 2.5),
        ChangeMembers("team", "bob", True),
    ]
    assert asyncio.run(play_instantly(scenario)).failures == ()


@pytest.mark.parametrize(
    ("steps", "problem"),
    [
        ('join = { group = "team", who = "alice" }', "'alice' is already a member of 'team'"),
        ('leave = { group = "team", who = "bob" }', "'bob' is not a member of 'team'"),
        ('join = { group = "crew", who = "bob" }', "unknown group 'crew'"),
        ('latency = { who = "bob" }', "field 'seconds': is missing"),
        ('send = { from = "bob", group = "team", text = "x" }', "'bob' is not a member of group 'team'"),
    ],
)
def test_membership_steps_are_checked_in_file_order(steps: str, problem: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(BASE + "[[steps]]\n" + steps + "\n")
    assert problem in str(caught.value)


def test_two_to_eight_users_with_a_panel_however_many_without() -> None:
    users = "".join(f'[[users]]\nid = "bot{n}"\npanel = false\n' for n in range(20))
    with pytest.raises(ScenarioError, match="has 1 users with a panel"):
        load_scenario_text(users + '[[users]]\nid = "alice"\n[[steps]]\nwait = 1\n')
    load_scenario_text(users + '[[users]]\nid = "alice"\n[[users]]\nid = "bob"\n[[steps]]\nwait = 1\n')
