"""The Qt-free scenario player: instant plays settle after every step, failures carry step
numbers, screenshots go to the callback, and paced plays pause, step, resume and stop."""

from __future__ import annotations

import asyncio
import re
import textwrap
import time

import pytest
from readtick.app.scenario import Scenario, Step, load_scenario_text
from readtick.app.scenarioplayer import PlayerState, ScenarioPlayer, ScenarioWorld, play_instantly
from readtick.core import ConversationType

HEADER = """
[[users]]
id = "alice"

[[users]]
id = "bob"
latency = "10s"
"""


def scenario(body: str, header: str = HEADER) -> Scenario:
    return load_scenario_text(textwrap.dedent(header) + textwrap.dedent(body), "test.toml")


def test_failed_expectations_are_collected_with_step_numbers_and_play_goes_on() -> None:
    result = asyncio.run(
        play_instantly(
            scenario(
                """
                [[steps]]
                send = { from = "alice", to = "bob", text = "hi", as = "m" }
                [[steps]]
                expect = { message = "m", status = "DONE", read = 1 }
                [[steps]]
                expect = { message = "m", as_seen_by = "bob", status = "PROCESSING" }
                [[steps]]
                advance_time = "10s"
                [[steps]]
                expect = { message = "m", as_seen_by = "bob", status = "PROCESSING" }
                """
            )
        )
    )
    assert result.steps_run == 5
    assert not result.ok
    assert [(f.step, f.kind) for f in result.failures] == [(2, "expect"), (3, "expect")]
    assert result.failure_lines() == [
        "test.toml: step 2 (expect): m as seen by alice: status is PROCESSING, expected DONE; "
        "read count is 0, expected 1",
        "test.toml: step 3 (expect): m as seen by bob: bob has not received it (yet)",
    ]


def test_reading_a_message_not_yet_received_is_a_step_failure() -> None:
    result = asyncio.run(
        play_instantly(
            scenario(
                """
                [[steps]]
                send = { from = "alice", to = "bob", text = "hi", as = "m" }
                [[steps]]
                read = { who = "bob", messages = ["m"] }
                [[steps]]
                advance_time = 10
                [[steps]]
                read = { who = "bob", messages = ["m"] }
                [[steps]]
                read = { who = "bob", messages = ["m"] }
                [[steps]]
                expect = { message = "m", status = "DONE", read = 1, unread = 0 }
                """
            )
        )
    )
    first, second = (str(f) for f in result.failures)
    assert first == "step 2 (step): bob has not received 'm' (yet); it cannot be read"
    # reading twice: the SDK refuses (nothing qualifies), and the player says which step
    assert re.fullmatch(
        r"step 5 \(step\): bob reads m: \[6000001 PARAMETER_INVALID\] no message could be read: "
        r"\d+ \(already read\)",
        second,
    ), second


def test_screenshots_go_to_the_callback_in_order_sync_or_async() -> None:
    taken: list[str] = []

    async def grab(name: str) -> None:
        await asyncio.sleep(0)
        taken.append(name)

    body = """
        [[steps]]
        screenshot = "first"
        [[steps]]
        send = { from = "alice", to = "bob", text = "hi" }
        [[steps]]
        screenshot = "second"
    """
    result = asyncio.run(play_instantly(scenario(body), screenshot=grab))
    assert taken == ["first", "second"]
    assert result.screenshots == ("first", "second")
    assert result.ok

    def broken(name: str) -> None:
        raise OSError("disk full")

    result = asyncio.run(play_instantly(scenario(body), screenshot=broken))
    assert [str(f) for f in result.failures] == [
        "step 1 (step): screenshot 'first' failed: OSError('disk full')",
        "step 3 (step): screenshot 'second' failed: OSError('disk full')",
    ]


def test_instant_mode_does_not_wait_and_wait_does_not_move_the_clock() -> None:
    started = time.monotonic()

    async def play() -> float:
        sc = scenario('[[steps]]\nwait = "1h"\n[[steps]]\nwait = 3600\n')
        world = await ScenarioWorld.create(sc)
        before = world.clock.now()
        result = await ScenarioPlayer(sc, world).play()
        assert result.ok
        return world.clock.now() - before

    assert asyncio.run(play()) == 0
    assert time.monotonic() - started < 5


