"""The project file as SQLite sees it: is it a qualcode project, and a read-only connection to it.

Kept apart from :mod:`qualcode.store.project` so that backups, merge and restore can
check a file without opening a project.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from qualcode.errors import ProjectError
from qualcode.store import schema as migrations

BUSY_TIMEOUT_S = 30.0
SQLITE_HEADER = b"SQLite format 3\x00"


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection; on a read-only medium (no ``-shm`` can be made) fall back to ``immutable=1``."""
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(
        f"{uri}?mode=ro", uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_S, check_same_thread=False
    )
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        if os.access(path.parent, os.W_OK):
            raise
    # Nobody can write beside the file, so nobody can change it while we read: immutable is safe.
    return sqlite3.connect(
        f"{uri}?immutable=1", uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_S, check_same_thread=False
    )


def check_project_file(path: Path) -> None:
    """Raise :class:`ProjectError` unless ``path`` is a qualcode project. Read-only."""
    try:
        with open(path, "rb") as f:
            header = f.read(100)
    except IsADirectoryError:
        raise ProjectError("is a folder, not a project file", path=path) from None
    except OSError as e:
        raise ProjectError(f"cannot read the project file ({e.strerror})", path=path) from None
    hint = "; if it was a qualcode project, `qualcode restore` can bring back a backup"
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise ProjectError("not a qualcode project (not an SQLite database, or damaged)" + hint, path=path)
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != migrations.APPLICATION_ID:
        raise ProjectError("not a qualcode project (an SQLite database of another program)" + hint, path=path)
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    wal = Path(f"{path}-wal")
    wal_frames = wal.exists() and wal.stat().st_size > 32  # a crash mid-checkpoint: SQLite completes it
    if header[24:28] == header[92:96] and pages and not wal_frames and path.stat().st_size < pages * page_size:
        raise ProjectError(
            f"the project file is damaged (truncated: {path.stat().st_size} of {pages * page_size} bytes)" + hint,
            path=path,
        )
    had_sidecars = {suffix: Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm")}
    try:
        conn = connect_readonly(path)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            version = migrations.current_version(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        _remove_created(path, had_sidecars)
        raise ProjectError(f"the project file is damaged ({e})" + hint, path=path) from None
    if version > migrations.LATEST:
        raise ProjectError(f"made by a newer qualcode (schema {version}); upgrade qualcode", path=path)


def _remove_created(path: Path, had: dict[str, bool]) -> None:
    """Remove the empty ``-wal``/``-shm`` files our failed look at a damaged file made: leave it as it was."""
    for suffix, existed in had.items():
        side = Path(f"{path}{suffix}")
        with contextlib.suppress(OSError):
            if not existed and (suffix == "-shm" or side.stat().st_size == 0):
                side.unlink()
