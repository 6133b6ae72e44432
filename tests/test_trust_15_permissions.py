"""Issue 11, class 15: files derived from a private project are private too.

Found as: with umask 022 and a project chmod 600, backups, exports and a new project came out 0644,
and `restore` reset the project to 0644. Every file qualcode derives from a project now gets the
umask's permissions capped by the project file's.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from trust_helpers import make_project, ok, run


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_backups_exports_restore_and_a_new_project_stay_private(tmp_path: Path):
    os.umask(os.umask(0o022))  # (the processes below inherit the test's umask; 022 is the common default)
    project = make_project(tmp_path)
    os.chmod(project, 0o600)
    old_backups = set((tmp_path / "backups").glob("*.db"))
    env = {"PYTHONSTARTUP": ""}
    for args in (
        ("code", "FG9", "2", "werkwijze"),  # opening for writing makes a backup
        ("export", "qdpx", "uit.qdpx"),
        ("export", "quotes", "quotes.csv"),
        ("export", "quotes", "quotes.xlsx"),
        ("export", "docx", "themes.docx"),
    ):
        ok(run(*args, cwd=tmp_path, env=env))
    backups = sorted(set((tmp_path / "backups").glob("*.db")) - old_backups)
    assert backups
    for path in (*backups, tmp_path / "uit.qdpx", tmp_path / "quotes.csv", tmp_path / "quotes.xlsx"):
        assert mode(path) == 0o600, (path, oct(mode(path)))
    if (tmp_path / "themes.docx").exists():
        assert mode(tmp_path / "themes.docx") == 0o600

    ok(run("restore", "1", "--yes", cwd=tmp_path))
    assert mode(project) == 0o600
    ok(run("import", "uit.qdpx", "--project", "nieuw.db", cwd=tmp_path))  # a new project made from it
    assert mode(tmp_path / "nieuw.db") == 0o600


def test_an_ordinary_project_keeps_ordinary_permissions(tmp_path: Path):
    project = make_project(tmp_path)
    os.chmod(project, 0o644)
    ok(run("export", "qdpx", "uit.qdpx", cwd=tmp_path))
    assert mode(tmp_path / "uit.qdpx") == 0o644 & ~os.umask(os.umask(0))
