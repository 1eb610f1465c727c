"""Tools for testing receipt UI with pytest-qt; ``readtick.app.pytest_plugin`` makes them fixtures.

- ``loop``: asyncio on Qt's loop for one test (the ``qasync_loop`` fixture),
- ``receiptwindow``: an engine, clients and a window per test (``make_receipt_window``),
- ``windowdriver``: find panels and widgets by object name, click, wait for receipt statuses,
- ``golden``: compare pictures with baselines (``golden_images``).
"""

from readtick.app.testing.golden import Comparison, GoldenImages, compare_images
from readtick.app.testing.receiptwindow import ReceiptWindow, ReceiptWindowFactory
from readtick.app.testing.windowdriver import WindowDriver, receipt_status

__all__ = [
    "Comparison",
    "GoldenImages",
    "ReceiptWindow",
    "ReceiptWindowFactory",
    "WindowDriver",
    "compare_images",
    "receipt_status",
]
