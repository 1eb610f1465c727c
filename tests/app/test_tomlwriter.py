"""The TOML writer: what tomllib reads back is exactly what was written, hard strings included."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest
from readtick.app.tomlwriter import toml_document, toml_value

HARD_TEXTS = [
    'she said "hi"',
    "back\\slash \\n not a newline",
    "line one\nline two\r\n\ttabbed",
    "bell \x07 nul \x00 del \x7f esc \x1b",
    "你好 👋 ünïcode",
    "''' triple ''' and \"\"\"",
    "key = value # not a comment",
    "",
]


@pytest.mark.parametrize("text", HARD_TEXTS)
def test_strings_read_back_unchanged(text: str) -> None:
    assert tomllib.loads(f"v = {toml_value(text)}")["v"] == text


def test_a_document_of_every_shape_reads_back_unchanged() -> None:
    start = dt.datetime(2025, 1, 6, 9, 0, 0, 250000, tzinfo=dt.UTC)
    document = toml_document(
        {"title": "Recorded — 录制", "start": start, "odd key": True},
        {"engine": {"delivered_status": False, "receipt_lifetime": 604800.0}},
        {
            "users": [{"id": "alice"}, {"id": "mia", "panel": False, "latency": 2.5}],
            "steps": [
                {"send": {"from": "alice", "to": "bob", "text": HARD_TEXTS[2], "as": "m1"}},
                {"read": {"who": "bob", "messages": ["m1", "m2"]}, "note": 'a "note"'},
                {"advance_time": 0.001},
                {"wait": 1e-05},
            ],
        },
    )
    data = tomllib.loads(document)
    assert data["title"] == "Recorded — 录制"
    assert data["start"] == start
    assert data["odd key"] is True
    assert data["engine"] == {"delivered_status": False, "receipt_lifetime": 604800.0}
    assert data["users"][1] == {"id": "mia", "panel": False, "latency": 2.5}
    assert data["steps"][0]["send"]["text"] == HARD_TEXTS[2]
    assert data["steps"][1] == {"read": {"who": "bob", "messages": ["m1", "m2"]}, "note": 'a "note"'}
    assert data["steps"][2:] == [{"advance_time": 0.001}, {"wait": 1e-05}]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), dt.datetime(2025, 1, 6)])
def test_what_toml_cannot_hold_is_refused(value) -> None:
    with pytest.raises(ValueError):
        toml_value(value)
