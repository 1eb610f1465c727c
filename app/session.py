"""The demo's session file, ``<data dir>/session.json``: which users had panels (in order) and the
time a virtual clock resumes at. Everything else lives in the SQLite files.

The file is tiny and rewritten whole, atomically (a temporary file beside it, flushed to disk,
then ``os.replace``): a crash leaves the old version or the new one, never half of one. A file
that is not a readable readtick session file is refused (``SessionFileError``) and never
overwritten. Neither name is followed if it is a symbolic link: the file is read with
``O_NOFOLLOW`` (a link is refused), and the temporary file is created with ``O_EXCL`` (a link or
anything else already there is never written through; a stale regular one from a crash is
removed first). No Qt here.
"""

from __future__ import annotations

import errno
import json
import logging
import math
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from readtick.core import ReceiptError
from readtick.core.sqlitefile import NO_FOLLOW, link_phrase
from readtick.core.validation import check_id

SESSION_FILE = "session.json"
TEMP_SUFFIX = ".tmp"
KIND = "readtick-session"
VERSION = 1
MAX_BYTES = 64 * 1024
"""Larger than any session file readtick writes (a few hundred bytes), small enough to read."""
O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)

log = logging.getLogger(__name__)


class SessionFileError(Exception):
    """The session file cannot be used; ``why`` says what is wrong with it."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"{path}: {why}")
        self.path = path
        self.why = why


def session_path(data_dir: str | Path) -> Path:
    return Path(data_dir) / SESSION_FILE


def temp_path(data_dir: str | Path) -> Path:
    """Where a new version is written before it replaces the file (one instance at a time holds
    the data directory's lock, so one fixed name is enough)."""
    return Path(data_dir) / (SESSION_FILE + TEMP_SUFFIX)


def is_session_file(path: Path) -> bool:
    """Is ``path`` a session file readtick wrote (whatever its version; never a link)?"""
    try:
        data = _parse(path, _read(path))
    except (SessionFileError, FileNotFoundError):
        return False
    return isinstance(data, dict) and data.get("kind") == KIND


def _read(path: Path) -> bytes:
    """The bytes of the regular file at ``path``, not following a link, at most ``MAX_BYTES``.

    Raises FileNotFoundError if there is none, ``SessionFileError`` for anything else amiss.
    """
    try:
        fd = os.open(path, os.O_RDONLY | O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        if os.path.islink(path):  # a dangling link
            raise _link_error(path) from None
        raise
    except OSError as error:
        if error.errno == errno.ELOOP or os.path.islink(path):
            raise _link_error(path) from None
        raise SessionFileError(path, f"cannot be read ({error.strerror or error})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise SessionFileError(path, "is a directory, not a session file")
        if not stat.S_ISREG(info.st_mode):
            raise SessionFileError(path, "is not a regular file (a named pipe, socket or device)")
        if info.st_size > MAX_BYTES:
            raise SessionFileError(
                path,
                f"is too large to be a readtick session file ({info.st_size:,} bytes; "
                "it holds a few hundred)",
            )
        with os.fdopen(os.dup(fd), "rb") as file:
            return file.read(MAX_BYTES + 1)[:MAX_BYTES]
    except OSError as error:
        raise SessionFileError(path, f"cannot be read ({error.strerror or error})") from None
    finally:
        os.close(fd)


def _parse(path: Path, raw: bytes) -> object:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SessionFileError(path, "is not a readtick session file (not UTF-8 text)") from None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
        raise SessionFileError(path, "is not a readtick session file (not JSON)") from None


def _link_error(path: Path) -> SessionFileError:
    return SessionFileError(path, f"{link_phrase(path)}; {NO_FOLLOW}")


def _clear_stale_temp(path: Path) -> None:
    """Remove a temporary file left by a crash mid-save (a regular file: the session file itself
    was not yet replaced, so it still holds a whole version). A link or anything else at that
    name was not made by readtick and is refused, untouched."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        raise _link_error(path)
    if not stat.S_ISREG(mode):
        raise SessionFileError(path, "is not a regular file, so it is not readtick's temporary session file")
    try:
        os.unlink(path)  # never follows a link, should one have replaced the file meanwhile
    except FileNotFoundError:
        pass
    except OSError as error:
        raise SessionFileError(
            path, f"is left over from a crash and cannot be removed ({error.strerror})"
        ) from None


class Session:
    """The session file's contents, kept in memory and written whenever they change.

    ``panels``: the users with a panel, in panel order (None: none saved yet).
    ``virtual_time``: where a virtual clock resumes (None: none saved yet).
    """

    def __init__(
        self, data_dir: str | Path, panels: list[str] | None = None, virtual_time: float | None = None
    ) -> None:
        self.path = session_path(data_dir)
        self._temp = temp_path(data_dir)
        self.panels = panels
        self.virtual_time = virtual_time

    @classmethod
    def load(cls, data_dir: str | Path) -> Session:
        """The saved session of ``data_dir`` (empty if there is no file); ``SessionFileError`` if
        the file cannot be read or is not a session file this readtick understands. Call it
        holding the data directory's lock: it removes a temporary file left by a crash."""
        path = session_path(data_dir)
        _clear_stale_temp(temp_path(data_dir))
        try:
            data = _parse(path, _read(path))
        except FileNotFoundError:
            return cls(data_dir)
        if not isinstance(data, dict) or data.get("kind") != KIND:
            raise SessionFileError(path, "is not a readtick session file")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise SessionFileError(path, f"has no valid version ({version!r})")
        if version > VERSION:
            raise SessionFileError(
                path, f"was written by a newer readtick (version {version}; this one reads {VERSION})"
            )
        return cls(data_dir, _panels(path, data.get("panels")), _virtual_time(path, data.get("virtual_time")))

    def save_panels(self, user_ids: Sequence[str]) -> None:
        """Remember the users with a panel, in order (written only if they changed)."""
        panels = list(user_ids)
        if panels != self.panels:
            self.panels = panels
            self.save()

    def save_virtual_time(self, now: float) -> None:
        """Remember where a virtual clock resumes (written only if it changed)."""
        if now != self.virtual_time:
            self.virtual_time = float(now)
            self.save()

    def real_time_passed(self, now: float) -> None:
        """The real clock reached ``now`` in this run: messages may carry times up to it, so a
        virtual clock saved earlier than that resumes at ``now`` instead (time never runs
        backwards). Nothing to do if no virtual time was ever saved (it starts at the wall
        clock's time anyway)."""
        if self.virtual_time is not None and self.virtual_time < now:
            self.save_virtual_time(now)

    def save(self) -> None:
        """Write the file atomically. A failure is logged, not raised: the demo goes on, and the
        next change tries again."""
        data: dict[str, Any] = {"kind": KIND, "version": VERSION}
        if self.panels is not None:
            data["panels"] = self.panels
        if self.virtual_time is not None:
            data["virtual_time"] = self.virtual_time
        try:
            with os.fdopen(_create_temp(self._temp), "w", encoding="utf-8") as file:
                json.dump(data, file, indent=2)
                file.write("\n")
                file.flush()
                os.fsync(file.fileno())
            os.replace(self._temp, self.path)  # replaces a link at the name, never writes through it
        except OSError as error:
            log.warning("could not save %s: %s", self.path, error.strerror or error)
            return
        _sync_directory(self.path.parent)


def _create_temp(path: Path) -> int:
    """A new, empty temporary file at ``path``, opened for writing: ``O_EXCL`` so nothing already
    there (a link, a file someone else made) is ever written through. A stale regular file from a
    crash mid-save is removed first (removing never follows a link); anything else is left, and
    the save fails with the OSError."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(path, flags, 0o666)
    except FileExistsError:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            raise
        os.unlink(path)
        return os.open(path, flags, 0o666)


def _panels(path: Path, value: object) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SessionFileError(path, "has a damaged panel list (not a list of user ids)")
    try:
        for user_id in value:
            check_id(user_id, "user id")
    except ReceiptError as error:
        raise SessionFileError(path, f"has a damaged panel list ({error.message})") from None
    if len(set(value)) != len(value):
        raise SessionFileError(path, "has a damaged panel list (a user appears twice)")
    return list(value)


def _virtual_time(path: Path, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SessionFileError(path, f"has a damaged virtual time ({value!r})")
    if not math.isfinite(value) or value < 0:
        raise SessionFileError(path, f"has a damaged virtual time ({value!r})")
    return float(value)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable where the platform allows (POSIX); best effort."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
