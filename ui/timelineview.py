"""The timeline of one message, drawn: a lane per client plus the engine's, and the arrows of
the message's life (``TimelineModel.arrows``) with the virtual clock's times beneath.

Columns, not a linear time axis: each moment gets a column in the order things happened (arrows
of the same kind at the same time share one), so steps that take no clock time stay readable and
a week's wait costs no width. An arrow that took clock time (a slow or offline link) starts at the
column of its cause and ends at its own: latency is a slanted arrow, an instant one is upright.

``paint_timeline`` paints onto any ``QPainter`` (the dock's canvas, a PNG, an SVG); ``TimelineDock``
is the dockable view that follows the model live.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPaintEvent, QPen, QPolygonF
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QComboBox, QDockWidget, QScrollArea, QVBoxLayout, QWidget
from readtick.ui.theme import Theme, current_theme, ui_font
from readtick.ui.timelinemodel import ENGINE, Arrow, EventKind, TimelineMessage, TimelineModel

LANE_LABEL_WIDTH = 96
LANE_HEIGHT = 34
TOP = 30
AXIS = 34
MIN_COLUMN, MAX_COLUMN = 64, 110
#: Colour of each kind of arrow: a field of ``Theme``.
KIND_COLORS = {
    EventKind.SEND: "accent",
    EventKind.DELIVER: "tick_grey",
    EventKind.READ: "tick_blue",
    EventKind.RECEIPT: "info_text",
    EventKind.EXPIRE: "failed",
}


@dataclass(frozen=True)
class DrawnArrow:
    """An arrow placed in columns; ``count`` > 1 when several identical ones were merged."""

    arrow: Arrow
    start_column: float
    end_column: int
    count: int = 1


def place_arrows(arrows: Sequence[Arrow]) -> tuple[list[DrawnArrow], list[float]]:
    """Columns for the arrows and the clock time of each column (see the module's docstring).
    Arrows alike in kind, lanes and times (a group's bots on the shared lane) merge into one."""
    merged: list[DrawnArrow] = []
    times: list[float] = []
    for arrow in arrows:
        last = merged[-1] if merged else None
        if last is not None and _same(last.arrow, arrow):
            merged[-1] = DrawnArrow(last.arrow, last.start_column, last.end_column, last.count + 1)
            continue
        if last is None or last.arrow.kind != arrow.kind or last.arrow.end != arrow.end:
            times.append(arrow.end)
        column = len(times) - 1
        start = float(column)
        if arrow.start < arrow.end:
            earlier = [c for c, t in enumerate(times) if t <= arrow.start]
            start = float(earlier[-1]) if earlier else column - 0.8
        merged.append(DrawnArrow(arrow, start, column))
    return merged, times


def _same(a: Arrow, b: Arrow) -> bool:
    return (a.kind, a.source, a.target, a.start, a.end) == (b.kind, b.source, b.target, b.start, b.end)


def timeline_size(lanes: int, columns: int) -> QSize:
    return QSize(LANE_LABEL_WIDTH + 40 + max(1, columns) * MIN_COLUMN, TOP + lanes * LANE_HEIGHT + AXIS)


def paint_timeline(
    painter: QPainter, rect: QRectF, lanes: Sequence[str], message: TimelineMessage | None, theme: Theme
) -> None:
    """Paint ``message``'s timeline (or a hint, if None) into ``rect``."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.fillRect(rect, theme.color("panel"))
    painter.setFont(ui_font(12, bold=True))
    painter.setPen(theme.color("text"))
    title = message.label if message is not None else "Select a message to see its life across the clients"
    painter.drawText(QRectF(rect.left() + 10, rect.top() + 6, rect.width() - 20, 20), title)
    drawn, times = place_arrows(message.arrows if message is not None else [])
    width = rect.width() - LANE_LABEL_WIDTH - 40
    step = max(MIN_COLUMN, min(MAX_COLUMN, width / max(1, len(times))))
    x0 = rect.left() + LANE_LABEL_WIDTH + 20

    def x_of(column: float) -> float:
        return x0 + column * step

    y_of = {lane: rect.top() + TOP + (i + 0.5) * LANE_HEIGHT for i, lane in enumerate(lanes)}
    painter.setFont(ui_font(12, bold=False))
    for lane, y in y_of.items():
        painter.setPen(theme.color("text" if lane != ENGINE else "accent"))
        painter.drawText(
            QRectF(rect.left() + 10, y - 10, LANE_LABEL_WIDTH - 14, 20),
            int(Qt.AlignmentFlag.AlignVCenter),
            lane,
        )
        painter.setPen(
            QPen(
                theme.color("panel_border"),
                1,
                Qt.PenStyle.DashLine if lane == ENGINE else Qt.PenStyle.SolidLine,
            )
        )
        painter.drawLine(QPointF(x0 - 10, y), QPointF(rect.right() - 10, y))
    small = ui_font(10)
    painter.setFont(small)
    axis_y = rect.top() + TOP + len(lanes) * LANE_HEIGHT + 6
    shown = None
    for column, moment in enumerate(times):
        label = _clock_text(moment)
        if label != shown:
            painter.setPen(theme.color("muted_text"))
            painter.drawText(
                QRectF(x_of(column) - 40, axis_y, 80, 14), int(Qt.AlignmentFlag.AlignHCenter), label
            )
            shown = label
    for item in drawn:
        arrow = item.arrow
        if arrow.source not in y_of or arrow.target not in y_of:
            continue  # a lane that is no longer shown (its panel was closed)
        start = QPointF(x_of(item.start_column), y_of[arrow.source])
        end = QPointF(x_of(item.end_column), y_of[arrow.target])
        _draw_arrow(painter, start, end, theme.color(KIND_COLORS[arrow.kind]))
        text = arrow.label + (f" ×{item.count}" if item.count > 1 else "")
        painter.setPen(theme.color("muted_text"))
        below = 4 if end.y() >= start.y() else -16
        room = step - 8  # up to the next column's arrows
        painter.drawText(
            QRectF(end.x() + 4, end.y() + below, room, 14),
            painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, int(room)),
        )
    painter.restore()


def _draw_arrow(painter: QPainter, start: QPointF, end: QPointF, color: QColor) -> None:
    painter.setPen(QPen(color, 2))
    painter.setBrush(color)
    path = QPainterPath(start)
    path.lineTo(end)
    painter.strokePath(path, painter.pen())
    direction = end - start
    length = max(1e-6, (direction.x() ** 2 + direction.y() ** 2) ** 0.5)
    unit = QPointF(direction.x() / length, direction.y() / length)
    normal = QPointF(-unit.y(), unit.x())
    tip = end
    base = end - unit * 8
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawPolygon(QPolygonF([tip, base + normal * 4, base - normal * 4]))
    painter.setBrush(color)
    painter.drawEllipse(start, 2.5, 2.5)


def _clock_text(moment: float) -> str:
    whole = time.strftime("%H:%M:%S", time.localtime(moment))
    fraction = moment - int(moment)
    return f"{whole}.{int(fraction * 10)}" if fraction >= 0.05 else whole


def busiest_message(model: TimelineModel) -> TimelineMessage | None:
    """The message with the most events (the first of equals): what a scenario is about."""
    best = None
    for message in model.messages():
        if best is None or len(message.arrows) > len(best.arrows):
            best = message
    return best


def render_timeline(model: TimelineModel, message: TimelineMessage | None, theme: Theme) -> QImage:
    """The timeline of ``message`` as an image of the size it needs."""
    _, times = place_arrows(message.arrows if message is not None else [])
    size = timeline_size(len(model.lanes()), len(times)).expandedTo(QSize(640, 0))
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    paint_timeline(painter, QRectF(0, 0, size.width(), size.height()), model.lanes(), message, theme)
    painter.end()
    return image


def write_timeline(model: TimelineModel, out_dir: Path, theme: Theme) -> list[Path]:
    """``timeline.png`` and ``timeline.svg`` of the busiest message in ``out_dir``; raises
    ``OSError`` if a file cannot be written."""
    message = busiest_message(model)
    image = render_timeline(model, message, theme)
    png, svg = out_dir / "timeline.png", out_dir / "timeline.svg"
    if not image.save(str(png)):
        raise OSError(f"could not write {png}")
    generator = QSvgGenerator()
    generator.setFileName(str(svg))
    generator.setSize(image.size())
    generator.setViewBox(QRectF(0, 0, image.width(), image.height()))
    generator.setTitle(message.label if message is not None else "readtick timeline")
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError(f"could not write {svg}")
    paint_timeline(painter, QRectF(0, 0, image.width(), image.height()), model.lanes(), message, theme)
    painter.end()
    return [png, svg]


class TimelineCanvas(QWidget):
    """Paints one message's timeline; repainted when told (``show_message``, ``refresh``)."""

    def __init__(self, model: TimelineModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineCanvas")
        self._model = model
        self._message: TimelineMessage | None = None
        self.refresh()

    def message(self) -> TimelineMessage | None:
        return self._message

    def show_message(self, message: TimelineMessage | None) -> None:
        self._message = message
        self.refresh()

    def refresh(self) -> None:
        _, times = place_arrows(self._message.arrows if self._message is not None else [])
        self.setMinimumSize(timeline_size(len(self._model.lanes()), len(times)))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        paint_timeline(painter, QRectF(self.rect()), self._model.lanes(), self._message, current_theme())
        painter.end()


class TimelineDock(QDockWidget):
    """The dockable timeline (object name ``timelineDock``): a message picker
    (``timelineMessages``) over the canvas. It follows the newest message until a message is
    picked (here or in a panel); each event repaints only if it belongs to the message shown.

    Signals:
        messageSelected(int): the user picked this message id in the timeline.
    """

    messageSelected = Signal(int)

    def __init__(self, model: TimelineModel, parent: QWidget | None = None) -> None:
        super().__init__("Timeline", parent)
        self.setObjectName("timelineDock")
        self._model = model
        self._follow_newest = True
        self._picker = QComboBox()
        self._picker.setObjectName("timelineMessages")
        self._picker.activated.connect(self._on_picked)
        self.canvas = TimelineCanvas(model)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.canvas)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addWidget(self._picker)
        layout.addWidget(scroll, 1)
        self.setWidget(body)
        for message in model.messages():
            self._on_message_added(message)
        model.message_added.append(self._on_message_added)
        model.arrow_added.append(self._on_arrow_added)

    def selected_id(self) -> int | None:
        message = self.canvas.message()
        return message.message_id if message is not None else None

    def select_message(self, message_id: int) -> bool:
        """Show this message (from a panel's selection); False if the timeline does not know it."""
        message = self._model.message(message_id)
        if message is None:
            return False
        self._follow_newest = False
        self._show(message)
        return True

    def _show(self, message: TimelineMessage) -> None:
        index = self._picker.findData(message.message_id)
        if index >= 0:
            self._picker.setCurrentIndex(index)
        self.canvas.show_message(message)

    def _on_picked(self, index: int) -> None:
        message = self._model.message(self._picker.itemData(index))
        if message is not None:
            self._follow_newest = False
            self.canvas.show_message(message)
            self.messageSelected.emit(message.message_id)

    def _on_message_added(self, message: TimelineMessage) -> None:
        while self._picker.count() and self._model.message(self._picker.itemData(0)) is None:
            self._picker.removeItem(0)  # the model let it go (it keeps the newest only)
        self._picker.addItem(message.label, message.message_id)
        if self._follow_newest:
            self._show(message)

    def _on_arrow_added(self, message: TimelineMessage, arrow: Arrow) -> None:
        if message is self.canvas.message():
            self.canvas.refresh()
