import pytest

from qualcode.coding import codings, quotes
from qualcode.corpus import transcripts
from qualcode.errors import ConflictError, InputError, NotFoundError
from qualcode.store import history
from qualcode.store.project import Project


def test_apply_and_quote_text_without_speaker_labels(project):
    c = codings.apply(project, "FG9", "3-4", "werkwijze", "anna", memo="eerste")
    assert c.ranges == ((3, 4),) and c.code == "werkwijze" and c.coder == "anna" and c.memo == "eerste"
    row = quotes.quote_rows(project, [c])[0]
    assert row["citation"] == "(FG9; 3-4)"
    assert (
        row["text"] == "Nou, wij plannen eerst een huisbezoek met [NAAM COLLEGA]. Daarna kijken we samen wat nodig is."
    )
    assert row["speakers"] == ["R1"]


def test_multi_range_quote_joined_with_ellipsis(project):
    c = codings.apply(project, "FG9", "7,3", "samenwerking", "anna")
    row = quotes.quote_rows(project, [c])[0]
    assert row["citation"] == "(FG9; 3; 7)"
    assert row["ranges"] == [[3, 3], [7, 7]]
    assert row["text"] == (
        "Nou, wij plannen eerst een huisbezoek met [NAAM COLLEGA]. (…) "
        "Dat herken ik, uit wiens koker moest dat nou komen?"
    )
    assert row["speakers"] == ["R1", "[REGISSEUR 2]"]


def test_blank_lines_are_not_part_of_the_text(project):
    row = quotes.quote_rows(project, [codings.apply(project, "FG9", "4-6", "werkwijze", "anna")])[0]
    assert (
        row["text"]
        == "Daarna kijken we samen wat nodig is. Bij ons gaat de samenwerking met de school niet altijd goed."
    )


def test_errors_change_nothing(project):
    before = project.scalar("SELECT count(*) FROM events")
    with pytest.raises(InputError, match="outside FG9"):
        codings.apply(project, "FG9", "9-99", "werkwijze", "anna")
    with pytest.raises(NotFoundError, match="did you mean FG9"):
        codings.apply(project, "FG8", "1", "werkwijze", "anna")
    with pytest.raises(NotFoundError, match="did you mean werkwijze"):
        codings.apply(project, "FG9", "1", "werkwjize", "anna")
    with pytest.raises(InputError, match="malformed"):
        codings.apply(project, "FG9", "1-x", "werkwijze", "anna")
    assert project.scalar("SELECT count(*) FROM events") == before
    assert project.scalar("SELECT count(*) FROM codings") == 0


def test_same_line_several_codes_and_coders(project):
    codings.apply(project, "FG9", "2", "werkwijze", "anna")
    codings.apply(project, "FG9", "2", "veiligheid", "anna")
    codings.apply(project, "FG9", "2", "werkwijze", "bram")
    with pytest.raises(ConflictError):
        codings.apply(project, "FG9", "2", "werkwijze", "anna")
    assert len(codings.list_codings(project)) == 3
    assert len(codings.list_codings(project, coder="bram")) == 1
    assert len(codings.list_codings(project, code="werkwijze")) == 2
    assert codings.coders(project) == ["anna", "bram"]


def test_uncode_and_toggle(project):
    codings.apply(project, "FG9", "2-3", "werkwijze", "anna")
    with pytest.raises(NotFoundError, match="overlapping: 2-3"):
        codings.remove(project, "FG9", "2", "werkwijze", "anna")
    codings.remove(project, "FG9", "2-3", "werkwijze", "anna")
    assert codings.list_codings(project) == []
    assert codings.toggle(project, "FG9", "5", "nazorg", "anna") is not None
    assert codings.toggle(project, "FG9", "5", "nazorg", "anna") is None
    assert codings.list_codings(project) == []


def test_done_per_coder(project):
    t = transcripts.get(project, "FG9")
    assert codings.mark_done(project, "FG9", "anna")
    assert not codings.mark_done(project, "FG9", "anna")
    assert codings.is_done(project, t.id, "anna") and not codings.is_done(project, t.id, "bram")
    overview = transcripts.overview(project)[0]
    assert overview["coders"]["anna"]["done"] is True


def test_undo_redo_per_coder_across_restarts(project_path):
    with Project.open(project_path) as p:
        codings.apply(p, "FG9", "2", "werkwijze", "anna")
        codings.apply(p, "FG9", "3", "werkwijze", "bram")
        codings.apply(p, "FG9", "5", "nazorg", "anna")
    with Project.open(project_path) as p:  # a new session: the stack comes from the event log
        assert history.undo(p, "anna")["summary"] == "code FG9 5 nazorg"
        assert [(c.coder, c.ranges) for c in codings.list_codings(p)] == [("anna", ((2, 2),)), ("bram", ((3, 3),))]
        history.undo(p, "anna")
        assert [c.coder for c in codings.list_codings(p)] == ["bram"]
        with pytest.raises(Exception, match="nothing to undo"):
            history.undo(p, "anna")
    with Project.open(project_path) as p:
        history.redo(p, "anna")
        assert sorted(c.coder for c in codings.list_codings(p)) == ["anna", "bram"]
        history.undo(p, "bram")
        assert [c.coder for c in codings.list_codings(p)] == ["anna"]
        # a new action clears the redo stack
        codings.apply(p, "FG9", "8", "veiligheid", "anna")
        with pytest.raises(Exception, match="nothing to redo"):
            history.redo(p, "anna")


def test_undo_memo_and_done(project):
    c = codings.apply(project, "FG9", "2", "werkwijze", "anna")
    codings.set_memo(project, c.id, "nieuw", "anna")
    codings.mark_done(project, "FG9", "anna")
    history.undo(project, "anna")
    assert not codings.is_done(project, c.transcript_id, "anna")
    history.undo(project, "anna")
    assert codings.get(project, c.id).memo == ""


def test_add_range_makes_a_two_range_coding_and_remove_range_splits_it(project):
    c = codings.apply(project, "FG9", "3-4", "werkwijze", "anna")
    two = codings.add_range(project, c.id, "7-8", "anna")
    assert two.id == c.id and two.ranges == ((3, 4), (7, 8))
    assert project.scalar("SELECT ranges FROM codings WHERE id = ?", (c.id,)) == "3-4,7-8"
    split = codings.remove_range(project, c.id, "4", "anna")
    assert split.ranges == ((3, 3), (7, 8))
    gone = codings.remove_range(project, c.id, "7-8", "anna")
    assert gone.ranges == ((3, 3),)
    with pytest.raises(InputError, match="without lines"):
        codings.remove_range(project, c.id, "3", "anna")
    with pytest.raises(InputError, match="not in"):
        codings.remove_range(project, c.id, "5", "anna")
    with pytest.raises(ConflictError):
        codings.add_range(project, c.id, "5", "bram")
    history.undo(project, "anna")  # each change is one event
    assert codings.get(project, c.id).ranges == ((3, 3), (7, 8))


def test_count_by_coder(project):
    codings.apply(project, "FG9", "3-4", "werkwijze", "anna")
    codings.apply(project, "FG9", "5", "werkwijze", "anna")
    codings.apply(project, "FG9", "5", "werkwijze", "bram")
    assert codings.count_by_coder(project) == {"anna": 2, "bram": 1}
