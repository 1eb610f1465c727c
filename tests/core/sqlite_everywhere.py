"""A pytest plugin (``-p sqlite_everywhere``) that makes every default store and cache SQLite.

Engines built without a ``store`` get ``SqliteEngineStore(":memory:")`` and clients built without
a ``cache`` get ``SqliteLocalCache(":memory:")``, so the whole core suite can run on SQLite.
Used by ``test_sqlite_whole_suite.py``.
"""

from __future__ import annotations

import readtick.core.client
import readtick.core.engine
from readtick.core.sqlitecache import SqliteLocalCache
from readtick.core.sqlitestore import SqliteEngineStore

readtick.core.engine.MemoryEngineStore = lambda: SqliteEngineStore(":memory:")  # type: ignore[assignment,misc]
readtick.core.client.MemoryLocalCache = lambda: SqliteLocalCache(":memory:")  # type: ignore[assignment,misc]
