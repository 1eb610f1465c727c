"""Rich media: ``send_media_message`` uploads on the engine's clock, then sends like text.

The upload is simulated at the client's ``upload_rate`` (bytes per second of engine clock):
``on_message_attached`` first, then ``on_media_uploading_progress`` as the clock passes each tenth
of the file, and only then is the message sent (its receipt starts PROCESSING). Going offline
mid-upload fails the send as it fails a text send.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from media_files import write_file, write_png
from readtick.core import (
    AudioMessage,
    ConversationType,
    ErrorCode,
    FileMessage,
    GroupMessageReceiptMemberQueryConfig,
    ImageMessage,
    MediaMessageSendNotification,
    MessageDirection,
    MessageSendConfig,
    MessageType,
    ReceiptError,
    ReceiptStatus,
    SentStatus,
    VideoMessage,
)
from receipt_world import make_world

PEER, GROUP = ConversationType.PEER, ConversationType.GROUP
RECEIPT = MessageSendConfig(has_receipt=True)


class Recorder(MediaMessageSendNotification):
    """Records the notification's callbacks in order."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def on_message_attached(self, message):
        self.calls.append(("attached", message))

    def on_media_uploading_progress(self, message, current_size, total_size):
        self.calls.append(("progress", current_size, total_size))

    def progress(self) -> list[tuple[int, int]]:
        return [call[1:] for call in self.calls if call[0] == "progress"]


async def test_upload_progress_reaches_the_notification_in_order_on_the_virtual_clock(tmp_path):
    world = await make_world(["alice", "bob"])
    alice = world["alice"]
    alice.set_upload_rate(1000)  # 10,000 bytes take 10 s of engine clock
    report = write_file(tmp_path / "report.pdf", 10_000)
    notification = Recorder()
    sending = asyncio.create_task(
        alice.send_media_message(FileMessage(file_local_path=str(report)), "bob", PEER, RECEIPT, notification)
    )
    await world.settle()
    [attached] = notification.calls
    assert attached[0] == "attached" and attached[1].sent_status is SentStatus.SENDING
    assert attached[1].file_name == "report.pdf" and attached[1].file_size == 10_000

    world.clock.advance(2.5)
    await world.settle()
    assert notification.progress() == [(1000, 10_000), (2000, 10_000)]
    assert not sending.done()
    assert world.handler("bob").received() == []  # nothing is sent before the upload completes
    [uploading] = alice.cached_messages("bob", PEER)
    assert uploading.sent_status is SentStatus.SENDING and uploading.message_id == 0

    world.clock.advance(7.5)
    await world.settle()
    sent = (await sending).message
    assert notification.progress() == [(size, 10_000) for size in range(1000, 10_001, 1000)]
    assert sent.sent_status is SentStatus.SUCCESS and sent.receipt_status is ReceiptStatus.PROCESSING
    assert sent.timestamp == world.clock.now()  # sent when the upload completed
    [received] = world.handler("bob").received()
    assert received.type is MessageType.FILE and received.receipt_status is ReceiptStatus.PROCESSING
    # the sender's uploading copy became the sent one, in its place: one copy, not two
    assert alice.cached_messages("bob", PEER) == [sent]


async def test_without_an_upload_rate_the_upload_is_instant(tmp_path):
    world = await make_world(["alice", "bob"])
    photo = write_png(tmp_path / "photo.png", 64, 48)
    size = photo.stat().st_size
    notification = Recorder()
    result = await world["alice"].send_media_message(
        ImageMessage(file_local_path=str(photo)), "bob", PEER, RECEIPT, notification
    )
    assert [call[0] for call in notification.calls] == ["attached", "progress"]
    assert notification.progress() == [(size, size)]
    assert result.message.receipt_status is ReceiptStatus.PROCESSING


async def test_going_offline_mid_upload_fails_the_send_and_keeps_the_copy(tmp_path):
    world = await make_world(["alice", "bob"])
    alice = world["alice"]
    alice.set_upload_rate(1000)
    report = write_file(tmp_path / "report.pdf", 10_000)
    notification = Recorder()
    sending = asyncio.create_task(
        alice.send_media_message(FileMessage(file_local_path=str(report)), "bob", PEER, RECEIPT, notification)
    )
    await world.settle()
    world.clock.advance(3)
    await world.settle()
    alice.set_online(False)
    with pytest.raises(ReceiptError) as caught:
        await sending
    assert caught.value.code is ErrorCode.NETWORK_UNAVAILABLE
    assert "report.pdf" in caught.value.message
    failed = caught.value.failed_message
    assert failed.sent_status is SentStatus.FAILED and failed.receipt_status is ReceiptStatus.FAILED
    assert alice.cached_messages("bob", PEER) == [failed]
    assert notification.progress() == [(1000, 10_000), (2000, 10_000), (3000, 10_000)]

    alice.set_online(True)
    world.clock.advance(60)
    await world.settle()
    assert world.handler("bob").received() == []
    assert alice.cached_messages("bob", PEER) == [failed]


