"""Team merge: transcripts by SHA-256, codes by name, codings keep their coder, one undoable step."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.coding import codebook, codings, memos
from qualcode.corpus import transcripts
from qualcode.corpus.ingest import parse_text
from qualcode.errors import InputError
from qualcode.exchange.merge import merge
from qualcode.store import history
from qualcode.store.project import Project

SHARED = "M: Gedeelde tekst.\nR1: Over één wijkteam.\nR2: En de school.\nR3: Tot slot.\n"
MINE = "M: Alleen van anna, versie A.\nR1: Zo.\n"
THEIRS = "M: Alleen van anna, versie B (anders).\nR1: Zo.\n"
NEW = "M: Alleen bij bram.\nR1: Nieuw.\n"
CODES = "codes:\n  - name: werkwijze\n  - name: samenwerking\n    children:\n      - name: school\n"


def make(path: Path, coder: str, texts: dict[str, str], extra_code: str | None = None) -> Project:
    p = Project.create(path)
    transcripts.import_parsed(p, [parse_text(t, name=n, source=f"{n}.txt") for n, t in texts.items()], coder)
    cb = path.with_suffix(".yaml")
    cb.write_text(CODES + (f"  - name: {extra_code}\n" if extra_code else ""), encoding="utf-8")
    codebook.load(p, cb, coder)
    return p


@pytest.fixture
def two_projects(tmp_path):
    """anna and bram coded the same FG1; each has an FG2 with a different text; bram also has FG3."""
    anna = make(tmp_path / "anna.db", "anna", {"FG1": SHARED, "FG2": MINE}, extra_code="alleen-anna")
    # bram imported FG1 under another file name: matching is by text, never by name
    bram = make(tmp_path / "bram.db", "bram", {"groep1": SHARED, "FG2": THEIRS, "FG3": NEW}, extra_code="alleen-bram")
    codings.apply(anna, "FG1", "2-3", "werkwijze", "anna")
    codings.apply(anna, "FG1", "1", "school", "bram")  # bram coded on anna's laptop once
    codings.apply(bram, "groep1", "1", "school", "bram")  # the same coding again: kept once
    codings.apply(bram, "groep1", "2,4", "samenwerking", "bram", memo="Twee delen, één quote")
    codings.apply(bram, "groep1", "3", "alleen-bram", "bram")
    codings.apply(bram, "FG2", "1", "werkwijze", "bram")  # on the differing text: not merged
    codings.apply(bram, "FG3", "2", "werkwijze", "bram")
    memos.set(bram, "code", "samenwerking", "Thema-samenvatting van bram", "bram")
    codings.mark_done(bram, "groep1", "bram")
    bram.close()
    return anna, tmp_path / "bram.db"


def state(p: Project) -> tuple:
    return (
        sorted((t.name, t.sha256) for t in transcripts.all_rows(p)),
        sorted((c.transcript, c.code, c.coder, c.ranges, c.memo) for c in codings.list_codings(p)),
        sorted(c.name for c in codebook.all_codes(p)),
        p.scalar("SELECT count(*) FROM lines"),
        p.scalar("SELECT count(*) FROM memos"),
        p.scalar("SELECT count(*) FROM progress"),
    )


def test_merge_one_shared_and_one_differing_transcript(two_projects):
    anna, other = two_projects
    report = merge(anna, other, "anna")
    assert report["transcripts_matched"] == ["groep1 (here: FG1)"]
    assert report["transcripts_differing"] == ["FG2"]
    assert report["transcripts_added"] == ["FG3"]
    assert report["codes_only_there"] == ["alleen-bram"] and report["codes_only_here"] == ["alleen-anna"]
    assert report["codings_identical"] == 1 and report["codings_added"] == 3 and report["codings_skipped"] == 1
    got = {(c.transcript, c.code, c.coder, c.ranges, c.memo) for c in codings.list_codings(anna)}
    assert got == {
        ("FG1", "werkwijze", "anna", ((2, 3),), ""),
        ("FG1", "school", "bram", ((1, 1),), ""),
        ("FG1", "samenwerking", "bram", ((2, 2), (4, 4)), "Twee delen, één quote"),
        ("FG1", "alleen-bram", "bram", ((3, 3),), ""),
        ("FG3", "werkwijze", "bram", ((2, 2),), ""),
    }
    # FG2 keeps anna's text; bram's differing FG2 text is not in the project
    fg2 = transcripts.get(anna, "FG2")
    assert [ln["raw"] for ln in transcripts.lines(anna, fg2.id)] == MINE.splitlines()
    fg3 = transcripts.get(anna, "FG3")
    assert [ln["raw"] for ln in transcripts.lines(anna, fg3.id)] == NEW.splitlines()
    assert memos.get(anna, "code", "samenwerking") == "Thema-samenvatting van bram"
    assert codings.is_done(anna, transcripts.get(anna, "FG1").id, "bram")


def test_merge_is_one_undoable_and_redoable_step(two_projects):
    anna, other = two_projects
    before = state(anna)
    merge(anna, other, "anna")
    after = state(anna)
    assert after != before
    event = history.undo(anna, "anna")
    assert event["action"] == "merge"
    assert state(anna) == before
    history.redo(anna, "anna")
    assert state(anna) == after


def test_merging_twice_adds_nothing_the_second_time(two_projects):
    anna, other = two_projects
    merge(anna, other, "anna")
    once = state(anna)
    report = merge(anna, other, "anna")
    assert report["codings_added"] == 0 and report["transcripts_added"] == [] and report["codes_added"] == []
    assert state(anna) == once


def test_dry_run_changes_nothing(two_projects):
    anna, other = two_projects
    before = state(anna)
    events = anna.scalar("SELECT count(*) FROM events")
    report = merge(anna, other, "anna", dry_run=True)
    assert report["codings_added"] == 3
    assert state(anna) == before and anna.scalar("SELECT count(*) FROM events") == events


def test_merge_refuses_itself_and_non_projects(two_projects, tmp_path):
    anna, _ = two_projects
    with pytest.raises(InputError, match="itself"):
        merge(anna, anna.path, "anna")
    (tmp_path / "x.db").write_text("not sqlite")
    with pytest.raises(Exception, match="not a qualcode project"):
        merge(anna, tmp_path / "x.db", "anna")


def test_cli_merge_reports_one_sided_codes_and_differing_texts(two_projects):
    anna, other = two_projects
    anna.close()
    r = CliRunner().invoke(cli, ["--project", str(anna.path), "--coder", "anna", "merge", str(other)])
    assert r.exit_code == 0, r.output
    assert "NOT merged, same name but different text: FG2" in r.output
    assert "codes only in the other project (added here): alleen-bram" in r.output
    assert "codes only in this project: alleen-anna" in r.output
