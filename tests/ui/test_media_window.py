"""Media in the window, clicked through: attach a picture, see its thumbnail with the receipt
ticks on it, the peer reads it, the ticks turn blue; files as chips; an upload as a bar; files
dropped on a panel are sent."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, QRectF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QAbstractItemView, QApplication
from readtick.core import MessageType, ReceiptStatus
from readtick.ui.messagemodel import UploadProgressRole
from readtick.ui.theme import DARK, current_theme
from readtick.ui.thumbnails import shared_thumbnails

ORANGE = (230, 120, 40)


def write_png(path: Path, width: int = 160, height: int = 100, rgb=ORANGE) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    rows = (b"\x00" + bytes(rgb) * width) * height
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return path


def row_picture(w, user: str, row: int):
    """The panel's view grabbed, and the row's layout (the picture's rectangles) in it."""
    view = w.widget(user, "messageView", QAbstractItemView)
    index = view.model().index(w.row(user, row), 0)
    view.scrollTo(index)
    geometry = view.delegate().layout(QRectF(view.visualRect(index)), index)
    image = view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    return image, geometry


def pixels_near(image: QImage, rect: QRectF, color: QColor, tolerance: int = 40) -> int:
    count = 0
    for x in range(int(rect.left()), int(rect.right())):
        for y in range(int(rect.top()), int(rect.bottom())):
            pixel = image.pixelColor(x, y)
            if (
                abs(pixel.red() - color.red())
                + abs(pixel.green() - color.green())
                + abs(pixel.blue() - color.blue())
                <= tolerance
            ):
                count += 1
    return count


def wait_for_thumbnail(w, user: str, row: int) -> tuple[QImage, object]:
    def drawn() -> bool:
        image, geometry = row_picture(w, user, row)
        centre = geometry.text.center()
        pixel = image.pixelColor(int(centre.x()), int(geometry.text.top() + 12))
        return (
            abs(pixel.red() - ORANGE[0]) + abs(pixel.green() - ORANGE[1]) + abs(pixel.blue() - ORANGE[2]) < 30
        )

    w.qtbot.waitUntil(drawn, timeout=5000)
    return row_picture(w, user, row)


def test_attach_a_png_then_the_peer_reads_it_and_the_ticks_on_the_thumbnail_turn_blue(
    make_receipt_window, tmp_path
):
    w = make_receipt_window(clients=["alice", "bob"])
    photo = write_png(tmp_path / "photo.png")
    said = w.attach("alice", str(photo), to="bob")
    assert "photo.png" in said
    w.wait_for_status("alice", "[image] photo.png", ReceiptStatus.PROCESSING)

    image, geometry = wait_for_thumbnail(w, "alice", -1)
    assert geometry.media_overlay and geometry.mark is not None
    assert abs(geometry.text.width() / geometry.text.height() - 160 / 100) < 0.02  # the picture's shape
    assert geometry.text.contains(geometry.mark)  # the ticks sit on the picture
    grey, blue = DARK.color("tick_grey"), DARK.color("tick_blue")
    assert pixels_near(image, geometry.mark, grey) >= 6  # one grey tick
    assert pixels_near(image, geometry.mark, blue) == 0

    w.open("bob", "alice")
    w.wait_for_message("bob", "[image] photo.png")
    copy = w.model("bob").index(w.row("bob", "[image] photo.png"), 0).data(Qt.ItemDataRole.UserRole + 1)
    assert copy.type is MessageType.IMAGE and (copy.original_image_width, copy.original_image_height) == (
        160,
        100,
    )
    wait_for_thumbnail(w, "bob", -1)
    w.read("bob", "[image] photo.png")

    w.wait_for_status("alice", "[image] photo.png", ReceiptStatus.DONE)
    image, geometry = row_picture(w, "alice", -1)
    assert pixels_near(image, geometry.mark, blue) >= 10  # two blue ticks
    assert "on_message_receipt_changed" in w.log_text("alice")


def test_a_file_becomes_a_chip_with_its_name_and_size(make_receipt_window, tmp_path):
    w = make_receipt_window(clients=["alice", "bob"])
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"x" * 3000)
    w.attach("alice", str(report), to="bob")
    w.wait_for_status("alice", "[file] report.pdf", ReceiptStatus.PROCESSING)
    image, geometry = row_picture(w, "alice", -1)
    assert not geometry.media_overlay and geometry.mark is not None
    assert geometry.mark.top() >= geometry.text.bottom()  # the ticks under the chip, as for text
    assert pixels_near(image, geometry.text, QColor("#5b6b7f"), tolerance=12) > 500  # the file icon
    copy = w.model("alice").index(0, 0).data(Qt.ItemDataRole.UserRole + 1)
    assert (copy.file_name, copy.file_size) == ("report.pdf", 3009)


