"""The interactive demo's data directory while it runs: one instance at a time, the engine store
opened, one client cache per panel user, the session (which users have panels, the virtual
clock's time) kept up to date, and a one-line explanation when any of it fails.

Order matters: the lock is taken before ``--reset`` deletes anything (never under a running
instance) and before any file is opened; the engine store is opened before Qt starts, so a bad
file is reported without a window flashing up. Nothing here writes to a file it refused.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Protocol

from readtick.app.datadir import (
    client_cache_path,
    clients_folder,
    clients_path,
    confirm_and_reset,
    engine_store_path,
    open_client_cache,
    open_engine_store,
    readtick_files,
)
from readtick.app.session import Session, SessionFileError
from readtick.core import Clock, ErrorCode, ReceiptError, VirtualClock
from readtick.core.localcache import LocalCache
from readtick.core.sqlitefile import NO_FOLLOW, link_phrase
from readtick.core.sqlitestore import SqliteEngineStore

LOCK_FILE = "readtick.lock"


class PersistenceError(Exception):
    """The data directory cannot be used; ``str(error)`` is the one line to show the user."""


class DataDirBusy(PersistenceError):
    """Another readtick holds the data directory's lock."""


class DataDirLock:
    """An advisory, exclusive lock on ``<data dir>/readtick.lock`` for as long as it is held.

    POSIX: ``fcntl.flock`` (released by the OS if the process dies, so a crash never leaves a
    stale lock). Windows: ``msvcrt.locking`` on the file's first byte. Where neither works (no
    such module, or a file system without locks) the lock is not enforced: ``enforced`` is False.
    The file is opened without following a link (the pid is written into it): a link or anything
    but a regular file at that name raises ``PersistenceError``, and nothing is written.
    Scripts that open a data directory themselves hold it as a context manager
    (``with DataDirLock(data): ...``), so they never write under a running readtick.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_FILE
        self.enforced = False
        self._file: IO[str] | None = _open_lock_file(self.path)
        try:
            self.enforced = self._acquire(self._file)
        except BlockingIOError:
            holder = self._holder()
            self._file.close()
            self._file = None
            raise DataDirBusy(
                f"readtick: {data_dir} is in use by another readtick{holder} (lock file {self.path}); "
                "close that one first, or run this one with `--data-dir OTHER_DIR` or `--no-persist`"
            ) from None
        except BaseException:
            self._file.close()
            self._file = None
            raise
        self._file.seek(0)
        self._file.truncate()
        self._file.write(f"{os.getpid()}\n")
        self._file.flush()

    @staticmethod
    def _acquire(file: IO[str]) -> bool:
        try:
            import fcntl
        except ImportError:
            fcntl = None  # type: ignore[assignment]
        if fcntl is not None:
            try:
                fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise
            except OSError:
                return False  # e.g. a network file system without flock: run unguarded
            return True
        try:
            import msvcrt
        except ImportError:
            return False
        try:
            file.seek(0)
            msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            raise BlockingIOError("locked") from None
        return True

    def _holder(self) -> str:
        """ " (pid N)" of the instance holding the lock, as it wrote it into the file."""
        assert self._file is not None
        try:
            self._file.seek(0)
            pid = self._file.read(32).strip()
        except (OSError, ValueError):
            return ""
        return f" (pid {pid})" if pid.isdigit() else ""

    def __enter__(self) -> DataDirLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()

    def release(self) -> None:
        """Let go of the lock (the lock file stays: deleting it would race another instance)."""
        if self._file is not None:
            self._file.close()  # closing the descriptor releases flock and msvcrt locks
            self._file = None


def _open_lock_file(path: Path) -> IO[str]:
    """The lock file opened for reading and writing, created if missing, never through a link."""
    way_out = (
        "(readtick makes its own lock file there), or use another directory with `--data-dir OTHER_DIR`."
    )
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as error:
        if error.errno == errno.ELOOP or os.path.islink(path):
            raise PersistenceError(
                f"readtick: {path}: {link_phrase(path)}; {NO_FOLLOW}, so nothing is written through one. "
                f"Way out: move the link away {way_out}"
            ) from None
        if error.errno != errno.EISDIR:
            raise  # the directory itself is the problem: open_persistence says so
        fd = -1
    if fd < 0 or not stat.S_ISREG(os.fstat(fd).st_mode):
        if fd >= 0:
            os.close(fd)
        raise PersistenceError(
            f"readtick: {path}: is not a regular file, so it cannot be readtick's lock file. "
            f"Way out: move it away {way_out}"
        )
    return os.fdopen(fd, "r+", encoding="utf-8")


class PanelWindow(Protocol):
    """What ``Persistence.follow`` needs of the window (``ui.mainwindow.MainWindow``)."""

    @property
    def clientsChanged(self) -> Any: ...  # noqa: N802 (Qt's name)

    def user_ids(self) -> list[str]: ...


class Persistence:
    """An open, locked data directory: its engine store, a cache factory for panel clients and
    the saved session.

    The engine store is handed to ``build_world`` (the world's engine closes it); ``release``
    lets go of the lock once the world has stopped.
    """

    def __init__(
        self, data_dir: Path, lock: DataDirLock, store: SqliteEngineStore, session: Session | None = None
    ) -> None:
        self.data_dir = data_dir
        self.lock = lock
        self.store = store
        self.session = session if session is not None else Session(data_dir)

    def clock_start(self) -> float:
        """Where a virtual clock starts: where it was when this directory was last used, else the
        wall clock's time now (plausible dates rather than 1970)."""
        saved = self.session.virtual_time
        return saved if saved is not None else time.time()

    def follow(self, window: PanelWindow, clock: Clock) -> None:
        """Keep the session up to date from now on: the window's panels (saved now and whenever
        one is added or removed) and, on a virtual clock, its time (saved now and whenever it
        advances). On a real clock, ``real_time_passed`` at the start and at the end of a run
        keeps a later virtual clock from resuming before messages this run sent."""
        session = self.session
        session.save_panels(window.user_ids())
        window.clientsChanged.connect(lambda: session.save_panels(window.user_ids()))
        if isinstance(clock, VirtualClock):
            session.save_virtual_time(clock.now())
            clock.subscribe(lambda: session.save_virtual_time(clock.now()))
        else:
            session.real_time_passed(clock.now())

    def finish(self, clock: Clock) -> None:
        """The run ends: a real clock's time is noted (see ``follow``)."""
        if not isinstance(clock, VirtualClock):
            self.session.real_time_passed(clock.now())

    def cache_for(self, user_id: str) -> LocalCache:
        """The file-backed local cache of ``user_id``'s client; ``PersistenceError`` if unusable."""
        try:
            return open_client_cache(self.data_dir, user_id)
        except ReceiptError as error:
            raise PersistenceError(
                store_error_line(self.data_dir, client_cache_path(self.data_dir, user_id), error)
            ) from None

    def release(self) -> None:
        """Close the engine store if the world never did (closing twice is harmless), then
        let go of the lock."""
        try:
            self.store.close()
        finally:
            self.lock.release()


def open_persistence(
    data_dir: Path,
    *,
    reset: bool = False,
    assume_yes: bool = False,
    say: Callable[[str], None] = print,
) -> Persistence:
    """Lock ``data_dir`` (creating it), reset it if asked (confirmed), open the engine store.

    Raises ``DataDirBusy`` if another instance has it, ``PersistenceError`` (message ready for
    stderr) if it cannot be created, the reset was not confirmed, or the store is unusable.
    """
    lock = _lock_directory(data_dir)
    try:
        try:  # checked before a reset, so a refused start deletes nothing
            clients_folder(data_dir)
        except ReceiptError as error:
            raise PersistenceError(store_error_line(data_dir, clients_path(data_dir), error)) from None
        if reset and not confirm_and_reset(data_dir, assume_yes=assume_yes, say=say):
            raise PersistenceError(f"readtick: {data_dir} was not reset, so nothing was started")
        try:
            session = Session.load(data_dir)
        except SessionFileError as error:
            raise PersistenceError(session_error_line(error)) from None
        try:
            store = open_engine_store(data_dir)
        except ReceiptError as error:
            raise PersistenceError(store_error_line(data_dir, engine_store_path(data_dir), error)) from None
    except BaseException:
        lock.release()
        raise
    return Persistence(data_dir, lock, store, session)


def _lock_directory(data_dir: Path) -> DataDirLock:
    """Create ``data_dir`` if needed, make sure readtick can write there, and lock it."""

    def unusable(why: str) -> PersistenceError:
        return PersistenceError(
            f"readtick: cannot use {data_dir} as the data directory: {why}; "
            "pick another with `--data-dir DIR`, or run with `--no-persist`"
        )

    try:
        if os.path.lexists(data_dir) and not data_dir.is_dir():
            exists = data_dir.exists()
            raise unusable(
                "it is a file, not a directory" if exists else f"it {link_phrase(data_dir)}, which is missing"
            )
        data_dir.mkdir(parents=True, exist_ok=True)
        if not os.access(data_dir, os.W_OK | os.X_OK):  # else SQLite fails later, and less clearly
            raise unusable("it is not writable")
        return DataDirLock(data_dir)
    except OSError as error:
        raise unusable(str(error.strerror or error)) from None


def session_error_line(error: SessionFileError) -> str:
    """One line for a session file readtick refused (it is left as it is)."""
    return (
        f"readtick: {error}. Way out: move it away (it only keeps which panels were open and the "
        "virtual clock's time; the conversations are in the SQLite files), "
        "or use another directory with `--data-dir OTHER_DIR`."
    )


def store_error_line(data_dir: Path, path: Path, error: ReceiptError) -> str:
    """One line for a file of ``data_dir`` that readtick refused: which file, why, the ways out."""
    reason = " ".join(error.message.split())  # "<file>: <why>", on one line whatever SQLite said
    if str(path) not in reason:
        reason = f"{path}: {reason}"
    if error.code is not ErrorCode.STORE_ERROR:
        return f"readtick: {reason}"
    # the file actually refused may be one SQLite keeps beside ``path`` ("<path>-wal: ...")
    named = error.message.split(": ", 1)[0]
    refused = Path(named) if named.startswith(str(path)) else path
    if os.path.abspath(refused) in {os.path.abspath(p) for p in readtick_files(data_dir)}:  # links unresolved
        way_out = (
            f"`readtick --reset` starts afresh (deletes readtick's files in {data_dir}), "
            "or `--data-dir OTHER_DIR` uses another directory"
        )
    else:
        way_out = (
            "`--reset` will not delete a file that is not readtick's: move it away, "
            "or use another directory with `--data-dir OTHER_DIR`"
        )
    return f"readtick: {reason} [STORE_ERROR {int(error.code)}] Way out: {way_out}."
