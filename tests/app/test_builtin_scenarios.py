"""Built-in scenarios: each one plays instantly with every expectation met, and together they
pin every receipt state, one-to-one and in groups."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app.scenario import (
    DEFAULT_SCENARIO,
    Expect,
    Send,
    builtin_scenarios,
    load_scenario,
    resolve_scenario_path,
)
from app.scenarioplayer import play_instantly
from core import ReceiptStatus

BUILTINS = builtin_scenarios()
REQUIRED = {
    "peer_read",
    "conversation_read",
    "group_countdown",
    "delivered",
    "expired",
    "failed_send",
    "offline_catchup",
    "group_of_eight",
    DEFAULT_SCENARIO,
}


def test_the_required_scenarios_are_built_in() -> None:
    assert REQUIRED <= set(BUILTINS)


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_builtin_scenario_plays_instantly_with_every_expectation_met(name: str) -> None:
    scenario = load_scenario(BUILTINS[name])
    assert scenario.expectations, f"{name} pins no state"
    assert scenario.screenshots, f"{name} takes no screenshot"
    assert scenario.description.strip(), f"{name} does not say what it shows"
    taken: list[str] = []
    result = asyncio.run(play_instantly(scenario, screenshot=taken.append))
    assert result.failure_lines() == []
    assert result.ok
    assert result.steps_run == len(scenario.steps)
    assert tuple(taken) == scenario.screenshots


def test_builtins_pin_every_receipt_state_for_peer_and_group() -> None:
    pinned: set[tuple[ReceiptStatus, str]] = set()
    for path in BUILTINS.values():
        scenario = load_scenario(path)
        kinds = {
            s.action.name: ("group" if s.action.group else "peer")
            for s in scenario.steps
            if isinstance(s.action, Send) and s.action.name
        }
        for step in scenario.expectations:
            assert isinstance(step.action, Expect)
            pinned.add((step.action.status, kinds[step.action.message]))
    statuses = {status for status, _ in pinned}
    assert statuses >= {
        ReceiptStatus.NONE,
        ReceiptStatus.PROCESSING,
        ReceiptStatus.DELIVERED,
        ReceiptStatus.DONE,
        ReceiptStatus.EXPIRED,
        ReceiptStatus.FAILED,
    }
    for status in (
        ReceiptStatus.PROCESSING,
        ReceiptStatus.DELIVERED,
        ReceiptStatus.DONE,
        ReceiptStatus.EXPIRED,
    ):
        assert (status, "peer") in pinned and (status, "group") in pinned, status


def test_expired_is_seen_right_after_advancing_seven_days() -> None:
    scenario = load_scenario(BUILTINS["expired"])
    steps = list(scenario.steps)
    advance = next(
        i for i, s in enumerate(steps) if s.action.kind == "advance_time" and s.action.seconds == 86400
    )
    after = steps[advance + 1].action
    assert isinstance(after, Expect) and after.status is ReceiptStatus.EXPIRED


def test_group_of_eight_has_eight_clients_in_one_group() -> None:
    scenario = load_scenario(BUILTINS["group_of_eight"])
    assert len(scenario.users) == 8
    assert len(scenario.groups) == 1 and len(scenario.groups[0].members) == 8


def test_builtin_names_resolve_without_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_scenario_path("peer_read") == BUILTINS["peer_read"]
    assert resolve_scenario_path("peer_read.toml") == BUILTINS["peer_read"]
    assert resolve_scenario_path("nope.toml") == Path("nope.toml")
    (tmp_path / "peer_read.toml").write_text("", encoding="utf-8")
    assert resolve_scenario_path("peer_read.toml") == Path("peer_read.toml")  # a real file wins
