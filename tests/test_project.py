import sqlite3

import pytest

from qualcode.errors import ProjectError
from qualcode.store import schema as migrations
from qualcode.store.project import Project


def test_create_sets_schema_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "p.db"
    with Project.create(path) as p:
        assert p.scalar("PRAGMA journal_mode") == "wal"
        assert p.scalar("PRAGMA foreign_keys") == 1
        assert p.scalar("PRAGMA synchronous") == 2  # FULL
        assert p.scalar("PRAGMA user_version") == migrations.LATEST
        assert p.scalar("PRAGMA application_id") == migrations.APPLICATION_ID
        assert p.citation_template == "({transcript}; {ranges})"
    assert not list(tmp_path.glob("*.creating"))


def test_create_refuses_existing_file(tmp_path):
    path = tmp_path / "p.db"
    path.write_bytes(b"something")
    with pytest.raises(ProjectError, match="already exists"):
        Project.create(path)
    assert path.read_bytes() == b"something"


def test_open_missing_project_says_how_to_create_and_creates_nothing(tmp_path):
    path = tmp_path / "nope.db"
    with pytest.raises(ProjectError, match="qualcode init"):
        Project.open(path)
    assert not path.exists()


def test_open_refuses_other_sqlite_database_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE x (a)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(ProjectError, match="not a qualcode project"):
        Project.open(path)
    assert path.read_bytes() == before


def test_transaction_rolls_back_whole_action(project):
    count = project.scalar("SELECT count(*) FROM events")
    with pytest.raises(RuntimeError):
        with project.transaction("test", "tester", "half") as tx:
            tx.insert("meta", {"key": "k1", "value": "v"}, pk="key")
            raise RuntimeError("boom")
    assert project.scalar("SELECT count(*) FROM meta WHERE key = 'k1'") == 0
    assert project.scalar("SELECT count(*) FROM events") == count


def test_event_log_is_append_only(project):
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        project.conn.execute("DELETE FROM events")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        project.conn.execute("UPDATE events SET coder = 'x'")


def test_foreign_keys_enforced(project):
    with pytest.raises(sqlite3.IntegrityError):
        with project.transaction("bad", "tester") as tx:
            tx.insert(
                "codings",
                {
                    "transcript_id": 999,
                    "code_id": 999,
                    "coder": "x",
                    "ranges": "1",
                    "first_line": 1,
                    "last_line": 1,
                    "created_at": "",
                    "updated_at": "",
                    "guid": "G",
                },
            )


def _schema_8(path):
    """A project file as qualcode left it before schema 9 (no index of the blank lines)."""
    with Project.create(path) as p:
        p.conn.execute("DROP INDEX lines_blank")
        p.conn.execute("PRAGMA user_version = 8")


def test_a_reading_open_of_an_older_writable_file_upgrades_it_once(tmp_path):
    """A reading command is often the first a newer qualcode runs on a file: the upgrade is made by a
    writing open, then the file is read as asked; it is not refused."""
    path = tmp_path / "p.db"
    _schema_8(path)
    with Project.open(path, readonly=True) as p:
        assert p.readonly and p.scalar("PRAGMA user_version") == migrations.LATEST
        assert p.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'lines_blank'") == 1
    with Project.open(path, readonly=True) as p:  # once: now it opens for reading at once
        assert p.readonly and p.scalar("PRAGMA user_version") == migrations.LATEST


def test_a_reading_open_of_an_older_read_only_file_is_refused_untouched(tmp_path, monkeypatch):
    import os

    path = tmp_path / "p.db"
    _schema_8(path)
    before = path.read_bytes()
    real_access = os.access
    # a file nobody here may write (root may write any file, so the test says so through os.access)
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    with pytest.raises(ProjectError, match="schema upgrade"):
        Project.open(path, readonly=True)
    monkeypatch.undo()
    assert path.read_bytes() == before