async def test_logging_out_mid_upload_fails_the_send(tmp_path):
    world = await make_world(["alice", "bob"])
    world["alice"].set_upload_rate(100)
    report = write_file(tmp_path / "notes.txt", 1000)
    sending = asyncio.create_task(
        world["alice"].send_media_message(FileMessage(file_local_path=str(report)), "bob", PEER, RECEIPT)
    )
    await world.settle()
    await world["alice"].logout()
    with pytest.raises(ReceiptError) as caught:
        await sending
    assert caught.value.failed_message.sent_status is SentStatus.FAILED


async def test_send_message_refuses_media_and_names_send_media_message(tmp_path):
    world = await make_world(["alice", "bob"])
    photo = write_png(tmp_path / "photo.png")
    with pytest.raises(ReceiptError) as caught:
        await world["alice"].send_message(ImageMessage(file_local_path=str(photo)), "bob", PEER, RECEIPT)
    assert caught.value.code is ErrorCode.PARAMETER_INVALID
    assert "send_media_message" in caught.value.message
    assert world["alice"].cached_messages("bob", PEER) == []


async def test_send_media_message_takes_only_media(tmp_path):
    from readtick.core import BarrageMessage, CommandMessage, TextMessage

    world = await make_world(["alice", "bob"])
    for message in (TextMessage("hi"), CommandMessage(b"x"), BarrageMessage("wow")):
        with pytest.raises(ReceiptError) as caught:
            await world["alice"].send_media_message(message, "bob", PEER, RECEIPT)
        assert caught.value.code is ErrorCode.PARAMETER_INVALID
        assert "send_media_message" in caught.value.message
    assert world["alice"].cached_messages("bob", PEER) == []


async def test_media_receipts_in_rooms_are_refused_like_text(tmp_path):
    world = await make_world(["alice", "bob"])
    photo = write_png(tmp_path / "photo.png")
    with pytest.raises(ReceiptError, match="rule 1"):
        await world["alice"].send_media_message(
            ImageMessage(file_local_path=str(photo)), "bob", ConversationType.ROOM, RECEIPT
        )


@pytest.mark.parametrize(
    ("kind", "name", "extra"),
    [
        (ImageMessage, "photo.png", {}),
        (FileMessage, "report.pdf", {}),
        (AudioMessage, "voice.m4a", {"audio_duration": 7}),
        (VideoMessage, "clip.mp4", {"video_duration": 12}),
    ],
)
async def test_receipts_counts_and_member_lists_are_those_of_text(tmp_path, kind, name, extra):
    world = await make_world(["alice", "bob", "carol"], groups={"team": ["alice", "bob", "carol"]})
    path = write_png(tmp_path / name) if kind is ImageMessage else write_file(tmp_path / name, 3000)
    sent = (
        await world["alice"].send_media_message(
            kind(file_local_path=str(path), **extra), "team", GROUP, RECEIPT
        )
    ).message
    await world.settle()
    assert sent.receipt_status is ReceiptStatus.PROCESSING
    bob_copy = world.copy_of("bob", sent)
    assert bob_copy.type is kind.type and bob_copy.direction is MessageDirection.RECEIVE
    for field, value in extra.items():
        assert getattr(bob_copy, field) == value

    await world["bob"].send_message_receipts_read([bob_copy], "team", GROUP)
    await world.settle()
    [info] = world.handler("alice").receipt_infos()
    assert (info.status, info.read_member_count, info.unread_member_count) == (ReceiptStatus.PROCESSING, 1, 1)
    page = await world["alice"].query_group_message_receipt_unread_member_list(
        sent, "team", GroupMessageReceiptMemberQueryConfig(count=10)
    )
    assert page.user_list == ("carol",)

    await world["carol"].send_message_receipts_read([world.copy_of("carol", sent)], "team", GROUP)
    await world.settle()
    assert world.copy_of("alice", sent).receipt_status is ReceiptStatus.DONE
    history = await world["bob"].query_history_message("team", GROUP)
    assert [m.receipt_status for m in history.message_list] == [ReceiptStatus.DONE]


async def test_an_unread_media_receipt_expires_like_text(tmp_path):
    world = await make_world(["alice", "bob"])
    photo = write_png(tmp_path / "photo.png")
    sent = (
        await world["alice"].send_media_message(
            ImageMessage(file_local_path=str(photo)), "bob", PEER, RECEIPT
        )
    ).message
    world.clock.advance(7 * 86400)
    await world.settle()
    assert world.copy_of("alice", sent).receipt_status is ReceiptStatus.EXPIRED
    assert world.copy_of("bob", sent).receipt_status is ReceiptStatus.EXPIRED


