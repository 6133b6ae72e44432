"""Hashes over the stored facts that citations and undo rely on (schema version 4).

* :func:`event_hash` chains each event to the one before it: changing an event's
  coder, time, summary or changes (or removing one) breaks the chain from there on.
* :func:`seal_lines` hashes every fact of a transcript's lines (number, speaker,
  turn, raw and display text) into ``line_seals``; quotes are built from them.

Plain SHA-256, no secret: this notices changes made outside qualcode (a stray
``UPDATE``, a hand-edited file), it does not stop someone who recomputes the chain.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from json.encoder import encode_basestring


def _sha256(data: bytes):
    import hashlib  # (OpenSSL: loaded when a seal is made or checked, not by every command)

    return hashlib.sha256(data)


EVENT_COLUMNS = "id, at, coder, action, kind, ref, summary, changes"


def event_hash(previous: str, row: Sequence) -> str:
    """The hash of one event (its :data:`EVENT_COLUMNS` values, in order) after ``previous``."""
    body = json.dumps([previous, *row], ensure_ascii=False, separators=(",", ":"))
    return _sha256(body.encode("utf-8")).hexdigest()


def previous_hash(conn: sqlite3.Connection, event_id: int) -> str:
    row = conn.execute("SELECT hash FROM events WHERE id < ? ORDER BY id DESC LIMIT 1", (event_id,)).fetchone()
    return (row[0] or "") if row else ""


def event_intact(conn: sqlite3.Connection, event_id: int) -> bool:
    """Whether event ``event_id`` is as it was written (its hash follows from its content and its predecessor)."""
    row = conn.execute(f"SELECT {EVENT_COLUMNS}, hash FROM events WHERE id = ?", (event_id,)).fetchone()
    if row is None:
        return False
    return row[-1] is not None and event_hash(previous_hash(conn, event_id), row[:-1]) == row[-1]


_ROW_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # one encoder, not one per row
_STR_JSON = encode_basestring  # the string encoder json.dumps(ensure_ascii=False) uses


def rows_hash(rows: Iterable[Sequence]) -> str:
    """SHA-256 over ``(n, speaker, turn, raw, text)`` rows, one compact JSON array per line, each followed by a newline.

    The JSON is written here for the types a line has (``n`` and ``turn`` integers, ``raw`` and
    ``text`` strings, ``speaker`` a string or None), byte for byte as ``json.dumps`` writes them;
    any other type raises TypeError or ValueError (:func:`lines_hash` then takes the general encoder).
    """
    enc = _STR_JSON
    body = "".join(
        [
            f"[{n:d},{'null' if speaker is None else enc(speaker)},{turn:d},{enc(raw)},{enc(text)}]\n"
            for n, speaker, turn, raw, text in rows
        ]
    )
    return _sha256(body.encode("utf-8")).hexdigest()


def lines_hash(conn: sqlite3.Connection, transcript_id: int) -> str:
    """SHA-256 over every stored line fact, one compact JSON array per line, each followed by a newline."""
    rows = conn.execute(
        "SELECT n, speaker, turn, raw, text FROM lines WHERE transcript_id = ? ORDER BY n", (transcript_id,)
    ).fetchall()
    try:
        return rows_hash(rows)
    except (TypeError, ValueError):  # a value of another type (a changed file): the general encoder
        return _sha256("".join(_ROW_JSON(row) + "\n" for row in rows).encode("utf-8")).hexdigest()


def seal_lines(conn: sqlite3.Connection, transcript_id: int, sha256: str | None = None) -> None:
    """Store the seal of a transcript's lines: ``sha256`` when the caller hashed the rows it wrote, else read them."""
    conn.execute(
        "INSERT OR REPLACE INTO line_seals (transcript_id, sha256) VALUES (?, ?)",
        (transcript_id, sha256 or lines_hash(conn, transcript_id)),
    )
