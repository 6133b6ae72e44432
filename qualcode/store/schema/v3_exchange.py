"""Schema version 3: what REFI-QDA exchange and the privacy audit keep in the project.

* ``coders``: a stable GUID per coder name, so a REFI-QDA ``<User>`` keeps the same
  GUID on every export, and users read from another tool keep theirs.
* ``audit_findings``: what the privacy audit found, per transcript line, with its
  status (``open`` or ``accepted`` = a remembered false positive).
* ``audit_runs``: which detector last scanned which transcript (so running without
  ``deduce`` does not forget what ``deduce`` found earlier).

The function is registered as ``3`` in :data:`qualcode.store.schema.MIGRATIONS`.
"""

from __future__ import annotations

import sqlite3

V3_SQL = """
CREATE TABLE coders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    guid TEXT NOT NULL UNIQUE
);
CREATE TABLE audit_findings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    detector TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted')),
    found_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    UNIQUE (transcript_id, line, start, kind, text)
);
CREATE INDEX audit_findings_by_line ON audit_findings (transcript_id, line);
CREATE TABLE audit_runs (
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
    detector TEXT NOT NULL,
    at TEXT NOT NULL,
    coder TEXT NOT NULL,
    PRIMARY KEY (transcript_id, detector)
);
"""


def v3_exchange(conn: sqlite3.Connection) -> None:
    from qualcode.store.schema.script import run_script

    run_script(conn, V3_SQL)
