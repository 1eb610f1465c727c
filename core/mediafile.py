"""The local file behind a media message: checked before it is attached, and what it tells of
itself (its size, and an image's width and height from its header).

Files stay on this machine: nothing is uploaded anywhere, the upload is simulated on the engine's
clock (``core.uploads``). Every refusal is a ``ReceiptError`` (6000001) naming the path and what is
wrong with it: not text, no file there, a symbolic link, not a regular file, unreadable, empty, or
over ``MAX_MEDIA_BYTES``.
"""

from __future__ import annotations

import os
import stat
import struct
from dataclasses import dataclass

from readtick.core.errors import ReceiptError
from readtick.core.messages import AudioMessage, FileMessage, ImageMessage, MediaMessage, VideoMessage
from readtick.core.validation import check_text, invalid

MAX_MEDIA_BYTES = 25 * 1024 * 1024
"""Largest file a media message may carry (the engine may keep a copy of each one)."""

HEADER_BYTES = 64 * 1024
"""How much of a file is read to find an image's dimensions (a JPEG's frame header can sit
behind large metadata blocks; beyond this the dimensions stay unknown, 0 x 0)."""

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


@dataclass(frozen=True)
class MediaFile:
    """A file that may be sent: its absolute ``path``, its ``name``, ``size`` in bytes, and for a
    picture its ``width`` and ``height`` in pixels (0 when the header does not say)."""

    path: str
    name: str
    size: int
    width: int = 0
    height: int = 0


_KINDS: dict[str, type[MediaMessage]] = {
    **dict.fromkeys((".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp"), ImageMessage),
    **dict.fromkeys((".mp3", ".m4a", ".aac", ".wav", ".ogg", ".opus", ".flac"), AudioMessage),
    **dict.fromkeys((".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi"), VideoMessage),
}


def media_kind(path: str) -> type[MediaMessage]:
    """The message kind a file is sent as, by its extension: a picture, a clip, else a file."""
    return _KINDS.get(os.path.splitext(path)[1].lower(), FileMessage)


def human_size(size: int) -> str:
    """``1536 -> "1.5 KiB"``: sizes in messages people read."""
    value = float(size)
    for unit in ("bytes", "KiB", "MiB"):
        if value < 1024 or unit == "MiB":
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def check_media_path(value: object) -> str:
    """``value`` as an absolute path, if it is one a media message may name."""
    if not isinstance(value, str):
        raise invalid(f"file_local_path must be a path as text, got {type(value).__name__} {value!r}")
    check_text(value, "file_local_path")  # a lone surrogate could not be stored with the message
    if not value.strip():
        raise invalid("file_local_path is empty: name the file to send")
    if "\x00" in value:
        raise invalid(f"file_local_path {value!r} contains a NUL character; no file has such a name")
    return os.path.abspath(value)


def open_media_file(value: object) -> MediaFile:
    """Check the file a media message names and read what it tells of itself.

    The file is opened without following a symbolic link at its name (a link could be swapped for
    another file between the check and the send) and must be a regular, readable, non-empty file
    of at most ``MAX_MEDIA_BYTES``.
    """
    path = check_media_path(value)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise invalid(f"no file at {path!r}") from None
    except OSError as error:
        raise invalid(f"{path!r} cannot be read: {error.strerror or error}") from None
    if stat.S_ISLNK(info.st_mode):
        raise invalid(f"{path!r} is a symbolic link; send the file it points to, not the link")
    if not stat.S_ISREG(info.st_mode):
        raise invalid(f"{path!r} is not a regular file; only files can be sent")
    if info.st_size > MAX_MEDIA_BYTES:
        raise invalid(
            f"{path!r} is {human_size(info.st_size)}; the limit is {human_size(MAX_MEDIA_BYTES)} per file"
        )
    if info.st_size == 0:
        raise invalid(f"{path!r} is empty: there is nothing to send")
    header = read_head(path, HEADER_BYTES)
    width, height = image_size(header)
    return MediaFile(path, os.path.basename(path), info.st_size, width, height)


def read_head(path: str, count: int) -> bytes:
    """The first ``count`` bytes of the regular file at ``path`` (no link followed)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError as error:
        raise _unreadable(path, error) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise invalid(f"{path!r} is not a regular file; only files can be sent")
        return os.read(fd, count)
    except OSError as error:
        raise _unreadable(path, error) from None
    finally:
        os.close(fd)


def _unreadable(path: str, error: OSError) -> ReceiptError:
    if isinstance(error, FileNotFoundError):
        return invalid(f"no file at {path!r} (any more)")
    return invalid(f"{path!r} cannot be read: {error.strerror or error}")


# ---------------------------------------------------------------------- image headers
def image_size(head: bytes) -> tuple[int, int]:
    """Width and height of a PNG, GIF, JPEG or BMP picture from its first bytes; (0, 0) if the
    bytes are none of these or are cut short."""
    try:
        if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
            width, height = struct.unpack(">II", head[16:24])
            return width, height
        if head[:6] in (b"GIF87a", b"GIF89a"):
            width, height = struct.unpack("<HH", head[6:10])
            return width, height
        if head.startswith(b"BM"):
            width, height = struct.unpack("<ii", head[18:26])
            return abs(width), abs(height)
        if head.startswith(b"\xff\xd8"):
            return _jpeg_size(head)
    except struct.error:
        pass
    return 0, 0


_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
"""JPEG start-of-frame markers, which carry the picture's height and width."""


def _jpeg_size(head: bytes) -> tuple[int, int]:
    position = 2
    while position + 4 <= len(head):
        if head[position] != 0xFF:
            return 0, 0
        marker = head[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        length = struct.unpack(">H", head[position + 2 : position + 4])[0]
        if marker in _JPEG_FRAMES:
            height, width = struct.unpack(">HH", head[position + 5 : position + 9])
            return width, height
        position += 2 + length
    return 0, 0
