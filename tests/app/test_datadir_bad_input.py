"""The data directory and its command line, as a hostile or unlucky user leaves them: one row per
situation, with the exact line ``readtick`` must print and the exit status.

Every refused start is one line on stderr (no traceback) naming the path and the way out, exits
with status 2 (``EXIT_DATA_DIR``), and changes nothing: every file in the data directory and in
the folder links point into keeps its bytes, no file appears (no log beside a damaged file, no
target created through a dangling link), and nothing is written through a link. Runs the real
entry point (``python -m readtick.app --exit-after-start``).

In the expected lines, ``{data}`` is the data directory, ``{elsewhere}`` a folder outside it,
``{alice}``/``{bob}`` their cache files, ``{sqlite}`` SQLite's own words for the damage found.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import re
import shutil
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from readtick.app.cli import EXIT_DATA_DIR
from readtick.app.datadir import client_cache_path, engine_store_path
from readtick.app.session import Session, session_path, temp_path
from test_persistence_app import chat, run_app

STORE = "[STORE_ERROR 6900003]"
RESET = (
    "Way out: `readtick --reset` starts afresh (deletes readtick's files in {data}), "
    "or `--data-dir OTHER_DIR` uses another directory."
)
NOT_OURS = (
    "Way out: `--reset` will not delete a file that is not readtick's: move it away, "
    "or use another directory with `--data-dir OTHER_DIR`."
)
SESSION_WAY_OUT = (
    "Way out: move it away (it only keeps which panels were open and the virtual clock's time; "
    "the conversations are in the SQLite files), or use another directory with `--data-dir OTHER_DIR`."
)
NO_FOLLOW = "readtick does not follow links in its data directory"
DAMAGED = (
    "is damaged: SQLite found corrupt pages inside it ({sqlite}); readtick cannot use it as its {what}. "
    "Move it away (or delete it to start afresh); it was left untouched."
)


@dataclass
class Layout:
    data: Path
    elsewhere: Path

    @property
    def engine(self) -> Path:
        return engine_store_path(self.data)

    def cache(self, user: str) -> Path:
        return client_cache_path(self.data, user)

    @property
    def victim(self) -> Path:
        """A file outside the data directory that no link may get readtick to write."""
        return self.elsewhere / "victim.txt"

    @property
    def missing(self) -> Path:
        """Where dangling links point: must still not exist afterwards."""
        return self.elsewhere / "missing"


@dataclass
class Row:
    id: str
    arrange: Callable[[Layout], None]
    line: str = ""  # the one expected stderr line; "" for a start that works
    status: int = EXIT_DATA_DIR
    args: tuple[str, ...] = ()
    only: Callable[[Layout], list[Path]] | None = None  # files that must stay as they were, if not all
    then: Callable[[Layout], None] = field(default=lambda layout: None)
    obey_permissions: bool = False  # run readtick without root's power to write anywhere


def damage(path: Path) -> None:
    """8 KiB of garbage at a page boundary in the middle of the file (never the first page)."""
    data = bytearray(path.read_bytes())
    offset = max(4096, len(data) // 2 // 4096 * 4096)
    data[offset : offset + 8192] = bytes(range(256)) * 32
    path.write_bytes(bytes(data))


def move_elsewhere_and_link(path: Path, layout: Layout) -> None:
    target = layout.elsewhere / path.name
    shutil.move(path, target)
    path.symlink_to(target)


def link_to(path: Path, target: Path) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to(target)


def replace_with_dir(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.mkdir()


def replace_with_pipe(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def clients_elsewhere(layout: Layout) -> None:
    target = layout.elsewhere / "clients"
    shutil.move(layout.data / "clients", target)
    (layout.data / "clients").symlink_to(target, target_is_directory=True)


def clients_a_file(layout: Layout) -> None:
    shutil.rmtree(layout.data / "clients")
    (layout.data / "clients").write_text("not a folder")


def session_text(text: str) -> Callable[[Layout], None]:
    return lambda layout: session_path(layout.data).write_text(text, encoding="utf-8")


def bob_and_elsewhere(layout: Layout) -> list[Path]:
    """What must stay as it was when bob's cache is refused: by then the engine and alice's
    cache were opened and used (the window starts its panels in order)."""
    return [layout.cache("bob"), layout.elsewhere]


def victim_kept(layout: Layout) -> None:
    assert layout.victim.read_text() == "precious"


def nothing_created_through_the_link(layout: Layout) -> None:
    assert not layout.missing.exists()


def stale_temp_gone(layout: Layout) -> None:
    assert not temp_path(layout.data).exists()
    assert Session.load(layout.data).panels == ["alice", "bob"]


ROWS = [
    # ---------------------------------------------------------------- damaged files
    Row(
        "engine damaged deep inside",
        lambda layout: damage(layout.engine),
        "readtick: {data}/engine.sqlite3: " + DAMAGED.replace("{what}", "engine store") + f" {STORE} {RESET}",
    ),
    Row(
        "client cache damaged deep inside",
        lambda layout: damage(layout.cache("bob")),
        "readtick: {bob}: " + DAMAGED.replace("{what}", "client cache") + f" {STORE} {RESET}",
        only=bob_and_elsewhere,
    ),
    # ---------------------------------------------------------------- links to SQLite files
    Row(
        "engine file a link to an engine elsewhere",
        lambda layout: move_elsewhere_and_link(layout.engine, layout),
        "readtick: {data}/engine.sqlite3: is a symbolic link to {elsewhere}/engine.sqlite3, not the engine "
        f"store file itself; {NO_FOLLOW}, so nothing is written through one. Move the link away, or put "
        f"the file itself there; it was left untouched. {STORE} {NOT_OURS}",
    ),
    Row(
        "engine file a dangling link",
        lambda layout: link_to(layout.engine, layout.missing),
        "readtick: {data}/engine.sqlite3: is a symbolic link to {elsewhere}/missing, not the engine store "
        f"file itself; {NO_FOLLOW}, so nothing is written through one. Move the link away, or put the "
        f"file itself there; it was left untouched. {STORE} {NOT_OURS}",
        then=nothing_created_through_the_link,
    ),
    Row(
        "engine log a link to another file",
        lambda layout: link_to(Path(f"{layout.engine}-wal"), layout.victim),
        "readtick: {data}/engine.sqlite3-wal: is a symbolic link to {elsewhere}/victim.txt, not the engine "
        f"store's wal file itself; {NO_FOLLOW}, so nothing is written through one. Move the link away, "
        f"or put the file itself there; it was left untouched. {STORE} {NOT_OURS}",
        then=victim_kept,
    ),
    Row(
        "client cache a link to a cache elsewhere",
        lambda layout: move_elsewhere_and_link(layout.cache("bob"), layout),
        "readtick: {bob}: is a symbolic link to {elsewhere}/" + "{bob_name}, not the client cache file "
        f"itself; {NO_FOLLOW}, so nothing is written through one. Move the link away, or put the file "
        f"itself there; it was left untouched. {STORE} {NOT_OURS}",
        only=bob_and_elsewhere,
    ),
    Row(
        "client cache a dangling link",
        lambda layout: link_to(layout.cache("bob"), layout.missing),
        "readtick: {bob}: is a symbolic link to {elsewhere}/missing, not the client cache file itself; "
        f"{NO_FOLLOW}, so nothing is written through one. Move the link away, or put the file itself "
        f"there; it was left untouched. {STORE} {NOT_OURS}",
        only=bob_and_elsewhere,
        then=nothing_created_through_the_link,
    ),
    Row(
        "engine file a named pipe",
        lambda layout: replace_with_pipe(layout.engine),
        "readtick: {data}/engine.sqlite3: is not a regular file (a named pipe, socket or device); readtick "
        f"cannot use it as its engine store. Move it away; it was left untouched. {STORE} {NOT_OURS}",
    ),
    # ---------------------------------------------------------------- the clients folder
    Row(
        "clients a regular file",
        clients_a_file,
        "readtick: {data}/clients: is a file, not the folder of client caches. "
        f"Move it away; it was left untouched. {STORE} {NOT_OURS}",
    ),
    Row(
        "clients a link to a folder elsewhere",
        clients_elsewhere,
        "readtick: {data}/clients: is a symbolic link to {elsewhere}/clients, not the folder of client "
        f"caches itself; {NO_FOLLOW}, so nothing is written through one. Move the link away, or put the "
        f"folder itself there; it was left untouched. {STORE} {NOT_OURS}",
    ),
    # ---------------------------------------------------------------- the session file
    Row(
        "session.json a link to a session elsewhere",
        lambda layout: move_elsewhere_and_link(session_path(layout.data), layout),
        "readtick: {data}/session.json: is a symbolic link to {elsewhere}/session.json; "
        f"{NO_FOLLOW}. {SESSION_WAY_OUT}",
    ),
    Row(
        "session.json a dangling link",
        lambda layout: link_to(session_path(layout.data), layout.missing),
        "readtick: {data}/session.json: is a symbolic link to {elsewhere}/missing; "
        f"{NO_FOLLOW}. {SESSION_WAY_OUT}",
        then=nothing_created_through_the_link,
    ),
    Row(
        "session.json.tmp a link to another file",
        lambda layout: link_to(temp_path(layout.data), layout.victim),
        "readtick: {data}/session.json.tmp: is a symbolic link to {elsewhere}/victim.txt; "
        f"{NO_FOLLOW}. {SESSION_WAY_OUT}",
        then=victim_kept,
    ),
    Row(
        "session.json.tmp a dangling link",
        lambda layout: link_to(temp_path(layout.data), layout.missing),
        "readtick: {data}/session.json.tmp: is a symbolic link to {elsewhere}/missing; "
        f"{NO_FOLLOW}. {SESSION_WAY_OUT}",
        then=nothing_created_through_the_link,
    ),
    Row(
        "session.json.tmp left over from a crash",
        lambda layout: temp_path(layout.data).write_text('{"kind": "readtick-session", "vers'),
        status=0,
        only=lambda layout: [layout.victim],
        then=stale_temp_gone,
    ),
    Row(
        "session.json a directory",
        lambda layout: replace_with_dir(session_path(layout.data)),
        "readtick: {data}/session.json: is a directory, not a session file. " + SESSION_WAY_OUT,
    ),
    Row(
        "session.json a named pipe",
        lambda layout: replace_with_pipe(session_path(layout.data)),
        "readtick: {data}/session.json: is not a regular file (a named pipe, socket or device). "
        + SESSION_WAY_OUT,
    ),
    Row(
        "session.json of 2 MiB",
        session_text('{"kind": "readtick-session", "version": 1, "pad": "' + "x" * 2**21 + '"}'),
        "readtick: {data}/session.json: is too large to be a readtick session file (2,097,205 bytes; "
        f"it holds a few hundred). {SESSION_WAY_OUT}",
    ),
    Row(
        "session.json nested 30,000 deep",
        session_text("[" * 30_000 + "]" * 30_000),
        "readtick: {data}/session.json: is not a readtick session file (not JSON). " + SESSION_WAY_OUT,
    ),
    Row(
        "session.json panels a string",
        session_text('{"kind": "readtick-session", "version": 1, "panels": "alice"}'),
        "readtick: {data}/session.json: has a damaged panel list (not a list of user ids). "
        + SESSION_WAY_OUT,
    ),
    Row(
        "session.json version a string",
        session_text('{"kind": "readtick-session", "version": "1"}'),
        "readtick: {data}/session.json: has no valid version ('1'). " + SESSION_WAY_OUT,
    ),
    Row(
        "session.json virtual time a string",
        session_text('{"kind": "readtick-session", "version": 1, "virtual_time": "soon"}'),
        "readtick: {data}/session.json: has a damaged virtual time ('soon'). " + SESSION_WAY_OUT,
    ),
    Row(
        "session.json not UTF-8",
        lambda layout: session_path(layout.data).write_bytes(b'{"kind": "\xff\xfe"}'),
        "readtick: {data}/session.json: is not a readtick session file (not UTF-8 text). " + SESSION_WAY_OUT,
    ),
    # ---------------------------------------------------------------- the lock file
    Row(
        "readtick.lock a link to another file",
        lambda layout: link_to(layout.data / "readtick.lock", layout.victim),
        "readtick: {data}/readtick.lock: is a symbolic link to {elsewhere}/victim.txt; "
        f"{NO_FOLLOW}, so nothing is written through one. Way out: move the link away (readtick makes "
        "its own lock file there), or use another directory with `--data-dir OTHER_DIR`.",
        then=victim_kept,
    ),
    Row(
        "readtick.lock a dangling link",
        lambda layout: link_to(layout.data / "readtick.lock", layout.missing),
        "readtick: {data}/readtick.lock: is a symbolic link to {elsewhere}/missing; "
        f"{NO_FOLLOW}, so nothing is written through one. Way out: move the link away (readtick makes "
        "its own lock file there), or use another directory with `--data-dir OTHER_DIR`.",
        then=nothing_created_through_the_link,
    ),
    Row(
        "readtick.lock a directory",
        lambda layout: replace_with_dir(layout.data / "readtick.lock"),
        "readtick: {data}/readtick.lock: is not a regular file, so it cannot be readtick's lock file. "
        "Way out: move it away (readtick makes its own lock file there), "
        "or use another directory with `--data-dir OTHER_DIR`.",
    ),
    # ---------------------------------------------------------------- the directory itself
    Row(
        "data directory a regular file",
        lambda layout: (shutil.rmtree(layout.data), layout.data.write_text("a file")),
        "readtick: cannot use {data} as the data directory: it is a file, not a directory; "
        "pick another with `--data-dir DIR`, or run with `--no-persist`",
    ),
    Row(
        "data directory a dangling link",
        lambda layout: (layout.elsewhere / "dangling").symlink_to(layout.missing),
        "readtick: cannot use {elsewhere}/dangling as the data directory: it is a symbolic link to "
        "{elsewhere}/missing, which is missing; "
        "pick another with `--data-dir DIR`, or run with `--no-persist`",
        args=("--data-dir", "{elsewhere}/dangling"),
        then=nothing_created_through_the_link,
    ),
    Row(
        "data directory inside a regular file",
        lambda layout: (layout.elsewhere / "file").write_text("a file"),
        "readtick: cannot use {elsewhere}/file/data as the data directory: Not a directory; "
        "pick another with `--data-dir DIR`, or run with `--no-persist`",
        args=("--data-dir", "{elsewhere}/file/data"),
    ),
    Row(
        "data directory a link to a directory elsewhere (the user's choice: followed)",
        lambda layout: None,
        status=0,
        args=("--data-dir", "{elsewhere}/link"),
        only=lambda layout: [layout.victim],
        then=lambda layout: None,
    ),
    Row(
        "data directory not writable (a lock file already there)",
        lambda layout: layout.data.chmod(0o555),
        "readtick: cannot use {data} as the data directory: it is not writable; "
        "pick another with `--data-dir DIR`, or run with `--no-persist`",
        obey_permissions=True,
    ),
    Row(
        "data directory not writable (no lock file yet)",
        lambda layout: ((layout.data / "readtick.lock").unlink(), layout.data.chmod(0o555)),
        "readtick: cannot use {data} as the data directory: it is not writable; "
        "pick another with `--data-dir DIR`, or run with `--no-persist`",
        obey_permissions=True,
    ),
    Row(
        "empty --data-dir",
        lambda layout: None,
        "readtick: error: argument --data-dir: an empty name is no directory "
        "(to keep nothing on disk, use --no-persist)",
        args=("--data-dir", ""),
    ),
    Row(
        "--data-dir name too long",
        lambda layout: None,
        "readtick: cannot use {long} as the data directory: File name too long; "
        "pick another with `--data-dir DIR`, or run with `--no-persist`",
        args=("--data-dir", "{long}"),
    ),
]


def fill(template: str, layout: Layout) -> str:
    return (
        template.replace("{data}", str(layout.data))
        .replace("{elsewhere}", str(layout.elsewhere))
        .replace("{alice}", str(layout.cache("alice")))
        .replace("{bob_name}", layout.cache("bob").name)
        .replace("{bob}", str(layout.cache("bob")))
        .replace("{long}", str(layout.elsewhere / ("x" * 300)))
    )


def expected_pattern(template: str, layout: Layout) -> re.Pattern[str]:
    parts = fill(template, layout).split("{sqlite}")
    return re.compile(".+?".join(re.escape(part) for part in parts))


def snapshot(folders: list[Path], skip: set[Path]) -> dict[str, str]:
    """Every entry under ``folders`` (not following links): a file's hash, a link's target."""
    seen: dict[str, str] = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() and not folder.is_symlink() else [folder]:
            if path in skip or not os.path.lexists(path):
                continue
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                seen[str(path)] = "-> " + os.readlink(path)
            elif stat.S_ISREG(mode):
                seen[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                seen[str(path)] = stat.filemode(mode)
    return seen


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A data directory after a short chat, with a session file: engine, two caches, a lock."""
    data = tmp_path_factory.mktemp("template") / "data"
    chat(data)
    Session(data, panels=["alice", "bob"]).save()
    return data


