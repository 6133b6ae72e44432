"""Re-import a corrected transcript: every coding of every coder carried, reported, undoable.

The corrected text inserts two lines at the top, adds a word inside a coded line, and
deletes a coded line; codings have one or two ranges and belong to two coders.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from core_helpers import CODEBOOK, run_qualcode

from qualcode.coding import codebook, codings, reimport
from qualcode.corpus import transcripts
from qualcode.store import history
from qualcode.store.project import Project

OLD = """Focusgroep test
M: Welkom allemaal.
R1: Wij plannen eerst een huisbezoek.
Daarna kijken we wat nodig is.
R2: De samenwerking met school loopt stroef.
M: En de veiligheid?
R1: Het veiligheidsplan komt in het overleg.
R2: Nazorg schiet er vaak bij in.
M: Dank jullie wel.
"""

NEW = """Focusgroep test
Datum: 3 mei
Locatie: [GEMEENTE]
M: Welkom allemaal.
R1: Wij plannen eerst een huisbezoek.
Daarna kijken we wat nodig is.
R2: De samenwerking met de school loopt stroef.
M: En de veiligheid?
R2: Nazorg schiet er vaak bij in.
M: Dank jullie wel.
"""

# (coder, ranges, code) → expected (status, new ranges)
CODINGS = [
    ("anna", "1", "verbeterpunten", "unchanged", [[1, 1]]),
    ("anna", "3-4", "werkwijze", "moved", [[5, 6]]),
    ("bram", "5", "samenwerking", "changed", [[7, 7]]),
    ("anna", "7", "veiligheid", "lost", []),
    ("bram", "3,8", "nazorg", "moved", [[5, 5], [9, 9]]),
    ("bram", "6-9", "veiligheid", "changed", [[8, 10]]),
]


@pytest.fixture
def project(tmp_path: Path):
    (tmp_path / "FG1.txt").write_text(OLD, encoding="utf-8")
    (tmp_path / "FG1-corrected.txt").write_text(NEW, encoding="utf-8")
    path = tmp_path / "qualcode.db"
    p = Project.create(path)
    codebook.load(p, CODEBOOK, "anna")
    transcripts.import_files(p, [tmp_path / "FG1.txt"], "anna")
    for coder, ranges, code, _, _ in CODINGS:
        codings.apply(p, "FG1", ranges, code, coder)
    yield p
    p.close()


def state(p: Project):
    t = transcripts.get(p, "FG1")
    lines = [r["raw"] for r in transcripts.lines(p, t.id)]
    coded = sorted((c.coder, c.code, [list(r) for r in c.ranges]) for c in codings.list_codings(p))
    return t.sha256, lines, coded


def test_dry_run_reports_every_coding_and_changes_nothing(project, tmp_path):
    before = state(project)
    events = project.scalar("SELECT count(*) FROM events")
    result = reimport.reimport(project, "FG1", tmp_path / "FG1-corrected.txt", "anna", dry_run=True)
    assert not result.applied
    got = sorted((c.coder, c.code, c.status, c.new_ranges) for c in result.codings)
    assert got == sorted((coder, code, status, new) for coder, _, code, status, new in CODINGS)
    assert result.counts() == {"unchanged": 1, "moved": 2, "changed": 2, "lost": 1}
    moved = {c.old_citation: c.new_citation for c in result.codings if c.status == "moved"}
    assert moved == {"(FG1; 3-4)": "(FG1; 5-6)", "(FG1; 3; 8)": "(FG1; 5; 9)"}
    assert (result.old_lines, result.new_lines, result.lines_inserted, result.lines_deleted) == (9, 10, 2, 1)
    assert state(project) == before
    assert project.scalar("SELECT count(*) FROM events") == events


def test_apply_carries_codings_of_both_coders_and_keeps_lost_ones(project, tmp_path):
    result = reimport.reimport(project, "FG1", tmp_path / "FG1-corrected.txt", "anna")
    assert result.applied
    sha, lines, coded = state(project)
    assert lines == NEW.splitlines()
    assert coded == sorted((coder, code, new) for coder, _, code, status, new in CODINGS if status != "lost")
    changed = {c.code: c for c in result.codings if c.status == "changed"}
    assert changed["samenwerking"].old_text == "De samenwerking met school loopt stroef."
    assert changed["samenwerking"].new_text == "De samenwerking met de school loopt stroef."
    attention = reimport.attention(project, "FG1")
    assert [(a["status"], a["coder"], a["code"], a["old_ranges"], a["new_ranges"]) for a in attention] == [
        ("changed", "bram", "samenwerking", "5", "7"),
        ("changed", "bram", "veiligheid", "6-9", "8-10"),
        ("lost", "anna", "veiligheid", "7", None),
    ]
    lost = next(a for a in attention if a["status"] == "lost")
    assert lost["old_text"] == "Het veiligheidsplan komt in het overleg."
    # one event for the whole re-import, undoable by anna
    event = project.query_one("SELECT action, kind FROM events ORDER BY id DESC LIMIT 1")
    assert event == {"action": "reimport", "kind": "do"}
    assert transcripts.get(project, "FG1").line_count == 10


def test_undo_restores_the_old_text_and_every_coding(project, tmp_path):
    before = state(project)
    reimport.reimport(project, "FG1", tmp_path / "FG1-corrected.txt", "anna")
    assert state(project) != before
    history.undo(project, "anna")
    assert state(project) == before
    assert reimport.attention(project) == []
    history.redo(project, "anna")
    assert state(project)[1] == NEW.splitlines()


def test_identical_text_is_a_no_op(project, tmp_path):
    before = state(project)
    result = reimport.reimport(project, "FG1", tmp_path / "FG1.txt", "anna")
    assert not result.applied and "identical" in result.notices[0]
    assert state(project) == before


def test_cli_reimport_json_and_word_export_cites_new_lines(project, tmp_path):
    project.close()
    dry = run_qualcode("reimport", "FG1", "FG1-corrected.txt", "--dry-run", "--json", cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["counts"] == {"unchanged": 1, "moved": 2, "changed": 2, "lost": 1}
    done = run_qualcode("reimport", "FG1", "FG1-corrected.txt", cwd=tmp_path, env={"QUALCODE_CODER": "anna"})
    assert done.returncode == 0, done.stderr
    assert "moved    werkwijze (anna): (FG1; 3-4) → (FG1; 5-6)" in done.stdout
    assert "lost     veiligheid (anna): (FG1; 7)" in done.stdout
    listed = run_qualcode("attention", "FG1", "--json", cwd=tmp_path)
    assert [r["status"] for r in json.loads(listed.stdout)] == ["changed", "changed", "lost"]
    out = tmp_path / "rapport.docx"
    export = run_qualcode("export", "docx", str(out), "--coder", "anna", cwd=tmp_path)
    assert export.returncode == 0, export.stderr
    import docx

    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "(FG1; 5-6)" in text and "(FG1; 3-4)" not in text
    assert "Het veiligheidsplan" not in text  # the lost coding is not quoted at a wrong place


def test_search_after_undo_finds_the_restored_lines(project, tmp_path):
    from qualcode.corpus import lemmas

    reimport.reimport(project, "FG1", tmp_path / "FG1-corrected.txt", "anna")
    assert project.scalar("SELECT count(*) FROM line_nlp x JOIN lines l ON l.id = x.line_id") == 10
    history.undo(project, "anna")
    lemmas.ensure_lemmas(project)  # restored lines get their lemmas back (search does this first)
    assert project.scalar("SELECT count(*) FROM line_nlp x JOIN lines l ON l.id = x.line_id") == 9
    hits = project.query("SELECT rowid FROM line_nlp_fts WHERE line_nlp_fts MATCH 'veiligheidsplan'")
    assert len(hits) == 1
