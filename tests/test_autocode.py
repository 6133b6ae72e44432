"""qualcode.language.autocode on a real project file: dry run equals the real run, one undo removes a run, scopes, skips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qualcode.coding import codings, quotes
from qualcode.corpus import transcripts
from qualcode.errors import InputError, NotFoundError
from qualcode.language import autocode, search
from qualcode.store import history
from qualcode.store.project import Project

ROOT = Path(__file__).resolve().parent.parent
CODEBOOK = ROOT / "codebooks" / "default.yaml"

FG = """M: Hoe plannen jullie het eerste gesprek?
R1: Dat hebben we vorige week gepland
samen met het gezin. De planning blijft lastig.
R2: Een plan maken we samen met de ouders, in het eerste
gesprek al.
R3: Die casus bespreken we in het overleg.
R4: Bij zware casussen bellen we eerst de ouders.

M: Eerste gesprek of niet, plannen is het werk.
"""


@pytest.fixture
def proj(tmp_path: Path):
    from qualcode.coding import codebook

    (tmp_path / "FG1.txt").write_text(FG, encoding="utf-8")
    path = tmp_path / "auto.db"
    with Project.create(path) as p:
        codebook.load(p, CODEBOOK, "anna")
        transcripts.import_files(p, [tmp_path / "FG1.txt"], "anna")
    with Project.open(path) as p:
        yield p


def shape(rows):
    return [{k: v for k, v in r.items() if k not in ("id", "created_at", "updated_at")} for r in rows]


def test_dry_run_equals_the_real_run(proj):
    dry = autocode.autocode(proj, "werkwijze", "plannen", "anna", lemma=True, dry_run=True)
    assert proj.scalar("SELECT count(*) FROM codings") == 0  # nothing written
    assert [c.ranges for c in dry] == [((1, 1),), ((2, 2),), ((9, 9),)]
    real = autocode.autocode(proj, "werkwijze", "plannen", "anna", lemma=True)
    assert shape(quotes.quote_rows(proj, dry)) == shape(quotes.quote_rows(proj, real))
    assert all(c.id is not None for c in real)
    stored = codings.list_codings(proj, coder="anna", code="werkwijze")
    assert [c.id for c in stored] == [c.id for c in real]


def test_one_undo_removes_the_whole_run(proj):
    codings.apply(proj, "FG1", "6", "samenwerking", "anna")  # an earlier, separate action
    made = autocode.autocode(proj, "werkwijze", "casus ouders", "anna", lemma=True)
    assert [c.ranges for c in made] == [((7, 7),)]
    made = autocode.autocode(proj, "veiligheid", "we", "anna")
    assert [c.ranges[0][0] for c in made] == [2, 4, 6, 7]
    event = history.undo(proj, "anna")
    assert event["action"] == "autocode"
    assert codings.list_codings(proj, coder="anna", code="veiligheid") == []
    assert len(codings.list_codings(proj, coder="anna", code="werkwijze")) == 1  # the run before stays
    history.undo(proj, "anna")
    assert [c.code for c in codings.list_codings(proj, coder="anna")] == ["samenwerking"]
    history.redo(proj, "anna")
    assert len(codings.list_codings(proj, coder="anna", code="werkwijze")) == 1


def test_skips_units_the_coder_already_coded_and_not_other_coders(proj):
    codings.apply(proj, "FG1", "2", "werkwijze", "anna")
    codings.apply(proj, "FG1", "9", "werkwijze", "bram")
    made = autocode.autocode(proj, "werkwijze", "plannen", "anna", lemma=True)
    assert [c.ranges for c in made] == [((1, 1),), ((9, 9),)]
    assert autocode.autocode(proj, "werkwijze", "plannen", "anna", lemma=True) == []


def test_turn_scope_codes_whole_turns_and_finds_phrases_across_line_breaks(proj):
    made = autocode.autocode(proj, "werkwijze", '"eerste gesprek"', "anna", scope="turn")
    # line 1 (one-line turn), turn 4-5 (phrase broken over two lines), line 9
    assert [c.ranges for c in made] == [((1, 1),), ((4, 5),), ((9, 9),)]
    # line scope does not see the broken phrase
    assert [c.ranges for c in autocode.plan(proj, "samenwerking", '"eerste gesprek"', "anna")] == [((1, 1),), ((9, 9),)]
    # a turn that overlaps an existing coding of this coder is skipped
    codings.apply(proj, "FG1", "3", "samenwerking", "anna")
    plan = autocode.plan(proj, "samenwerking", "gezin", "anna", scope="turn")
    assert plan == []


def test_line_scope_agrees_with_search(proj):
    for query, lemma in [("plannen", True), ("ouders", False), ('"het eerste"', False), ("casus overleg", True)]:
        planned = {c.ranges[0][0] for c in autocode.plan(proj, "werkwijze", query, "anna", lemma=lemma)}
        found = {h.line for h in search.search(proj, query, lemma=lemma).hits}
        assert planned == found, query


def test_spacy_token_pattern(proj):
    plan = autocode.plan(proj, "werkwijze", '[{"LEMMA": "plannen"}, {"LOWER": "is"}]', "anna")
    assert [c.ranges for c in plan] == [((9, 9),)]
    # token patterns see punctuation: "ouders" followed by a comma only on line 4
    plan = autocode.plan(proj, "werkwijze", '[{"LOWER": "ouders"}, {"IS_PUNCT": true, "ORTH": ","}]', "anna")
    assert [c.ranges for c in plan] == [((4, 4),)]
    plan = autocode.plan(proj, "werkwijze", '[{"LOWER": "de"}, {"LEMMA": "ouders"}]', "anna")
    assert [c.ranges for c in plan] == [((4, 4),), ((7, 7),)]
    with pytest.raises(InputError):
        autocode.plan(proj, "werkwijze", '[{"LEMMA": ', "anna")


def test_errors_are_one_line(proj):
    with pytest.raises(NotFoundError):
        autocode.plan(proj, "geen-code", "plannen", "anna")
    with pytest.raises(InputError):
        autocode.plan(proj, "werkwijze", "plannen", "anna", scope="paragraph")


def test_cli_dry_run_json_equals_real_run_json(proj, cli):
    path = str(proj.path)
    dry = cli("autocode", "werkwijze", "--pattern", "plannen", "--lemma", "--dry-run", "--json", "--project", path)
    assert dry.exit_code == 0, dry.output
    real = cli("autocode", "werkwijze", "--pattern", "plannen", "--lemma", "--json", "--project", path)
    assert real.exit_code == 0, real.output
    dry_rows, real_rows = json.loads(dry.output), json.loads(real.output)
    assert [r["citation"] for r in dry_rows] == ["(FG1; 1)", "(FG1; 2)", "(FG1; 9)"]
    assert shape(dry_rows) == shape(real_rows)
    listed = cli("codings", "--json", "--project", path)
    assert shape(json.loads(listed.output)) == shape(real_rows)
    again = cli("autocode", "werkwijze", "--pattern", "plannen", "--lemma", "--project", path)
    assert again.exit_code == 0 and "Nothing to code" in again.output
    undo = cli("undo", "--project", path)
    assert undo.exit_code == 0 and "autocode" in undo.output
    assert json.loads(cli("codings", "--json", "--project", path).output) == []
