"""Where the engine keeps the files of media messages it accepted, for receivers to show.

Without a folder, nothing is copied: a receiver's copy names the sender's file (one machine, one
disk). With one (``ReceiptEngine(media_dir=...)``), each file is copied in once, named by the
SHA-256 of its content (the same photo sent twice is kept once), so a receiver's copy keeps
working when the sender's file moves or goes. Files are read without following a link at their
name and written through a fresh temporary file (``O_EXCL``) renamed into place, so nothing is
ever written through a link planted in the folder.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from readtick.core.mediafile import MAX_MEDIA_BYTES, human_size
from readtick.core.validation import invalid

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CHUNK = 1024 * 1024


class MediaStore:
    """The engine's media folder, or none (``directory=None``)."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = None if directory is None else Path(directory)

    def keep(self, path: str) -> str:
        """The path receivers see for the file at ``path`` (checked again now: it may have changed
        since it was attached)."""
        content = self._read(path)
        if self.directory is None:
            return path
        digest = hashlib.sha256(content).hexdigest()
        suffix = Path(path).suffix.lower()
        name = digest + (suffix if suffix.isascii() and len(suffix) <= 10 and suffix[1:].isalnum() else "")
        target = self.directory / name
        self._write_once(target, content)
        return str(target)

    def _read(self, path: str) -> bytes:
        try:
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
        except FileNotFoundError:
            raise invalid(
                f"no file at {path!r} any more; it was moved or deleted during the upload"
            ) from None
        except OSError as error:
            raise invalid(f"{path!r} cannot be read: {error.strerror or error}") from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise invalid(f"{path!r} is not a regular file; only files can be sent")
            if info.st_size > MAX_MEDIA_BYTES:
                raise invalid(
                    f"{path!r} grew to {human_size(info.st_size)}; the limit is {human_size(MAX_MEDIA_BYTES)}"
                )
            chunks = []
            while chunk := os.read(fd, _CHUNK):
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            os.close(fd)

    def _write_once(self, target: Path, content: bytes) -> None:
        assert self.directory is not None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            if self.directory.is_symlink() or not self.directory.is_dir():
                raise invalid(
                    f"the media folder {str(self.directory)!r} is not a folder; readtick keeps no link there"
                )
            if target.is_symlink():
                raise invalid(f"{str(target)!r} is a symbolic link; readtick does not write through links")
            if target.exists():
                return  # content-addressed: the same bytes are already there
            temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(content)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temporary, target)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
        except OSError as error:
            raise invalid(f"the engine could not keep a copy in {str(self.directory)!r}: {error}") from None
