"""Opening files a hostile or unlucky user left behind: pages damaged deep inside an otherwise
valid readtick file, symbolic links where readtick's files belong, and files that are not regular
files. Each is refused at open with STORE_ERROR naming the file, and nothing is written: not into
the file, not through a link, not beside it."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from readtick.core import ConversationType, ErrorCode, ReceiptEngine, ReceiptError, TextMessage, VirtualClock
from readtick.core.enums import MessageDirection, SentStatus
from readtick.core.sqlitecache import SqliteLocalCache
from readtick.core.sqlitestore import SqliteEngineStore
from test_sqlite_open import OPENERS, digest, refused

GROUP = ConversationType.GROUP
PAGE = 4096


def build(kind: str, path: Path) -> bytes:
    """The bytes of a realistic readtick file of a few hundred KiB, closed cleanly."""
    if kind == "engine":
        engine = ReceiptEngine(clock=VirtualClock(), store=SqliteEngineStore(path))
        engine.create_group("team", [f"user{i:04}" for i in range(2000)])
        draft = TextMessage(
            "x" * 200, conversation_id="team", conversation_type=GROUP, sender_user_id="user0000"
        )
        with engine.store.transaction():
            for _ in range(300):
                engine.accept_message("user0000", draft, True)
        engine.close()
    else:
        cache = SqliteLocalCache(path, user_id="alice", synchronous="NORMAL")
        for number in range(1, 1500):
            cache.put(
                TextMessage(
                    "y" * 150,
                    message_id=number,
                    conversation_id="team",
                    conversation_type=GROUP,
                    sender_user_id="bob",
                    direction=MessageDirection.RECEIVE,
                    sent_status=SentStatus.SUCCESS,
                    order_key=number,
                    conversation_seq=number,
                )
            )
        cache.close()
    assert path.stat().st_size > 300_000
    assert not Path(f"{path}-wal").exists()
    return path.read_bytes()


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("templates")
    return {kind: build(kind, folder / f"{kind}.sqlite3") for kind in OPENERS}


@pytest.fixture
def filled(templates):
    """``filled(kind, path)``: a copy of the realistic ``kind`` file at ``path``."""

    def copy(kind: str, path: Path) -> Path:
        path.write_bytes(templates[kind])
        return path

    return copy


def damage(path: Path, offset: int, length: int = 8192, *, zeros: bool = False) -> None:
    """Overwrite ``length`` bytes at ``offset`` with random bytes (or zeros: a lost write)."""
    data = bytearray(path.read_bytes())
    data[offset : offset + length] = bytes(length) if zeros else random.Random(offset).randbytes(length)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("kind", sorted(OPENERS))
@pytest.mark.parametrize("where", [0.25, 0.5, 0.75, 0.95])
@pytest.mark.parametrize("zeros", [False, True], ids=["garbage", "zeros"])
def test_pages_damaged_deep_inside_are_found_at_open(tmp_path, filled, kind, where, zeros):
    path = filled(kind, tmp_path / f"{kind}.sqlite3")
    size = path.stat().st_size
    offset = max(2 * PAGE, int(size * where) // PAGE * PAGE)
    damage(path, min(offset, size - 8192), zeros=zeros)
    message = refused(OPENERS[kind], path, "damaged", "left untouched", "Move it away")
    assert "\n" not in message


@pytest.mark.parametrize("kind", sorted(OPENERS))
def test_an_undamaged_file_passes_the_check_and_opens(tmp_path, filled, kind):
    path = filled(kind, tmp_path / f"{kind}.sqlite3")
    OPENERS[kind](path).close()


@pytest.mark.parametrize("kind", sorted(OPENERS))
def test_a_link_to_a_readtick_file_elsewhere_is_refused(tmp_path, filled, kind):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = filled(kind, elsewhere / "real.sqlite3")
    data = tmp_path / "data"
    data.mkdir()
    link = data / "file.sqlite3"
    link.symlink_to(target)
    before = sorted(p.name for p in elsewhere.iterdir())
    message = refused(OPENERS[kind], link, "symbolic link", "untouched")
    assert str(target) in message  # says where it points
    assert sorted(p.name for p in elsewhere.iterdir()) == before  # no -wal/-shm beside the target


@pytest.mark.parametrize("kind", sorted(OPENERS))
def test_a_dangling_link_is_refused_and_its_target_not_created(tmp_path, kind):
    link = tmp_path / "file.sqlite3"
    target = tmp_path / "elsewhere" / "made-by-readtick.sqlite3"
    target.parent.mkdir()
    link.symlink_to(target)
    with pytest.raises(ReceiptError) as caught:
        OPENERS[kind](link)
    assert caught.value.code is ErrorCode.STORE_ERROR
    assert str(link) in caught.value.message and "symbolic link" in caught.value.message
    assert not target.exists() and list(target.parent.iterdir()) == []
    assert link.is_symlink()


@pytest.mark.parametrize("kind", sorted(OPENERS))
@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_a_link_beside_the_file_is_refused(tmp_path, filled, kind, suffix):
    path = filled(kind, tmp_path / f"{kind}.sqlite3")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    side = Path(f"{path}{suffix}")
    side.symlink_to(victim)
    message = refused(OPENERS[kind], path, "symbolic link", str(side))
    assert "\n" not in message
    assert victim.read_text() == "precious" and side.is_symlink()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("kind", sorted(OPENERS))
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path, kind):
    path = tmp_path / "pipe.sqlite3"
    os.mkfifo(path)
    with pytest.raises(ReceiptError) as caught:
        OPENERS[kind](path)
    assert caught.value.code is ErrorCode.STORE_ERROR
    assert str(path) in caught.value.message and "not a regular file" in caught.value.message


def test_a_damaged_file_is_refused_before_anything_is_written(tmp_path, filled):
    """Even with a committed log beside it, nothing is checkpointed into a damaged file."""
    path = filled("engine", tmp_path / "engine.sqlite3")
    store = SqliteEngineStore(path)
    store.add_user("late")  # committed into the log
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    for suffix in ("", "-wal"):
        (crashed / (path.name + suffix)).write_bytes(Path(f"{path}{suffix}").read_bytes())
    store.close()
    copy = crashed / path.name
    damage(copy, copy.stat().st_size // 2 // PAGE * PAGE)
    wal_before = digest(Path(f"{copy}-wal"))
    with pytest.raises(ReceiptError) as caught:
        SqliteEngineStore(copy)
    assert "damaged" in caught.value.message
    assert digest(Path(f"{copy}-wal")) == wal_before
