"""Running a migration's SQL inside the caller's transaction."""

from __future__ import annotations

import sqlite3


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run several SQL statements inside the caller's transaction.

    ``executescript`` would COMMIT first; this splits the script into complete
    statements (triggers included) and runs them one by one.
    """
    buf = ""
    for piece in script.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n\t;"):
                conn.execute(buf)
            buf = ""
    if buf.strip(" \n\t;"):
        conn.execute(buf)
