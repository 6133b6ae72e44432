"""Write an export so that a half-written file never replaces a good one.

Every exporter writes to a temporary file in the target folder, flushes and
fsyncs it, and renames it over the target (``os.replace`` is atomic within one
file system). When writing fails, the temporary file is removed and the old
target, if any, is untouched.

    with atomic_path(out) as tmp:      # a path, for libraries that want a file name
        document.save(tmp)

    with atomic_open(out, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from qualcode.errors import InputError


def check_target(target: str | os.PathLike) -> Path:
    """Refuse targets we cannot write, with a one-line reason, before any work is done."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise InputError("is a folder; give a file name", path=target)
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
        ordinary_permissions(tmp)  # mkstemp makes the file private (0600)
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


def fsync_dir(folder: Path) -> None:
    """fsync a folder so a rename into it survives a power cut (best effort)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
