"""Top-level test configuration: pins the Qt platform and binding before anything imports Qt.

Nothing Qt-specific lives here, so core tests never start Qt; Qt fixtures belong in tests/ui/.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
