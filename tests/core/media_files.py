"""Small media files for tests, made without Qt: valid PNGs of a given size and plain files of a
given length (core reads image dimensions from the file's header, so the PNGs must be real)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path


def png_bytes(width: int, height: int, rgb: tuple[int, int, int] = (230, 120, 40)) -> bytes:
    """A valid RGB PNG of ``width`` x ``height`` pixels, one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def write_png(path: Path, width: int = 64, height: int = 48) -> Path:
    path.write_bytes(png_bytes(width, height))
    return path


def write_file(path: Path, size: int) -> Path:
    """A file of exactly ``size`` bytes (a repeating pattern, so two sizes differ in content)."""
    pattern = bytes(range(256))
    path.write_bytes((pattern * (size // 256 + 1))[:size])
    return path
