"""Damaged and foreign files, read-only projects, a full disk: clear errors, nothing modified, nothing lost."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from qualcode.coding import codings
from qualcode.corpus import transcripts
from qualcode.errors import ProjectError
from qualcode.store import integrity
from qualcode.store.project import Project


def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("QUALCODE_")}
    full.update({"QUALCODE_CODER": "anna", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "qualcode", *args], cwd=cwd, env=full, capture_output=True, text=True, timeout=120
    )


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _truncated_half(good: bytes) -> bytes:
    return good[: len(good) // 2]


def _truncated_small(good: bytes) -> bytes:
    return good[:1000]


def _random(good: bytes) -> bytes:
    return random.Random(8).randbytes(len(good))


def _random_after_header(good: bytes) -> bytes:
    return good[:100] + random.Random(9).randbytes(len(good) - 100)


def _empty(good: bytes) -> bytes:
    return b""


def _other_sqlite(good: bytes) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        conn = sqlite3.connect(Path(d) / "other.db")
        conn.execute("CREATE TABLE recipes (name TEXT, minutes INTEGER)")
        conn.execute("INSERT INTO recipes VALUES ('stamppot', 40)")
        conn.commit()
        conn.close()
        return (Path(d) / "other.db").read_bytes()


DAMAGES = {
    "truncated to half": _truncated_half,
    "truncated to 1000 bytes": _truncated_small,
    "random bytes": _random,
    "header then random bytes": _random_after_header,
    "empty file": _empty,
    "another program's SQLite database": _other_sqlite,
}

COMMANDS = [
    ("codings",),
    ("code", "FG9", "2", "werkwijze"),
    ("check",),
    ("log",),
    ("transcripts",),
    ("undo",),
    ("import", "../new.txt"),
]


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_damaged_file_gets_one_clear_line_and_stays_untouched(project_path: Path, tmp_path: Path, damage: str):
    folder = tmp_path / "work"
    folder.mkdir()
    (tmp_path / "new.txt").write_text("R1: Een nieuwe regel.\nR2: Nog een.\n", encoding="utf-8")
    target = folder / "project.db"
    target.write_bytes(DAMAGES[damage](project_path.read_bytes()))
    before = sha(target)
    for command in COMMANDS:
        r = run(*command, "--project", "project.db", cwd=folder)
        assert r.returncode == 1, (command, r.stdout, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1, (command, r.stderr)
        assert lines[0].startswith("error: project.db: "), (command, lines[0])
        assert "qualcode restore" in lines[0], (command, lines[0])
        assert "Traceback" not in r.stderr
        assert sha(target) == before, command
    assert sorted(os.listdir(folder)) == ["project.db"]  # no -wal, -shm, backups/ or temporary files


def test_damaged_file_in_process_raises_project_error_naming_it(project_path: Path, tmp_path: Path):
    target = tmp_path / "broken.db"
    for damage, fn in DAMAGES.items():
        target.write_bytes(fn(project_path.read_bytes()))
        before = sha(target)
        for readonly in (False, True):
            with pytest.raises(ProjectError) as e:
                Project.open(target, readonly=readonly).close()
            assert e.value.path == str(target) and "qualcode restore" in e.value.message, damage
        assert sha(target) == before


# ------------------------------------------------------------------ read-only
@pytest.fixture
def readonly_project(project_path: Path, tmp_path: Path):
    """The project in a location this process cannot write: a read-only tmpfs as root, chmod otherwise."""
    with Project.open(project_path) as p:  # one coding, closed cleanly (no -wal left)
        codings.apply(p, "FG9", "2-3", "werkwijze", "anna")
    if os.geteuid() != 0:
        folder = tmp_path / "ro"
        folder.mkdir()
        shutil.copy(project_path, folder / "project.db")
        os.chmod(folder / "project.db", 0o444)
        os.chmod(folder, 0o555)
        yield folder / "project.db"
        os.chmod(folder, 0o755)
        return
    folder = tmp_path / "ro"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"running as root and cannot mount a read-only tmpfs here ({mounted.stderr.decode().strip()})")
    try:
        shutil.copy(project_path, folder / "project.db")
        r = subprocess.run(["mount", "-o", "remount,ro", str(folder)], capture_output=True)
        if r.returncode != 0:
            pytest.skip(f"cannot remount the tmpfs read-only ({r.stderr.decode().strip()})")
        yield folder / "project.db"
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


def test_readonly_project_opens_for_reading_with_a_notice(readonly_project: Path):
    before = sha(readonly_project)
    with Project.open(readonly_project) as p:
        assert p.readonly
        assert any("read-only" in n and "reading only" in n for n in p.notices)
        assert p.scalar("SELECT count(*) FROM codings") == 1
        assert integrity.check(p).ok
        with pytest.raises(ProjectError, match="read-only; nothing was changed"):
            codings.apply(p, "FG9", "5", "werkwijze", "anna")
    cwd = readonly_project.parent
    r = run("codings", "--json", "--project", "project.db", cwd=cwd)
    assert r.returncode == 0 and '"werkwijze"' in r.stdout, r.stderr
    r = run("check", "--project", "project.db", cwd=cwd)
    assert r.returncode == 0, r.stdout + r.stderr
    r = run("code", "FG9", "5", "werkwijze", "--project", "project.db", cwd=cwd)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [  # one line (issue 11)
        "error: project.db: the file or its folder is read-only; nothing was changed"
    ]
    assert sha(readonly_project) == before
    assert sorted(os.listdir(cwd)) == ["project.db"]


# ------------------------------------------------------------------ disk full
def _big_transcript(tmp_path: Path, lines: int = 3000) -> Path:
    path = tmp_path / "GROOT.txt"
    rng = random.Random(3)
    words = "wij plannen een huisbezoek samen met de school het wijkteam ouders jongere zorg regie".split()
    path.write_text(
        "\n".join(f"R{i % 4 + 1}: " + " ".join(rng.choice(words) for _ in range(14)) for i in range(lines)) + "\n",
        encoding="utf-8",
    )
    return path


def test_disk_full_during_import_is_rolled_back_and_reported(project_path: Path, tmp_path: Path):
    big = _big_transcript(tmp_path)
    with Project.open(project_path) as p:
        events = p.scalar("SELECT count(*) FROM events")
        pages = p.scalar("PRAGMA page_count")
        p.conn.execute(f"PRAGMA max_page_count = {pages + 4}")  # SQLITE_FULL after a few new pages
        with pytest.raises(ProjectError) as e:
            transcripts.import_files(p, [big], "anna")
        assert "disk full" in str(e.value) and "rolled back" in str(e.value)
        assert str(project_path) in str(e.value)
        assert not p.conn.in_transaction
        assert p.scalar("SELECT count(*) FROM transcripts") == 1
        assert p.scalar("SELECT count(*) FROM lines WHERE transcript_id != 1") == 0
        assert p.scalar("SELECT count(*) FROM events") == events
        codings.apply(p, "FG9", "2", "werkwijze", "anna")  # small writes still work, the project is usable
    with Project.open(project_path) as p:
        assert integrity.check(p).ok
        assert p.scalar("SELECT count(*) FROM transcripts") == 1
        transcripts.import_files(p, [big], "anna")  # with space again, the same import works
        assert integrity.check(p).ok


def test_disk_full_during_coding_keeps_every_action_whole(project_path: Path, tmp_path: Path):
    transcripts_path = _big_transcript(tmp_path, lines=400)
    with Project.open(project_path) as p:
        transcripts.import_files(p, [transcripts_path], "anna")
        p.conn.execute(f"PRAGMA max_page_count = {p.scalar('PRAGMA page_count') + 2}")
        made, error = 0, None
        for n in range(1, 401):
            try:
                codings.apply(p, "GROOT", str(n), "werkwijze", "anna", memo="m" * 300)
                made += 1
            except ProjectError as e:
                error = e
                break
        assert error is not None and "disk full" in str(error)
        assert p.scalar("SELECT count(*) FROM codings WHERE coder = 'anna'") == made
    with Project.open(project_path, readonly=True) as p:
        assert integrity.check(p).ok
        assert p.scalar("SELECT count(*) FROM events WHERE action = 'code'") == made
