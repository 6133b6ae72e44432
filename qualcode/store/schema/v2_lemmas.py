"""Schema version 2: stored tokens and lemmas of lines, their full-text index, dismissed suggestions.

* ``line_nlp(line_id, tokens, lemmas)``: one row per non-blank line, tokens and
  lemmas space-joined (see :mod:`qualcode.corpus.lemmas`). A side table rather than columns
  on ``lines``, so the transcript rows stay exactly what ``ingest`` decided.
* ``line_nlp_fts``: an FTS5 index over ``tokens`` and ``lemmas`` with
  ``line_nlp`` as its external content. Deletes and updates reach the index
  through triggers (the shape sqlite-utils' ``enable_fts(create_triggers=True)``
  builds; written out here because ``enable_fts`` runs ``executescript``, which
  would commit the migration's transaction half-way). Inserts do not: an insert
  trigger made storing four times slower than inserting the same rows into the
  index with ``executemany``, so :func:`qualcode.corpus.lemmas.store_lemmas` (the only
  writer of ``line_nlp``) does both.
* ``dismissed_suggestions``: suggestions a coder dismissed, never suggested again.

Existing lines are backfilled with spaCy inside the migration. When spaCy or its
lemma tables cannot be loaded the migration still completes and
:func:`qualcode.corpus.lemmas.ensure_lemmas` fills the gap later.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE line_nlp (
    line_id INTEGER PRIMARY KEY REFERENCES lines(id) ON DELETE CASCADE,
    tokens TEXT NOT NULL,
    lemmas TEXT NOT NULL
);
CREATE VIRTUAL TABLE line_nlp_fts USING fts5(
    tokens, lemmas, content='line_nlp', content_rowid='line_id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER line_nlp_ad AFTER DELETE ON line_nlp BEGIN
    INSERT INTO line_nlp_fts (line_nlp_fts, rowid, tokens, lemmas) VALUES ('delete', old.line_id, old.tokens, old.lemmas);
END;
CREATE TRIGGER line_nlp_au AFTER UPDATE ON line_nlp BEGIN
    INSERT INTO line_nlp_fts (line_nlp_fts, rowid, tokens, lemmas) VALUES ('delete', old.line_id, old.tokens, old.lemmas);
    INSERT INTO line_nlp_fts (rowid, tokens, lemmas) VALUES (new.line_id, new.tokens, new.lemmas);
END;
CREATE TABLE dismissed_suggestions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    coder TEXT NOT NULL,
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
    code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
    ranges TEXT NOT NULL,
    dismissed_at TEXT NOT NULL,
    UNIQUE (coder, transcript_id, code_id, ranges)
);
"""


def v2_lemmas(conn: sqlite3.Connection) -> None:
    from qualcode.corpus import lemmas as nlp
    from qualcode.store.schema.script import run_script

    run_script(conn, SCHEMA)
    try:
        nlp.backfill(conn)
    except nlp.NlpUnavailable:
        pass  # lines stay without lemmas; nlp.ensure_lemmas() fills them in once spaCy is available