async def test_the_receivers_copy_carries_the_files_metadata_and_a_path_to_show(tmp_path):
    world = await make_world(["alice", "bob"])
    photo = write_png(tmp_path / "holiday.png", 120, 80)
    sent = (
        await world["alice"].send_media_message(
            ImageMessage(file_local_path=str(photo)), "bob", PEER, RECEIPT
        )
    ).message
    await world.settle()
    copy = world.copy_of("bob", sent)
    assert (copy.file_name, copy.file_size) == ("holiday.png", photo.stat().st_size)
    assert (copy.original_image_width, copy.original_image_height) == (120, 80)
    assert Path(copy.file_local_path).read_bytes() == photo.read_bytes()
    # the sender's own copy keeps the sender's own path
    assert world.copy_of("alice", sent).file_local_path == str(photo)


async def test_the_engine_keeps_one_content_addressed_copy_in_its_media_folder(tmp_path):
    from readtick.core import Client, ReceiptEngine, VirtualClock

    media = tmp_path / "media"
    engine = ReceiptEngine(clock=VirtualClock(), media_dir=media)
    alice, bob = Client(engine, "alice"), Client(engine, "bob")
    await alice.login()
    await bob.login()
    photo = write_png(tmp_path / "photo.png", 30, 20)
    for _ in range(2):
        await alice.send_media_message(ImageMessage(file_local_path=str(photo)), "bob", PEER, RECEIPT)
    await engine.drain()
    copies = bob.cached_messages("alice", PEER)
    assert len(copies) == 2 and copies[0].file_local_path == copies[1].file_local_path
    kept = list(media.iterdir())
    assert [p.name for p in kept] == [copies[0].file_local_path.rsplit("/", 1)[-1]]
    assert kept[0].read_bytes() == photo.read_bytes()
    photo.unlink()  # the receiver's copy does not depend on the sender's file any more
    assert Path(copies[0].file_local_path).read_bytes() == kept[0].read_bytes()
    engine.close()


async def test_upload_completes_within_drain_after_the_clock_jumps(tmp_path):
    world = await make_world(["alice", "bob"])
    world["alice"].set_upload_rate(500)
    report = write_file(tmp_path / "a.bin", 2000)
    sending = asyncio.create_task(
        world["alice"].send_media_message(FileMessage(file_local_path=str(report)), "bob", PEER, RECEIPT)
    )
    await world.settle()
    world.clock.advance(100)
    await world.settle()
    assert sending.done() and len(world.handler("bob").received()) == 1


async def test_on_the_real_clock_the_upload_runs_by_itself(tmp_path):
    from readtick.core import Client, ReceiptEngine

    engine = ReceiptEngine()
    alice, bob = Client(engine, "alice"), Client(engine, "bob")
    await alice.login()
    await bob.login()
    alice.set_upload_rate(200_000)
    report = write_file(tmp_path / "a.bin", 4000)  # 20 ms
    notification = Recorder()
    result = await asyncio.wait_for(
        alice.send_media_message(
            FileMessage(file_local_path=str(report)), "bob", PEER, RECEIPT, notification
        ),
        timeout=5,
    )
    assert notification.progress()[-1] == (4000, 4000)
    assert result.message.sent_status is SentStatus.SUCCESS
    engine.close()


async def test_a_notification_that_raises_does_not_break_the_send(tmp_path):
    world = await make_world(["alice", "bob"])
    photo = write_png(tmp_path / "photo.png")
    notification = MediaMessageSendNotification()
    notification.on_media_uploading_progress = lambda *args: 1 / 0
    errors = []
    asyncio.get_running_loop().set_exception_handler(lambda loop, context: errors.append(context))
    result = await world["alice"].send_media_message(
        ImageMessage(file_local_path=str(photo)), "bob", PEER, RECEIPT, notification
    )
    assert result.message.sent_status is SentStatus.SUCCESS
    assert len(errors) == 1 and isinstance(errors[0]["exception"], ZeroDivisionError)


async def test_upload_rate_must_be_a_positive_number_or_none():
    world = await make_world(["alice", "bob"])
    for bad in (0, -5, float("inf"), float("nan"), "fast", True):
        with pytest.raises(ReceiptError) as caught:
            world["alice"].set_upload_rate(bad)
        assert caught.value.code is ErrorCode.PARAMETER_INVALID
    world["alice"].set_upload_rate(None)
    assert world["alice"].upload_rate is None
