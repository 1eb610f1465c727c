"""Every other core test, run again with SQLite (in memory) as the default store and cache.

The engine's behaviour is specified by the core suite; running all of it on ``SqliteEngineStore``
and ``SqliteLocalCache`` keeps the SQLite stores equivalent to the memory ones as that suite grows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_the_core_suite_passes_on_sqlite():
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(HERE),
            "-p",
            "sqlite_everywhere",
            "-p",
            "no:cacheprovider",
            "--ignore-glob=*test_sqlite_*",
            # these two already run every case on both stores
            "--ignore-glob=*test_stateful*",
            "--ignore-glob=*test_sdk_bad_input*",
            "-q",
            "--no-header",
        ],
        cwd=HERE.parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
