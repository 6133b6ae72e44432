"""The project file as SQLite sees it: is it a qualcode project, is it sound, and a read-only connection to it.

Kept apart from :mod:`qualcode.store.project` so that backups, merge and restore can
check a file without opening a project.

One rule holds everywhere: **a process that may hold a connection to a project
never opens the project file (or its ``-wal``/``-shm``) outside SQLite.** Closing
any file descriptor of a file releases every POSIX lock the process holds on it,
so another process would think it is the last connection, checkpoint and delete
the WAL under us, and later writes would go to a deleted file (SQLite's "How To
Corrupt An SQLite Database File", §2.2). Headers, application ids and page counts
are therefore read through SQLite connections (``PRAGMA application_id``,
``page_count``), which share their file descriptors and locks per process.

The checks, in the order :func:`check_project_file` runs them:

* not a database, another program's database, truncated, unreadable schema →
  :class:`~qualcode.errors.ProjectError` (the file cannot be opened at all);
* a ``-wal`` that does not belong to the file (left from another copy) → refused;
* with ``deep=True`` (opening for writing) ``PRAGMA quick_check``: a damaged
  page makes the project open read-only and every write is refused. The check
  reads the whole file (about a second for 50 MB), so it is skipped when the file
  is exactly as qualcode left it at its last clean close (same inode, size and
  modification time, remembered in the user's cache folder) or when a live session
  (a ``-wal`` with frames) has already checked it on opening.

A read-only medium (no ``-shm`` can be made beside the file) with committed work
still in the ``-wal`` is read from a private copy of the file and its ``-wal`` in
a temporary folder, so nothing committed is hidden.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import time
from pathlib import Path

from qualcode.errors import ProjectError
from qualcode.store import schema as migrations

BUSY_TIMEOUT_S = 30.0
WAL_HEADER = 32
RESTORE_HINT = "`qualcode restore` brings back a backup (`qualcode backups` lists them)"
_private_copies: dict[int, Path] = {}  # id(connection) -> temporary folder holding a copy of a read-only project


class DamagedError(ProjectError):
    """The project file is damaged: it may be read, never written."""


def damaged_message(reason: str) -> str:
    return f"the project file is damaged ({reason}); nothing was changed; {RESTORE_HINT}"


def _connect(uri: str) -> sqlite3.Connection:
    return sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_S, check_same_thread=False)


def wal_has_frames(path: Path) -> bool:
    """Whether the ``-wal`` beside ``path`` holds frames (``stat`` only: no file is opened)."""
    try:
        return os.stat(f"{path}-wal").st_size > WAL_HEADER
    except OSError:
        return False


def folder_writable(path: Path) -> bool:
    """Whether files can be made beside ``path`` (``access`` reports a read-only mount even for root)."""
    folder = path.parent if str(path.parent) else Path(".")
    return os.access(folder, os.W_OK | os.X_OK)


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection that sees every committed transaction, WAL included.

    When no ``-shm`` can be made beside the file (a read-only medium), a file
    without WAL frames is opened ``immutable`` (nobody can change it); one with
    frames is copied with its ``-wal`` to a private temporary folder and read
    there. Nothing can hold a writing connection to a file on a read-only medium,
    so copying it cannot disturb anyone's locks.
    """
    uri = path.resolve().as_uri()
    try:
        conn = _connect(f"{uri}?mode=ro")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        with contextlib.suppress(UnboundLocalError):
            conn.close()
        if folder_writable(path):
            raise
    if not wal_has_frames(path):
        return _connect(f"{uri}?immutable=1")
    return _private_copy(path)


def _private_copy(path: Path) -> sqlite3.Connection:
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="qualcode-readonly-"))  # 0700
    try:
        copy = folder / path.name
        shutil.copyfile(path, copy)
        shutil.copyfile(f"{path}-wal", f"{copy}-wal")
        conn = _connect(f"{copy.as_uri()}?mode=ro")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except (OSError, sqlite3.Error) as e:
        shutil.rmtree(folder, ignore_errors=True)
        if isinstance(e, OSError):
            raise ProjectError(
                f"the project is on a read-only medium with unsaved work in its -wal, and no private copy "
                f"could be made ({os_reason(e)}); copy the folder to a writable place",
                path=path,
            ) from None
        raise
    _private_copies[id(conn)] = folder
    return conn


