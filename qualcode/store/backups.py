"""Rotating backups of a project file, made with SQLite's online backup API.

Opening a project for writing calls :func:`on_open`, which copies the live
database (a consistent snapshot, WAL included, never a file copy of a live
database) to ``backups/<stem>-<UTC time>-<kind>.db`` beside the project:

* ``daily``: the first backup of a (UTC) day;
* ``session``: one per session of work. Every CLI command and every TUI start is
  an opening, so a session backup is skipped when the newest backup is younger
  than :data:`SESSION_GAP_S` (env ``QUALCODE_BACKUP_GAP_S``; a script looping over ``qualcode code`` must not
  copy the project two thousand times) or when nothing changed since it;
* ``before-restore``: the current file, kept by :func:`restore`.

Rotation keeps the last ``keep`` (default 10, env ``QUALCODE_BACKUPS``; 0 turns
backups off) backups of the project, of which the daily ones of the most recent
``keep // 2`` days are kept first, so yesterday's state survives a busy day.

A backup is written under a temporary name and renamed into place: a crash
leaves no half-written backup. A backup that cannot be made (disk full, folder
not writable) never stops the project from opening; the reason is kept in
``project.notices``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from qualcode.errors import NotFoundError, ProjectError
from qualcode.store.files import derived_permissions, fsync_dir

DEFAULT_KEEP = 10
SESSION_GAP_S = 10 * 60.0
FOLDER = "backups"
KINDS = ("daily", "session", "before-restore", "manual")
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6}\d{3}Z)(?:-(?P<pid>\d+))?-(?P<kind>[a-z-]+)\.db$")


@dataclass(frozen=True)
class Backup:
    name: str
    path: Path
    kind: str
    created: str  # ISO 8601, UTC
    size: int

    @property
    def day(self) -> str:
        return self.created[:10]

    def as_dict(self) -> dict:
        d = asdict(self)
        d["path"] = str(self.path)
        return d


def keep_count() -> int:
    try:
        return max(0, int(os.environ.get("QUALCODE_BACKUPS", DEFAULT_KEEP)))
    except ValueError:
        return DEFAULT_KEEP


def session_gap_s() -> float:
    try:
        return max(0.0, float(os.environ.get("QUALCODE_BACKUP_GAP_S", SESSION_GAP_S)))
    except ValueError:
        return SESSION_GAP_S


def folder_for(project_path: str | os.PathLike) -> Path:
    return Path(project_path).parent / FOLDER


def _stamp(t: float | None = None) -> str:
    dt = datetime.fromtimestamp(time.time() if t is None else t, timezone.utc)
    return dt.strftime("%Y%m%dT%H%M%S") + f"{dt.microsecond // 1000:03d}Z"


def _stamp_of(name: str) -> str:
    """The time stamp in a backup name this module made (it always matches ``_NAME``)."""
    m = _NAME.match(name)
    assert m is not None
    return m.group("stamp")


def _iso(stamp: str) -> str:
    return f"{stamp[0:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[9:11]}:{stamp[11:13]}:{stamp[13:15]}.{stamp[15:18]}Z"


def list_backups(project_path: str | os.PathLike) -> list[Backup]:
    """The project's backups, newest first."""
    project_path = Path(project_path)
    folder = folder_for(project_path)
    out: list[Backup] = []
    if not folder.is_dir():
        return out
    for entry in os.scandir(folder):
        m = _NAME.match(entry.name)
        if not m or m.group("stem") != project_path.stem:
            continue
        try:
            size = entry.stat().st_size
        except FileNotFoundError:  # rotated away by another process just now
            continue
        out.append(Backup(entry.name, Path(entry.path), m.group("kind"), _iso(m.group("stamp")), size))
    out.sort(key=lambda b: (b.created, b.name), reverse=True)
    return out


