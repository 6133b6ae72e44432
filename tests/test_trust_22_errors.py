"""Issue 11, class 22: absurd ages, read-only mounts and full disks give one line, and "disk full" means disk full.

Found as: `log --since 9999999999d` gave an OverflowError; `restore` and `init` on a read-only mount
or a near-full disk gave OSError tracebacks; on a full disk a healthy project was reported as
"damaged … restore".
"""

from __future__ import annotations

import os
from pathlib import Path

from core_helpers import CODEBOOK
from trust_helpers import make_project, ok, one_error_line, remount_readonly, run, tmpfs


def test_an_absurd_since_is_one_line(tmp_path: Path):
    make_project(tmp_path)
    for since in ("9999999999d", "99999999999999999999w", "0001-01-01"):
        r = run("log", "--since", since, cwd=tmp_path)
        if r.returncode != 0:
            assert "--since" in one_error_line(r)


def test_init_and_restore_on_a_read_only_mount(tmp_path: Path):
    with tmpfs(tmp_path / "stick") as stick:
        make_project(stick)
        ok(run("code", "FG9", "2", "werkwijze", cwd=stick))
        remount_readonly(stick)
        line = one_error_line(run("init", "--project", "nieuw.db", cwd=stick))
        assert "read-only" in line
        line = one_error_line(run("restore", "1", "--yes", cwd=stick))
        assert "read-only" in line and "damaged" not in line


def _fill(folder: Path) -> None:
    """Write until the file system says ENOSPC (big blocks, then small ones)."""
    for name, block in (("filler", 65536), ("filler2", 512)):
        fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(fd, b"\0" * block)
        except OSError:
            pass
        finally:
            os.close(fd)


def test_a_full_disk_is_called_a_full_disk(tmp_path: Path):
    with tmpfs(tmp_path / "disk", size="3m") as disk:
        make_project(disk)
        ok(run("code", "FG9", "2", "werkwijze", cwd=disk))
        _fill(disk)
        results = [
            run("init", "--codebook", str(CODEBOOK), "--project", "nieuw.db", cwd=disk),
            run("restore", "1", "--yes", cwd=disk),
            run("code", "FG9", "3-9", "veiligheid", "--memo", "m" * 20_000, cwd=disk),
        ]
        for r in results:
            line = one_error_line(r)
            assert "disk full" in line and "damaged" not in line and "restore" not in line.split("disk full")[1], line
        (disk / "filler").unlink()
        os.sync()
        ok(run("check", cwd=disk))
        ok(run("codings", cwd=disk))
