"""Record and replay: a session done by clicks in the window is written as a scenario that the
headless player replays with every expectation met; the recorder's file is plain scenario TOML."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox, QPushButton
from readtick.app.membership import join_groups_of_first_panel
from readtick.app.pytest_plugin import OFFSCREEN_QT_NOISE
from readtick.app.recording import RecordingControl
from readtick.app.scenario import load_scenario
from readtick.app.scenarioplayer import play_instantly
from readtick.core import Client, ConversationType
from readtick.ui.toggleswitch import ToggleSwitch

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN_QT_NOISE)
GROUP, PEER = ConversationType.GROUP, ConversationType.PEER
ROOT = Path(__file__).resolve().parents[2]


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def click(h, user: str, name: str, kind=QPushButton) -> None:
    h.qtbot.mouseClick(h.widget(user, name, kind), Qt.MouseButton.LeftButton)


def test_a_session_recorded_by_clicks_replays_headless_with_every_expectation_met(
    make_receipt_window,
    tmp_path: Path,
) -> None:
    h = make_receipt_window(
        ["alice", "bob"],
        {"team": ["alice", "bob", "mia"]},
        make_client=lambda engine, user_id: Client(engine, user_id),
        join_policy=join_groups_of_first_panel,
    )
    pauses = FakeMonotonic()
    saved = tmp_path / "recorded.toml"
    control = RecordingControl(
        h.window, h.engine, [h.clients["mia"]], ask_path=lambda done: done(str(saved)), monotonic=pauses
    )
    assert h.window.record_action.isVisible()
    h.window.record_action.trigger()
    assert control.recording

    h.send("alice", "Lunch at 12?")  # m1
    h.drain()
    pauses.now += 2.5
    h.click_row("bob", 0)
    click(h, "bob", "markReadButton")  # bob reads m1
    h.qtbot.waitUntil(
        lambda: h.clients["alice"].cached_messages("bob", PEER)[0].receipt_status.name == "DONE"
    )
    h.send("alice", 'no receipt, "quoted" \\ text', receipt=False)  # m2
    h.widget("bob", "latencySpin", QDoubleSpinBox).setValue(2.0)
    h.send("alice", "slow link", receipt=True)  # m3: reaches bob 2 s later
    h.drain()
    assert len(h.clients["bob"].cached_messages("alice", PEER)) == 2
    pauses.now += 4.0
    h.run(h.window.advance_clock_by(5.0))
    assert len(h.clients["bob"].cached_messages("alice", PEER)) == 3
    click(h, "bob", "markConversationReadButton")  # reads m3
    h.qtbot.waitUntil(
        lambda: h.clients["bob"].cached_messages("alice", PEER)[-1].receipt_status.name == "DONE"
    )

    h.open("alice", "team", GROUP)
    h.send("alice", "Group hello")  # m4, read by the bot only
    h.drain()
    mia = h.clients["mia"]
    h.run(mia.send_message_receipts_read(mia.cached_messages("team", GROUP), "team", GROUP))
    h.drain()
    h.qtbot.mouseClick(h.widget("bob", "onlineToggle", ToggleSwitch), Qt.MouseButton.LeftButton)
    assert not h.clients["bob"].online
    h.open("alice", "bob", PEER)
    h.send("alice", "while you were away")  # m5, waits for bob

    h.window.add_client_action.trigger()  # carol joins the team
    h.qtbot.waitUntil(lambda: "carol" in h.window.user_ids())
    h.open("alice", "team", GROUP)
    h.send("alice", "Welcome carol")  # m6
    h.drain()
    h.open("carol", "team", GROUP)
    h.click_receipt("carol", 0)  # carol reads m6 by clicking its "tap to read"
    h.qtbot.waitUntil(
        lambda: h.window.client("carol").cached_messages("team", GROUP)[0].receipt_status.name == "DONE"
    )
    h.drain()

    h.window.record_action.trigger()
    assert not control.recording
    h.qtbot.waitUntil(lambda: control.last_saved == saved)

    data = tomllib.loads(saved.read_text(encoding="utf-8"))
    kinds = [next(k for k in step if k != "note") for step in data["steps"]]
    for kind in ("send", "read", "read_conversation", "latency", "advance_time", "wait", "offline", "join"):
        assert kind in kinds, kind
    assert {"id": "mia", "panel": False} in data["users"]
    assert {"id": "carol", "online": False} in data["users"]  # declared from the start, out of reach
    sends = [step["send"] for step in data["steps"] if "send" in step]
    assert sends[1] == {
        "from": "alice",
        "to": "bob",
        "text": 'no receipt, "quoted" \\ text',
        "receipt": False,
        "as": "m2",
    }
    expects = {(e["message"], e.get("as_seen_by")): e for s in data["steps"] if (e := s.get("expect"))}
    assert expects[("m4", None)] == {"message": "m4", "status": "PROCESSING", "read": 1, "unread": 1}
    assert expects[("m5", None)]["status"] == "PROCESSING" and ("m5", "bob") not in expects  # never arrived
    assert expects[("m6", "carol")]["status"] == "DONE"

    scenario = load_scenario(saved)
    assert h.run(play_instantly(scenario)).failures == ()
    replay = subprocess.run(
        [
            sys.executable,
            "-m",
            "readtick.app",
            "--headless",
            "--scenario",
            str(saved),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert replay.returncode == 0, replay.stderr
    assert f"{len(expects)} expectations, 0 failed" in replay.stdout