def describe(backup: Backup) -> dict:
    """A backup's listing: its file data plus what it holds (transcripts, codings, last event)."""
    d = backup.as_dict()
    try:
        conn = sqlite3.connect(f"{backup.path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            d["transcripts"] = conn.execute("SELECT count(*) FROM transcripts").fetchone()[0]
            d["codings"] = conn.execute("SELECT count(*) FROM codings").fetchone()[0]
            last = conn.execute("SELECT id, at, coder, summary FROM events ORDER BY id DESC LIMIT 1").fetchone()
            d["last_event"] = dict(zip(("id", "at", "coder", "summary"), last)) if last else None
        finally:
            conn.close()
    except sqlite3.Error as e:
        d["error"] = f"unreadable ({e})"
    return d


def _copy_db(source: sqlite3.Connection, target: Path, like: Path) -> None:
    """Online-backup ``source`` to ``target`` (temporary name, fsync, rename into place).

    The copy gets at most the permissions of the project file ``like``: a private
    project has private backups."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        dst = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            source.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
        finally:
            dst.close()
        derived_permissions(tmp, like)
        with open(tmp, "rb") as f:  # our own new file, not the project
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(target.parent)


def make_backup(
    conn: sqlite3.Connection, project_path: str | os.PathLike, kind: str = "manual", keep: int | None = None
) -> Backup:
    """Back up the open database ``conn`` of ``project_path`` now, then rotate."""
    project_path = Path(project_path)
    folder = folder_for(project_path)
    folder.mkdir(exist_ok=True)
    _clean_partials(folder)
    name = f"{project_path.stem}-{_stamp()}-{os.getpid()}-{kind}.db"
    target = folder / name
    _copy_db(conn, target, project_path)
    rotate(project_path, keep_count() if keep is None else keep)
    return Backup(name, target, kind, _iso(_stamp_of(name)), target.stat().st_size)


def rotate(project_path: str | os.PathLike, keep: int) -> list[Backup]:
    """Delete all but ``keep`` backups (daily ones of the latest ``keep // 2`` days first); return the deleted."""
    items = list_backups(project_path)
    if len(items) <= keep:
        return []
    first_of_day: dict[str, Backup] = {}
    for b in reversed(items):  # oldest first
        first_of_day.setdefault(b.day, b)
    kept = set(sorted(first_of_day.values(), key=lambda b: b.created, reverse=True)[: keep // 2])
    for b in items:
        if len(kept) >= keep:
            break
        kept.add(b)
    deleted = [b for b in items if b not in kept]
    for b in deleted:
        with contextlib.suppress(FileNotFoundError):
            b.path.unlink()
    return deleted


def _last_event(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT ifnull(max(id), 0) FROM events").fetchone()[0]


def on_open(project) -> Backup | None:
    """The backup made when a project is opened for writing (see the module doc); never raises."""
    keep = keep_count()
    if keep == 0 or project.readonly:
        return None
    try:
        last_event = _last_event(project.conn)
        if last_event == 0:
            return None  # an empty new project: nothing to lose
        existing = list_backups(project.path)
        kind = "daily"
        if existing:
            newest = existing[0]
            if _backup_last_event(newest.path) == last_event:
                return None  # nothing changed since the newest backup
            if any(b.day == _iso(_stamp())[:10] for b in existing):
                if time.time() - _created_ts(newest) < session_gap_s():
                    return None  # the same session of work
                kind = "session"
        return make_backup(project.conn, project.path, kind, keep)
    except (OSError, sqlite3.Error) as e:
        reason = getattr(e, "strerror", None) or str(e)
        project.notices.append(f"{project.path}: no backup was made ({reason}); the project is open as usual")
        return None


def _created_ts(b: Backup) -> float:
    return datetime.strptime(b.created, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()


def _backup_last_event(path: Path) -> int | None:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return _last_event(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def find(project_path: str | os.PathLike, spec: str) -> Path:
    """A backup named by its number in :func:`list_backups` (1 = newest), its file name, or a path."""
    items = list_backups(project_path)
    if spec.isdigit() and 1 <= int(spec) <= len(items):
        return items[int(spec) - 1].path
    for b in items:
        if spec in (b.name, b.path.stem):
            return b.path
    p = Path(spec)
    if p.is_file():
        return p
    known = ", ".join(b.name for b in items[:3])
    raise NotFoundError(
        f"no backup {spec!r}"
        + (
            f" (newest: {known}; see `qualcode backups`)"
            if items
            else f" (there are no backups in {folder_for(project_path)})"
        )
    )


def restore(project_path: str | os.PathLike, backup: str | os.PathLike) -> dict:
    """Make the project the backup's state again, keeping the current file as one more backup.

    When the current file opens, the backup is copied *into* it with the online
    backup API (other open connections see the change safely); when it is
    damaged or missing, it is kept byte for byte in ``backups/`` and replaced by
    a copy built under a temporary name. A restored file keeps the current file's
    permissions. A full disk or a read-only folder is one line; the project is unchanged.
    """
    from qualcode.store.sqlite_file import explain, os_reason

    try:
        return _restore(Path(project_path), Path(backup))
    except OSError as e:
        raise ProjectError(f"cannot restore ({os_reason(e)}); the project is unchanged", path=project_path) from None
    except sqlite3.Error as e:
        raise explain(e, Path(project_path)) from None


def _restore(project_path: Path, backup: Path) -> dict:
    from qualcode.store.sqlite_file import check_project_file

    check_project_file(backup)
    src = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    try:
        result = src.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise ProjectError(f"the backup is damaged ({result}); choose another one", path=backup)
        kept = _keep_current(project_path)
        if kept is not None and kept["live"]:
            dst = sqlite3.connect(str(project_path), isolation_level=None, timeout=30.0)
            try:
                dst.execute("PRAGMA busy_timeout = 30000")
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = WAL")
                dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the file itself holds the restored state
            finally:
                dst.close()
        else:
            tmp = project_path.with_name(f".{project_path.name}.{os.getpid()}.restoring")
            try:
                _copy_db(src, tmp, project_path if project_path.exists() else backup)
                for suffix in ("-wal", "-shm"):  # a stale log must never be replayed onto the restored file
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(f"{project_path}{suffix}")
                os.replace(tmp, project_path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            fsync_dir(project_path.parent)
    finally:
        src.close()
    return {"restored": str(backup), "project": str(project_path), "kept": str(kept["backup"].path) if kept else None}


def _keep_current(project_path: Path) -> dict | None:
    """Back up the current project file before it is replaced; ``None`` when there is none."""
    from qualcode.store.sqlite_file import check_project_file

    if not project_path.exists():
        return None
    try:
        live = check_project_file(project_path, deep=True) is None  # a damaged page: keep the bytes as they are
    except ProjectError as e:
        if "another program" in e.message:
            raise ProjectError("is not a qualcode project; restore will not replace it", path=project_path) from None
        live = False
    if live:
        conn = sqlite3.connect(str(project_path), isolation_level=None, timeout=30.0)
        try:
            b = make_backup(conn, project_path, "before-restore", keep=max(keep_count(), 1) + 1)
        except sqlite3.DatabaseError:
            live = False
        finally:
            conn.close()
    if not live:  # damaged: keep its bytes exactly as they are
        folder = folder_for(project_path)
        folder.mkdir(exist_ok=True)
        name = f"{project_path.stem}-{_stamp()}-{os.getpid()}-before-restore.db"
        tmp = folder / f".{name}.partial"
        shutil.copyfile(project_path, tmp)  # damaged: no connection to it is open in this process
        derived_permissions(tmp, project_path)
        os.replace(tmp, folder / name)
        b = Backup(
            name,
            folder / name,
            "before-restore",
            _iso(_stamp_of(name)),
            (folder / name).stat().st_size,
        )
    return {"backup": b, "live": live}


def _clean_partials(folder: Path, age_s: float = 3600.0) -> None:
    """Remove temporary files left by a backup that was killed (older than an hour)."""
    cutoff = time.time() - age_s
    for entry in os.scandir(folder):
        if entry.name.endswith(".partial"):
            with contextlib.suppress(OSError):
                if entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
