"""Schema version 1: transcripts, lines, codes, codings, memos, progress and the append-only event log."""

from __future__ import annotations

import sqlite3

from qualcode.store.schema.script import run_script


def v1_core(conn: sqlite3.Connection) -> None:
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
        """,
    )
