"""Schema version 7: participants (speakers per transcript) with attributes, and transcript attributes.

* ``participants``: one row per (transcript, speaker label) that was described in a
  participants file or in the workbench. A speaker label is local to its transcript
  (``R3`` in FG1 is not ``R3`` in FG2). ``participant = 0`` marks a non-participant
  (the moderator), left out of analysis counts. ``attributes`` is a JSON object of
  text values (``{"rol": "regisseur", "organisatie": "gemeente"}``).
* ``transcript_attributes``: a JSON object of text values per transcript (``datum``,
  ``locatie``, ``groep``), kept apart from ``transcripts.attributes`` (which holds what
  the import decided: speakers, placeholders, warnings).

Both are written through :class:`qualcode.store.project.Tx`, so a load is one undoable event.
The function is registered as ``7`` in :data:`qualcode.store.schema.MIGRATIONS`.
"""

from __future__ import annotations

import sqlite3

V7_SQL = """
CREATE TABLE participants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
    speaker TEXT NOT NULL,
    participant INTEGER NOT NULL DEFAULT 1 CHECK (participant IN (0, 1)),
    attributes TEXT NOT NULL DEFAULT '{}',
    UNIQUE (transcript_id, speaker)
);
CREATE TABLE transcript_attributes (
    transcript_id INTEGER PRIMARY KEY REFERENCES transcripts(id) ON DELETE CASCADE,
    attributes TEXT NOT NULL DEFAULT '{}'
);
"""


def v7_participants(conn: sqlite3.Connection) -> None:
    from qualcode.store.schema.script import run_script

    run_script(conn, V7_SQL)