def test_world_starts_clients_as_declared() -> None:
    sc = scenario(
        """
        start = 2024-02-29T12:00:00Z
        [[users]]
        id = "alice"
        [[users]]
        id = "bob"
        latency = 2.5
        online = false
        [[groups]]
        id = "pair"
        members = ["alice", "bob"]
        [[steps]]
        wait = 0
        """,
        header="",
    )

    async def build() -> None:
        world = await ScenarioWorld.create(sc)
        assert world.clock.now() == 1709208000.0
        assert set(world.clients) == {"alice", "bob"}
        assert all(c.logged_in for c in world.clients.values())
        assert world.clients["bob"].online is False
        assert world.clients["bob"].link.latency == 2.5
        assert world.engine.group_members("pair") == ["alice", "bob"]
        world.close()

    asyncio.run(build())


PACED = """
[[steps]]
send = { from = "alice", to = "bob", text = "one" }
[[steps]]
send = { from = "alice", to = "bob", text = "two" }
[[steps]]
send = { from = "alice", to = "bob", text = "three" }
[[steps]]
send = { from = "alice", to = "bob", text = "four" }
"""


def test_paced_play_reports_the_active_step_and_pauses_steps_and_resumes() -> None:
    async def play() -> tuple[list[str], list[PlayerState]]:
        sc = scenario(PACED)
        world = await ScenarioWorld.create(sc)
        player = ScenarioPlayer(sc, world, paced=True, speed=10.0, step_interval=0.5)
        log: list[str] = []
        states: list[PlayerState] = []
        player.state_changed.append(states.append)

        def started(step: Step) -> None:
            log.append(f"start {step.number}")
            if step.number == 1:
                player.pause()

        player.step_started.append(started)
        player.step_finished.append(lambda step: log.append(f"done {step.number}"))
        task = asyncio.ensure_future(player.play())
        await asyncio.sleep(0.3)  # far longer than one interval (0.05 s): it must be holding
        assert log == ["start 1", "done 1"]
        assert player.state is PlayerState.PAUSED
        player.step()
        await asyncio.sleep(0.3)
        assert log == ["start 1", "done 1", "start 2", "done 2"]
        player.resume()
        result = await asyncio.wait_for(task, 5)
        assert result.ok and result.steps_run == 4
        world.close()
        return log, states

    log, states = asyncio.run(play())
    assert log[-4:] == ["start 3", "done 3", "start 4", "done 4"]
    assert states == [
        PlayerState.PLAYING,
        PlayerState.PAUSED,
        PlayerState.PLAYING,
        PlayerState.FINISHED,
    ]


def test_paced_wait_honours_speed_and_stop_ends_the_play() -> None:
    async def play() -> None:
        sc = scenario('[[steps]]\nwait = 100\n[[steps]]\nsend = { from = "alice", to = "bob", text = "x" }\n')
        world = await ScenarioWorld.create(sc)
        player = ScenarioPlayer(sc, world, paced=True, speed=1.0)
        task = asyncio.ensure_future(player.play())
        await asyncio.sleep(0.1)
        assert player.current is not None and player.current.number == 1  # waiting inside step 1
        player.stop()
        result = await asyncio.wait_for(task, 2)
        assert result.stopped and not result.ok
        assert result.steps_run == 0
        assert player.state is PlayerState.STOPPED
        assert world.clients["alice"].cached_messages("bob", ConversationType.PEER) == []  # step 2 never ran
        world.close()

        fast = ScenarioPlayer(sc, await ScenarioWorld.create(sc), paced=True, speed=1000.0, step_interval=1.0)
        started = time.monotonic()
        assert (await asyncio.wait_for(fast.play(), 5)).ok
        assert time.monotonic() - started < 2  # 100 s / 1000 + 1 s / 1000
        fast.world.close()

    asyncio.run(play())


def test_speed_must_be_positive() -> None:
    async def build() -> None:
        sc = scenario(PACED)
        world = await ScenarioWorld.create(sc)
        with pytest.raises(ValueError, match="speed"):
            ScenarioPlayer(sc, world, speed=0)
        world.close()

    asyncio.run(build())
