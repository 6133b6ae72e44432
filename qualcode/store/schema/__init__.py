"""Schema versions of the project file, applied in order through ``PRAGMA user_version``.

Each migration is a function ``(conn) -> None`` that runs inside the transaction
that also bumps ``user_version``; a project file is never left half-migrated.
Add a migration by appending ``VERSION: function`` to :data:`MIGRATIONS`; never
edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from qualcode.store.schema.v1_core import v1_core  # (transcripts, lines, codes, codings, memos, events)
from qualcode.store.schema.v2_lemmas import v2_lemmas  # (lemmas, full-text index, dismissed suggestions)
from qualcode.store.schema.v3_exchange import v3_exchange  # (REFI-QDA coders' GUIDs, privacy audit)
from qualcode.store.schema.v4_trust import v4_trust  # (event hash chain, line seals, no identical codings)
from qualcode.store.schema.v5_timing import v5_timing  # (line times, media links, re-import attention list)
from qualcode.store.schema.v6_authoring import v6_authoring  # (picks, theme summaries, titles, display names)
from qualcode.store.schema.v7_participants import v7_participants  # (participants, their attributes)
from qualcode.store.schema.v8_timed_lines import v8_timed_lines  # (an index of the lines with a time code)
from qualcode.store.schema.v9_blank_lines import v9_blank_lines  # (an index of the blank lines)

APPLICATION_ID = 0x51434F44  # "QCOD": marks a SQLite file as a qualcode project

MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: v1_core,
    2: v2_lemmas,
    3: v3_exchange,
    4: v4_trust,
    5: v5_timing,
    6: v6_authoring,
    7: v7_participants,
    8: v8_timed_lines,
    9: v9_blank_lines,
}

LATEST = max(MIGRATIONS)


def current_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Bring the schema to :data:`LATEST`; return the versions applied.

    Each version runs in its own ``BEGIN IMMEDIATE`` transaction together with the
    ``user_version`` bump, so a crash leaves the file at the previous version.
    """
    applied = []
    for version in sorted(MIGRATIONS):
        if version <= current_version(conn):
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if current_version(conn) >= version:  # another process got there first
                conn.execute("ROLLBACK")
                continue
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {int(version)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied
