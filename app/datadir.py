"""Where the app keeps its files: the data directory, its files, and resetting it.

Layout of a data directory::

    engine.sqlite3            the engine's state (users, groups, messages, receipts, outboxes)
    clients/<user>-<hash>.sqlite3   one local message cache per client
    session.json              the users with a panel and the virtual clock's time (app/session.py)

the SQLite files possibly with their ``-wal`` / ``-shm`` files beside them while open, and the
session file with ``session.json.tmp`` if a crash came while a new version was being written.
readtick never follows a symbolic link at any of these names (see ``core.sqlitefile``): it
refuses to start, and ``--reset`` leaves links and what they point to alone.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from readtick.app.session import is_session_file, session_path, temp_path
from readtick.core.sqlitecache import CACHE_KIND, SqliteLocalCache
from readtick.core.sqlitedb import HEADER_APPLICATION_ID, SQLITE_HEADER, store_error
from readtick.core.sqlitefile import link_error
from readtick.core.sqlitestore import ENGINE_KIND, SqliteEngineStore
from readtick.core.validation import check_id

APP_NAME = "readtick"
ENGINE_FILE = "engine.sqlite3"
CLIENTS_DIR = "clients"
SIDE_FILES = ("-wal", "-shm", "-journal")


def default_data_dir() -> Path:
    """The platform's per-user data directory for readtick (not created here).

    Linux and other Unixes: ``$XDG_DATA_HOME/readtick``, else ``~/.local/share/readtick``;
    macOS: ``~/Library/Application Support/readtick``; Windows: ``%APPDATA%\\readtick``
    (else ``~/AppData/Roaming/readtick``).
    """
    if sys.platform == "win32":
        base = os.environ.get("APPDATA")
        return (Path(base) if base else Path.home() / "AppData" / "Roaming") / APP_NAME
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_NAME
    xdg = os.environ.get("XDG_DATA_HOME")
    # the XDG spec: a relative path is invalid and must be ignored
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / APP_NAME


def engine_store_path(data_dir: str | Path) -> Path:
    return Path(data_dir) / ENGINE_FILE


def clients_path(data_dir: str | Path) -> Path:
    return Path(data_dir) / CLIENTS_DIR


def clients_folder(data_dir: str | Path, *, create: bool = False) -> Path:
    """The folder of client caches; ``ReceiptError(STORE_ERROR)`` naming it if something else has
    its name (a file, or a link: readtick does not follow links in its data directory).
    Created if missing and ``create``."""
    folder = clients_path(data_dir)
    try:
        mode: int | None = os.lstat(folder).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise store_error(str(folder), f"cannot be examined ({error.strerror})") from None
    if mode is None:
        if create:
            try:
                folder.mkdir(exist_ok=True)
            except OSError as error:
                raise store_error(str(folder), f"cannot be created ({error.strerror})") from None
    elif stat.S_ISLNK(mode):
        raise link_error(str(folder), "folder of client caches", "folder")
    elif not stat.S_ISDIR(mode):
        what = "a file" if stat.S_ISREG(mode) else "not a folder"
        raise store_error(
            str(folder), f"is {what}, not the folder of client caches. Move it away; it was left untouched."
        )
    return folder


def client_cache_path(data_dir: str | Path, user_id: str) -> Path:
    """The cache file of ``user_id``: readable, and distinct even on case-insensitive disks."""
    check_id(user_id, "user id")
    digest = hashlib.sha256(user_id.encode("utf-8")).hexdigest()[:10]
    return clients_path(data_dir) / f"{user_id.lower()}-{digest}.sqlite3"


def open_engine_store(data_dir: str | Path, *, synchronous: str = "FULL") -> SqliteEngineStore:
    """Open (creating the directory and file if needed) the engine store of ``data_dir``.

    ``synchronous="NORMAL"`` trades durability across a machine crash (not an app kill) for
    speed; see ``core.sqlitedb.Database``. Raises ``ReceiptError(STORE_ERROR)`` if the file is
    not a usable readtick engine store.
    """
    path = engine_store_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteEngineStore(path, synchronous=synchronous)


def open_client_cache(data_dir: str | Path, user_id: str, *, synchronous: str = "FULL") -> SqliteLocalCache:
    """Open (creating if needed) the local cache of ``user_id``'s client in ``data_dir``.

    Raises ``ReceiptError`` (PARAMETER_INVALID for a bad user id, STORE_ERROR for a bad file).
    """
    path = client_cache_path(data_dir, user_id)
    clients_folder(data_dir, create=True)
    return SqliteLocalCache(path, user_id=user_id, synchronous=synchronous)


def readtick_files(data_dir: str | Path) -> list[Path]:
    """readtick's own files in ``data_dir`` (what ``reset_data_dir`` would delete): regular files
    only, never a link (nor what it points to) and nothing in a linked ``clients`` folder."""
    data_dir = Path(data_dir)
    candidates = [(engine_store_path(data_dir), ENGINE_KIND.application_id)]
    clients = clients_path(data_dir)
    if clients.is_dir() and not clients.is_symlink():
        candidates += [(p, CACHE_KIND.application_id) for p in sorted(clients.glob("*.sqlite3"))]
    found = []
    for path, application_id in candidates:
        if _regular(path) and _is_ours(path, application_id):
            found.append(path)
            found += [s for s in (Path(str(path) + suffix) for suffix in SIDE_FILES) if _regular(s)]
    session = session_path(data_dir)
    if _regular(session) and is_session_file(session):
        found.append(session)
    temp = temp_path(data_dir)
    if _regular(temp) and (is_session_file(temp) or temp.stat().st_size == 0):
        found.append(temp)
    return found


def _regular(path: Path) -> bool:
    """Is ``path`` itself a regular file (a link to one is not)?"""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def reset_data_dir(data_dir: str | Path) -> list[Path]:
    """Delete readtick's files in ``data_dir`` and return them; anything else there is kept.

    A file is deleted only if it has readtick's name *and* is a readtick database of that kind
    (or an empty file) or a readtick session file, so pointing ``--data-dir`` at a folder with
    other files in it is safe.
    The ``clients`` folder is removed if left empty; the data directory itself stays.
    Close every store and cache on these files first.
    """
    data_dir = Path(data_dir)
    deleted = readtick_files(data_dir)
    for path in deleted:
        path.unlink(missing_ok=True)
    try:
        (data_dir / CLIENTS_DIR).rmdir()  # only if empty
    except OSError:
        pass
    return deleted


def confirm_and_reset(
    data_dir: str | Path,
    *,
    assume_yes: bool = False,
    ask: Callable[[str], str] = input,
    interactive: bool | None = None,
    say: Callable[[str], None] = print,
) -> bool:
    """``--reset [--yes]``: delete readtick's files in ``data_dir`` after a confirmation.

    With ``assume_yes`` nothing is asked. Otherwise the question is asked only when stdin is a
    terminal (``interactive``, detected if None); without a terminal and without ``--yes`` nothing
    is deleted. Returns True if the reset happened (also when there was nothing to delete).
    """
    files = readtick_files(data_dir)
    if not files:
        say(f"readtick: nothing to reset in {data_dir}")
        return True
    if not assume_yes:
        if interactive is None:
            interactive = sys.stdin is not None and sys.stdin.isatty()
        if not interactive:
            say(f"readtick: not resetting {data_dir}: no terminal to confirm on; pass --yes to reset anyway")
            return False
        answer = ask(f"Delete readtick's {len(files)} data files in {data_dir}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            say("readtick: reset cancelled")
            return False
    deleted = reset_data_dir(data_dir)
    say(f"readtick: deleted {len(deleted)} files in {data_dir}")
    return True


def _is_ours(path: Path, application_id: int) -> bool:
    """Does the file's SQLite header carry this readtick application id (or is the file empty)?

    An empty header is a file SQLite created but never wrote: readtick's, given its name.
    A header with id 0 but a log beside it is a readtick file that crashed before its first
    checkpoint (the id is still in the log).
    """
    try:
        with path.open("rb") as file:
            header = file.read(100)
    except OSError:
        return False
    if not header:
        return True
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        return False
    found = int.from_bytes(header[HEADER_APPLICATION_ID], "big")
    if found == application_id:
        return True
    wal = Path(str(path) + "-wal")
    if found != 0 or not wal.exists() or wal.stat().st_size == 0:
        return False
    try:
        probe = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
        try:
            return bool(probe.execute("PRAGMA application_id").fetchone()[0] == application_id)
        finally:
            probe.close()
    except sqlite3.Error:
        return False
