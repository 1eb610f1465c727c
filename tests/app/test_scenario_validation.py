"""Scenario files: every kind of mistake is reported with file, step and field, all at once,
nothing is played when there is one, and nothing in a file can execute code."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

import pytest
from readtick.app.scenario import (
    AdvanceTime,
    Expect,
    Problem,
    Read,
    ScenarioError,
    Send,
    SetOnline,
    format_duration,
    load_scenario,
    load_scenario_text,
    parse_duration,
)
from readtick.core import ReceiptStatus

HEADER = """
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


def scenario_file(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "story.toml"
    path.write_text(textwrap.dedent(header) + textwrap.dedent(body), encoding="utf-8")
    return path


def problems_of(tmp_path: Path, body: str, header: str = HEADER) -> list[Problem]:
    path = scenario_file(tmp_path, body, header)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    for problem in caught.value.problems:
        assert problem.source == str(path)
        assert str(path) in str(problem)
    return list(caught.value.problems)


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


# ------------------------------------------------------------------------------ a valid file
def test_a_valid_file_becomes_frozen_steps(tmp_path: Path) -> None:
    path = scenario_file(
        tmp_path,
        """
        [engine]
        delivered_status = true
        receipt_lifetime = "1h"

        [[steps]]
        send = { from = "alice", to = "bob", text = "hi", as = "m" }
        [[steps]]
        read = { who = "bob", messages = ["m"] }
        note = "Bob reads"
        [[steps]]
        offline = "carol"
        [[steps]]
        advance_time = "90m"
        [[steps]]
        expect = { message = "m", status = "completed", read = 1, unread = 0 }
        """,
    )
    scenario = load_scenario(path)
    assert scenario.engine.delivered_status is True
    assert scenario.engine.receipt_lifetime == 3600
    assert [u.id for u in scenario.users] == ["alice", "bob", "carol"]
    assert scenario.groups[0].members == ("alice", "bob", "carol")
    actions = [s.action for s in scenario.steps]
    assert actions[0] == Send("alice", "bob", None, "hi", True, "m")
    assert actions[1] == Read("bob", ("m",))
    assert scenario.steps[1].note == "Bob reads"
    assert actions[2] == SetOnline("carol", False)
    assert actions[3] == AdvanceTime(5400)
    assert actions[4] == Expect("m", "alice", ReceiptStatus.DONE, 1, 0)  # as_seen_by defaults to sender
    with pytest.raises(AttributeError):
        scenario.steps[0].action.text = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [(90, 90), (1.5, 1.5), ("7d", 604800), ("90m", 5400), ("1h30m", 5400), ("250ms", 0.25), ("2w", 1209600)],
)
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("bad", ["soon", "7 days", "d7", "", "-5s", -1, True, float("nan"), "5x", [5]])
def test_bad_durations(bad: object) -> None:
    with pytest.raises(ValueError, match="duration|seconds"):
        parse_duration(bad)


def test_format_duration() -> None:
    assert [format_duration(s) for s in (604800, 5400, 2.5, 0, 90061)] == [
        "7d",
        "1h30m",
        "2.5s",
        "0s",
        "1d1h1m1s",
    ]


# ------------------------------------------------------------------------------ file-level mistakes
def test_toml_syntax_error_names_the_file(tmp_path: Path) -> None:
    problem = only(problems_of(tmp_path, "[[steps]\nsend = 1\n"))
    assert "not valid TOML" in problem.message
    assert "line" in problem.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot be read"):
        load_scenario(tmp_path / "nope.toml")


def test_unknown_top_level_key_and_missing_steps(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, "", header='colour = "red"\n' + HEADER)
    assert [(p.where, p.field) for p in problems] == [("top level", "colour"), ("top level", "steps")]