def test_an_upload_shows_a_bar_that_fills_and_then_the_same_row_is_sent(make_receipt_window, tmp_path):
    w = make_receipt_window(clients=["alice", "bob"])
    w.clients["alice"].set_upload_rate(1000)  # 10 s for 10,000 bytes on the virtual clock
    report = tmp_path / "big.pdf"
    report.write_bytes(b"y" * 10_000)
    assert w.attach("alice", str(report), to="bob") == "Uploading big.pdf…"
    w.wait_for_rows("alice", 1)
    model = w.model("alice")
    assert model.index(0, 0).data(Qt.ItemDataRole.UserRole + 1).message_id == 0  # attached, not sent
    w.advance(4)
    w.qtbot.waitUntil(lambda: model.index(0, 0).data(UploadProgressRole) == 0.4)
    assert w.rows("bob") == 0
    w.advance(6)
    w.wait_for_status("alice", "[file] big.pdf", ReceiptStatus.PROCESSING)
    assert w.rows("alice") == 1 and model.index(0, 0).data(UploadProgressRole) is None
    w.open("bob", "alice")
    w.wait_for_message("bob", "[file] big.pdf")


def test_going_offline_mid_upload_leaves_a_failed_message(make_receipt_window, tmp_path):
    w = make_receipt_window(clients=["alice", "bob"])
    w.clients["alice"].set_upload_rate(100)
    photo = write_png(tmp_path / "photo.png")
    w.attach("alice", str(photo), to="bob")
    w.wait_for_rows("alice", 1)
    w.set_online("alice", False)
    w.wait_for_status("alice", "[image] photo.png", ReceiptStatus.FAILED)
    w.qtbot.waitUntil(lambda: "photo.png not sent" in w.panel("alice").status_text())
    assert w.rows("alice") == 1  # the uploading row became the failed one


def test_a_file_dropped_on_a_panel_is_sent_to_the_open_conversation(make_receipt_window, tmp_path):
    w = make_receipt_window(clients=["alice", "bob"])
    photo = write_png(tmp_path / "dropped.png")
    w.open("alice", "bob")
    panel = w.panel("alice")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo)), QUrl("https://example.com/not-a-file")])
    point = QPointF(panel.width() / 2, panel.height() / 2)
    enter = QDragEnterEvent(
        point.toPoint(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(panel, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(panel, drop)
    w.wait_for_status("alice", "[image] dropped.png", ReceiptStatus.PROCESSING)
    assert w.rows("alice") == 1  # the web link is no file: only the picture was sent


def test_text_only_drags_are_refused(make_receipt_window):
    w = make_receipt_window(clients=["alice", "bob"])
    panel = w.panel("alice")
    mime = QMimeData()
    mime.setText("just words")
    enter = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(panel, enter)
    assert not enter.isAccepted()


def test_a_missing_file_is_refused_in_the_status_line(make_receipt_window, tmp_path):
    w = make_receipt_window(clients=["alice", "bob"])
    w.open("alice", "bob")
    with w.qtbot.waitSignal(w.panel("alice").statusShown, timeout=5000):
        w.attach("alice", str(tmp_path / "gone.png"))
    w.qtbot.waitUntil(lambda: "no file at" in w.panel("alice").status_text())
    assert w.rows("alice") == 0


def test_the_attach_dialog_sends_the_chosen_file(make_receipt_window, tmp_path):
    from PySide6.QtWidgets import QFileDialog, QToolButton

    w = make_receipt_window(clients=["alice", "bob"])
    w.open("alice", "bob")
    photo = write_png(tmp_path / "chosen.png")
    w.qtbot.mouseClick(w.widget("alice", "attachButton", QToolButton), Qt.MouseButton.LeftButton)
    dialog = w.panel("alice").findChild(QFileDialog, "attachDialog")
    assert (
        dialog is not None
        and dialog.isVisible()
        and not dialog.isModal()
        or dialog.windowModality() != Qt.WindowModality.ApplicationModal
    )
    dialog.fileSelected.emit(str(photo))
    dialog.close()
    w.wait_for_status("alice", "[image] chosen.png", ReceiptStatus.PROCESSING)


def test_thumbnails_are_decoded_before_paint_never_during(make_receipt_window, tmp_path):
    w = make_receipt_window(clients=["alice", "bob"])
    photo = write_png(tmp_path / "once.png")
    w.attach("alice", str(photo), to="bob")
    w.wait_for_status("alice", "[image] once.png", ReceiptStatus.PROCESSING)
    wait_for_thumbnail(w, "alice", -1)
    cache = shared_thumbnails()
    before = cache.decodes
    for _ in range(3):
        w.panel("alice").repaint()
    assert cache.decodes == before
    assert current_theme().name == "light"
