"""Links and strangers in the data directory met after the start or through the Python API:
the session's temporary file, ``--reset``, the clients folder and the lock. Nothing is ever
written (or deleted) through a link. No Qt."""

from __future__ import annotations

import logging
import os

import pytest
from readtick.app.datadir import (
    client_cache_path,
    engine_store_path,
    open_client_cache,
    open_engine_store,
    readtick_files,
    reset_data_dir,
)
from readtick.app.persistence import DataDirLock, PersistenceError
from readtick.app.session import Session, session_path, temp_path
from readtick.core import ErrorCode, ReceiptError


def test_saving_never_writes_through_a_link_at_the_temporary_name(tmp_path, caplog):
    data = tmp_path / "data"
    data.mkdir()
    session = Session.load(data)
    session.save_panels(["alice", "bob"])
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    temp_path(data).symlink_to(victim)  # put there while readtick runs

    with caplog.at_level(logging.WARNING):
        session.save_panels(["alice", "bob", "carol"])

    assert victim.read_text() == "precious"
    assert temp_path(data).is_symlink()  # not readtick's to delete
    assert "carol" not in session_path(data).read_text()
    assert f"could not save {session_path(data)}" in caplog.text


def test_saving_replaces_a_temporary_file_left_by_a_crash(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    session = Session(data)
    temp_path(data).write_text('{"kind": "readtick-se')  # a save cut short
    session.save_panels(["alice", "bob"])
    assert Session.load(data).panels == ["alice", "bob"]
    assert not temp_path(data).exists()


def test_loading_removes_a_temporary_file_left_by_a_crash(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    Session(data, panels=["alice", "bob"]).save()
    temp_path(data).write_text('{"kind": "readtick-se')
    assert Session.load(data).panels == ["alice", "bob"]
    assert not temp_path(data).exists()


def test_reset_keeps_links_and_what_they_point_to(tmp_path):
    data, elsewhere = tmp_path / "data", tmp_path / "elsewhere"
    elsewhere.mkdir()
    open_engine_store(elsewhere).close()
    Session(elsewhere, panels=["alice", "bob"]).save()
    data.mkdir()
    engine_store_path(data).symlink_to(engine_store_path(elsewhere))
    session_path(data).symlink_to(session_path(elsewhere))
    (data / "clients").symlink_to(elsewhere, target_is_directory=True)

    assert readtick_files(data) == []
    assert reset_data_dir(data) == []
    assert engine_store_path(data).is_symlink() and session_path(data).is_symlink()
    assert engine_store_path(elsewhere).exists() and session_path(elsewhere).exists()


def test_a_file_named_clients_is_a_store_error_naming_it(tmp_path):
    (tmp_path / "clients").write_text("mine")
    with pytest.raises(ReceiptError) as caught:
        open_client_cache(tmp_path, "alice")
    assert caught.value.code is ErrorCode.STORE_ERROR
    assert caught.value.message.startswith(
        f"{tmp_path / 'clients'}: is a file, not the folder of client caches"
    )
    assert (tmp_path / "clients").read_text() == "mine"


def test_a_clients_link_is_a_store_error_and_nothing_is_created_through_it(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    data = tmp_path / "data"
    data.mkdir()
    (data / "clients").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ReceiptError) as caught:
        open_client_cache(data, "alice")
    assert "is a symbolic link to" in caught.value.message
    assert list(elsewhere.iterdir()) == []
    assert not client_cache_path(data, "alice").exists()


def test_the_lock_is_never_taken_through_a_link(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    data = tmp_path / "data"
    data.mkdir()
    (data / "readtick.lock").symlink_to(victim)
    with pytest.raises(PersistenceError, match="is a symbolic link to"):
        DataDirLock(data)
    assert victim.read_text() == "precious"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_as_lock_file_is_refused(tmp_path):
    os.mkfifo(tmp_path / "readtick.lock")
    with pytest.raises(PersistenceError, match="is not a regular file"):
        DataDirLock(tmp_path)
