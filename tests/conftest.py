"""Top-level test configuration: pins the Qt platform and binding before anything imports Qt.

Nothing Qt-specific lives here, so core tests never start Qt; Qt fixtures belong in tests/ui/.
"""

import os
from collections import Counter
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")


class CountingCache:
    """A spy around a client's ``LocalCache``: counts each way of reading messages, so a test can
    say "opening read one page" or "paging never loaded the whole conversation"."""

    READS = ("conversation", "messages_before", "messages_after")

    def __init__(self, cache: Any) -> None:
        self.cache = cache
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.cache, name)
        if name not in self.READS:
            return attribute

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return attribute(*args, **kwargs)

        return counted


@pytest.fixture
def counting_cache() -> type[CountingCache]:
    """``counting_cache(cache)`` wraps a cache in a ``CountingCache``."""
    return CountingCache
