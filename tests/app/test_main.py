"""The command line: no display means one line and exit 2; --screenshot renders headless."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from readtick.app.__main__ import build_parser, has_display

ROOT = Path(__file__).resolve().parents[2]


def run_app(*args: str, env_drop: tuple[str, ...] = (), cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in env_drop}
    env["TZ"] = "UTC"
    return subprocess.run(
        [sys.executable, "-m", "readtick.app", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_a_display_it_says_so_and_plays_the_demo_headless(tmp_path: Path) -> None:
    # SPEC §6 / issue 5: with no display the app says so in one line and falls back to headless.
    result = run_app(env_drop=("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if "no display found" in line]
    assert len(said) == 1 and "headless" in said[0]
    pictures = sorted(p.name for p in (tmp_path / "screenshots").glob("*.png"))
    assert pictures and all(name in result.stdout + result.stderr for name in pictures)


def test_screenshot_works_without_a_display(tmp_path: Path) -> None:
    target = tmp_path / "shots" / "demo.png"
    result = run_app("--screenshot", str(target), env_drop=("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"))
    assert result.returncode == 0, result.stderr
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert target.stat().st_size > 20_000  # a real window, not an empty image


def test_has_display() -> None:
    assert not has_display({})
    assert has_display({"DISPLAY": ":0"})
    assert has_display({"WAYLAND_DISPLAY": "wayland-0"})
    assert has_display({"QT_QPA_PLATFORM": "offscreen"})


def test_options() -> None:
    args = build_parser().parse_args(
        ["--clients", "4", "--group-size", "9", "--no-bot-readers", "--theme", "dark"]
    )
    assert (args.clients, args.group_size, args.bot_readers, args.theme) == (4, 9, False, "dark")
    defaults = build_parser().parse_args([])
    assert (defaults.clients, defaults.bot_readers, defaults.theme) == (2, True, "light")


@pytest.mark.parametrize(
    "argv", [["--clients", "1"], ["--clients", "9"], ["--clients", "two"], ["--theme", "blue"]]
)
def test_bad_options_are_refused_with_a_reason(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(argv)
    assert exit_info.value.code == 2
    assert "readtick: error:" in capsys.readouterr().err