@pytest.mark.parametrize(
    ("header", "where", "field", "words"),
    [
        ('[[users]]\nid = "solo"\n', "top level", "users", "2 to 8"),
        ('[[users]]\nid = "a"\n[[users]]\nid = "a"\n', "[[users]] #2", "id", "declared twice"),
        ('[[users]]\nid = "a b"\n[[users]]\nid = "c"\n', "[[users]] #1", "id", "letters, digits"),
        (
            '[[users]]\nid = "a"\nlatency = "fast"\n[[users]]\nid = "b"\n',
            "[[users]] #1",
            "latency",
            "duration",
        ),
        ('[[users]]\nid = "a"\nonline = 1\n[[users]]\nid = "b"\n', "[[users]] #1", "online", "true or false"),
        ('[[users]]\nid = "a"\nnick = "x"\n[[users]]\nid = "b"\n', "[[users]] #1", "nick", "unknown field"),
        (
            '[[users]]\nid = "a"\n[[users]]\nid = "b"\n[[groups]]\nid = "g"\nmembers = ["a", "zed"]\n',
            "[[groups]] #1",
            "members",
            "unknown user 'zed'",
        ),
        (
            '[[users]]\nid = "a"\n[[users]]\nid = "b"\n[[groups]]\nid = "a"\nmembers = ["a"]\n',
            "[[groups]] #1",
            "id",
            "already a user id",
        ),
        ("[engine]\nreceipt_lifetime = 0\n" + HEADER, "[engine]", "receipt_lifetime", "more than 0"),
        ("[engine]\ndelivered = true\n" + HEADER, "[engine]", "delivered", "did you mean 'delivered_status'"),
        ('start = "monday"\n' + HEADER, "top level", "start", "date-time"),
        ('theme = "pink"\n' + HEADER, "top level", "theme", "light"),
    ],
)
def test_setup_mistakes(tmp_path: Path, header: str, where: str, field: str, words: str) -> None:
    body = "[[steps]]\nwait = 1\n"
    problem = only(problems_of(tmp_path, body, header))
    assert (problem.where, problem.field) == (where, field)
    assert words in problem.message


# ------------------------------------------------------------------------------ step mistakes
SEND = '[[steps]]\nsend = { from = "alice", to = "bob", text = "hi", as = "m" }\n'
GROUP_SEND = '[[steps]]\nsend = { from = "alice", group = "team", text = "hi", as = "g" }\n'

