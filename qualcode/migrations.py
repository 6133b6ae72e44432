"""Schema versions of the project file, applied in order through ``PRAGMA user_version``.

Each migration is a function ``(conn) -> None`` that runs inside the transaction
that also bumps ``user_version``; a project file is never left half-migrated.
Add a migration by appending ``VERSION: function`` to :data:`MIGRATIONS`; never
edit one that has shipped.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable

APPLICATION_ID = 0x51434F44  # "QCOD": marks a SQLite file as a qualcode project


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run several SQL statements inside the caller's transaction.

    ``executescript`` would COMMIT first; this splits the script into complete
    statements (triggers included) and runs them one by one.
    """
    buf = ""
    for piece in script.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n\t;"):
                conn.execute(buf)
            buf = ""
    if buf.strip(" \n\t;"):
        conn.execute(buf)


def _v1_core(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT
        );
        CREATE TABLE transcripts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL,
            sha256 TEXT NOT NULL UNIQUE,
            imported_at TEXT NOT NULL,
            line_count INTEGER NOT NULL,
            encoding TEXT,
            numbered INTEGER NOT NULL DEFAULT 0,
            attributes TEXT NOT NULL DEFAULT '{}',
            guid TEXT NOT NULL UNIQUE
        );
        CREATE TABLE lines (
            id INTEGER PRIMARY KEY,
            transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
            n INTEGER NOT NULL,
            speaker TEXT,
            turn INTEGER NOT NULL DEFAULT 0,
            raw TEXT NOT NULL,
            text TEXT NOT NULL,
            UNIQUE (transcript_id, n)
        );
        CREATE TABLE codes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE,
            parent_id INTEGER REFERENCES codes(id),
            definition TEXT NOT NULL DEFAULT '',
            include TEXT NOT NULL DEFAULT '',
            exclude TEXT NOT NULL DEFAULT '',
            example TEXT NOT NULL DEFAULT '',
            colour TEXT NOT NULL DEFAULT '#808080',
            hotkey INTEGER UNIQUE,
            position INTEGER NOT NULL DEFAULT 0,
            guid TEXT NOT NULL UNIQUE
        );
        CREATE TABLE codings (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            transcript_id INTEGER NOT NULL REFERENCES transcripts(id),
            code_id INTEGER NOT NULL REFERENCES codes(id),
            coder TEXT NOT NULL,
            ranges TEXT NOT NULL,
            first_line INTEGER NOT NULL,
            last_line INTEGER NOT NULL,
            memo TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            guid TEXT NOT NULL UNIQUE
        );
        CREATE INDEX codings_by_transcript ON codings (transcript_id, coder, first_line);
        CREATE INDEX codings_by_code ON codings (code_id, coder);
        CREATE TABLE memos (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            scope TEXT NOT NULL CHECK (scope IN ('project', 'code', 'transcript')),
            code_id INTEGER REFERENCES codes(id) ON DELETE CASCADE,
            transcript_id INTEGER REFERENCES transcripts(id) ON DELETE CASCADE,
            coder TEXT NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            guid TEXT NOT NULL UNIQUE
        );
        CREATE UNIQUE INDEX memos_one_per_target ON memos (scope, IFNULL(code_id, 0), IFNULL(transcript_id, 0));
        CREATE TABLE progress (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            coder TEXT NOT NULL,
            transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
            done_at TEXT NOT NULL,
            UNIQUE (coder, transcript_id)
        );
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            coder TEXT NOT NULL,
            action TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('do', 'undo', 'redo', 'log')),
            ref INTEGER REFERENCES events(id),
            summary TEXT NOT NULL DEFAULT '',
            changes TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX events_by_coder ON events (coder, kind, id);
        CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        """
    )


from .nlp_schema import v2_lemmas  # noqa: E402  (lemmas, full-text index, dismissed suggestions)
from .exchange_schema import v3_exchange  # noqa: E402  (REFI-QDA coders' GUIDs, privacy audit)

MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _v1_core,
    2: v2_lemmas,
    3: v3_exchange,
}

LATEST = max(MIGRATIONS)


def current_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Bring the schema to :data:`LATEST`; return the versions applied.

    Each version runs in its own ``BEGIN IMMEDIATE`` transaction together with the
    ``user_version`` bump, so a crash leaves the file at the previous version.
    """
    applied = []
    for version in sorted(MIGRATIONS):
        if version <= current_version(conn):
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if current_version(conn) >= version:  # another process got there first
                conn.execute("ROLLBACK")
                continue
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {int(version)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied
