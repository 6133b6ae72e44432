"""store: the project file (SQLite via sqlite-utils), its schema, history, backups and file safety.

sqlite-utils imports pandas and numpy at import time when they are installed (only to map
their types to column types, which qualcode never inserts). In a full environment that is
0.7–1.3 s of every command's start-up — more than a whole 18-quote Word export. So the
first import of sqlite-utils happens here with both hidden; they stay importable afterwards
for the code that really uses them (agreement statistics import numpy when they run).
"""

from __future__ import annotations

import sys


def _import_sqlite_utils_without_pandas() -> None:
    if "sqlite_utils" in sys.modules:
        return
    hidden = {name: sys.modules.get(name) for name in ("pandas", "numpy")}
    for name, module in hidden.items():
        if module is None:
            sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` raise ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name, module in hidden.items():
            if module is None:
                del sys.modules[name]


_import_sqlite_utils_without_pandas()
