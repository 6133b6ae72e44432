"""Issue 11, class 9: `check` notices tampering with line text and with events; undo is not fooled by it.

Found as: `check` missed changes to `lines.text` (quotes are built from it) and to an event's coder,
time or summary; after an event's coder was changed from bram to anna, anna's undo reverted bram's
action. Schema 4 seals each transcript's lines and chains every event's hash to the one before.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from trust_helpers import codings_of, make_project, ok, one_error_line, run


def tamper(path: Path, *sql: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in sql:
            conn.execute(statement)
    finally:
        conn.close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = make_project(tmp_path)
    ok(run("code", "FG9", "2-3", "werkwijze", cwd=tmp_path, coder="anna"))
    ok(run("code", "FG9", "5", "samenwerking", cwd=tmp_path, coder="bram"))
    ok(run("check", cwd=tmp_path))
    return path


def failed_checks(folder: Path) -> dict:
    r = run("check", "--json", cwd=folder)
    assert r.returncode == 1, r.stdout + r.stderr
    return {k: v["problems"] for k, v in json.loads(r.stdout)["checks"].items() if not v["ok"]}


def test_changed_line_text_is_found(project: Path, tmp_path: Path):
    tamper(project, "UPDATE lines SET text = 'Iets heel anders.' WHERE n = 3")
    assert "changed after import" in failed_checks(tmp_path)["line_seals"][0]


@pytest.mark.parametrize(
    "column, value", [("coder", "'anna'"), ("at", "'2020-01-01T00:00:00.000Z'"), ("summary", "'niets'")]
)
def test_changed_event_is_found(project: Path, tmp_path: Path, column: str, value: str):
    tamper(
        project,
        "DROP TRIGGER events_append_only_update",
        f"UPDATE events SET {column} = {value} WHERE action = 'code' AND coder = 'bram'",
    )
    problems = failed_checks(tmp_path)["event_chain"]
    assert len(problems) == 1 and "changed after it was written" in problems[0]


def test_undo_never_reverts_another_coders_action_after_tampering(project: Path, tmp_path: Path):
    ok(run("code", "FG9", "7", "veiligheid", cwd=tmp_path, coder="bram"))
    tamper(
        project,
        "DROP TRIGGER events_append_only_update",
        "UPDATE events SET coder = 'anna' WHERE action = 'code' AND coder = 'bram' AND summary LIKE '%FG9 7%'",
    )
    before = codings_of(project)
    line = one_error_line(run("undo", cwd=tmp_path, coder="anna"))
    assert "changed outside qualcode" in line and "nothing was changed" in line
    assert codings_of(project) == before  # bram's coding of line 7 is still there
