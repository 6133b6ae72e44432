"""Schema version 6: what an author adds for the report.

* ``picks``: the quotes an author (coder) chose for the report, in order. A pick
  names the coding by its GUID, so it follows the coding through undo/redo,
  REFI-QDA round trips and merges; a pick whose coding is gone is simply not shown.
  ``position`` orders the picks of one author (within a theme the export keeps that order).
* ``summaries``: theme summaries the author wrote — a memo of their own kind, one per
  theme (``transcript_id`` NULL) and optionally one per theme × transcript (the summary grid).
  Codebook descriptions and code memos are never theme summaries.
* ``codes.title``: a display title for a theme (codebook ``title:``), used as its heading.
* ``coders.display_name``: how a coder is named in a report (never the login name).

The project title is the ``meta`` key ``title`` (no schema change needed).
Registered as ``6`` in :data:`qualcode.store.schema.MIGRATIONS`.
"""

from __future__ import annotations

import sqlite3

V6_SQL = """
ALTER TABLE codes ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE coders ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
CREATE TABLE picks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    coder TEXT NOT NULL,
    coding_guid TEXT NOT NULL,
    position INTEGER NOT NULL,
    picked_at TEXT NOT NULL,
    UNIQUE (coder, coding_guid)
);
CREATE INDEX picks_by_coder ON picks (coder, position);
CREATE TABLE summaries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
    transcript_id INTEGER REFERENCES transcripts(id) ON DELETE CASCADE,
    coder TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    guid TEXT NOT NULL UNIQUE
);
CREATE UNIQUE INDEX summaries_one_per_cell ON summaries (code_id, IFNULL(transcript_id, 0));
"""


def v6_authoring(conn: sqlite3.Connection) -> None:
    from qualcode.store.schema.script import run_script

    run_script(conn, V6_SQL)