STEP_MISTAKES = [
    # (body, step number, field, words)
    ('[[steps]]\nsend = { from = "alcie", to = "bob", text = "hi" }\n', 1, "from", "did you mean 'alice'"),
    ('[[steps]]\nsend = { from = "alice", text = "hi" }\n', 1, "to", "exactly one of 'to'"),
    (
        '[[steps]]\nsend = { from = "alice", to = "bob", group = "team", text = "hi" }\n',
        1,
        "to",
        "exactly one",
    ),
    ('[[steps]]\nsend = { from = "alice", to = "alice", text = "hi" }\n', 1, "to", "themselves"),
    ('[[steps]]\nsend = { from = "alice", group = "teem", text = "hi" }\n', 1, "group", "unknown group"),
    ('[[steps]]\nsend = { from = "alice", to = "bob", text = "" }\n', 1, "text", "non-empty string"),
    ('[[steps]]\nsend = { from = "alice", to = "bob" }\n', 1, "text", "missing"),
    (
        '[[steps]]\nsend = { from = "alice", to = "bob", text = "hi", receipt = "yes" }\n',
        1,
        "receipt",
        "true",
    ),
    (
        '[[steps]]\nsend = { from = "alice", to = "bob", text = "hi", subject = "x" }\n',
        1,
        "subject",
        "unknown",
    ),
    ('[[steps]]\nsend = "alice"\n', 1, "", "must be a table"),
    (SEND + SEND, 2, "as", "already used by step 1"),
    (SEND + '[[steps]]\nread = { who = "bob", messages = ["n"] }\n', 2, "messages", "no earlier send"),
    ('[[steps]]\nread = { who = "bob", messages = ["m"] }\n' + SEND, 1, "messages", "before step 2"),
    (SEND + '[[steps]]\nread = { who = "alice", messages = ["m"] }\n', 2, "messages", "only its receivers"),
    (SEND + '[[steps]]\nread = { who = "carol", messages = ["m"] }\n', 2, "messages", "did not receive"),
    (SEND + '[[steps]]\nread = { who = "bob", messages = [] }\n', 2, "messages", "non-empty list"),
    (SEND + '[[steps]]\nread = { who = "bob", messages = "m" }\n', 2, "messages", "non-empty list"),
    (SEND + '[[steps]]\nread = { who = "bob", messages = ["m", "m"] }\n', 2, "messages", "more than once"),
    (
        SEND
        + '[[steps]]\nread = { who = "bob", messages = ['
        + ", ".join(['"m"'] + [f'"m{i}"' for i in range(10)])
        + "] }\n"
        + "".join(SEND.replace('"m"', f'"m{i}"') for i in range(10)),
        2,
        "messages",
        "at most 10",
    ),
    (
        SEND + GROUP_SEND + '[[steps]]\nread = { who = "bob", messages = ["m", "g"] }\n',
        3,
        "messages",
        "one conversation",
    ),
    (
        SEND.replace("}", ", receipt = false }") + '[[steps]]\nread = { who = "bob", messages = ["m"] }\n',
        2,
        "messages",
        "receipt = false",
    ),
    ('[[steps]]\nread_conversation = { who = "bob", with = "bob" }\n', 1, "with", "another user"),
    ('[[steps]]\nread_conversation = { who = "bob", peer = "alice" }\n', 1, "peer", "unknown field"),
    ('[[steps]]\noffline = "dan"\n', 1, "who", "unknown user 'dan'"),
    ("[[steps]]\nonline = 3\n", 1, "who", "non-empty string"),
    ('[[steps]]\nadvance_time = "soon"\n', 1, "advance_time", "not a duration"),
    ("[[steps]]\nadvance_time = 0\n", 1, "advance_time", "more than 0"),
    ('[[steps]]\nwait = "a while"\n', 1, "wait", "not a duration"),
    ('[[steps]]\nscreenshot = "../../etc/passwd"\n', 1, "screenshot", "letters, digits"),
    ('[[steps]]\nscreenshot = "a"\n[[steps]]\nscreenshot = "a"\n', 2, "screenshot", "already used by step 1"),
    (SEND + '[[steps]]\nexpect = { message = "m", status = "READ" }\n', 2, "status", "unknown status 'READ'"),
    (SEND + '[[steps]]\nexpect = { message = "m" }\n', 2, "status", "missing"),
    ('[[steps]]\nexpect = { status = "DONE" }\n', 1, "message", "missing"),
    (SEND + '[[steps]]\nexpect = { message = "x", status = "DONE" }\n', 2, "message", "no earlier send"),
    (
        SEND + '[[steps]]\nexpect = { message = "m", status = "DONE", as_seen_by = "carol" }\n',
        2,
        "as_seen_by",
        "neither sent nor received",
    ),
    (
        SEND + '[[steps]]\nexpect = { message = "m", status = "DONE", as_seen_by = "bob", read = 1 }\n',
        2,
        "read",
        "only the sender",
    ),
    (
        SEND + '[[steps]]\nexpect = { message = "m", status = "DONE", unread = -1 }\n',
        2,
        "unread",
        "whole number",
    ),
    (
        SEND + '[[steps]]\nexpect = { message = "m", status = "DONE", read = true }\n',
        2,
        "read",
        "whole number",
    ),
    ("[[steps]]\nwait = 1\nnote = 5\n", 1, "note", "must be a string"),
    ('[[steps]]\nwait = 1\noffline = "bob"\n', 1, "", "exactly one action"),
    ("[[steps]]\n", 1, "", "found none"),
]


@pytest.mark.parametrize(("body", "number", "field", "words"), STEP_MISTAKES)
def test_step_mistakes_name_file_step_and_field(
    tmp_path: Path, body: str, number: int, field: str, words: str
) -> None:
    problems = problems_of(tmp_path, body)
    matching = [p for p in problems if p.where.startswith(f"step {number}") and p.field == field]
    assert matching, "\n".join(map(str, problems))
    assert any(words in p.message for p in matching), "\n".join(map(str, matching))
    for p in matching:
        assert f"step {number}" in str(p)
        if field:
            assert f"field {field!r}" in str(p)


def test_a_step_that_is_not_a_table(tmp_path: Path) -> None:
    problem = only(problems_of(tmp_path, "", header="steps = [1]\n" + HEADER))
    assert (problem.where, problem.field) == ("step 1", "")
    assert "must be a table" in problem.message


def test_every_mistake_is_reported_not_just_the_first(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        """
        [[steps]]
        send = { from = "zed", to = "bob", text = "hi", as = "m" }
        [[steps]]
        advance_time = "later"
        [[steps]]
        screenshot = "bad name"
        [[steps]]
        expect = { message = "m", status = "SEEN" }
        """,
    )
    assert [(p.where, p.field) for p in problems] == [
        ("step 1 (send)", "from"),
        ("step 2 (advance_time)", "advance_time"),
        ("step 3 (screenshot)", "screenshot"),
        ("step 4 (expect)", "message"),  # the send failed its check, so "m" was never defined
        ("step 4 (expect)", "status"),
    ]
    message = str(ScenarioError(problems))
    assert message.startswith("5 problems in scenario:")