def close_connection(conn: sqlite3.Connection) -> None:
    """Close ``conn`` and remove the private copy it was reading, if any."""
    with contextlib.suppress(sqlite3.Error):
        conn.close()
    folder = _private_copies.pop(id(conn), None)
    if folder is not None:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


def read_from_private_copy(conn: sqlite3.Connection) -> bool:
    return id(conn) in _private_copies


# ------------------------------------------------------------------ errors
def disk_full(path: Path) -> bool:
    import shutil

    try:
        return shutil.disk_usage(path.parent if str(path.parent) else ".").free < 1024 * 1024
    except OSError:
        return False


def os_reason(e: OSError) -> str:
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        return "disk full"
    if e.errno == errno.EROFS:
        return "read-only file system"
    return e.strerror or str(e)


def explain(e: sqlite3.Error, path: Path) -> ProjectError:
    """One line for an SQLite error on the project: disk full, busy, read-only, damaged — or what SQLite said."""
    name = getattr(e, "sqlite_errorname", "") or ""
    msg = str(e)
    if name.startswith("SQLITE_FULL") or "full" in msg or (name.startswith("SQLITE_IOERR") and disk_full(path)):
        return ProjectError(
            "disk full; the action was rolled back and the project is intact (free some space and try again)", path=path
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in msg or "busy" in msg:
        return ProjectError(
            "the project is busy (another qualcode is writing); nothing was changed, try again", path=path
        )
    if name.startswith("SQLITE_READONLY") or "readonly" in msg or "read-only" in msg:
        return ProjectError("the project is read-only; nothing was changed", path=path)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in msg:
        return DamagedError(damaged_message(msg), path=path)
    if name.startswith("SQLITE_CANTOPEN"):
        return ProjectError(f"cannot open the project file ({msg})", path=path)
    return ProjectError(f"database error: {msg}", path=path)


# ------------------------------------------------------------------ checks
def is_qualcode_file(path: Path) -> bool:
    """Whether ``path`` is an SQLite file with qualcode's application id (read through SQLite, never ``open``)."""
    try:
        conn = _connect(f"{path.resolve().as_uri()}?immutable=1")  # the header field never changes: no WAL needed
        try:
            return conn.execute("PRAGMA application_id").fetchone()[0] == migrations.APPLICATION_ID
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def check_project_file(path: Path, *, deep: bool = False) -> str | None:
    """Raise :class:`ProjectError` unless ``path`` is a usable qualcode project; never writes to it.

    Returns the reason the file is damaged when ``deep`` (``PRAGMA quick_check``)
    finds a damaged page: such a project may be opened for reading only.
    """
    if path.is_dir():
        raise ProjectError("is a folder, not a project file", path=path)
    if not os.access(path, os.R_OK):
        raise ProjectError("cannot read the project file (permission denied)", path=path)
    hint = "; if it was a qualcode project, " + RESTORE_HINT
    had_sidecars = {suffix: os.path.exists(f"{path}{suffix}") for suffix in ("-wal", "-shm")}
    try:
        conn = connect_readonly(path)
    except sqlite3.Error as e:
        raise _unusable(e, path, had_sidecars, hint) from None
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != migrations.APPLICATION_ID:
            raise ProjectError("not a qualcode project (an SQLite database of another program)" + hint, path=path)
        _check_length(conn, path, hint)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        version = migrations.current_version(conn)
        if version > migrations.LATEST:
            raise ProjectError(f"made by a newer qualcode (schema {version}); upgrade qualcode", path=path)
        if not read_from_private_copy(conn):
            check_wal(path, conn)
        if not deep or wal_has_frames(path) or _as_left(path):
            return None
        damaged = _quick_check(conn)
        if damaged is None:
            remember_as_left(path)
        return damaged
    except sqlite3.Error as e:
        raise _unusable(e, path, had_sidecars, hint) from None
    finally:
        close_connection(conn)


def _unusable(e: sqlite3.Error, path: Path, had: dict[str, bool], hint: str) -> ProjectError:
    error = explain(e, path)
    if isinstance(error, DamagedError):
        _remove_created(path, had)
        if getattr(e, "sqlite_errorname", "") == "SQLITE_NOTADB":
            return ProjectError("not a qualcode project (not an SQLite database, or damaged)" + hint, path=path)
        return ProjectError(f"the project file is damaged ({e})" + hint, path=path)
    return error


def _check_length(conn: sqlite3.Connection, path: Path, hint: str) -> None:
    """A file shorter than its header says is truncated (unless the WAL still holds the missing pages)."""
    if wal_has_frames(path):
        return
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    size = os.stat(path).st_size
    if size < pages * page_size:
        raise ProjectError(
            f"the project file is damaged (truncated: {size} of {pages * page_size} bytes)" + hint, path=path
        )


def _fingerprint_file(path: Path) -> Path:
    import hashlib

    from platformdirs import user_cache_dir

    key = hashlib.sha256(os.path.abspath(path).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return Path(user_cache_dir("qualcode")) / "checked" / key


def _fingerprint(path: Path) -> str:
    st = os.stat(path)
    return f"{st.st_ino} {st.st_size} {st.st_mtime_ns}"


def _as_left(path: Path) -> bool:
    try:
        return _fingerprint_file(path).read_text(encoding="ascii") == _fingerprint(path)
    except (OSError, ValueError):
        return False


def remember_as_left(path: Path) -> None:
    """Remember the file as checked (or as qualcode left it); best effort, never raises."""
    try:
        record = _fingerprint_file(path)
        record.parent.mkdir(parents=True, exist_ok=True)
        tmp = record.with_name(f"{record.name}.{os.getpid()}.tmp")
        tmp.write_text(_fingerprint(path), encoding="ascii")
        os.replace(tmp, record)
    except OSError:
        pass


def _quick_check(conn: sqlite3.Connection) -> str | None:
    problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
    if problems == ["ok"]:
        return None
    text = " ".join(" ".join(problems).replace("*** in database main ***", "").split())
    return (text[:120] + " …") if len(text) > 120 else text


def _last_event(conn: sqlite3.Connection) -> tuple | None:
    has_events = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").fetchone()
    if not has_events:
        return None
    return conn.execute(
        "SELECT id, at, coder, action, kind, ref, summary, changes FROM events ORDER BY id DESC LIMIT 1"
    ).fetchone()


def check_wal(path: Path, conn: sqlite3.Connection, attempts: int = 3) -> None:
    """Refuse a ``-wal`` that does not continue the file beside it (left there from another copy).

    SQLite checks that a WAL's frames belong to the WAL (salts, checksums), not
    that the WAL belongs to the database file: another copy's WAL is replayed
    silently. A WAL that belongs only adds to the file, so the newest event in the
    file alone must be, unchanged, in the file as the WAL shows it. Read in one
    snapshot; a checkpoint running meanwhile only copies frames from that snapshot.
    """
    if not wal_has_frames(path):
        return
    for attempt in range(attempts):
        conn.execute("BEGIN")
        try:
            file_only = _file_only_last_event(path)
            if file_only is None:
                return
            seen = conn.execute(
                "SELECT id, at, coder, action, kind, ref, summary, changes FROM events WHERE id = ?", (file_only[0],)
            ).fetchone()
        finally:
            conn.execute("COMMIT")
        if seen == file_only:
            return
        time.sleep(0.05 * (attempt + 1))  # a page torn by a checkpoint in progress: look again
    assert file_only is not None  # every pass that found none returned
    raise ProjectError(
        f"the -wal file beside the project does not belong to it (event {file_only[0]} differs; "
        f"a -wal from another copy?); nothing was changed; move {path.name}-wal away to open the file as it is",
        path=path,
    )


def _file_only_last_event(path: Path) -> tuple | None:
    """The newest event in the database file without its WAL (``immutable``: no locks, no WAL read)."""
    try:
        conn = _connect(f"{path.resolve().as_uri()}?immutable=1")
        try:
            return _last_event(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None  # the file alone cannot be read (its schema is still in the WAL): nothing to compare


def _remove_created(path: Path, had: dict[str, bool]) -> None:
    """Remove the empty ``-wal``/``-shm`` files our failed look at a damaged file made: leave it as it was."""
    for suffix, existed in had.items():
        side = Path(f"{path}{suffix}")
        with contextlib.suppress(OSError):
            if not existed and (suffix == "-shm" or side.stat().st_size == 0):
                side.unlink()
