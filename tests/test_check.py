"""`qualcode check` finds real damage, passes real work, and never writes; `qualcode log` shows the trail."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from qualcode.coding import codebook, codings, memos
from qualcode.store import history, integrity
from qualcode.store.project import Project


def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("QUALCODE_")}
    full.update({"QUALCODE_CODER": "anna", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "qualcode", *args], cwd=cwd, env=full, capture_output=True, text=True, timeout=120
    )


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def worked(project_path: Path) -> Path:
    """A project with every kind of recorded work: codings, undo, redo, memos, done, codebook edits."""
    with Project.open(project_path) as p:
        codings.apply(p, "FG9", "2-3", "werkwijze", "anna")
        codings.apply(p, "FG9", "5,7-8", "samenwerking", "anna", memo="school")
        c = codings.apply(p, "FG9", "4", "werkwijze", "bram")
        codings.set_ranges(p, c.id, "4-5", "bram")
        codings.set_memo(p, c.id, "later", "bram")
        history.undo(p, "anna")
        history.redo(p, "anna")
        history.undo(p, "anna")
        memos.set(p, "code", "werkwijze", "samenvatting", "anna")
        memos.set(p, "code", "werkwijze", "beter", "bram")
        memos.set(p, "project", None, "project memo", "anna")
        codings.mark_done(p, "FG9", "anna")
        codings.toggle(p, "FG9", "9", "werkwijze", "bram")
        codings.toggle(p, "FG9", "9", "werkwijze", "bram")
        codebook.edit_code(p, "werkwijze", "anna", definition="Nieuwe definitie")
    return project_path


def problems(path: Path) -> dict:
    with Project.open(path, readonly=True) as p:
        return {k: v for k, v in integrity.check(p).as_dict()["checks"].items() if not v["ok"]}


def tamper(path: Path, *sql: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    for s in sql:
        conn.execute(s)
    conn.close()


def test_real_work_passes_the_check_in_and_out_of_process(worked: Path):
    assert problems(worked) == {}
    before = sha(worked)
    r = run("check", "--project", worked.name, cwd=worked.parent)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "all checks passed" in r.stdout and "event_replay" in r.stdout
    r = run("check", "--json", "--project", worked.name, cwd=worked.parent)
    report = json.loads(r.stdout)
    assert report["ok"] is True and report["stats"]["replayed_changes"] > 10
    assert set(report["checks"]) == {
        "integrity",
        "foreign_keys",
        "ranges",
        "text_hashes",
        "line_seals",
        "event_chain",
        "event_replay",
    }
    assert sha(worked) == before  # check never writes


def test_codebook_reload_with_forced_removal_replays(worked: Path, tmp_path: Path):
    with Project.open(worked) as p:
        spec = codebook.current_spec(p)
        spec.codes = [c for c in spec.codes if c.name != "samenwerking" and c.parent != "samenwerking"]
        codebook.apply(p, spec, "anna", force=True)
    assert problems(worked) == {}


@pytest.mark.parametrize(
    "damage, check, words",
    [
        (["UPDATE lines SET raw = raw || '!' WHERE n = 3"], "text_hashes", "does not match its sha256"),
        (["DELETE FROM lines WHERE n = 4"], "text_hashes", "line_count says"),
        (["UPDATE codings SET ranges = '2-99', last_line = 99 WHERE coder = 'bram'"], "ranges", "outside"),
        (["UPDATE codings SET first_line = 1 WHERE coder = 'bram'"], "ranges", "do not match"),
        (
            [
                "INSERT INTO codings (transcript_id, code_id, coder, ranges, first_line, last_line, created_at, updated_at, "
                "guid) VALUES (1, 1, 'mallory', '3', 3, 3, 'x', 'x', 'G')"
            ],
            "event_replay",
            "no event made it",
        ),
        (["DELETE FROM codings WHERE coder = 'bram'"], "event_replay", "not in the project"),
        (["UPDATE codes SET definition = 'stiekem' WHERE name = 'werkwijze'"], "event_replay", "definition differ"),
        (["DELETE FROM progress"], "event_replay", "progress"),
        (["UPDATE memos SET text = 'anders' WHERE scope = 'project'"], "event_replay", "text differ"),
        (
            [
                "INSERT INTO codings (transcript_id, code_id, coder, ranges, first_line, last_line, created_at, updated_at, "
                "guid) VALUES (77, 1, 'mallory', '3', 3, 3, 'x', 'x', 'G')"
            ],
            "foreign_keys",
            "missing transcripts",
        ),
    ],
)
def test_damage_is_found_and_named(worked: Path, damage, check, words):
    tamper(worked, *damage)
    found = problems(worked)
    assert check in found, found
    assert any(words in p for p in found[check]["problems"]), found[check]
    before = sha(worked)
    r = run("check", "--project", worked.name, cwd=worked.parent)
    assert r.returncode == 1
    assert f"FAIL {check}" in r.stdout
    assert r.stderr.strip().splitlines()[-1].startswith("error: ") and "qualcode backups" in r.stderr
    assert sha(worked) == before


def test_a_tampered_event_log_is_found(worked: Path):
    # the log is append-only through triggers; someone who drops them and edits a change is still caught
    conn = sqlite3.connect(worked, isolation_level=None)
    conn.execute("DROP TRIGGER events_append_only_update")
    row = conn.execute("SELECT id, changes FROM events WHERE action = 'code' AND kind = 'do' LIMIT 1").fetchone()
    changes = json.loads(row[1])
    changes[0]["after"]["memo"] = "vervalst"
    conn.execute("UPDATE events SET changes = ? WHERE id = ?", (json.dumps(changes), row[0]))
    conn.close()
    assert "event_replay" in problems(worked)


def test_page_level_damage_is_reported_not_crashed(worked: Path):
    with Project.open(worked) as p:  # enough rows for several pages per table and index
        for n in range(1, 10):
            for code in ("werkwijze", "samenwerking", "veiligheid"):
                try:
                    codings.apply(p, "FG9", str(n), code, "carla")
                except Exception:
                    pass
    conn = sqlite3.connect(worked)
    conn.execute("PRAGMA journal_mode = DELETE")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'codings_by_code'").fetchone()[0]
    conn.close()
    data = bytearray(worked.read_bytes())
    start = (root - 1) * page_size
    data[start + 8 : start + page_size] = os.urandom(page_size - 8)  # keep the page header, scramble the cells
    worked.write_bytes(bytes(data))
    r = run("check", "--project", worked.name, cwd=worked.parent)
    assert r.returncode == 1
    assert "FAIL integrity" in r.stdout
    assert "Traceback" not in r.stderr


def test_log_shows_who_did_what_when(worked: Path):
    cwd = worked.parent
    r = run("log", "--json", "--project", worked.name, cwd=cwd)
    rows = json.loads(r.stdout)
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)
    assert {row["coder"] for row in rows} == {"tester", "anna", "bram"}
    assert any(row["kind"] == "undo" and row["ref"] for row in rows)
    r = run("log", "--coder", "bram", "--json", "--project", worked.name, cwd=cwd)
    bram = json.loads(r.stdout)
    assert bram and all(row["coder"] == "bram" for row in bram)
    assert [row["summary"] for row in bram][:2] == ["code FG9 4 werkwijze", "change FG9 4 → 4-5 werkwijze"]
    r = run("log", "--since", "2999-01-01", "--json", "--project", worked.name, cwd=cwd)
    assert json.loads(r.stdout) == []
    r = run("log", "--since", "1h", "--json", "--project", worked.name, cwd=cwd)
    assert len(json.loads(r.stdout)) == len(rows)
    r = run("log", "--since", "today", "--limit", "2", "--changes", "--json", "--project", worked.name, cwd=cwd)
    last = json.loads(r.stdout)
    assert [row["id"] for row in last] == [rows[-2]["id"], rows[-1]["id"]] and "changes" in last[0]
    r = run("log", "--since", "last tuesday", "--project", worked.name, cwd=cwd)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "--since" in r.stderr
    r = run("log", "--project", worked.name, cwd=cwd)
    assert r.returncode == 0 and "bram" in r.stdout and "import" in r.stdout
