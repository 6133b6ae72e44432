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
