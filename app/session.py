"""The demo's session file, ``<data dir>/session.json``: which users had panels (in order) and the
time a virtual clock resumes at. Everything else lives in the SQLite files.

The file is tiny and rewritten whole, atomically (a temporary file beside it, flushed to disk,
then ``os.replace``): a crash leaves the old version or the new one, never half of one. A file
that is not a readable readtick session file is refused (``SessionFileError``) and never
overwritten. No Qt here.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from readtick.core import ReceiptError
from readtick.core.validation import check_id

SESSION_FILE = "session.json"
TEMP_SUFFIX = ".tmp"
KIND = "readtick-session"
VERSION = 1

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
    """Is ``path`` a session file readtick wrote (whatever its version)?"""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(data, dict) and data.get("kind") == KIND


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
        the file cannot be read or is not a session file this readtick understands."""
        path = session_path(data_dir)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(data_dir)
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or error
            raise SessionFileError(path, f"cannot be read ({reason})") from None
        try:
            data = json.loads(text)
        except ValueError:
            raise SessionFileError(path, "is not a readtick session file (not JSON)") from None
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
            with open(self._temp, "w", encoding="utf-8") as file:
                json.dump(data, file, indent=2)
                file.write("\n")
                file.flush()
                os.fsync(file.fileno())
            os.replace(self._temp, self.path)
        except OSError as error:
            log.warning("could not save %s: %s", self.path, error.strerror or error)
            return
        _sync_directory(self.path.parent)


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
