"""The project file: one SQLite database per project, opened through sqlite-utils.

* :meth:`Project.create` builds a new file under a temporary name and renames it
  into place, so a crash leaves no project or a complete one.
* :meth:`Project.open` refuses files that are not qualcode projects (never
  touching them), migrates older schemas, and turns on WAL, ``synchronous=FULL``,
  foreign keys and a busy timeout.
* :meth:`Project.transaction` wraps one user action in one ``BEGIN IMMEDIATE``
  transaction and appends one event (who, when, what, the row changes before and
  after) to the append-only event log. :mod:`qualcode.store.history` undoes and redoes
  those events.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import sqlite_utils

from qualcode.errors import ConflictError, ProjectError
from qualcode.names import check_coder_name
from qualcode.store import schema as migrations
from qualcode.store import seals
from qualcode.store.files import derived_permissions, fsync_dir, register_project, unregister_project
from qualcode.store.sqlite_file import (
    BUSY_TIMEOUT_S,
    DamagedError,
    check_project_file,
    close_connection,
    connect_readonly,
    damaged_message,
    explain,
    os_reason,
    remember_as_left,
)

DEFAULT_PROJECT = "qualcode.db"

DEFAULT_SETTINGS = {
    "citation_template": "({transcript}; {ranges})",
    "consensus_coder": "consensus",
    "language": "nl",
}


def now() -> str:
    """UTC time stamp with milliseconds, sortable as text."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_guid() -> str:
    return str(uuid.uuid4()).upper()


def _row(cursor: sqlite3.Cursor) -> dict | None:
    row = cursor.fetchone()
    if row is None:
        return None
    return {d[0]: v for d, v in zip(cursor.description, row)}


def _where(pk: dict) -> tuple[str, list]:
    return " AND ".join(f"[{k}] = ?" for k in pk), list(pk.values())


@dataclass
class Tx:
    """The changes of one user action, recorded as they are made.

    Every change is ``{"op", "table", "pk", "before", "after"}`` so that
    :mod:`qualcode.store.history` can invert it (undo) or apply it again (redo).
    Bulk rows that need no undo (the lines of an imported transcript) are
    written with ``tx.db`` directly and are covered by the transcript's hash.
    """

    project: Project
    action: str
    coder: str
    summary: str = ""
    kind: str = "do"
    ref: int | None = None
    changes: list[dict] = field(default_factory=list)
    event_id: int | None = None
    # transcript id → seal of the lines its writer just stored (hashed from the rows it wrote, not read back)
    line_seals: dict[int, str] = field(default_factory=dict)

    @property
    def db(self) -> sqlite_utils.Database:
        return self.project.db

    @property
    def conn(self) -> sqlite3.Connection:
        return self.project.conn

    def fetch(self, table: str, pk: dict) -> dict | None:
        where, params = _where(pk)
        return _row(self.conn.execute(f"SELECT * FROM [{table}] WHERE {where}", params))

    def insert(self, table: str, row: dict, pk: str = "id") -> int:
        cols = list(row)
        cur = self.conn.execute(
            f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) VALUES ({', '.join('?' for _ in cols)})",
            [row[c] for c in cols],
        )
        key = row.get(pk, cur.lastrowid)
        after = self.fetch(table, {pk: key})
        self.changes.append({"op": "insert", "table": table, "pk": {pk: key}, "before": None, "after": after})
        return cast(int, key)

    def update(self, table: str, pk: dict, values: dict) -> dict:
        before = self.fetch(table, pk)
        if before is None:
            raise ConflictError(f"{table} row {pk} no longer exists (changed by someone else?)")
        where, params = _where(pk)
        sets = ", ".join(f"[{c}] = ?" for c in values)
        self.conn.execute(f"UPDATE [{table}] SET {sets} WHERE {where}", list(values.values()) + params)
        after = self.fetch(table, pk)
        assert after is not None  # the row existed and was only updated, in this transaction
        changed = {k for k in values if before.get(k) != after.get(k)}
        if changed:
            self.changes.append(
                {
                    "op": "update",
                    "table": table,
                    "pk": pk,
                    "before": {k: before[k] for k in changed},
                    "after": {k: after[k] for k in changed},
                }
            )
        return after

    def delete(self, table: str, pk: dict) -> dict:
        before = self.fetch(table, pk)
        if before is None:
            raise ConflictError(f"{table} row {pk} no longer exists (changed by someone else?)")
        where, params = _where(pk)
        self.conn.execute(f"DELETE FROM [{table}] WHERE {where}", params)
        self.changes.append({"op": "delete", "table": table, "pk": pk, "before": before, "after": None})
        return before


