"""Write an export so that a half-written file never replaces a good one.

Every exporter writes to a temporary file in the target folder, flushes and
fsyncs it, and renames it over the target (``os.replace`` is atomic within one
file system). When writing fails, the temporary file is removed and the old
target, if any, is untouched.

    with atomic_path(out) as tmp:      # a path, for libraries that want a file name
        document.save(tmp)

    with atomic_open(out, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)

Two promises every writer gets from :func:`check_target`:

* it never writes onto a project file, its ``-wal``/``-shm``/``-journal``, a
  backup, or a transcript source of a project open in this process;
* a file written while a project is open gets at most that project file's
  permissions (a private ``chmod 600`` project gives private exports).

Open projects register themselves here (:func:`register_project`); this module
never opens a project file itself (see :mod:`qualcode.store.sqlite_file`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from qualcode.errors import InputError

SIDECARS = ("-wal", "-shm", "-journal")
_open_projects: dict[Path, int] = {}  # project path -> how many Project objects have it open
_sources: dict[Path, Callable[[], list[str]]] = {}  # project path -> its transcript sources


def register_project(path: Path, sources: Callable[[], list[str]] | None = None) -> None:
    """A project was opened in this process: protect its files and cap the permissions of what we write."""
    key = Path(os.path.abspath(path))
    _open_projects[key] = _open_projects.get(key, 0) + 1
    if sources is not None:
        _sources[key] = sources


def unregister_project(path: Path) -> None:
    key = Path(os.path.abspath(path))
    left = _open_projects.get(key, 0) - 1
    if left > 0:
        _open_projects[key] = left
    else:
        _open_projects.pop(key, None)
        _sources.pop(key, None)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def protected_reason(target: Path) -> str | None:
    """Why ``target`` must never be written by an exporter, or ``None``. Never opens ``target`` outside SQLite."""
    from qualcode.store.sqlite_file import is_qualcode_file

    name = target.name
    for suffix in SIDECARS:
        if name.endswith(suffix) and target.with_name(name[: -len(suffix)]).exists():
            return f"is the {suffix} file of the project {name[: -len(suffix)]}"
    for project in list(_open_projects):
        for suffix in ("", *SIDECARS):
            if _same_file(target, Path(f"{project}{suffix}")):
                return "is the open project file" if not suffix else f"is the {suffix} file of the open project"
        if _same_file(target.parent, project.parent / "backups"):
            return "is in the project's backups folder"
        for source in _safe_sources(project):
            if _same_file(target, Path(source)):
                return "is the source file of a transcript in the open project"
    if target.is_file() and is_qualcode_file(target):
        return "is a qualcode project (or a backup of one)"
    return None


def _safe_sources(project: Path) -> list[str]:
    try:
        return _sources[project]() if project in _sources else []
    except Exception:  # the listing is a courtesy; the file checks above do not depend on it
        return []


def check_target(target: str | os.PathLike) -> Path:
    """Refuse targets we cannot write, with a one-line reason, before any work is done."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise InputError("is a folder; give a file name", path=target)
    reason = protected_reason(target)
    if reason is not None:
        raise InputError(f"{reason}; an export never writes over it, choose another file name", path=target)
    if not folder.is_dir():
        raise InputError(f"folder {folder} does not exist", path=target)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"folder {folder} is not writable", path=target)
    if target.exists() and not os.access(target, os.W_OK):
        raise InputError("the file is read-only (open in Word?)", path=target)
    return target


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success fsync it and rename it into place."""
    target = check_target(target)
    folder = target.parent if str(target.parent) else Path(".")
    import tempfile  # (here, not at the top: it costs every command's start-up)

    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=folder)
    except OSError as e:
        raise InputError(f"cannot write in {folder} ({e.strerror})", path=target) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        derived_permissions(tmp)  # mkstemp makes the file private (0600)
        os.replace(tmp, target)
        fsync_dir(folder)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise InputError(f"cannot write the export ({e.strerror or e})", path=target) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_open(target: str | os.PathLike, mode: str = "wb", **kwargs) -> Iterator[IO]:
    """Like :func:`open` for writing, but atomic: the target appears complete or not at all."""
    if not mode.startswith("w"):
        raise ValueError("atomic_open is for writing ('w' or 'wb')")
    with atomic_path(target) as tmp, open(tmp, mode, **kwargs) as f:
        yield f
        f.flush()


def ordinary_permissions(path: str | os.PathLike) -> None:
    """Give a file made by ``mkstemp`` (0600) the permissions a new file gets under the user's umask."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def project_mode(project: Path) -> int | None:
    """The permission bits of a project file (``None`` when it cannot be read)."""
    try:
        return os.stat(project).st_mode & 0o777
    except OSError:
        return None


def derived_permissions(path: str | os.PathLike, *sources: Path) -> None:
    """Permissions for a file derived from a project: the umask's, never more than any source project's.

    ``sources`` default to every project open in this process, so an export of a
    ``chmod 600`` project is 0600 too.
    """
    umask = os.umask(0)
    os.umask(umask)
    mode = 0o666 & ~umask
    for source in sources or tuple(_open_projects):
        source_mode = project_mode(source)
        if source_mode is not None:
            mode &= source_mode
    os.chmod(path, mode)


def fsync_dir(folder: Path) -> None:
    """fsync a folder so a rename into it survives a power cut (best effort)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
