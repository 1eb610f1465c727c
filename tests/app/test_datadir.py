"""app.datadir: the platform data directory, opening the stores in it, and a reset that deletes
readtick's files only. No Qt."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from readtick.app import datadir
from readtick.app.datadir import (
    client_cache_path,
    confirm_and_reset,
    default_data_dir,
    open_client_cache,
    open_engine_store,
    readtick_files,
    reset_data_dir,
)
from readtick.app.persistence import DataDirLock
from readtick.core import ErrorCode, ReceiptError


def test_default_dir_on_linux_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "readtick"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/is/ignored")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_data_dir() == tmp_path / ".local" / "share" / "readtick"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert default_data_dir() == tmp_path / ".local" / "share" / "readtick"


def test_default_dir_on_macos_and_windows(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "darwin")
    assert default_data_dir() == tmp_path / "Library" / "Application Support" / "readtick"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    assert default_data_dir() == tmp_path / "Roaming" / "readtick"


def test_opening_creates_the_layout_and_reopens_it(tmp_path):
    data = tmp_path / "data"
    store = open_engine_store(data)
    store.add_user("alice")
    store.close()
    cache = open_client_cache(data, "Alice")
    cache.next_local_id()
    cache.close()
    assert (data / "engine.sqlite3").is_file()
    assert client_cache_path(data, "Alice").parent == data / "clients"
    store = open_engine_store(data)
    assert store.user_ids() == ["alice"]
    store.close()
    cache = open_client_cache(data, "Alice")
    assert cache.next_local_id() == 2 and cache.user_id == "Alice"
    cache.close()


def test_cache_files_differ_for_ids_that_differ_only_in_case(tmp_path):
    upper, lower = client_cache_path(tmp_path, "Bob"), client_cache_path(tmp_path, "bob")
    assert upper.name.lower() != lower.name.lower()
    with pytest.raises(ReceiptError) as caught:
        client_cache_path(tmp_path, "../escape")
    assert caught.value.code is ErrorCode.PARAMETER_INVALID


def test_reset_deletes_only_readtick_files(tmp_path):
    data = tmp_path / "data"
    open_engine_store(data).close()
    open_client_cache(data, "alice").close()
    open_client_cache(data, "bob").close()
    (data / "notes.txt").write_text("mine")
    (data / "clients" / "photo.sqlite3").write_bytes(b"not a database")
    foreign = data / "clients" / "other-0123456789.sqlite3"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    assert len(readtick_files(data)) == 3
    deleted = reset_data_dir(data)
    assert sorted(p.name for p in deleted) == sorted(
        ["engine.sqlite3", client_cache_path(data, "alice").name, client_cache_path(data, "bob").name]
    )
    assert sorted(p.name for p in data.rglob("*")) == [
        "clients",
        "notes.txt",
        "other-0123456789.sqlite3",
        "photo.sqlite3",
    ]
    assert reset_data_dir(data) == []


def test_reset_removes_log_files_and_the_empty_clients_folder(tmp_path):
    store = open_engine_store(tmp_path)
    store.add_user("alice")
    cache = open_client_cache(tmp_path, "alice")
    assert any(p.name.endswith("-wal") for p in readtick_files(tmp_path))  # open: logs beside
    store.close()
    cache.close()
    reset_data_dir(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_reset_confirmation(tmp_path):
    said: list[str] = []
    open_engine_store(tmp_path).close()
    assert not confirm_and_reset(tmp_path, interactive=False, say=said.append)
    assert "--yes" in said[-1] and readtick_files(tmp_path)
    assert not confirm_and_reset(tmp_path, interactive=True, ask=lambda q: "n", say=said.append)
    assert readtick_files(tmp_path)
    questions: list[str] = []
    assert confirm_and_reset(
        tmp_path, interactive=True, ask=lambda q: questions.append(q) or "y", say=said.append
    )
    assert str(tmp_path) in questions[0] and not readtick_files(tmp_path)
    open_engine_store(tmp_path).close()
    assert confirm_and_reset(tmp_path, assume_yes=True, interactive=False, say=said.append)
    assert not readtick_files(tmp_path)
    assert confirm_and_reset(tmp_path, say=said.append) and "nothing to reset" in said[-1]


def test_module_names_its_files(tmp_path):
    assert datadir.ENGINE_FILE == "engine.sqlite3" and datadir.CLIENTS_DIR == "clients"
    assert isinstance(default_data_dir(), Path)


def _run_readme_example(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The "Where data lives" example, run with the data directory pointed into tmp_path."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Where data lives", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "HOME": str(tmp_path), "APPDATA": str(tmp_path)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)


def test_the_readme_example_runs(tmp_path):
    result = _run_readme_example(tmp_path)
    assert result.returncode == 0, result.stderr
    data = default_data_dir_under(tmp_path)
    assert (data / "engine.sqlite3").is_file() and (data / "readtick.lock").is_file()
    assert "alice" in result.stdout


def test_the_readme_example_keeps_out_of_a_directory_a_running_readtick_holds(tmp_path):
    data = default_data_dir_under(tmp_path)
    data.mkdir(parents=True)
    lock = DataDirLock(data)  # what a running readtick window holds
    try:
        result = _run_readme_example(tmp_path)
    finally:
        lock.release()
    assert result.returncode != 0
    assert "DataDirBusy" in result.stderr and "in use by another readtick" in result.stderr
    assert not (data / "engine.sqlite3").exists()


def default_data_dir_under(home: Path) -> Path:
    return home / "readtick" if sys.platform != "darwin" else home / "Library/Application Support/readtick"
