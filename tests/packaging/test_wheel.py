"""readtick as a new user gets it: the wheel built from this tree, installed (not editable) into a
fresh virtual environment, run from a directory outside the repository.

The wheel is built from a copy of the tree (a build writes build/ and *.egg-info next to the
sources). Its dependencies are installed by pip as usual, held to the versions this test run
uses (a constraints file), so pip's cache serves them and the install takes seconds. Everything
then runs with the venv's own interpreter and scripts, in a directory that holds a tester's
own ``app`` and ``core`` packages: readtick's installed namespace must not care.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from readtick.app.gallery import CONTACT_SHEET, cells
from readtick.app.gallerymedia import media_cells

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "plugin_example" / "test_receipt_ui_example.py"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
#: What the installed readtick and the plugin example need, pinned to what this run has.
PINNED = (
    "PySide6-Essentials",
    "shiboken6",
    "qasync",
    "pytest",
    "pytest-qt",
    "pluggy",
    "iniconfig",
    "packaging",
)
#: Not part of what gets built: local environments, caches, build output, test output.
JUNK = (
    ".git",
    ".venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*_cache",
    ".hypothesis",
    "_output",
    "out",
    "screenshots",
)

# A first download of PySide6 (when pip's cache is cold) can take longer than one test may.
pytestmark = pytest.mark.timeout(900)


@dataclass
class Installed:
    wheel: Path
    build_log: str
    venv: Path
    elsewhere: Path  # outside the repository; holds a tester's own app/ and core/ packages
    env: dict[str, str]

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def run(self, *command: str | Path, timeout: int = 180) -> subprocess.CompletedProcess[str]:
        """Run ``command`` in ``elsewhere`` (``readtick`` and ``pip`` are the venv's)."""
        program, *args = map(str, command)
        if program in {"readtick", "python"}:
            program = str(self.venv / "bin" / program)
        elif program == "pip":
            program, args = sys.executable, ["-m", "pip", "--python", str(self.python), *args]
        return subprocess.run(
            [program, *args],
            cwd=self.elsewhere,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def ok(self, *command: str | Path) -> str:
        result = self.run(*command)
        assert result.returncode == 0, (
            f"{command} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
        return result.stdout


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
    env.update(QT_QPA_PLATFORM="offscreen", QT_API="pyside6", PYTHONDONTWRITEBYTECODE="1")
    env.pop("READTICK_UPDATE_BASELINES", None)
    return env


def _pip(*args: str, cwd: Path, env: dict[str, str]) -> str:
    """Run the running interpreter's pip; return what it (and a build backend) printed."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=840,
    )
    assert result.returncode == 0, f"pip {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    env = _clean_env()
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*JUNK), symlinks=True)
    build_log = _pip("wheel", "-v", str(source), "--no-deps", "-w", str(base / "wheels"), cwd=base, env=env)
    [wheel] = (base / "wheels").glob("readtick-*.whl")

    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    constraints = base / "constraints.txt"
    constraints.write_text("".join(f"{name}=={importlib.metadata.version(name)}\n" for name in PINNED))
    python = str(venv / "bin" / "python")
    _pip("--python", python, "install", "-q", "-c", str(constraints), f"{wheel}[pytest]", cwd=base, env=env)

    elsewhere = base / "elsewhere"
    for package in ("app", "core"):  # a tester's project, as common as it gets
        (elsewhere / package).mkdir(parents=True)
        (elsewhere / package / "__init__.py").write_text(f"WHO = 'tester-{package}'\n")
    return Installed(wheel, build_log, venv, elsewhere, env)


def _assert_pictures(folder: Path, names: set[str]) -> None:
    assert {p.name for p in folder.glob("*.png")} == names
    for name in names:
        image = QImage(str(folder / name))
        assert not image.isNull(), name
        assert image.width() >= 200 and image.height() >= 60, f"{name} is {image.width()}x{image.height()}"
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
        assert len(colours) > 8, f"{name} is nearly blank ({len(colours)} colours)"


def test_the_wheel_holds_one_namespace_its_resources_the_plugin_and_the_license(installed: Installed) -> None:
    names = zipfile.ZipFile(installed.wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"readtick", f"readtick-{VERSION}.dist-info"}
    for resource in (
        "styles/readtick.qss",
        "icons/check.svg",
        "scenarios/peer_read.toml",
        "scenarios/demo.toml",
    ):
        assert f"readtick/resources/{resource}" in names
    assert "readtick/app/pytest_plugin.py" in names and "readtick/app/testing/windowdriver.py" in names
    assert f"readtick-{VERSION}.dist-info/licenses/LICENSE" in names
    metadata = zipfile.ZipFile(installed.wheel).read(f"readtick-{VERSION}.dist-info/METADATA").decode()
    assert "License-Expression: MIT" in metadata
    assert "Classifier: Framework :: Pytest" in metadata
    entry_points = (
        zipfile.ZipFile(installed.wheel).read(f"readtick-{VERSION}.dist-info/entry_points.txt").decode()
    )
    assert "[pytest11]\nreadtick = readtick.app.pytest_plugin" in entry_points
    # setuptools warns, for instance, about folders it takes for packages and would leave out.
    assert "Warning" not in installed.build_log, installed.build_log


def test_installed_readtick_runs_from_elsewhere(installed: Installed) -> None:
    where = installed.ok(
        "python", "-c", "import readtick.core as c, readtick.ui as u; print(c.__file__, u.__file__)"
    )
    assert all(Path(p).is_relative_to(installed.venv) for p in where.split()), where
    # --version prints the installed distribution's metadata:
    assert (
        installed.ok("python", "-c", "import importlib.metadata as m; print(m.version('readtick'))").strip()
        == VERSION
    )
    assert installed.ok("readtick", "--version") == f"readtick {VERSION}\n"

    out = installed.elsewhere / "out"
    said = installed.ok("readtick", "--gallery", "out/gallery")
    assert "100 receipt-state pictures and contact-sheet.png" in said
    pictures = {c.file_name for c in cells()} | {c.file_name for c in media_cells()} | {CONTACT_SHEET}
    _assert_pictures(out / "gallery", pictures)  # the media rows find their photo in the wheel

    said = installed.ok("readtick", "--headless", "--scenario", "peer_read", "--out", "out/peer")
    assert "6 expectations, 0 failed" in said
    _assert_pictures(out / "peer", {"peer_sent.png", "peer_read.png", "timeline.png"})

    said = installed.ok("readtick", "--screenshot", "out/window.png")  # a built-in scenario too
    assert said == "readtick: screenshot saved to out/window.png\n"
    _assert_pictures(out, {"window.png"})


SCENARIO = """
title = "Lunch, from a tester's own file"

[[users]]
id = "alice"

[[users]]
id = "bob"

[[steps]]
send = { from = "alice", to = "bob", text = "Lunch?", as = "lunch" }

[[steps]]
read = { who = "bob", messages = ["lunch"] }

[[steps]]
expect = { message = "lunch", status = "DONE", read = 1, unread = 0 }

[[steps]]
screenshot = "lunch_read"
"""


def test_a_scenario_file_outside_the_repository_plays(installed: Installed) -> None:
    (installed.elsewhere / "lunch.toml").write_text(SCENARIO, encoding="utf-8")
    said = installed.ok("readtick", "--headless", "--scenario", "lunch.toml", "--out", "out/lunch")
    assert "1 expectations, 0 failed" in said or "1 expectation, 0 failed" in said, said
    _assert_pictures(installed.elsewhere / "out" / "lunch", {"lunch_read.png", "timeline.png"})

    (installed.elsewhere / "wrong.toml").write_text(SCENARIO.replace('status = "DONE"', 'status = "EXPIRED"'))
    failed = installed.run("readtick", "--headless", "--scenario", "wrong.toml", "--out", "out/wrong")
    assert failed.returncode == 1, failed.stdout + failed.stderr


def test_the_public_api_imports_and_works(installed: Installed) -> None:
    script = """
import asyncio
from readtick.core import Client, ConversationType, MessageSendConfig, ReceiptEngine, TextMessage
from readtick.core import VirtualClock
from readtick.ui import MainWindow

PEER = ConversationType.PEER

async def main():
    engine = ReceiptEngine(clock=VirtualClock())
    alice, bob = Client(engine, "alice"), Client(engine, "bob")
    await alice.login()
    await bob.login()
    await alice.send_message(TextMessage("hi"), "bob", PEER, MessageSendConfig(has_receipt=True))
    await engine.drain()
    await bob.send_message_receipts_read(bob.cached_messages("alice", PEER), "alice", PEER)
    await engine.drain()
    print(MainWindow.__name__, alice.cached_messages("bob", PEER)[0].receipt_status.name)

asyncio.run(main())
"""
    assert installed.ok("python", "-c", script).split() == ["MainWindow", "DONE"]


def test_the_readme_testing_example_passes_against_the_installed_wheel(installed: Installed) -> None:
    """The example, copied next to a tester's own app/ and core/ packages, with pytest and
    pytest-qt from the venv: the fixtures come from the installed plugin alone."""
    shutil.copyfile(EXAMPLE, installed.elsewhere / EXAMPLE.name)
    result = installed.run("python", "-m", "pytest", "-p", "no:cacheprovider", "-W", "error", EXAMPLE.name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def _dummy_wheel(folder: Path) -> Path:
    """A wheel of 'collider' 1.0 that installs top-level ``core`` and ``app`` packages, written
    directly (no build needed)."""
    files = {
        "core/__init__.py": "WHO = 'collider'\n",
        "app/__init__.py": "WHO = 'collider'\n",
        "collider-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: collider\nVersion: 1.0\n",
        "collider-1.0.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: readtick-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
        "collider-1.0.dist-info/top_level.txt": "app\ncore\n",
    }
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(text.encode())}")
    record.append("collider-1.0.dist-info/RECORD,,")
    path = folder / "collider-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
        archive.writestr("collider-1.0.dist-info/RECORD", "\n".join(record) + "\n")
    return path


def test_a_distribution_with_top_level_core_and_app_breaks_neither(
    installed: Installed, tmp_path: Path
) -> None:
    installed.ok("pip", "install", "--no-index", "--no-deps", _dummy_wheel(tmp_path))
    try:
        assert installed.run("pip", "check").returncode == 0
        # From a neutral directory: the collider's packages are `core` and `app`...
        neutral = tmp_path / "neutral"
        neutral.mkdir()
        check = "import core, app, readtick.core, readtick.app.__main__; print(core.WHO, app.WHO)"
        result = subprocess.run(
            [str(installed.python), "-c", check],
            cwd=neutral,
            env=installed.env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0 and result.stdout.split() == ["collider", "collider"], result.stderr
        # ...and readtick, whose are readtick.core and readtick.app, still runs.
        said = installed.ok("readtick", "--headless", "--scenario", "group_countdown", "--out", "out/collide")
        assert ", 0 failed" in said
    finally:
        installed.ok("pip", "uninstall", "-y", "collider")
    # Uninstalling the collider took none of readtick's files with it.
    assert (
        installed.ok("python", "-c", "import readtick.core, readtick.ui.mainwindow; print('ok')").strip()
        == "ok"
    )
    assert installed.ok("python", "-c", "import core; print(core.WHO)").strip() == "tester-core"
