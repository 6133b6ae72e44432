"""Schema version 4: facts that citations and undo rely on become checkable, and codings unique.

* ``events.hash``: a hash chain over every event (id, time, coder, action, kind,
  ref, summary, changes) and the previous event's hash, so ``qualcode check`` and
  undo notice an event changed after it was written. Existing events are chained
  as they are when this migration runs.
* ``line_seals``: one SHA-256 per transcript over every stored line fact (number,
  speaker, turn, raw text, display text), written in the transaction that stores
  the lines (``transcripts.sha256`` covers the raw text only).
* Triggers refuse a second identical coding (same transcript, code, coder and
  ranges) in any transaction, so two processes coding at once cannot both add it.
  Duplicates made before this version are left as they are (``check`` does not
  delete data).

The function is registered as ``4`` in :data:`qualcode.store.schema.MIGRATIONS`.
"""

from __future__ import annotations

import sqlite3

from qualcode.store import seals
from qualcode.store.schema.script import run_script

V4_SQL = """
ALTER TABLE events ADD COLUMN hash TEXT;
CREATE TABLE line_seals (
    transcript_id INTEGER PRIMARY KEY REFERENCES transcripts(id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL
);
CREATE TRIGGER codings_no_identical_insert BEFORE INSERT ON codings
    WHEN EXISTS (SELECT 1 FROM codings WHERE transcript_id = NEW.transcript_id AND coder = NEW.coder
                 AND code_id = NEW.code_id AND ranges = NEW.ranges)
    BEGIN SELECT RAISE(ABORT, 'identical coding exists'); END;
CREATE TRIGGER codings_no_identical_update BEFORE UPDATE OF transcript_id, code_id, coder, ranges ON codings
    WHEN EXISTS (SELECT 1 FROM codings WHERE transcript_id = NEW.transcript_id AND coder = NEW.coder
                 AND code_id = NEW.code_id AND ranges = NEW.ranges AND id != NEW.id)
    BEGIN SELECT RAISE(ABORT, 'identical coding exists'); END;
"""


def v4_trust(conn: sqlite3.Connection) -> None:
    run_script(conn, V4_SQL)
    # chain the existing log: the append-only trigger is lifted for this one update, inside this transaction
    conn.execute("DROP TRIGGER events_append_only_update")
    previous = ""
    for row in conn.execute(f"SELECT {seals.EVENT_COLUMNS} FROM events ORDER BY id").fetchall():
        previous = seals.event_hash(previous, row)
        conn.execute("UPDATE events SET hash = ? WHERE id = ?", (previous, row[0]))
    conn.execute(
        "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events "
        "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END"
    )
    for (transcript_id,) in conn.execute("SELECT id FROM transcripts").fetchall():
        seals.seal_lines(conn, transcript_id)
