"""Schema version 8: an index of the lines that carry a time code.

Listings and exports ask per transcript for its timed lines (``start IS NOT NULL``) to
put a clock in citations. Most transcripts have none, and without an index each question
read every line of the transcript (0.35 s for a 1,000 × 1,000-line project's listing).
A partial index holds only the timed lines, so an untimed transcript answers at once.
The function is registered as ``8`` in :data:`qualcode.store.schema.MIGRATIONS`.
"""

from __future__ import annotations

import sqlite3


def v8_timed_lines(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE INDEX IF NOT EXISTS lines_timed ON lines (transcript_id, n) WHERE start IS NOT NULL")
