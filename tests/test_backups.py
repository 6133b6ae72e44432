"""Backups: made on open-for-writing with the online backup API, rotated, listed, restored."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from qualcode.coding import codings
from qualcode.store import backups, integrity
from qualcode.store.project import Project


def run(*args: str, cwd: Path, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("QUALCODE_")}
    full.update({"QUALCODE_CODER": "anna", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "qualcode", *args],
        cwd=cwd,
        env=full,
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
    )


def count_codings(path: Path) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM codings").fetchone()[0]
    finally:
        conn.close()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(autouse=True)
def _backup_env(monkeypatch):
    monkeypatch.delenv("QUALCODE_BACKUPS", raising=False)
    monkeypatch.setenv("QUALCODE_BACKUP_GAP_S", "0")


def test_open_for_writing_makes_a_complete_backup(project_path: Path):
    assert backups.list_backups(project_path) == []  # the fixture's project was made, not yet reopened
    with Project.open(project_path) as p:
        codings.apply(p, "FG9", "2-3", "werkwijze", "anna")
    items = backups.list_backups(project_path)
    assert len(items) == 1 and items[0].kind == "daily"
    assert items[0].path.parent == project_path.parent / "backups"
    with Project.open(items[0].path, readonly=True) as b:  # a real qualcode project on its own
        assert integrity.check(b).ok
        assert b.scalar("SELECT count(*) FROM transcripts") == 1
        assert b.scalar("SELECT count(*) FROM codings") == 0  # the state when the project was opened
    assert not Path(f"{items[0].path}-wal").exists()  # one self-contained file


def test_backup_holds_committed_data_still_in_the_wal(project_path: Path):
    """Not a file copy: commits that live only in the -wal file are in the backup."""
    writer = Project.open(project_path)
    writer.conn.execute("PRAGMA wal_autocheckpoint = 0")
    for n in range(2, 9):
        codings.apply(writer, "FG9", str(n), "werkwijze", "anna")
    assert Path(f"{project_path}-wal").stat().st_size > 0
    try:
        with sqlite3.connect(f"{project_path.resolve().as_uri()}?mode=ro", uri=True) as reader:
            b = backups.make_backup(reader, project_path, "manual")
    finally:
        writer.close()
    assert count_codings(b.path) == 7


def test_no_backup_for_reading_for_empty_projects_or_without_changes(project_path: Path, tmp_path: Path):
    with Project.open(project_path, readonly=True):
        pass
    assert backups.list_backups(project_path) == []
    with Project.open(project_path):
        pass
    with Project.open(project_path):  # nothing changed since the first backup
        pass
    assert len(backups.list_backups(project_path)) == 1
    empty = tmp_path / "empty" / "new.db"
    empty.parent.mkdir()
    Project.create(empty).close()
    with Project.open(empty):
        pass
    assert backups.list_backups(empty) == []


def test_session_gap_limits_backups_of_a_script(project_path: Path, monkeypatch):
    monkeypatch.setenv("QUALCODE_BACKUP_GAP_S", "3600")
    for n in range(2, 6):
        with Project.open(project_path) as p:
            codings.apply(p, "FG9", str(n), "werkwijze", "anna")
    assert [b.kind for b in backups.list_backups(project_path)] == ["daily"]
    monkeypatch.setenv("QUALCODE_BACKUP_GAP_S", "0")
    with Project.open(project_path):
        pass
    kinds = [b.kind for b in backups.list_backups(project_path)]
    assert kinds == ["session", "daily"]
    assert count_codings(backups.list_backups(project_path)[0].path) == 4


def test_rotation_keeps_the_last_n(project_path: Path, monkeypatch):
    monkeypatch.setenv("QUALCODE_BACKUPS", "3")
    for n in range(2, 9):
        with Project.open(project_path) as p:
            codings.apply(p, "FG9", str(n), "werkwijze", "anna")
    items = backups.list_backups(project_path)
    assert len(items) == 3
    # the newest two sessions and the first backup of the day survive
    assert [count_codings(b.path) for b in items] == [6, 5, 0]
    assert items[-1].kind == "daily"
    assert not [f for f in os.listdir(project_path.parent / "backups") if f.endswith(".partial")]


def test_rotation_prefers_one_per_day(tmp_path: Path):
    project = tmp_path / "p.db"
    folder = tmp_path / "backups"
    folder.mkdir()
    names = []
    for day in range(1, 6):  # five days, three backups a day
        for hour in (9, 12, 15):
            kind = "daily" if hour == 9 else "session"
            name = f"p-202405{day:02d}T{hour:02d}0000000Z-1-{kind}.db"
            (folder / name).write_bytes(b"x")
            names.append(name)
    (folder / "other-20240501T090000000Z-1-daily.db").write_bytes(b"x")  # another project's: untouched
    backups.rotate(project, 6)
    left = sorted(b.name for b in backups.list_backups(project))
    # daily of the last 3 days, then the newest others up to 6
    assert left == sorted(
        [
            "p-20240503T090000000Z-1-daily.db",
            "p-20240504T090000000Z-1-daily.db",
            "p-20240505T090000000Z-1-daily.db",
            "p-20240505T150000000Z-1-session.db",
            "p-20240505T120000000Z-1-session.db",
            "p-20240504T150000000Z-1-session.db",
        ]
    )
    assert (folder / "other-20240501T090000000Z-1-daily.db").exists()


def test_a_failing_backup_never_blocks_opening(project_path: Path):
    (project_path.parent / "backups").write_text("a file where the folder should be")
    with Project.open(project_path) as p:
        assert any("no backup was made" in n for n in p.notices)
        codings.apply(p, "FG9", "2", "werkwijze", "anna")
        assert not p.readonly


def test_cli_lists_and_restores_after_confirmation(project_path: Path):
    cwd = project_path.parent
    for n in range(2, 5):
        r = run(
            "code",
            "FG9",
            str(n),
            "werkwijze",
            "--project",
            project_path.name,
            cwd=cwd,
            env={"QUALCODE_BACKUP_GAP_S": "0"},
        )
        assert r.returncode == 0, r.stderr
    r = run("backups", "--json", "--project", project_path.name, cwd=cwd)
    listed = json.loads(r.stdout)
    assert [b["codings"] for b in listed] == [2, 1, 0]
    assert listed[0]["last_event"]["summary"] == "code FG9 3 werkwijze"
    r = run("backups", "--project", project_path.name, cwd=cwd)
    assert r.returncode == 0 and "daily" in r.stdout and "qualcode restore NUMBER" in r.stdout
    before = sha(project_path)

    r = run("restore", "2", "--project", project_path.name, cwd=cwd, input="n\n")
    assert r.returncode == 1 and "Aborted" in r.stderr
    assert sha(project_path) == before and count_codings(project_path) == 3

    r = run("restore", "2", "--project", project_path.name, cwd=cwd, input="y\n")
    assert r.returncode == 0, r.stderr
    assert count_codings(project_path) == 1
    kept = [b for b in backups.list_backups(project_path) if b.kind == "before-restore"]
    assert len(kept) == 1 and count_codings(kept[0].path) == 3
    r = run("check", "--project", project_path.name, cwd=cwd)
    assert r.returncode == 0, r.stdout + r.stderr
    r = run("undo", "--project", project_path.name, cwd=cwd)  # the log is the backup's log again
    assert r.returncode == 0 and "code FG9 2 werkwijze" in r.stdout


def test_restore_into_a_project_that_another_process_has_open(project_path: Path):
    with Project.open(project_path) as p:
        codings.apply(p, "FG9", "2", "werkwijze", "anna")
    b = backups.make_backup(sqlite3.connect(project_path), project_path)
    other = Project.open(project_path)
    try:
        codings.apply(other, "FG9", "3", "werkwijze", "anna")
        backups.restore(project_path, b.path)
        assert other.scalar("SELECT count(*) FROM codings") == 1  # the open connection sees the restore
        codings.apply(other, "FG9", "4", "werkwijze", "anna")  # and can go on writing
    finally:
        other.close()
    with Project.open(project_path, readonly=True) as p:
        assert integrity.check(p).ok
        assert p.scalar("SELECT count(*) FROM codings") == 2


def test_restore_replaces_a_damaged_file_and_keeps_its_bytes(project_path: Path):
    with Project.open(project_path) as p:
        codings.apply(p, "FG9", "2", "werkwijze", "anna")
    good = backups.list_backups(project_path)[0]
    data = project_path.read_bytes()
    project_path.write_bytes(data[: len(data) // 3])
    damaged = sha(project_path)
    r = run("codings", "--project", project_path.name, cwd=project_path.parent)
    assert r.returncode == 1 and "qualcode restore" in r.stderr
    r = run("restore", good.name, "--yes", "--project", project_path.name, cwd=project_path.parent)
    assert r.returncode == 0, r.stderr
    kept = [b for b in backups.list_backups(project_path) if b.kind == "before-restore"]
    assert len(kept) == 1 and sha(kept[0].path) == damaged
    with Project.open(project_path) as p:
        assert integrity.check(p).ok
        assert p.scalar("SELECT count(*) FROM transcripts") == 1


def test_restore_refuses_a_damaged_backup_and_unknown_names(project_path: Path, tmp_path: Path):
    with Project.open(project_path) as p:
        codings.apply(p, "FG9", "2", "werkwijze", "anna")
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + os.urandom(5000))
    before = sha(project_path)
    r = run("restore", str(bad), "--yes", "--project", project_path.name, cwd=project_path.parent)
    assert r.returncode == 1 and r.stderr.startswith("error: ") and str(bad) in r.stderr
    r = run("restore", "nonsense", "--yes", "--project", project_path.name, cwd=project_path.parent)
    assert r.returncode == 1 and "no backup 'nonsense'" in r.stderr
    assert sha(project_path) == before
