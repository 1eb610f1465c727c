"""The README's core example runs as written and prints the DONE info."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_core_example_prints_done():
    text = README.read_text(encoding="utf-8")
    section = text.split("## Core API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["alice sees DONE for message 1", "PROCESSING -> DONE"]
