"""The file behind a media message is checked before anything is attached: every bad path is a
clear ``ReceiptError`` naming it, and nothing reaches the cache, the notification or the engine."""

from __future__ import annotations

import os

import pytest
import readtick.core.mediafile
from media_files import png_bytes, write_file, write_png
from readtick.core import (
    ConversationType,
    ErrorCode,
    FileMessage,
    ImageMessage,
    MessageSendConfig,
    ReceiptError,
)
from readtick.core.mediafile import MAX_MEDIA_BYTES, image_size
from receipt_world import make_world

PEER = ConversationType.PEER
RECEIPT = MessageSendConfig(has_receipt=True)


def _missing(tmp_path):
    return str(tmp_path / "nowhere.png"), "no file"


def _directory(tmp_path):
    return str(tmp_path), "not a regular file"


def _symlink(tmp_path):
    target = write_png(tmp_path / "real.png")
    link = tmp_path / "link.png"
    link.symlink_to(target)
    return str(link), "symbolic link"


def _dangling_symlink(tmp_path):
    link = tmp_path / "dangling.png"
    link.symlink_to(tmp_path / "gone.png")
    return str(link), "symbolic link"


def _fifo(tmp_path):
    path = tmp_path / "pipe.png"
    os.mkfifo(path)
    return str(path), "not a regular file"


def _oversized(tmp_path):
    path = tmp_path / "huge.bin"
    with open(path, "wb") as handle:
        handle.truncate(MAX_MEDIA_BYTES + 1)  # sparse: no disk is used
    return str(path), "limit"


def _empty(tmp_path):
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    return str(path), "empty"


def _blank(tmp_path):
    return "", "file_local_path"


def _nul(tmp_path):
    return str(tmp_path / "a\x00b.png"), "file_local_path"


@pytest.mark.parametrize(
    "make",
    [_missing, _directory, _symlink, _dangling_symlink, _fifo, _oversized, _empty, _blank, _nul],
    ids=lambda f: f.__name__.strip("_"),
)
async def test_a_bad_path_is_refused_before_anything_is_attached(tmp_path, make):
    world = await make_world(["alice", "bob"])
    path, words = make(tmp_path)
    attached = []
    with pytest.raises(ReceiptError) as caught:
        await world["alice"].send_media_message(
            FileMessage(file_local_path=path), "bob", PEER, RECEIPT, _Attach(attached)
        )
    assert caught.value.code is ErrorCode.PARAMETER_INVALID
    assert words in caught.value.message
    assert attached == []
    assert world["alice"].cached_messages("bob", PEER) == []
    await world.settle()
    assert world.handler("bob").received() == []


@pytest.mark.parametrize("bad", [b"/tmp/photo.png", 42, None, ["photo.png"]])
async def test_a_path_that_is_not_text_is_refused(bad):
    world = await make_world(["alice", "bob"])
    with pytest.raises(ReceiptError) as caught:
        await world["alice"].send_media_message(FileMessage(file_local_path=bad), "bob", PEER, RECEIPT)
    assert caught.value.code is ErrorCode.PARAMETER_INVALID
    assert "file_local_path must be" in caught.value.message


async def test_an_unreadable_file_is_refused(tmp_path, monkeypatch):
    # root reads any file whatever its mode, so the refusal of the operating system is simulated
    path = write_png(tmp_path / "secret.png")
    real_open = os.open

    def refusing_open(name, flags, *args, **kwargs):
        if os.fspath(name) == str(path):
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(readtick.core.mediafile.os, "open", refusing_open)
    world = await make_world(["alice", "bob"])
    with pytest.raises(ReceiptError) as caught:
        await world["alice"].send_media_message(ImageMessage(file_local_path=str(path)), "bob", PEER, RECEIPT)
    assert "cannot be read" in caught.value.message and "secret.png" in caught.value.message


async def test_a_file_that_vanishes_during_the_upload_fails_the_send(tmp_path):
    import asyncio

    world = await make_world(["alice", "bob"])
    world["alice"].set_upload_rate(100)
    path = write_file(tmp_path / "temp.bin", 1000)
    sending = asyncio.create_task(
        world["alice"].send_media_message(FileMessage(file_local_path=str(path)), "bob", PEER, RECEIPT)
    )
    await world.settle()
    path.unlink()
    world.clock.advance(20)
    await world.settle()
    with pytest.raises(ReceiptError) as caught:
        await sending
    assert caught.value.code is ErrorCode.PARAMETER_INVALID and "temp.bin" in caught.value.message
    assert caught.value.failed_message is not None


async def test_relative_paths_are_made_absolute(tmp_path, monkeypatch):
    write_png(tmp_path / "photo.png")
    monkeypatch.chdir(tmp_path)
    world = await make_world(["alice", "bob"])
    sent = (
        await world["alice"].send_media_message(
            ImageMessage(file_local_path="photo.png"), "bob", PEER, RECEIPT
        )
    ).message
    assert sent.file_local_path == str(tmp_path / "photo.png")


def test_image_size_reads_png_gif_jpeg_and_bmp_headers(tmp_path):
    assert image_size(png_bytes(321, 123)) == (321, 123)
    gif = b"GIF89a" + (640).to_bytes(2, "little") + (480).to_bytes(2, "little") + b"\x00" * 20
    assert image_size(gif) == (640, 480)
    jpeg = (
        b"\xff\xd8"
        + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + b"\xff\xc0\x00\x11\x08"
        + (300).to_bytes(2, "big")
        + (400).to_bytes(2, "big")
        + b"\x03"
        + b"\x00" * 9
    )
    assert image_size(jpeg) == (400, 300)
    bmp = (
        b"BM"
        + b"\x00" * 16
        + (77).to_bytes(4, "little", signed=True)
        + (-55).to_bytes(4, "little", signed=True)
    )
    assert image_size(bmp) == (77, 55)
    assert image_size(b"not an image at all") == (0, 0)
    assert image_size(b"\x89PNG\r\n\x1a\n" + b"\x00" * 3) == (0, 0)  # cut short: no crash


async def test_given_dimensions_are_kept_and_a_non_image_has_none(tmp_path):
    world = await make_world(["alice", "bob"])
    photo = write_png(tmp_path / "p.png", 10, 10)
    sent = (
        await world["alice"].send_media_message(
            ImageMessage(file_local_path=str(photo), original_image_width=1000, original_image_height=500),
            "bob",
            PEER,
            RECEIPT,
        )
    ).message
    assert (sent.original_image_width, sent.original_image_height) == (1000, 500)
    text = write_file(tmp_path / "not-really.png", 300)
    sent = (
        await world["alice"].send_media_message(ImageMessage(file_local_path=str(text)), "bob", PEER, RECEIPT)
    ).message
    assert (sent.original_image_width, sent.original_image_height) == (0, 0)


class _Attach:
    def __init__(self, seen: list) -> None:
        self.seen = seen

    def on_message_attached(self, message):
        self.seen.append(message)

    def on_media_uploading_progress(self, message, current_size, total_size):
        self.seen.append((current_size, total_size))
