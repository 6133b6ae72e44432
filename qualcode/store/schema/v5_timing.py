"""Schema version 5: time codes as line data, linked recordings, and what a re-import needs.

* ``lines.start`` / ``lines.end``: seconds into the recording (NULL when the source had no
  time codes). Written at import by :mod:`qualcode.corpus.ingest`, never edited.
* ``media``: the recording linked to a transcript (``qualcode media FG2 audio.m4a``).
* ``coding_attention``: codings a re-import could not carry cleanly: ``changed`` (the
  coding was carried but its text changed inside; review it) or ``lost`` (its text is
  gone; the coding as it was, with its old text, waits here — never deleted silently).

The function is registered as ``5`` in :data:`qualcode.store.schema.MIGRATIONS`.
"""

from __future__ import annotations

import sqlite3

V5_SQL = """
ALTER TABLE lines ADD COLUMN start REAL;
ALTER TABLE lines ADD COLUMN [end] REAL;
CREATE TABLE media (
    transcript_id INTEGER PRIMARY KEY REFERENCES transcripts(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    linked_at TEXT NOT NULL,
    coder TEXT NOT NULL
);
CREATE TABLE coding_attention (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
    coding_id INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('changed', 'lost')),
    code TEXT NOT NULL,
    coder TEXT NOT NULL,
    old_ranges TEXT NOT NULL,
    new_ranges TEXT,
    old_text TEXT NOT NULL,
    new_text TEXT,
    coding TEXT NOT NULL DEFAULT '{}',
    at TEXT NOT NULL
);
CREATE INDEX coding_attention_by_transcript ON coding_attention (transcript_id, status);
"""


def v5_timing(conn: sqlite3.Connection) -> None:
    from qualcode.store.schema.script import run_script

    run_script(conn, V5_SQL)
