"""The window at scale: opening long conversations on the SQLite cache, the frame that pages history
in while scrolling up, an append to a long list, one row's paint, the unread member list of a
10,000-member group, and 1,000 of its members reading in a burst, each measured with the real
window offscreen.

Run: .venv/bin/python benchmarks/ui_scale.py        (offscreen, about a minute; not part of the tests)

Prints a table: what, the goal, the figure measured, and a baseline measured in the same run: the
same operation at a small size, or the floor of the operation without readtick's work (a plain
QListView, Qt's own delegate, slicing a list). Times are wall-clock medians unless the row says
otherwise, each up to the window having painted (its pending events processed); "cpu" is the
main thread's CPU time, which other processes on the machine do not inflate. The measurements
live in ``ui_scale_conversation`` (one long conversation), ``ui_scale_group`` (a large group) and
``ui_scale_latency`` (a read reaching the other panel, a 10,000-member send with the window shown),
the window they use in ``ui_scale_window``.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

import qasync  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from readtick.core.memorystore import MemoryEngineStore  # noqa: E402
from readtick.core.sqlitestore import SqliteEngineStore  # noqa: E402
from readtick.ui.theme import apply_theme  # noqa: E402
from ui_scale_conversation import (  # noqa: E402
    append_plain_listview,
    append_to_rows,
    open_conversation,
    paging_frames,
    row_paint,
)
from ui_scale_group import read_burst, slice_floor, unread_list_to_the_end  # noqa: E402
from ui_scale_latency import latency_rows  # noqa: E402
from ui_scale_window import alice_cache  # noqa: E402

Row = tuple[str, str, str, str]


async def measure(app: QApplication) -> list[Row]:
    folder = Path(tempfile.mkdtemp(prefix="readtick-ui-scale-"))
    rows: list[Row] = []
    small = await open_conversation(alice_cache("sqlite", 100, folder))
    small_text = f"{small[0]:.1f} ms (100 messages, same window)"
    for count, goal in ((100_000, "≤ 150 ms, ≤ 5 MB RSS"), (10_000, "≤ 100 ms")):
        wall, cpu, growth = await open_conversation(alice_cache("sqlite", count, folder))
        figure = f"{wall:.1f} ms (cpu {cpu:.1f}), +{growth:.1f} MB RSS"
        rows.append((f"open a {count:,}-message conversation, SQLite cache", goal, figure, small_text))
    for name, kind, count in (("memory", "memory", 10_000), ("SQLite 10k", "sqlite", 10_000)) + (
        ("SQLite 100k", "sqlite", 100_000),
    ):
        worst, typical, cpu, pause, plain = await paging_frames(alice_cache(kind, count, folder))
        rows.append(
            (
                f"frame that pages older history in, scrolling up: {name}",
                "≤ 16 ms",
                f"{worst:.1f} ms longest (cpu {cpu:.1f}, gc {pause:.1f}), {typical:.1f} median",
                f"{plain:.1f} ms (a scroll frame without a page)",
            )
        )
    append, append_cpu, calls = append_to_rows(app, 3000)
    append_small, _, _ = append_to_rows(app, 30)
    floor = append_plain_listview(app, 3000)
    rows.append(
        (
            "append one message while 3,000 rows are shown",
            "≤ 5 ms, independent of rows",
            f"{append:.2f} ms (cpu {append_cpu:.2f}; {calls:.0f} sizeHint call)",
            f"{append_small:.2f} ms at 30 rows; {floor:.2f} ms plain QListView (3,000 uniform rows)",
        )
    )
    paint, plain_paint = row_paint(app)
    rows.append(
        ("one row paint (cpu)", "≤ 0.2 ms", f"{paint:.3f} ms", f"{plain_paint:.3f} ms (Qt's own delegate)")
    )
    for name, store in (
        ("memory engine", MemoryEngineStore()),
        ("SQLite engine", SqliteEngineStore(":memory:")),
    ):
        result = await unread_list_to_the_end(store, 10_000)
        times = result["unread_pages"]
        median, p95 = statistics.median(times), statistics.quantiles(times, n=20)[-1]
        empty = max(result["read_pages"])
        rows.append(
            (
                f"member dialog: unread list of a 10,000 group to the end ({name})",
                "pages of 100, ≤ 1 ms per engine page",
                f"{result['seconds']:.2f} s, {result['pages']} pages; engine page {median:.2f} ms median, "
                f"{p95:.2f} p95, {max(times):.2f} max; read list (empty) {empty:.1f} ms",
                f"{slice_floor(10_000):.3f} ms (100 ids sliced from a list)",
            )
        )
        rows.append(
            (
                f"member dialog, all 9,999 unread loaded: a read arrives ({name})",
                "≤ 16 ms stall, the list stays put",
                f"{result['refresh']:.1f} ms until both lists show it; stall {result['stall']:.1f} ms",
                f"{sum(times):.1f} ms (the engine's pages of the whole list, when first loaded)",
            )
        )
    for name, store in (
        ("memory engine", MemoryEngineStore()),
        ("SQLite engine", SqliteEngineStore(":memory:")),
    ):
        burst = await read_burst(store, 10_000, 1_000)
        rows.append(
            (
                f"1,000 of a 10,000 group read in a burst: the sender's row ({name})",
                "≤ 1 update per frame (16 ms)",
                f"{burst['changes']:.0f} dataChanged, {burst['paints']:.0f} paint of the list, "
                f"{burst['ms']:.0f} ms from the first read to it; longest stall {burst['stall']:.1f} ms",
                f"{burst['infos']:.0f} receipt info(s) cached by the sender for the 1,000 reads",
            )
        )
    rows += await latency_rows()
    return rows


def print_table(rows: list[Row]) -> None:
    header: Row = ("what", "goal", "measured", "baseline (same run)")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    line = " | ".join(f"{{:<{w}}}" for w in widths)
    print(line.format(*header))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(line.format(*row))


def main() -> None:
    app = QApplication.instance() or QApplication([])
    apply_theme(app, "light")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        rows = loop.run_until_complete(measure(app))
    print_table(rows)


if __name__ == "__main__":
    main()
