"""Built-in scenarios: each one plays instantly with every expectation met, and together they
pin every receipt state, one-to-one and in groups."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from readtick.app.scenario import (
    DEFAULT_SCENARIO,
    Expect,
    Send,
    builtin_scenarios,
    load_scenario,
    load_scenario_text,
    resolve_scenario_path,
)
from readtick.app.scenarioplayer import play_instantly
from readtick.core import ReceiptStatus

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


# ------------------------------------------------------------------------------ end to end, headless
ROOT = Path(__file__).resolve().parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run_readtick(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_API": "pyside6"}
    return subprocess.run(
        [sys.executable, "-m", "readtick.app", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE), f"{path} is not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_headless_run_plays_a_scenario_with_the_real_window_and_writes_its_screenshots(
    tmp_path: Path,
) -> None:
    out = tmp_path / "shots"
    done = run_readtick(
        "--headless", "--scenario", str(BUILTINS["group_countdown"]), "--out", str(out), cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    names = load_scenario(BUILTINS["group_countdown"]).screenshots
    timeline = ["timeline.png", "timeline.svg"]  # the busiest message's life across the clients
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{n}.png" for n in names] + timeline)
    for name in names:
        width, height = png_size(out / f"{name}.png")
        assert width >= 4 * 400 and height >= 600  # the whole window: four panels side by side
    svg = (out / "timeline.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "alice → group team: Standup moved to 10:30" in svg
    assert "0 failed" in done.stdout and str(out.resolve()) in done.stdout


def test_headless_run_reports_each_failed_expectation_and_exits_1(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(
        BUILTINS["peer_read"]
        .read_text(encoding="utf-8")
        .replace(
            'expect = { message = "lunch", status = "DONE", read = 1, unread = 0 }',
            'expect = { message = "lunch", status = "EXPIRED", read = 1, unread = 0 }',
        )
        .replace(
            'expect = { message = "plain", status = "NONE" }',
            'expect = { message = "plain", status = "DONE" }',
        ),
        encoding="utf-8",
    )
    done = run_readtick("--headless", "--scenario", str(wrong), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 1
    failures = [line for line in done.stderr.splitlines() if "(expect)" in line]
    assert failures == [
        f"{wrong}: step 8 (expect): lunch as seen by alice: status is DONE, expected EXPIRED",
        f"{wrong}: step 11 (expect): plain as seen by alice: status is NONE, expected DONE",
    ]
    assert (tmp_path / "out" / "peer_read.png").exists()  # screenshots are still written


def test_headless_run_of_an_invalid_file_lists_the_problems_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[users]]\nid = "a"\n[[users]]\nid = "b"\n'
        '[[steps]]\nsend = { from = "a", to = "c", text = "x" }\n[[steps]]\nscreenshot = "x y"\n',
        encoding="utf-8",
    )
    done = run_readtick("--headless", "--scenario", str(bad), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 2
    assert f"{bad}: step 1 (send), field 'to': unknown user 'c'" in done.stderr
    assert f"{bad}: step 2 (screenshot), field 'screenshot'" in done.stderr
    assert not (tmp_path / "out").exists()  # nothing ran


def test_no_display_falls_back_to_the_demo_scenario_headless(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run(
        [sys.executable, "-m", "readtick.app"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "no display found" in done.stderr
    shots = sorted(p.name for p in (tmp_path / "screenshots").iterdir())
    names = load_scenario(BUILTINS[DEFAULT_SCENARIO]).screenshots
    assert shots == sorted([f"{n}.png" for n in names] + ["timeline.png", "timeline.svg"])
    assert str((tmp_path / "screenshots").resolve()) in done.stdout


def test_gallery_command_writes_every_state_and_a_contact_sheet(tmp_path: Path) -> None:
    done = run_readtick("--gallery", str(tmp_path / "gallery"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    files = sorted(p.name for p in (tmp_path / "gallery").iterdir())
    # text: 6 states x peer/group x in/out x 2 themes; media: (6 x image/file x in/out + 2 uploads) x 2
    assert len(files) == 6 * 2 * 2 * 2 + (6 * 2 * 2 + 2) * 2 + 1 and "contact-sheet.png" in files
    assert png_size(tmp_path / "gallery" / "light-group-outgoing-done.png") == (340, 76)
    assert png_size(tmp_path / "gallery" / "dark-image-outgoing-done.png") == (340, 176)


def test_the_readme_example_is_valid_and_plays() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Scenarios and the gallery") :]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    result = asyncio.run(play_instantly(load_scenario_text(example, "README.md")))
    assert result.ok, result.failure_lines()
    assert result.screenshots == ("expired",)
