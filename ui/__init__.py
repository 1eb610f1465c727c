"""readtick's Qt front end: the window, one panel per client, the message model and delegate.

``from readtick.ui import MainWindow`` is the public entry; it is imported on first use, so
importing one ui module (the theme, say) does not build the whole window's module tree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from readtick.ui.mainwindow import MainWindow

__all__ = ["MainWindow"]


def __getattr__(name: str) -> Any:
    if name == "MainWindow":
        from readtick.ui.mainwindow import MainWindow

        return MainWindow
    raise AttributeError(f"module 'readtick.ui' has no attribute {name!r}")