# ------------------------------------------------------------------------------ safety
def test_nothing_runs_when_the_file_is_invalid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The player is never reached: building a world from an invalid file is impossible."""
    import readtick.app.scenarioplayer as player

    called = []
    monkeypatch.setattr(player.ScenarioWorld, "create", classmethod(lambda cls, s: called.append(s)))
    path = scenario_file(tmp_path, SEND + '[[steps]]\nadvance_time = "never"\n')
    with pytest.raises(ScenarioError):
        scenario = load_scenario(path)
        asyncio.run(player.play_instantly(scenario))
    assert called == []


def test_no_code_execution_from_scenario_files(tmp_path: Path) -> None:
    """Strings that look like code are data: text is sent verbatim, anything else is rejected."""
    marker = tmp_path / "pwned"
    payload = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    # TOML literal strings ('...') hold the payload's double quotes; it has no single quote
    literal = "'" + payload.replace("'", '"') + "'"
    payload = payload.replace("'", '"')
    path = scenario_file(
        tmp_path,
        f"""
        [[steps]]
        send = {{ from = "alice", to = "bob", text = {literal}, as = "m" }}
        [[steps]]
        expect = {{ message = "m", status = "PROCESSING" }}
        """,
    )
    scenario = load_scenario(path)
    assert scenario.steps[0].action.text == payload  # type: ignore[union-attr]
    from readtick.app.scenarioplayer import play_instantly

    result = asyncio.run(play_instantly(scenario))
    assert result.ok, result.failure_lines()
    for field_text in (f"status = {literal}", f'status = "DONE", as_seen_by = {literal}'):
        bad = scenario_file(
            tmp_path,
            f"""
            [[steps]]
            send = {{ from = "alice", to = "bob", text = "x", as = "m" }}
            [[steps]]
            expect = {{ message = "m", {field_text} }}
            """,
        )
        with pytest.raises(ScenarioError):
            load_scenario(bad)
    assert not marker.exists()


def test_the_loader_uses_no_eval_exec_or_dynamic_import() -> None:
    import ast

    import readtick.app.scenario
    import readtick.app.scenariocheck
    import readtick.app.scenariofields
    import readtick.app.scenariomodel
    import readtick.app.scenarioplayer
    import readtick.app.scenariosteps

    modules = (
        readtick.app.scenario,
        readtick.app.scenariocheck,
        readtick.app.scenariofields,
        readtick.app.scenariomodel,
        readtick.app.scenariosteps,
        readtick.app.scenarioplayer,
    )
    for module in modules:
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))  # type: ignore[arg-type]
        called = {
            node.func.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert not called & {"eval", "exec", "compile", "__import__"}
        # importlib.resources finds data files; importing code by name is what must never happen
        assert "import_module" not in Path(module.__file__).read_text(encoding="utf-8")  # type: ignore[arg-type]


def test_load_scenario_text_names_its_source() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text("[[steps]]\nwait = 1\n", "inline.toml")
    assert str(caught.value.problems[0]).startswith("inline.toml: top level, field 'users'")


# ------------------------------------------------------------------------------ time zone
def test_the_time_zone_is_utc_unless_the_scenario_names_one() -> None:
    import datetime as dt

    body = HEADER + "[[steps]]\nwait = 1\n"
    plain = load_scenario_text(body)
    assert (plain.timezone, plain.zone) == ("UTC", dt.UTC)
    assert plain.start == dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC).timestamp()
    berlin = load_scenario_text('timezone = "Europe/Berlin"\nstart = 2025-07-01T12:00:00\n' + body)
    assert berlin.timezone == "Europe/Berlin"
    # a start without an offset is a time in the scenario's zone (CEST, UTC+2, in July)
    assert berlin.start == dt.datetime(2025, 7, 1, 10, 0, tzinfo=dt.UTC).timestamp()
    offset = load_scenario_text('timezone = "Europe/Berlin"\nstart = 2025-07-01T12:00:00Z\n' + body)
    assert offset.start == dt.datetime(2025, 7, 1, 12, 0, tzinfo=dt.UTC).timestamp()
