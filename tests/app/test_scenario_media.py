"""Scenarios with pictures, files and several devices per user: ``send`` takes ``image`` or
``file`` (relative to the scenario) and ``upload_rate``; ``users`` take ``devices`` and steps name
a device as "alice/phone". Every mistake is a listed problem before anything plays."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

import pytest
from readtick.app.scenario import Problem, ScenarioError, Send, load_scenario
from readtick.app.scenarioplayer import ScenarioPlayer, ScenarioWorld
from readtick.core import ConversationType, MessageType, ReceiptStatus

DEVICES = """
[[users]]
id = "alice"
devices = ["phone", "desktop"]

[[users]]
id = "bob"
"""
PAIR = """
[[users]]
id = "alice"

[[users]]
id = "bob"
"""


def write(tmp_path: Path, body: str, header: str = PAIR) -> Path:
    pictures = tmp_path / "pictures"
    pictures.mkdir(exist_ok=True)
    (pictures / "photo.png").write_bytes(
        (Path(__file__).parents[2] / "resources/media/photo.png").read_bytes()
    )
    path = tmp_path / "story.toml"
    path.write_text(textwrap.dedent(header) + textwrap.dedent(body), encoding="utf-8")
    return path


def problems(tmp_path: Path, body: str, header: str = PAIR) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write(tmp_path, body, header))
    return list(caught.value.problems)


def play(path: Path):
    scenario = load_scenario(path)

    async def run():
        world = await ScenarioWorld.create(scenario)
        try:
            result = await ScenarioPlayer(scenario, world).play()
            return result, world.clock.now() - scenario.start, world
        finally:
            world.close()

    return asyncio.run(run())


def test_an_image_relative_to_the_scenario_is_uploaded_sent_and_read(tmp_path):
    path = write(
        tmp_path,
        """
        [[steps]]
        send = { from = "alice", to = "bob", image = "pictures/photo.png", as = "p" }
        [[steps]]
        expect = { message = "p", as_seen_by = "bob", status = "PROCESSING" }
        [[steps]]
        read = { who = "bob", messages = ["p"] }
        [[steps]]
        expect = { message = "p", status = "DONE", read = 1, unread = 0 }
        """,
    )
    scenario = load_scenario(path)
    send = scenario.steps[0].action
    assert isinstance(send, Send) and send.media == "image"
    assert send.path == str(tmp_path / "pictures" / "photo.png")
    assert send.describe() == "alice sends image photo.png to bob (p)"
    result, elapsed, world = play(path)
    assert result.failure_lines() == [] and elapsed == 0  # no upload_rate: no time passes
    [copy] = world.clients["bob"].cached_messages("alice", ConversationType.PEER)
    assert copy.type is MessageType.IMAGE and copy.original_image_width == 360


def test_an_upload_rate_moves_the_clock_through_the_upload(tmp_path):
    path = write(
        tmp_path,
        """
        [[steps]]
        send = { from = "alice", to = "bob", file = "story.toml", upload_rate = 50, as = "f" }
        [[steps]]
        expect = { message = "f", status = "PROCESSING" }
        """,
    )
    size = path.stat().st_size
    result, elapsed, _ = play(path)
    assert result.failure_lines() == []
    assert elapsed == pytest.approx(size / 50)


def test_steps_name_devices_and_a_read_on_one_reaches_the_other(tmp_path):
    path = write(
        tmp_path,
        """
        [[steps]]
        send = { from = "bob", to = "alice", text = "hi both", as = "m" }
        [[steps]]
        read = { who = "alice/phone", messages = ["m"] }
        [[steps]]
        expect = { message = "m", as_seen_by = "alice/desktop", status = "DONE" }
        [[steps]]
        expect = { message = "m", status = "DONE", read = 1, unread = 0 }
        [[steps]]
        offline = "alice/desktop"
        [[steps]]
        send = { from = "alice/phone", to = "bob", text = "sent from the phone", as = "r" }
        [[steps]]
        online = "alice/desktop"
        [[steps]]
        expect = { message = "r", as_seen_by = "alice/desktop", status = "PROCESSING" }
        """,
        DEVICES,
    )
    scenario = load_scenario(path)
    assert [u.client_ids for u in scenario.users] == [("alice/phone", "alice/desktop"), ("bob",)]
    result, _, world = play(path)
    assert result.failure_lines() == []
    assert sorted(world.clients) == ["alice/desktop", "alice/phone", "bob"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (
            'send = { from = "alice", to = "bob", text = "x", image = "pictures/photo.png" }',
            "image",
            "only one of",
        ),
        ('send = { from = "alice", to = "bob" }', "text", "is missing"),
        ('send = { from = "alice", to = "bob", image = "pictures/none.png" }', "image", "no file at"),
        ('send = { from = "alice", to = "bob", file = "pictures" }', "file", "not a regular file"),
        (
            'send = { from = "alice", to = "bob", image = "/etc/hostname" }',
            "image",
            "relative to the scenario",
        ),
        ('send = { from = "alice", to = "bob", image = 7 }', "image", "non-empty string"),
        (
            'send = { from = "alice", to = "bob", image = "pictures/photo.png", upload_rate = 0 }',
            "upload_rate",
            "> 0",
        ),
        (
            'send = { from = "alice", to = "bob", image = "pictures/photo.png", upload_rate = "fast" }',
            "upload_rate",
            "> 0",
        ),
        (
            'send = { from = "alice", to = "bob", text = "hi", upload_rate = 10 }',
            "upload_rate",
            "text is not",
        ),
        (
            'send = { from = "alice", to = "bob", image = "pictures/photo.png", upload_rate = 1e-300 }',
            "upload_rate",
            "past 9999",
        ),
    ],
)
def test_bad_media_sends_are_listed(tmp_path, body, field, words):
    [problem] = problems(tmp_path, f"[[steps]]\n{body}\n")
    assert problem.field == field and words in problem.message, str(problem)


def test_a_file_that_is_a_link_is_refused(tmp_path):
    (tmp_path / "elsewhere.png").write_bytes(b"not really a picture")
    (tmp_path / "link.png").symlink_to(tmp_path / "elsewhere.png")
    [problem] = problems(tmp_path, '[[steps]]\nsend = { from = "alice", to = "bob", image = "link.png" }\n')
    assert "symbolic link" in problem.message


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ('offline = "alice"', "who", "on several devices; name one: 'alice/phone', 'alice/desktop'"),
        ('offline = "alice/tablet"', "who", "unknown client"),
        ('send = { from = "alice", to = "bob", text = "x" }', "from", "several devices"),
        ('send = { from = "bob", to = "alice/phone", text = "x" }', "to", "unknown user"),
        ('offline = "carol"', "who", "unknown user 'carol'"),
    ],
)
def test_devices_must_be_named_where_a_client_acts(tmp_path, body, field, words):
    [problem] = problems(tmp_path, f"[[steps]]\n{body}\n", DEVICES)
    assert problem.field == field and words in problem.message, str(problem)


@pytest.mark.parametrize(
    ("devices", "words"),
    [
        ('["phone", "phone"]', "listed twice"),
        ("[]", "non-empty list"),
        ('"phone"', "non-empty list"),
        ('["has space"]', "not a valid id"),
        ('["a", "b", "c", "d"]', "at most 3"),
    ],
)
def test_bad_device_lists_are_listed(tmp_path, devices, words):
    header = f'[[users]]\nid = "alice"\ndevices = {devices}\n\n[[users]]\nid = "bob"\n'
    found = problems(tmp_path, '[[steps]]\nadvance_time = "1s"\n', header)
    assert any(p.field == "devices" and words in p.message for p in found), "\n".join(map(str, found))


def test_devices_count_as_clients_in_the_window(tmp_path):
    header = "".join(f'[[users]]\nid = "u{n}"\ndevices = ["a", "b", "c"]\n' for n in range(3))
    found = problems(tmp_path, '[[steps]]\nadvance_time = "1s"\n', header)
    assert any("has 9 clients (users and devices) with a panel" in p.message for p in found)


def test_group_members_are_users_not_devices(tmp_path):
    header = DEVICES + '[[groups]]\nid = "team"\nmembers = ["alice/phone", "bob"]\n'
    found = problems(tmp_path, '[[steps]]\nadvance_time = "1s"\n', header)
    assert any(p.field == "members" and "is a device" in p.message for p in found)


def test_the_builtin_media_scenario_shows_upload_delivery_and_read():
    from readtick.app.scenario import builtin_scenarios

    scenario = load_scenario(builtin_scenarios()["media_receipts"])
    send = scenario.steps[0].action
    assert isinstance(send, Send) and send.media == "image" and send.upload_rate
    statuses = [s.action.status for s in scenario.expectations]
    assert ReceiptStatus.PROCESSING in statuses and ReceiptStatus.DELIVERED in statuses
    assert statuses[-1] is ReceiptStatus.DONE
