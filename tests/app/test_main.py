"""The command line's conventions, run as a user runs them (``python -m readtick.app``):
``--version``, logging (quiet by default, ``-v``/``-vv``/``--log-level``), the mode chosen once
(no display or an invisible platform: headless, in one line), options that do not fit refused,
``--screenshot`` as the built-in ``screenshot`` scenario."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from readtick.app.cli import Mode, build_parser, parse_command_line, why_no_window
from readtick.app.scenario import builtin_scenarios, load_scenario

ROOT = Path(__file__).resolve().parents[2]
NO_DISPLAY = ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run_app(
    *args: str, env_drop: tuple[str, ...] = (), cwd: Path = ROOT, **env_set: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in env_drop}
    env.update(env_set, TZ="UTC")
    return subprocess.run(
        [sys.executable, "-m", "readtick.app", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


# ------------------------------------------------------------------ --version
def test_version_prints_the_installed_version_and_exits_0() -> None:
    result = run_app("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"readtick {version('readtick')}\n"
    assert result.stderr == ""


def test_version_help_and_refused_options_answer_without_loading_qt() -> None:
    script = (
        "import sys\n"
        "from readtick.app.__main__ import main\n"
        "for argv in (['--version'], ['--help'], ['--clients', '9']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'qasync')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


# ------------------------------------------------------------------ logging
def test_nothing_is_logged_unless_asked(tmp_path: Path) -> None:
    result = run_app("--headless", "--scenario", "peer_read", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # not even Qt's offscreen chatter
    assert result.stdout.startswith("readtick: played ") and result.stdout.count("\n") == 1


def test_verbose_logs_info_and_twice_verbose_logs_debug_per_package(tmp_path: Path) -> None:
    info = run_app("-v", "--headless", "--scenario", "peer_read", "--out", str(tmp_path))
    assert info.returncode == 0, info.stderr
    assert "INFO readtick.app: mode: a scenario played headless" in info.stderr.splitlines()
    assert "DEBUG" not in info.stderr

    debug = run_app("-vv", "--headless", "--scenario", "peer_read", "--out", str(tmp_path))
    assert debug.returncode == 0, debug.stderr
    lines = debug.stderr.splitlines()
    assert "DEBUG readtick.app.headless: step 1: alice sends 'Lunch at noon?' to bob (lunch)" in lines
    assert all(line.split()[1].startswith("readtick.") for line in lines), debug.stderr


def test_log_level_wins_over_verbose_and_is_checked(tmp_path: Path) -> None:
    quiet = run_app(
        "-vv", "--log-level", "error", "--headless", "--scenario", "peer_read", "--out", str(tmp_path)
    )
    assert quiet.returncode == 0 and quiet.stderr == ""
    chatty = run_app("--log-level", "DEBUG", "--headless", "--scenario", "peer_read", "--out", str(tmp_path))
    assert "DEBUG readtick.app.headless: step 1:" in chatty.stderr
    wrong = run_app("--log-level", "loud")
    assert wrong.returncode == 2
    assert "'loud' is not a log level: choose DEBUG, INFO, WARNING, ERROR, CRITICAL" in wrong.stderr


def test_every_logger_is_named_after_its_module() -> None:
    """One logger per package: ``readtick.core``, ``readtick.ui``, ``readtick.app`` and, below
    them, one per module, so ``--log-level`` and a tester's logging config reach all of them."""
    found = []
    for folder in ("core", "ui", "app"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "getLogger":
                    argument = node.args[0] if node.args else None
                    named = isinstance(argument, ast.Name) and argument.id == "__name__"
                    # "readtick" itself: where the command line configures all of them
                    constant = isinstance(argument, ast.Constant) and (
                        argument.value == "readtick" or str(argument.value).startswith(f"readtick.{folder}")
                    )
                    found.append((f"{path.relative_to(ROOT)}:{node.lineno}", named or constant))
    assert found and [where for where, ok in found if not ok] == []


# ------------------------------------------------------------------ the mode, chosen once
def test_without_a_display_it_says_so_and_plays_the_demo_headless(tmp_path: Path) -> None:
    # With no display the app says so in one line and falls back to headless.
    result = run_app(env_drop=NO_DISPLAY, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if "no display found" in line]
    assert len(said) == 1 and "headless" in said[0]
    pictures = sorted(p.name for p in (tmp_path / "screenshots").glob("*.png"))
    assert pictures and all(name in result.stdout + result.stderr for name in pictures)


def test_an_invisible_platform_counts_as_no_display(tmp_path: Path) -> None:
    """``QT_QPA_PLATFORM=offscreen readtick`` would run a window nobody sees until killed: it
    plays the demo headless instead, says why in one line, and leaves the data directory alone."""
    home = tmp_path / "home"
    result = run_app(
        cwd=tmp_path, QT_QPA_PLATFORM="offscreen", HOME=str(home), XDG_DATA_HOME=str(home / "xdg")
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "readtick: no display found (QT_QPA_PLATFORM=offscreen shows no window); "
        "playing the built-in demo scenario headless instead"
    ]
    assert "0 failed" in result.stdout and (tmp_path / "screenshots").is_dir()
    assert not home.exists()  # nothing read or written there

    paced = run_app("--scenario", "peer_read", cwd=tmp_path, QT_QPA_PLATFORM="minimal")
    assert paced.returncode == 0, paced.stderr
    assert "(QT_QPA_PLATFORM=minimal shows no window); playing the scenario headless" in paced.stderr
    assert (tmp_path / "screenshots" / "peer_read.png").exists()


def test_why_no_window() -> None:
    assert why_no_window({}, "linux") == "$DISPLAY and $WAYLAND_DISPLAY are unset"
    assert why_no_window({"DISPLAY": ":0"}, "linux") is None
    assert why_no_window({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert (
        why_no_window({"QT_QPA_PLATFORM": "offscreen"}, "linux")
        == "QT_QPA_PLATFORM=offscreen shows no window"
    )
    assert why_no_window({"QT_QPA_PLATFORM": "minimal:enable_fonts", "DISPLAY": ":0"}, "linux") is not None
    assert why_no_window({"QT_QPA_PLATFORM": "xcb"}, "linux") is None  # named: trusted
    assert why_no_window({}, "darwin") is None and why_no_window({}, "win32") is None


@pytest.mark.parametrize(
    "argv, mode, scenario",
    [
        ([], Mode.WINDOW, None),
        (["--scenario", "expired"], Mode.PACED, "expired"),
        (["--headless"], Mode.HEADLESS, "demo"),
        (["--headless", "--scenario", "expired"], Mode.HEADLESS, "expired"),
        (["--screenshot", "x.png"], Mode.SCREENSHOT, "screenshot"),
        (["--gallery", "out"], Mode.GALLERY, None),
    ],
)
def test_the_mode_is_chosen_from_the_options(argv: list[str], mode: Mode, scenario: str | None) -> None:
    run = parse_command_line(argv, {"DISPLAY": ":0"})
    assert (run.mode, run.scenario, run.fallback) == (mode, scenario, None)


def test_a_tests_window_may_run_on_an_invisible_platform_but_not_without_one() -> None:
    for hidden in (["--exit-after-start"], ["--allow-invisible-window"]):
        assert (
            parse_command_line([*hidden, "--no-persist"], {"QT_QPA_PLATFORM": "offscreen"}).mode
            is Mode.WINDOW
        )
        fallen = parse_command_line([*hidden, "--no-persist"], {})
        assert fallen.mode is Mode.HEADLESS and fallen.fallback is not None


def test_options() -> None:
    args = build_parser().parse_args(
        ["--clients", "4", "--group-size", "9", "--no-bot-readers", "--theme", "dark"]
    )
    assert (args.clients, args.group_size, args.bot_readers, args.theme) == (4, 9, False, "dark")
    defaults = build_parser().parse_args([])
    assert (defaults.clients, defaults.bot_readers, defaults.theme) == (2, None, "light")


@pytest.mark.parametrize(
    "argv, reason",
    [
        (["--clients", "1"], "1 clients do not fit: choose 2 to 8"),
        (["--clients", "9"], "9 clients do not fit"),
        (["--clients", "two"], "'two' is not a whole number"),
        (["--theme", "blue"], "invalid choice: 'blue'"),
        (["--gallery", "g", "--screenshot", "s.png"], "--gallery and --screenshot do not go together"),
        (
            ["--screenshot", "s.png", "--scenario", "expired"],
            "--screenshot and --scenario do not go together",
        ),
        (["--scenario", "expired", "--clients", "3"], "--clients applies to the interactive demo only"),
        (
            ["--screenshot", "s.png", "--virtual-clock"],
            "--virtual-clock applies to the interactive demo only",
        ),
        (
            ["--headless", "--no-bot-readers"],
            "--bot-readers/--no-bot-readers applies to the interactive demo",
        ),
    ],
)
def test_bad_options_are_refused_with_a_reason(
    argv: list[str], reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_command_line(argv, {"DISPLAY": ":0"})
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "readtick: error:" in err and reason in err


# ------------------------------------------------------------------ --screenshot
def test_screenshot_is_the_builtin_screenshot_scenario_and_needs_no_display(tmp_path: Path) -> None:
    target = tmp_path / "shots" / "window.png"
    result = run_app("--screenshot", str(target), env_drop=NO_DISPLAY)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"readtick: screenshot saved to {target}\n"
    assert target.read_bytes()[:8] == PNG_SIGNATURE
    assert target.stat().st_size > 20_000  # a real window, not an empty image

    # The same scenario played by the normal headless player draws the same window.
    out = tmp_path / "played"
    played = run_app("--headless", "--scenario", "screenshot", "--out", str(out), env_drop=NO_DISPLAY)
    assert played.returncode == 0, played.stderr
    assert (out / "screenshot.png").read_bytes()[16:24] == target.read_bytes()[16:24]  # width, height


def test_the_screenshot_scenario_shows_every_outgoing_tick() -> None:
    scenario = load_scenario(builtin_scenarios()["screenshot"])
    assert scenario.screenshots == ("screenshot",)
    assert {step.action.status.name for step in scenario.expectations} == {
        "DONE",
        "PROCESSING",
        "NONE",
        "FAILED",
    }
