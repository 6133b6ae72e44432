"""Stores lemmas for a transcript's lines right after :func:`qualcode.transcripts.store` wrote them.

Registered on :data:`qualcode.transcripts.AFTER_STORE_HOOKS` when
:mod:`qualcode.transcripts` is imported; runs in the import's transaction, so a
transcript and its lemmas are stored together or not at all. Switched off with
``qualcode.nlp.ANNOTATE = False`` or ``QUALCODE_LEMMAS=0`` (lines then get
lemmas later, from :func:`qualcode.nlp.ensure_lemmas`).
"""
from __future__ import annotations

from . import nlp, transcripts


def store_lemmas_hook(tx, transcript_id: int, parsed) -> None:
    if not nlp.lemmas_enabled():
        return
    rows = tx.conn.execute("SELECT id, text FROM lines WHERE transcript_id = ? AND text != '' ORDER BY n",
                           (transcript_id,)).fetchall()
    nlp.store_lemmas(tx.conn, rows, progress=PROGRESS, what=f"lemmas {parsed.name}")


# Optional (done, total, what) callback for lemma progress within one transcript (set by the CLI/TUI).
PROGRESS = None

if store_lemmas_hook not in transcripts.AFTER_STORE_HOOKS:
    transcripts.AFTER_STORE_HOOKS.append(store_lemmas_hook)