@pytest.fixture
def layout(template, tmp_path) -> Iterator[Layout]:
    data, elsewhere = tmp_path / "data", tmp_path / "elsewhere"
    shutil.copytree(template, data, symlinks=True)
    elsewhere.mkdir()
    (elsewhere / "victim.txt").write_text("precious")
    (elsewhere / "link").symlink_to(data, target_is_directory=True)
    yield Layout(data, elsewhere)
    if data.is_dir() and not data.is_symlink():
        data.chmod(0o755)  # after the rows that make it read-only


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_a_bad_data_directory_is_one_clear_line_and_changes_nothing(layout: Layout, tmp_path, row: Row):
    row.arrange(layout)
    lock = layout.data / "readtick.lock"
    kept = row.only(layout) if row.only else [layout.data, layout.elsewhere]
    before = snapshot(kept, skip=set() if lock.is_symlink() else {lock})

    args = [fill(arg, layout) for arg in row.args] or ["--data-dir", str(layout.data)]
    options = {"preexec_fn": obey_permissions} if row.obey_permissions else {}
    result = run_app(*args, "--exit-after-start", home=tmp_path, **options)

    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    if row.line.startswith("readtick: error:"):  # argparse: its usage lines come first
        lines = lines[-1:]
    if row.line:
        assert result.returncode == row.status, result.stderr
        assert len(lines) == 1, result.stderr
        assert expected_pattern(row.line, layout).fullmatch(lines[0]), (
            f"\n{lines[0]}\n{fill(row.line, layout)}"
        )
    else:  # a start that works: nothing from readtick (Qt's offscreen plugin may note its limits)
        assert result.returncode == row.status, result.stderr
        assert not [line for line in lines if "readtick" in line or "Error" in line], result.stderr
    assert snapshot(kept, skip=set() if lock.is_symlink() else {lock}) == before
    row.then(layout)


def test_the_table_covers_enough_situations() -> None:
    assert len(ROWS) >= 15
    assert len({row.id for row in ROWS}) == len(ROWS)


def obey_permissions() -> None:
    """In the child, before exec: a root process (as in CI) loses its power to write anywhere
    (Linux: CAP_DAC_OVERRIDE), so a read-only directory is read-only for it too. A no-op for
    other users, whom permissions bind anyway."""
    if os.geteuid() != 0:
        return
    if not sys.platform.startswith("linux"):
        raise OSError("cannot make root obey file permissions on this platform")
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")
