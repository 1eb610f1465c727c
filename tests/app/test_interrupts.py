"""Ctrl+C (SIGINT) ends every mode cleanly: exit status 130, no traceback, files closed and the
data directory's lock released; SIGTERM the same with 143.

Each run is a real ``python -m readtick.app``; a test sends the signal once the run has said
(with ``-v``) that it got where the signal should find it, so nothing here sleeps. Window modes
run on the offscreen platform with ``--allow-invisible-window`` (without it, an invisible
platform falls back to headless, see test_main.py).
"""

from __future__ import annotations

import json
import os
import pty
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from readtick.app.datadir import engine_store_path, open_engine_store
from readtick.app.persistence import DataDirLock
from readtick.app.session import session_path

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60.0  # seconds a run may take to get where the signal should find it


def start(*args: str, cwd: Path = ROOT, stdin: int = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TZ="UTC")
    return subprocess.Popen(
        [sys.executable, "-m", "readtick.app", *args],
        cwd=cwd,
        env=env,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for(process: subprocess.Popen[bytes], text: str, stream: str = "stderr") -> str:
    """What the run wrote to ``stream`` up to and including ``text``; fails if it ends first."""
    pipe = getattr(process, stream)
    seen = b""
    deadline = time.monotonic() + WAIT
    with selectors.DefaultSelector() as selector:
        selector.register(pipe, selectors.EVENT_READ)
        while text.encode() not in seen:
            left = deadline - time.monotonic()
            assert left > 0 and selector.select(left), f"no {text!r} after {WAIT} s: {seen!r}"
            chunk = os.read(pipe.fileno(), 65536)
            assert chunk, f"the run ended before {text!r}: {seen!r}"
            seen += chunk
    return seen.decode()


def wait_until_blocked(process: subprocess.Popen[bytes]) -> None:
    """Wait until the run sleeps in a blocking call (Linux: its state in /proc). A Ctrl+C that
    comes between a prompt and the read of the answer is only seen at the next line typed:
    Python's ``input()`` checks for signals before it writes the prompt, not after."""
    deadline = time.monotonic() + WAIT
    stat = Path(f"/proc/{process.pid}/stat")
    while stat.read_text().rsplit(")", 1)[1].split()[0] != "S":
        assert time.monotonic() < deadline and process.poll() is None, "the run never waited for an answer"
        time.sleep(0.01)


def stop(process: subprocess.Popen[bytes], number: int = signal.SIGINT) -> tuple[int, str, str]:
    """Send ``number``; the exit status and the rest of stdout and stderr."""
    try:
        process.send_signal(number)
        out, err = process.communicate(timeout=WAIT)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return process.returncode, out.decode(), err.decode()


@pytest.mark.parametrize("number, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_closes_the_demo_window_its_files_and_its_lock(
    tmp_path: Path, number: int, status: int
) -> None:
    data = tmp_path / "data"
    process = start("--data-dir", str(data), "--virtual-clock", "--allow-invisible-window", "-v")
    before = wait_for(process, "window shown")
    code, out, err = stop(process, number)
    assert code == status, before + err
    assert "Traceback" not in before + err
    assert f"INFO readtick.app.qtapp: {signal.Signals(number).name}: ending the run" in err
    assert json.loads(session_path(data).read_text(encoding="utf-8"))["panels"] == ["alice", "bob"]
    DataDirLock(data).release()  # free: the run let go of it
    open_engine_store(data).close()  # and its store is whole


def test_ctrl_c_ends_a_paced_scenario_window(tmp_path: Path) -> None:
    process = start("--scenario", "peer_read", "--allow-invisible-window", "-v", cwd=tmp_path)
    before = wait_for(process, "step 1/")
    code, out, err = stop(process)
    assert code == 130, before + err
    assert "Traceback" not in before + err and "KeyboardInterrupt" not in before + err


def test_ctrl_c_ends_a_headless_scenario_before_its_end(tmp_path: Path) -> None:
    steps = "".join(
        f'[[steps]]\nsend = {{ from = "alice", to = "bob", text = "m{n}" }}\n' for n in range(5000)
    )
    long = tmp_path / "long.toml"
    long.write_text(f'[[users]]\nid = "alice"\n[[users]]\nid = "bob"\n{steps}', encoding="utf-8")
    process = start("--headless", "--scenario", str(long), "--out", str(tmp_path / "out"), "-vv")
    before = wait_for(process, "step 1:")
    code, out, err = stop(process)
    assert code == 130, before + err
    assert "Traceback" not in before + err
    assert "played" not in out  # no summary of a run that did not finish


def test_ctrl_c_at_the_reset_question_deletes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    open_engine_store(data).close()
    controller, terminal = pty.openpty()  # --reset asks only on a terminal
    try:
        process = start("--data-dir", str(data), "--reset", "--allow-invisible-window", stdin=terminal)
        asked = wait_for(process, "[y/N]", stream="stdout")
        wait_until_blocked(process)  # in the read of the answer
        code, out, err = stop(process)
    finally:
        os.close(controller)
        os.close(terminal)
    assert "Delete readtick's 1 data files" in asked
    assert code == 130 and "Traceback" not in err, err
    assert engine_store_path(data).exists()
    DataDirLock(data).release()


_LOOP_CHECK = """
import asyncio, os, signal
from readtick.app.qtapp import Interrupted, hold_stop_signals, run_on_qt_loop, start_qt

app = start_qt("light", offscreen=True)
closed = []

async def run(signal_number):
    try:
        if signal_number:
            os.kill(os.getpid(), signal_number)  # a signal while the run awaits
        await asyncio.sleep(3600)
    finally:
        closed.append(signal_number)

for held, signal_number in ((None, signal.SIGINT), (signal.SIGTERM, 0)):
    if held:  # a signal while Qt starts, before the loop runs
        hold_stop_signals()
        os.kill(os.getpid(), held)
    try:
        run_on_qt_loop(app, run(signal_number))
    except Interrupted as stop:
        print(stop.exit_code, closed)
try:
    os.kill(os.getpid(), signal.SIGINT)
    print("Ctrl+C after the loop did nothing")
except KeyboardInterrupt:
    print("Ctrl+C after the loop raises KeyboardInterrupt again")
"""


def test_the_event_loop_turns_a_signal_into_a_clean_stop() -> None:
    result = subprocess.run(
        [sys.executable, "-I", "-c", _LOOP_CHECK],
        capture_output=True,
        text=True,
        timeout=WAIT,
        cwd=ROOT,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "130 [<Signals.SIGINT: 2>]",  # the coroutine's finally ran before the run ended
        "143 [<Signals.SIGINT: 2>]",  # held: cancelled before it started, so no finally of its own
        "Ctrl+C after the loop raises KeyboardInterrupt again",
    ]
    assert result.stderr == ""
