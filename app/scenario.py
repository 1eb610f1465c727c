"""Scenario files, the front door: ``load_scenario(path)`` returns a checked, frozen ``Scenario``
or raises ``ScenarioError`` listing *every* problem (file, step number, field).

Parsing is data only: tomllib, no eval, nothing imported by name. What a scenario is lives in
``scenariomodel``, how it is checked in ``scenariocheck``; both are re-exported here, so callers
import from this one module. The format is described in README.md, "Scenarios and the gallery".
"""

from __future__ import annotations

import re
import tomllib
from importlib.resources import files
from pathlib import Path

from readtick.app.scenariocheck import check_scenario
from readtick.app.scenariofields import MAX_DURATION, MAX_WAIT, parse_duration
from readtick.app.scenariomodel import (
    DEFAULT_START,
    DEFAULT_TIMEZONE,
    Action,
    AdvanceTime,
    ChangeMembers,
    EngineOptions,
    Expect,
    GroupSpec,
    Problem,
    Read,
    ReadConversation,
    Scenario,
    ScenarioError,
    Screenshot,
    Send,
    SetLatency,
    SetOnline,
    Step,
    UserSpec,
    Wait,
    format_duration,
    time_zone,
)

BUILTIN_DIR = Path(str(files("readtick.resources"))) / "scenarios"
DEFAULT_SCENARIO = "demo"
"""The built-in scenario plain ``readtick`` plays headless when there is no display."""

MAX_FILE_BYTES = 1_000_000
MAX_NESTING = 10
"""Deepest nesting of tables and arrays a file may have; a scenario needs 5 (steps, a step, its
action, a list of names). Deeper files are refused before anything walks them recursively."""
_TOO_DEEP = f"nests arrays and tables more than {MAX_NESTING} deep (a scenario needs 5)"
_LONG_KEY = 100
"""Dotted keys with more parts are refused before parsing: tomllib's time grows with the square
of the parts (a 100 KB key takes a minute), so the depth check after parsing would come late."""
_TOKEN = re.compile(
    r"""(?P<skip>\#[^\n]*|[ \t]+)
    |(?P<part>"{3}[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"{3}|'{3}.*?'{3}
      |"[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\n]*'|[A-Za-z0-9_+:-]+)
    |(?P<dot>\.)
    |(?P<other>.)""",
    re.DOTALL | re.VERBOSE,
)


def builtin_scenarios() -> dict[str, Path]:
    """Built-in scenarios by name (the file stem), sorted."""
    return {p.stem: p for p in sorted(BUILTIN_DIR.glob("*.toml"))}


def resolve_scenario_path(name_or_path: str | Path) -> Path:
    """A path as given if it exists, else the built-in scenario of that name, else the path as given."""
    path = Path(name_or_path)
    if path.exists():
        return path
    builtin = builtin_scenarios().get(str(name_or_path).removesuffix(".toml"))
    return builtin if builtin is not None else path


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file; raise ``ScenarioError`` listing every problem."""
    path = Path(path)
    source = str(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ScenarioError(
            [Problem(source, "file", "", f"cannot be read: {error.strerror or error}")]
        ) from None
    if size > MAX_FILE_BYTES:
        raise ScenarioError(
            [Problem(source, "file", "", f"is {size} bytes; a scenario may be at most {MAX_FILE_BYTES}")]
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError([Problem(source, "file", "", f"cannot be read as UTF-8 text: {error}")]) from None
    return load_scenario_text(text, source)


def load_scenario_text(text: str, source: str = "<scenario>") -> Scenario:
    """Parse and check scenario TOML given as text (``source`` names it in problems)."""
    if _longest_dotted_run(text) > _LONG_KEY:
        raise ScenarioError([Problem(source, "file", "", _TOO_DEEP)])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError([Problem(source, "file", "", f"is not valid TOML: {error}")]) from None
    except ValueError:  # Python's own limit on converting long digit strings to int
        raise ScenarioError(
            [Problem(source, "file", "", "is not valid TOML: an integer has too many digits")]
        ) from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise ScenarioError([Problem(source, "file", "", _TOO_DEEP)]) from None
    if _nesting(data) > MAX_NESTING:
        raise ScenarioError([Problem(source, "file", "", _TOO_DEEP)])
    return check_scenario(data, source)


def _longest_dotted_run(text: str) -> int:
    """Most dots in one run of key parts (``a.b."c".d``), strings and comments skipped.

    Outside strings a dot belongs to a dotted key, or to a number or date-time (one dot each), so a
    long run can only be a deeply dotted key (or no TOML at all, which tomllib reports).
    """
    longest = dots = 0
    after_part = False
    for token in _TOKEN.finditer(text):
        kind = token.lastgroup
        if kind == "part":
            after_part = True
        elif kind == "dot" and after_part:
            dots, after_part = dots + 1, False
            longest = max(longest, dots)
            if longest > _LONG_KEY:
                break
        elif kind != "skip":
            dots, after_part = 0, False
    return longest


def _nesting(data: object) -> int:
    """How deep tables and arrays nest in ``data``, found without recursion."""
    deepest, pending = 0, [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            if depth <= MAX_NESTING:  # no need to go further down than the limit
                children = value.values() if isinstance(value, dict) else value
                pending.extend((child, depth + 1) for child in children)
    return deepest


__all__ = [
    "BUILTIN_DIR",
    "DEFAULT_SCENARIO",
    "DEFAULT_START",
    "DEFAULT_TIMEZONE",
    "MAX_DURATION",
    "MAX_WAIT",
    "Action",
    "AdvanceTime",
    "ChangeMembers",
    "EngineOptions",
    "Expect",
    "GroupSpec",
    "Problem",
    "Read",
    "ReadConversation",
    "Scenario",
    "ScenarioError",
    "Screenshot",
    "Send",
    "SetLatency",
    "SetOnline",
    "Step",
    "UserSpec",
    "Wait",
    "builtin_scenarios",
    "format_duration",
    "load_scenario",
    "load_scenario_text",
    "parse_duration",
    "resolve_scenario_path",
    "time_zone",
]
