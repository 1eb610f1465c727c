"""Scenario and gallery pictures show the same clock times on every machine: UTC, or the zone a
scenario names with ``timezone``, never the machine's own zone (``TZ``).

Each run happens in a fresh process with its own ``TZ``; the process records the time texts the
window draws (the message delegate's ``format_time`` and the clock in the status bar), not pixels.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

MACHINE_ZONES = ("UTC", "Asia/Shanghai", "America/Los_Angeles")

RECORDER = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtWidgets import QLabel
    from readtick.ui import messagedelegate
    from readtick.app.__main__ import main

    bubbles, clocks = set(), set()
    format_time = messagedelegate.format_time

    def recording_format_time(timestamp):
        text = format_time(timestamp)
        bubbles.add(text)
        return text

    set_text = QLabel.setText

    def recording_set_text(label, text):
        if "clock ·" in text:
            clocks.add(text)
        return set_text(label, text)

    messagedelegate.format_time = recording_format_time
    QLabel.setText = recording_set_text
    code = main(sys.argv[1:])
    print(json.dumps({"code": code, "bubbles": sorted(bubbles), "clocks": sorted(clocks)}))
    """
)

SCENARIO = """\
{zone}
[[users]]
id = "alice"
[[users]]
id = "bob"
[[steps]]
send = {{ from = "alice", to = "bob", text = "Hi", as = "hi" }}
[[steps]]
read = {{ who = "bob", messages = ["hi"] }}
[[steps]]
screenshot = "read"
"""


def drawn_times(machine_zone: str, *args: str) -> dict[str, object]:
    """Run ``readtick ARGS`` in a fresh process on a machine whose zone is ``machine_zone``."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["TZ"] = machine_zone
    result = subprocess.run(
        [sys.executable, "-c", RECORDER, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    drawn = json.loads(result.stdout.splitlines()[-1])
    assert drawn["code"] == 0, result.stderr
    return drawn


@pytest.mark.parametrize(
    ("zone_line", "bubble", "clock"),
    [
        ("", "09:00", "virtual clock · 2025-01-06 09:00"),  # UTC unless the scenario says
        ('timezone = "Europe/Berlin"', "10:00", "virtual clock · 2025-01-06 10:00"),
        ('timezone = "Asia/Kolkata"', "14:30", "virtual clock · 2025-01-06 14:30"),
    ],
)
def test_a_scenario_screenshot_shows_the_same_times_in_every_machine_zone(
    tmp_path: Path, zone_line: str, bubble: str, clock: str
) -> None:
    scenario = tmp_path / "zone.toml"
    scenario.write_text(SCENARIO.format(zone=zone_line), encoding="utf-8")
    runs = {
        machine: drawn_times(
            machine,
            "--headless",
            "--scenario",
            str(scenario),
            "--out",
            str(tmp_path / machine.replace("/", "-")),
        )
        for machine in MACHINE_ZONES
    }
    for drawn in runs.values():
        assert drawn["bubbles"] == [bubble]
        assert drawn["clocks"] == [clock]


def test_the_gallery_shows_the_same_time_in_every_machine_zone(tmp_path: Path) -> None:
    runs = [drawn_times(zone, "--gallery", str(tmp_path / zone.replace("/", "-"))) for zone in MACHINE_ZONES]
    for drawn in runs:
        assert drawn["bubbles"] == ["09:41"]


def test_the_interactive_demo_keeps_the_machines_own_zone() -> None:
    """Only pictures are pinned: a person at the window sees their own clock."""
    script = textwrap.dedent(
        """
        from readtick.ui.messagedelegate import format_time
        print(format_time(1736154000.0))  # 2025-01-06 09:00 UTC
        """
    )
    shown = {
        zone: subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "TZ": zone},
        ).stdout.strip()
        for zone in ("UTC", "Asia/Shanghai")
    }
    assert shown == {"UTC": "09:00", "Asia/Shanghai": "17:00"}