class Project:
    """An open project file. Use one instance per thread (SQLite's same-thread rule)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, readonly: bool = False):
        self.path = Path(path)
        self.conn = conn
        self.readonly = readonly
        self.notices: list[str] = []  # one-line remarks for the user (read-only, no backup made, …)
        self.damaged: str | None = None  # why the file is damaged (then it is open read-only)
        self.readonly_reason = "the project is open read-only"
        self._closed = False
        register_project(self.path, lambda: _transcript_sources(self.path))

    @functools.cached_property
    def db(self) -> sqlite_utils.Database:
        """The file as a ``sqlite_utils.Database`` (schema work, bulk inserts), made on first use.

        sqlite-utils imports numpy and pandas when they are installed (~1 s); commands that
        only read or write a few rows never pay for it.
        """
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    # ------------------------------------------------------------------ opening
    @classmethod
    def create(
        cls,
        path: str | os.PathLike,
        *,
        setup: Callable[[Project], object] | None = None,
        derived_from: tuple[Path, ...] = (),
    ) -> Project:
        """Create a new project file atomically: build it under a temporary name, then rename.

        ``setup(project)`` runs on the new file before the rename (e.g. loading a
        codebook), so a crash leaves no project or a complete one, codebook included.
        The file gets the umask's permissions, never more than the files it is made
        from (``derived_from``) or any project open in this process.
        """
        try:
            return cls._create(Path(path), setup, derived_from)
        except OSError as e:
            raise ProjectError(f"cannot create the project ({os_reason(e)}); nothing was made", path=path) from None
        except sqlite3.Error as e:
            raise explain(e, Path(path)) from None

    @classmethod
    def _create(cls, path: Path, setup: Callable[[Project], object] | None, derived_from: tuple[Path, ...]) -> Project:
        if path.exists():
            raise ProjectError("a file already exists there; open it, or choose another name", path=path)
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise ProjectError(f"folder {folder} does not exist", path=path)
        _remove_stale_temporaries(folder, path.name)
        import tempfile

        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".creating", dir=folder)
        os.close(fd)
        derived_permissions(tmp, *derived_from)  # mkstemp makes 0600
        try:
            conn = sqlite3.connect(tmp, isolation_level=None)
            try:
                conn.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
                conn.execute("PRAGMA journal_mode = DELETE")
                conn.execute("PRAGMA foreign_keys = ON")
                migrations.migrate(conn)
                conn.execute("BEGIN IMMEDIATE")
                for key, value in DEFAULT_SETTINGS.items():
                    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
                conn.execute("INSERT INTO meta (key, value) VALUES ('created_at', ?)", (now(),))
                conn.execute("COMMIT")
                if setup is not None:
                    made = cls(Path(tmp), conn)
                    try:
                        setup(made)
                    finally:
                        unregister_project(made.path)
            finally:
                conn.close()
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
            os.replace(tmp, path)
            fsync_dir(folder)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return cls.open(path)

    @classmethod
    def open(cls, path: str | os.PathLike, *, readonly: bool = False) -> Project:
        """Open an existing project; refuse anything that is not one, without touching it."""
        path = Path(path)
        if not path.exists():
            raise ProjectError(
                "no project here; create one with `qualcode init` (or `qualcode import FILE…`), or pass --project PATH",
                path=path,
            )
        wanted_write = not readonly
        folder = path.parent if str(path.parent) else Path(".")
        if not readonly and not (os.access(path, os.W_OK) and os.access(folder, os.W_OK)):
            readonly = True  # WAL needs to create files beside the project
        damaged = check_project_file(path, deep=not readonly)
        readonly = readonly or damaged is not None
        try:
            if readonly:
                conn = connect_readonly(path)
            else:
                conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        except sqlite3.Error as e:
            raise explain(e, path) from None
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
                migrations.migrate(conn)
            elif migrations.current_version(conn) < migrations.LATEST:
                if wanted_write:  # the file or its folder is read-only (or the file is damaged)
                    raise ProjectError(
                        "the project needs a schema upgrade but is read-only; open it once with write access",
                        path=path,
                    )
                # a file that a newer qualcode first reads with a reading command: the upgrade is a write,
                # made once by a writing open (each version in its own transaction), then it is read as asked
                close_connection(conn)
                cls.open(path).close()
                return cls.open(path, readonly=True)
        except sqlite3.DatabaseError as e:
            close_connection(conn)
            raise explain(e, path) from None
        except BaseException:
            close_connection(conn)
            raise
        project = cls(path, conn, readonly=readonly)
        project.damaged = damaged
        if not readonly:
            from qualcode.store import backups

            backups.on_open(project)
        if project.notices:
            import logging  # (only here: logging costs every command's start-up)

            for notice in project.notices:
                logging.getLogger("qualcode").warning("notice: %s", notice)
        # shown by the workbench; a CLI write says it in its one error line
        if damaged is not None:
            project.notices.append(f"{path}: the project file is damaged ({damaged}); opened for reading only")
        elif wanted_write and readonly:
            project.readonly_reason = "the file or its folder is read-only"
            project.notices.append(
                f"{path}: {project.readonly_reason}; opened for reading only, changes will be refused"
            )
        return project

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            close_connection(self.conn)
            unregister_project(self.path)
            if not self.readonly and not os.path.exists(f"{self.path}-wal"):
                remember_as_left(self.path)  # the last connection closed cleanly: no need to re-check it

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ----------------------------------------------------------------- settings
    def setting(self, key: str, default: str | None = None) -> str | None:
        row = _row(self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)))
        if row is None:
            return DEFAULT_SETTINGS.get(key, default)
        return row["value"]

    def set_setting(self, tx: Tx, key: str, value: str) -> None:
        if tx.fetch("meta", {"key": key}) is None:
            tx.insert("meta", {"key": key, "value": value}, pk="key")
        else:
            tx.update("meta", {"key": key}, {"value": value})

    @property
    def citation_template(self) -> str:
        return cast(str, self.setting("citation_template"))  # has a default

    @property
    def consensus_coder(self) -> str:
        return cast(str, self.setting("consensus_coder"))  # has a default

    # ------------------------------------------------------------- transactions
    @contextlib.contextmanager
    def transaction(
        self, action: str, coder: str, summary: str = "", *, kind: str = "do", ref: int | None = None
    ) -> Iterator[Tx]:
        """One user action: one ``BEGIN IMMEDIATE`` transaction and one event.

        ``kind`` is ``"do"`` (undoable), ``"log"`` (recorded, not undoable: imports,
        codebook loads), or ``"undo"``/``"redo"`` (used by :mod:`qualcode.store.history`).
        Nothing is written when the block raises.
        """
        if self.damaged is not None:
            raise DamagedError(damaged_message(self.damaged), path=self.path)
        if self.readonly:
            raise ProjectError(f"{self.readonly_reason}; nothing was changed", path=self.path)
        check_coder_name(coder)  # shown in every listing and the workbench: never control characters
        self._begin()
        tx = Tx(self, action, coder, summary, kind, ref)
        try:
            transcripts_before = self._transcript_ids()
            yield tx
            for transcript_id in self._transcript_ids() - transcripts_before:  # lines stored in this action
                seals.seal_lines(self.conn, transcript_id, tx.line_seals.get(transcript_id))
            self._append_event(tx)
            self.conn.execute("COMMIT")
        except BaseException as e:
            if self.conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            if isinstance(e, sqlite3.IntegrityError) and "identical coding" in str(e):
                raise ConflictError(
                    "that coder has this coding already (same lines, same code); nothing was changed"
                ) from None
            if isinstance(e, sqlite3.DatabaseError) and not isinstance(e, sqlite3.IntegrityError):
                error = explain(e, self.path)
                if isinstance(error, DamagedError):
                    self.damaged = str(e)
                raise error from None
            raise

    def _transcript_ids(self) -> set[int]:
        return {r[0] for r in self.conn.execute("SELECT id FROM transcripts")}

    def _append_event(self, tx: Tx) -> None:
        """The action's event, chained to the one before it (see :mod:`qualcode.store.seals`)."""
        last = self.conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
        event_id = (last[0] if last else 0) + 1
        row = (
            event_id,
            now(),
            tx.coder,
            tx.action,
            tx.kind,
            tx.ref,
            tx.summary,
            json.dumps(tx.changes, ensure_ascii=False, separators=(",", ":")),
        )
        self.conn.execute(
            f"INSERT INTO events ({seals.EVENT_COLUMNS}, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*row, seals.event_hash((last[1] or "") if last else "", row)),
        )
        tx.event_id = event_id

    def _begin(self) -> None:
        """``BEGIN IMMEDIATE`` with retries beyond the busy timeout for long writers."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S * 2
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.DatabaseError as e:
                if "locked" not in str(e) and "busy" not in str(e):
                    raise explain(e, self.path) from None
                if time.monotonic() > deadline:
                    raise ProjectError(
                        "the project is busy (another qualcode is writing); try again", path=self.path
                    ) from None
                time.sleep(0.05)

    def guid_allocator(self) -> GuidPool:
        """GUIDs for objects brought in from another project or tool (merge, REFI-QDA import)."""
        return GuidPool(
            {
                r[0]
                for r in self.conn.execute(
                    "SELECT guid FROM transcripts UNION SELECT guid FROM codes UNION SELECT guid FROM codings "
                    "UNION SELECT guid FROM memos UNION SELECT guid FROM coders"
                )
            }
        )

    # ------------------------------------------------------------------ queries
    def query(self, sql: str, params: Any = ()) -> list[dict]:
        cur = self.conn.execute(sql, params)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]

    def query_one(self, sql: str, params: Any = ()) -> dict | None:
        return _row(self.conn.execute(sql, params))

    def scalar(self, sql: str, params: Any = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]


class GuidPool:
    """The GUIDs a project uses: ``pool(guid)`` keeps a foreign GUID unless it is taken, else makes one."""

    def __init__(self, used: set[str]):
        self.used = used

    def __call__(self, guid: str | None = None) -> str:
        g = guid if guid and guid not in self.used else new_guid()
        self.used.add(g)
        return g

    def __contains__(self, guid: object) -> bool:
        return guid in self.used

    def add(self, guid: str) -> None:
        self.used.add(guid)


def _transcript_sources(path: Path) -> list[str]:
    """The files a project's transcripts were imported from (read on a connection of its own)."""
    conn = connect_readonly(path)
    try:
        return [r[0] for r in conn.execute("SELECT source FROM transcripts")]
    finally:
        close_connection(conn)


def _remove_stale_temporaries(folder: Path, name: str, age_s: float = 3600) -> None:
    """Remove ``.NAME.*.creating`` files left by a create that was killed over an hour ago."""
    cutoff = time.time() - age_s
    for stale in folder.glob(f".{name}.*.creating"):
        with contextlib.suppress(OSError):
            if stale.stat().st_mtime < cutoff:
                stale.unlink()
