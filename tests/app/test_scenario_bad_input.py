"""Hostile scenario files: every row is a file and the exact problem readtick must list for it.

Each input here once slipped past the checker and crashed later (an id core refuses, a duration
that overflows a ``timedelta`` or the clock, a TOML file nested 50,000 deep), or was caught only
while playing. Now each is a listed problem, found before anything runs: ``load_scenario`` raises
``ScenarioError`` and ``readtick --headless --scenario FILE`` exits 2 with the same line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from readtick.app.__main__ import main
from readtick.app.scenario import ScenarioError, load_scenario_text

HEADER = """\
[[users]]
id = "alice"
[[users]]
id = "bob"
[[users]]
id = "carol"
[[groups]]
id = "team"
members = ["alice", "bob", "carol"]
"""
ID_40, ID_33 = "a" * 40, "b" * 33
SEND = '[[steps]]\nsend = { from = "alice", to = "bob", text = "hi", as = "m" }\n'
GROUP_SEND = '[[steps]]\nsend = { from = "alice", group = "team", text = "hi", as = "g" }\n'
WAIT = "[[steps]]\nwait = 1\n"
BIG = 2**70  # beyond 64 bits
HUGE = 10**400  # beyond what a float can hold
HUGE_SHOWN = "100000000000000000...0000000000000000000"
ID_RULE = "is not a valid id: use 1-32 letters, digits or _ . @ - (no spaces)"
AT_MOST_1H = "must be at most 1h, got"
CLOCK_RANGE = "must be from 1970-01-01 to 9999-12-30 (UTC), got"
NOT_FINITE = "a duration must be a finite number of seconds >= 0, got"
TOO_DEEP = "file: nests arrays and tables more than 10 deep (a scenario needs 5)"
NAME_RULE = "must be 1-64 letters, digits, '_', '-' or '.', starting with a letter or digit"


def users(*ids: str) -> str:
    return "".join(f'[[users]]\nid = "{user_id}"\n' for user_id in ids)


# (what the row shows, the whole file, the one problem expected without the "bad.toml: " prefix)
ROWS = [
    # ---- ids follow core's rule (1-32 characters), not a looser copy of it
    ("user id of 40", users(ID_40, "bob") + WAIT, f"[[users]] #1, field 'id': user id '{ID_40}' {ID_RULE}"),
    ("user id of 33", users(ID_33, "bob") + WAIT, f"[[users]] #1, field 'id': user id '{ID_33}' {ID_RULE}"),
    (
        "group id of 40",
        users("alice", "bob") + f'[[groups]]\nid = "{ID_40}"\nmembers = ["alice", "bob"]\n' + WAIT,
        f"[[groups]] #1, field 'id': group id '{ID_40}' {ID_RULE}",
    ),
    (
        "a member that is a table",
        users("alice", "bob") + '[[groups]]\nid = "g"\nmembers = ["alice", {}]\n' + WAIT,
        "[[groups]] #1, field 'members': lists a table {}; members are user ids",
    ),
    (
        "a member that is a number",
        users("alice", "bob") + '[[groups]]\nid = "g"\nmembers = ["alice", 7]\n' + WAIT,
        "[[groups]] #1, field 'members': lists an integer 7; members are user ids",
    ),
    # ---- text within core's 32 KiB limit, counted in UTF-8 bytes
    (
        "text of 32 KiB + 1",
        HEADER + f'[[steps]]\nsend = {{ from = "alice", to = "bob", text = "{"x" * 32769}" }}\n',
        "step 1 (send), field 'text': the message text is 32769 bytes; the limit is 32768 bytes",
    ),
    (
        "CJK text over 32 KiB",
        HEADER + f'[[steps]]\nsend = {{ from = "alice", group = "team", text = "{"汉" * 10923}" }}\n',
        "step 1 (send), field 'text': the message text is 32769 bytes; the limit is 32768 bytes",
    ),
    # ---- durations: finite, not negative, and small enough for the clock and a timedelta
    (
        "lifetime 1e300",
        "[engine]\nreceipt_lifetime = 1e300\n" + HEADER + WAIT,
        "[engine], field 'receipt_lifetime': must be at most 36500d, got 1e+300",
    ),
    (
        "lifetime beyond 64 bits",
        f"[engine]\nreceipt_lifetime = {BIG}\n" + HEADER + WAIT,
        f"[engine], field 'receipt_lifetime': must be at most 36500d, got {BIG}",
    ),
    (
        "lifetime beyond a float",
        f"[engine]\nreceipt_lifetime = {HUGE}\n" + HEADER + WAIT,
        f"[engine], field 'receipt_lifetime': must be at most 36500d, got {HUGE_SHOWN}",
    ),
    (
        "lifetime inf",
        "[engine]\nreceipt_lifetime = inf\n" + HEADER + WAIT,
        "[engine], field 'receipt_lifetime': must be at most 36500d, got inf",
    ),
    (
        "lifetime nan",
        "[engine]\nreceipt_lifetime = nan\n" + HEADER + WAIT,
        f"[engine], field 'receipt_lifetime': {NOT_FINITE} nan",
    ),
    (
        "lifetime negative",
        "[engine]\nreceipt_lifetime = -5\n" + HEADER + WAIT,
        f"[engine], field 'receipt_lifetime': {NOT_FINITE} -5",
    ),
    (
        "lifetime of many days",
        '[engine]\nreceipt_lifetime = "99999999999999999999d"\n' + HEADER + WAIT,
        "[engine], field 'receipt_lifetime': must be at most 36500d, got '99999999999999999999d'",
    ),
    (
        "advance_time 1e300",
        HEADER + "[[steps]]\nadvance_time = 1e300\n",
        "step 1 (advance_time), field 'advance_time': must be at most 36500d, got 1e+300",
    ),
    (
        "advance_time beyond 64 bits",
        HEADER + f"[[steps]]\nadvance_time = {BIG}\n",
        f"step 1 (advance_time), field 'advance_time': must be at most 36500d, got {BIG}",
    ),
    (
        "advance_time -inf",
        HEADER + "[[steps]]\nadvance_time = -inf\n",
        f"step 1 (advance_time), field 'advance_time': {NOT_FINITE} -inf",
    ),
    (
        "advance_time nan",
        HEADER + "[[steps]]\nadvance_time = nan\n",
        f"step 1 (advance_time), field 'advance_time': {NOT_FINITE} nan",
    ),
    (
        "advance_time past year 9999",
        "start = 9990-01-01T00:00:00Z\n" + HEADER + '[[steps]]\nadvance_time = "36500d"\n',
        "step 1 (advance_time), field 'advance_time': moves the virtual clock past 9999-12-30, "
        "the last day every time zone can show",
    ),
    (
        "advance_time adding up past year 9999",
        HEADER + '[[steps]]\nadvance_time = "36500d"\n' * 81,
        "step 80 (advance_time), field 'advance_time': moves the virtual clock past 9999-12-30, "
        "the last day every time zone can show",
    ),
    ("wait 1e300", HEADER + "[[steps]]\nwait = 1e300\n", f"step 1 (wait), field 'wait': {AT_MOST_1H} 1e+300"),
    ("wait inf", HEADER + "[[steps]]\nwait = inf\n", f"step 1 (wait), field 'wait': {AT_MOST_1H} inf"),
    ("wait negative", HEADER + "[[steps]]\nwait = -1\n", f"step 1 (wait), field 'wait': {NOT_FINITE} -1"),
    (
        "wait beyond 64 bits",
        HEADER + f"[[steps]]\nwait = {BIG}\n",
        f"step 1 (wait), field 'wait': must be at most 1h, got {BIG}",
    ),
    (
        "latency 1e300",
        users("alice") + '[[users]]\nid = "bob"\nlatency = 1e300\n' + WAIT,
        "[[users]] #2, field 'latency': must be at most 36500d, got 1e+300",
    ),
    (
        "latency beyond a float",
        users("alice") + f'[[users]]\nid = "bob"\nlatency = {HUGE}\n' + WAIT,
        f"[[users]] #2, field 'latency': must be at most 36500d, got {HUGE_SHOWN}",
    ),
    (
        "latency nan",
        users("alice") + '[[users]]\nid = "bob"\nlatency = nan\n' + WAIT,
        f"[[users]] #2, field 'latency': {NOT_FINITE} nan",
    ),
    (
        "latency negative",
        users("alice") + '[[users]]\nid = "bob"\nlatency = -0.5\n' + WAIT,
        f"[[users]] #2, field 'latency': {NOT_FINITE} -0.5",
    ),
    # ---- the start of the virtual clock is a date every zone can show
    (
        "start before 1970",
        "start = 1969-12-31T23:59:59Z\n" + HEADER + WAIT,
        f"top level, field 'start': {CLOCK_RANGE} 1969-12-31 23:59:59+00:00",
    ),
    (
        "start on the last day",
        "start = 9999-12-31T00:00:00Z\n" + HEADER + WAIT,
        f"top level, field 'start': {CLOCK_RANGE} 9999-12-31 00:00:00+00:00",
    ),
    # ---- expected counts: at most the readers the message has
    (
        "read count beyond 64 bits",
        HEADER + SEND + f'[[steps]]\nexpect = {{ message = "m", status = "DONE", read = {BIG} }}\n',
        f"step 2 (expect), field 'read': must be 0 to 1 ('m' has 1 reader), got {BIG}",
    ),
    (
        "unread count beyond a float",
        HEADER + SEND + f'[[steps]]\nexpect = {{ message = "m", status = "DONE", unread = {HUGE} }}\n',
        f"step 2 (expect), field 'unread': must be 0 to 1 ('m' has 1 reader), got {HUGE_SHOWN}",
    ),
    (
        "group unread count over the readers",
        HEADER + GROUP_SEND + '[[steps]]\nexpect = { message = "g", status = "PROCESSING", unread = 3 }\n',
        "step 2 (expect), field 'unread': must be 0 to 2 ('g' has 2 readers), got 3",
    ),
    (
        "read count 1e300",
        HEADER + SEND + '[[steps]]\nexpect = { message = "m", status = "DONE", read = 1e300 }\n',
        "step 2 (expect), field 'read': must be a whole number >= 0, got a number 1e+300",
    ),
    # ---- names: message names, screenshots (which become files)
    (
        "as-name of 65",
        HEADER + f'[[steps]]\nsend = {{ from = "alice", to = "bob", text = "hi", as = "{"m" * 65}" }}\n',
        f"step 1 (send), field 'as': message name '{'m' * 65}' {NAME_RULE}",
    ),
    (
        "screenshot name of 65",
        HEADER + f'[[steps]]\nscreenshot = "{"s" * 65}"\n',
        f"step 1 (screenshot), field 'screenshot': screenshot name '{'s' * 65}' {NAME_RULE}",
    ),
    (
        "screenshot names differing only in case",
        HEADER + '[[steps]]\nscreenshot = "Shot"\n[[steps]]\nscreenshot = "shot"\n',
        "step 2 (screenshot), field 'screenshot': name 'shot' is already used by step 1 as 'Shot' "
        "(file names may ignore case)",
    ),
    (
        "screenshot named after a Windows device",
        HEADER + '[[steps]]\nscreenshot = "con"\n',
        "step 1 (screenshot), field 'screenshot': name 'con' is a device name on Windows, not a file; "
        "choose another",
    ),
    # ---- time zone of the pictures
    (
        "unknown time zone",
        'timezone = "Mars/Olympus_Mons"\n' + HEADER + WAIT,
        "top level, field 'timezone': unknown time zone 'Mars/Olympus_Mons'; "
        'use an IANA name like "Europe/Berlin" or "UTC"',
    ),
    (
        "misspelt time zone",
        'timezone = "Europe/Berln"\n' + HEADER + WAIT,
        "top level, field 'timezone': unknown time zone 'Europe/Berln' (did you mean 'Europe/Berlin'?); "
        'use an IANA name like "Europe/Berlin" or "UTC"',
    ),
    (
        "a time zone that is a path",
        'timezone = "../../etc/passwd"\n' + HEADER + WAIT,
        "top level, field 'timezone': unknown time zone '../../etc/passwd'; "
        'use an IANA name like "Europe/Berlin" or "UTC"',
    ),
    (
        "the machine's own zone",
        'timezone = "localtime"\n' + HEADER + WAIT,
        "top level, field 'timezone': 'localtime' is this machine's zone, so pictures would differ "
        'between machines; name one like "Europe/Berlin"',
    ),
    (
        "a time zone that is a number",
        "timezone = 8\n" + HEADER + WAIT,
        "top level, field 'timezone': must be a time zone name like \"Europe/Berlin\", got an integer 8",
    ),
    # ---- TOML that would exhaust the parser or the checker
    ("array nested 50,000 deep", HEADER + WAIT + "x = " + "[" * 50_000 + "]" * 50_000 + "\n", TOO_DEEP),
    ("inline table nested 50,000 deep", HEADER + WAIT + f"x = {'{a=' * 50_000}1{'}' * 50_000}\n", TOO_DEEP),
    ("dotted key 50,000 deep", HEADER + WAIT + "a." * 50_000 + "b = 1\n", TOO_DEEP),
    ("array nested 20 deep", HEADER + WAIT + "x = " + "[" * 20 + "]" * 20 + "\n", TOO_DEEP),
    (
        "an integer of 5,000 digits",
        HEADER + "[[steps]]\nwait = " + "9" * 5000 + "\n",
        "file: is not valid TOML: an integer has too many digits",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [row[1:] for row in ROWS], ids=[row[0] for row in ROWS])
def test_each_bad_input_is_one_listed_problem(text: str, expected: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "bad.toml")
    assert [str(p) for p in caught.value.problems] == [f"bad.toml: {expected}"]


def test_the_table_is_long_enough() -> None:
    assert len(ROWS) >= 25
    assert len({row[0] for row in ROWS}) == len(ROWS)


@pytest.mark.parametrize(("text", "expected"), [row[1:] for row in ROWS], ids=[row[0] for row in ROWS])
def test_the_command_line_lists_it_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    code = main(["--headless", "--scenario", str(path), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert f"{path}: {expected}" in captured.err.splitlines()[-1]
    assert "Traceback" not in captured.err
    assert not (tmp_path / "out").exists()  # nothing ran, nothing was drawn


@pytest.mark.parametrize("row", ["user id of 40", "array nested 50,000 deep", "lifetime 1e300"])
def test_in_a_fresh_process_too(tmp_path: Path, row: str) -> None:
    """The real command, with its own recursion limit and stack, not the test runner's."""
    text, expected = next(r[1:] for r in ROWS if r[0] == row)
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "readtick.app", "--headless", "--scenario", str(path), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TZ": "UTC"},
    )
    assert result.returncode == 2, result.stderr
    assert f"{path}: {expected}" in result.stderr
    assert "Traceback" not in result.stderr
