"""Analysis core on a real project: participants, crosstabs and co-occurrence equal hand counts."""

from __future__ import annotations

import json

import numpy as np
import pytest
from analysis_helpers import ANNA, BRAM, CODES, ROLES, SPEAKERS, build
from scipy.stats import chi2_contingency

from qualcode.analysis import cooccurrence, crosstab, participants
from qualcode.errors import InputError
from qualcode.store import history
from qualcode.store.project import Project


@pytest.fixture
def fixture(tmp_path):
    path, ids = build(tmp_path)
    with Project.open(path) as project:
        yield project, ids, tmp_path


# ------------------------------------------------------------------ participants
def test_participants_loaded_with_attributes_and_moderator_flag(fixture):
    project, _, _ = fixture
    shown = participants.show(project)
    by = {(p["transcript"], p["speaker"]): p for p in shown["participants"]}
    assert by[("FG1", "M")]["participant"] is False and by[("FG2", "M")]["participant"] is False
    assert by[("FG1", "R3")]["attributes"] == {"organisatie": "politie", "rol": "politie"}
    assert by[("FG2", "R1")]["participant"] is True  # an empty deelnemer cell: a participant
    assert {t["transcript"]: t["attributes"]["groep"] for t in shown["transcripts"]} == {
        "FG1": "projectgroep",
        "FG2": "team",
    }


def test_load_is_one_undoable_event(tmp_path):
    path, _ = build(tmp_path, with_participants=False)
    with Project.open(path) as project:
        before = project.scalar("SELECT count(*) FROM events")
        report = participants.load_file(project, tmp_path / "deelnemers.csv", ANNA)
        assert (report.kind, report.read, report.added) == ("participants", 7, 7)
        assert report.non_participants == ["FG1:M", "FG2:M"]
        assert project.scalar("SELECT count(*) FROM events") == before + 1
        history.undo(project, ANNA)
        assert project.scalar("SELECT count(*) FROM participants") == 0
        history.redo(project, ANNA)
        assert project.scalar("SELECT count(*) FROM participants") == 7
        again = participants.load_file(project, tmp_path / "deelnemers.csv", ANNA)
        assert (again.added, again.updated, again.unchanged) == (0, 0, 7)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("FG1,R1,regisseur\nFG9,R1,politie\n", ["deelnemers.csv:3: unknown transcript 'FG9'"]),
        ("FG1,R1,regisseur\nFG1,R7,politie\n", ["deelnemers.csv:3: unknown speaker 'R7' in FG1"]),
        ("FG1,R1,regisseur\nFG1,R1,politie\n", ["deelnemers.csv:3: duplicate row for FG1 R1 (first on line 2)"]),
        (
            "FG1,R1\nFG1,R2,politie\nFG2,R9,x\n",
            ["deelnemers.csv:2: 2 fields where the header has 3", "deelnemers.csv:4: unknown speaker 'R9' in FG2"],
        ),
    ],
)
def test_bad_participants_file_names_each_row_and_loads_nothing(tmp_path, body, expected):
    path, _ = build(tmp_path, with_participants=False)
    bad = tmp_path / "deelnemers.csv"
    bad.write_text("transcript,speaker,rol\n" + body, encoding="utf-8")
    with Project.open(path) as project:
        with pytest.raises(participants.RowErrors) as err:
            participants.load_file(project, bad, ANNA)
        lines = str(err.value).splitlines()
        assert len(lines) == len(expected)
        for line, want in zip(lines, expected):
            assert line.startswith(str(tmp_path / want.split(":")[0]) + ":" + want.split(":", 1)[1].split(":")[0])
            assert want.split(": ", 1)[1] in line
        assert project.scalar("SELECT count(*) FROM participants") == 0


def test_unclear_flag_and_attribute_without_equals(tmp_path):
    path, _ = build(tmp_path, with_participants=False)
    bad = tmp_path / "p.csv"
    bad.write_text("transcript;speaker;deelnemer\nFG1;M;misschien\n", encoding="utf-8")
    with Project.open(path) as project:
        with pytest.raises(participants.RowErrors, match=r"p.csv:2: deelnemer 'misschien'"):
            participants.load_file(project, bad, ANNA)
        with pytest.raises(InputError, match="write NAME=VALUE"):
            participants.parse_assignments(["rol"])
        p = participants.set_participant(project, "FG1", "R1", ANNA, **{"attributes": {"rol": "regisseur"}})
        assert p.attributes == {"rol": "regisseur"}


# ------------------------------------------------------------------ crosstabs
BY_SPEAKER = {
    "codings": [[2, 0, 0, 0, 0], [1, 1, 0, 0, 0], [0, 1, 0, 2, 1], [0, 2, 1, 0, 1], [1, 1, 1, 0, 1]],
    "lines": [[2, 0, 0, 0, 0], [1, 1, 0, 0, 0], [0, 1, 0, 3, 1], [0, 2, 2, 0, 2], [1, 1, 1, 0, 1]],
    "speakers": [[1, 0, 0, 0, 0], [1, 1, 0, 0, 0], [0, 1, 0, 1, 1], [0, 1, 1, 0, 1], [1, 1, 1, 0, 1]],
}
BY_ROLE = {
    "codings": [[0, 0, 2], [0, 0, 1], [2, 0, 2], [0, 1, 3], [0, 1, 3]],
    "lines": [[0, 0, 2], [0, 0, 2], [3, 0, 2], [0, 2, 4], [0, 1, 3]],
    "speakers": [[0, 0, 1], [0, 0, 2], [1, 0, 2], [0, 1, 2], [0, 1, 3]],
}


@pytest.mark.parametrize("unit", crosstab.UNITS)
def test_crosstab_by_speaker_equals_hand_counts(fixture, unit):
    project, _, _ = fixture
    table = crosstab.crosstab(project, "speaker", unit=unit)
    assert table.rows == CODES and table.columns == SPEAKERS  # the moderators are no column
    assert table.counts.tolist() == BY_SPEAKER[unit]


@pytest.mark.parametrize("unit", crosstab.UNITS)
def test_crosstab_by_attribute_equals_hand_counts(fixture, unit):
    project, _, _ = fixture
    table = crosstab.crosstab(project, "rol", unit=unit)
    assert table.columns == ROLES
    assert table.counts.tolist() == BY_ROLE[unit]


def test_theme_subtotals_count_distinct_units(fixture):
    project, _, _ = fixture
    by_unit = {u: crosstab.crosstab(project, "speaker", unit=u).themes for u in crosstab.UNITS}
    assert [t.name for t in by_unit["codings"]] == ["werkwijze"]
    assert by_unit["codings"][0].codes == ["werkwijze", "methodiek"]
    assert by_unit["codings"][0].counts == [3, 1, 0, 0, 0]  # c1, c11, c5 | c5
    assert by_unit["lines"][0].counts == [2, 1, 0, 0, 0]  # lines 2, 3 (3 twice) | line 5
    assert by_unit["speakers"][0].counts == [1, 1, 0, 0, 0]


def test_crosstab_by_transcript_and_transcript_attribute_and_coder(fixture):
    project, _, _ = fixture
    table = crosstab.crosstab(project, "transcript", coders=[BRAM])
    assert table.columns == ["FG1", "FG2"]
    assert table.counts.tolist() == [[1, 0], [0, 0], [0, 0], [1, 0], [1, 0]]
    table = crosstab.crosstab(project, "groep", unit="codings", coders=[ANNA])
    assert table.columns == ["projectgroep", "team"]
    # anna's werkwijze: c1 (c4 is the moderator's only); samenwerking c13 | c8, c9
    assert table.counts.tolist() == [[1, 0], [1, 0], [1, 2], [1, 1], [1, 1]]
    assert any("1 coding not counted" in n for n in table.notes)


def test_chi_squared_equals_scipy_on_the_same_table(fixture):
    project, _, _ = fixture
    table = crosstab.crosstab(project, "rol", unit="lines")
    hand = np.array(BY_ROLE["lines"])
    expected = chi2_contingency(hand, correction=False)
    assert table.chi2["chi2"] == pytest.approx(expected.statistic)
    assert table.chi2["p"] == pytest.approx(expected.pvalue)
    assert table.chi2["dof"] == expected.dof
    n = hand.sum()
    assert table.chi2["cramers_v"] == pytest.approx(np.sqrt(expected.statistic / (n * (min(hand.shape) - 1))))
    assert table.chi2["warning"] and "too small" in table.chi2["warning"]


def test_percentages_against_column_bases(fixture):
    project, _, _ = fixture
    table = crosstab.crosstab(project, "rol", unit="speakers")
    assert table.column_bases == [1, 1, 3]  # participants per role, coded or not
    assert table.percentages()[4] == [0.0, 100.0, 100.0]
    assert json.loads(json.dumps(table.as_dict(percentages=True)))["column_percentages"][1] == [0.0, 0.0, 66.7]


def test_cell_drill_down_lists_exactly_the_codings_behind_it(fixture):
    project, ids, _ = fixture
    table = crosstab.crosstab(project, "speaker")
    assert table.cell_coding_ids("veiligheid", "FG1:R2") == sorted([ids["c2"], ids["c12"]])
    assert table.cell_coding_ids("werkwijze", "FG1:R1") == sorted([ids["c1"], ids["c11"]])
    assert table.cell_coding_ids("werkwijze", "FG1:R1", theme=True) == sorted([ids["c1"], ids["c5"], ids["c11"]])
    roles = crosstab.crosstab(project, "rol")
    assert roles.cell_coding_ids("methodiek", "regisseur") == [ids["c5"]]


def test_codings_filters(fixture):
    project, ids, _ = fixture
    assert crosstab.coding_ids_where(project, speaker="R3", transcript="FG1") == {ids["c2"], ids["c10"]}
    assert crosstab.coding_ids_where(project, attributes={"rol": "politie"}) == {ids["c2"], ids["c10"]}
    assert crosstab.coding_ids_where(project, speaker="M", transcript="FG1") == {ids["c3"], ids["c4"]}
    assert crosstab.coding_ids_where(project, attributes={"groep": "team"}, coders=[BRAM]) == set()


# ------------------------------------------------------------------ co-occurrence
def test_cooccurrence_equals_hand_counts(fixture):
    project, _, _ = fixture
    table = cooccurrence.cooccurrence(project)
    assert table.codes == CODES
    assert table.counts.tolist() == [
        [3, 1, 0, 0, 0],
        [1, 1, 0, 1, 0],
        [0, 0, 3, 1, 0],
        [0, 1, 1, 3, 2],
        [0, 0, 0, 2, 3],
    ]


def test_cooccurrence_within_turn_and_one_coder(fixture):
    project, _, _ = fixture
    turn = cooccurrence.cooccurrence(project, within="turn")
    assert turn.counts[CODES.index("methodiek"), CODES.index("samenwerking")] == 1  # same turn, not same line
    assert turn.counts[CODES.index("veiligheid"), CODES.index("nazorg")] == 2
    bram = cooccurrence.cooccurrence(project, coders=[BRAM])
    assert bram.counts.tolist() == [
        [1, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 1, 1],
        [0, 0, 0, 1, 1],
    ]


def test_jaccard_and_cooccurrence_drill_down(fixture):
    project, ids, _ = fixture
    table = cooccurrence.cooccurrence(project, jaccard=True)
    assert table.jaccard[0, 1] == pytest.approx(1 / 6)  # werkwijze: anna 1-3, bram 2-3; methodiek anna 3, 5
    assert table.jaccard[2, 2] == 1.0
    assert table.cell_coding_ids("veiligheid", "nazorg") == sorted([ids["c6"], ids["c7"], ids["c10"], ids["c12"]])


def test_check_replays_participant_events(fixture):
    from qualcode.store import integrity

    project, _, _ = fixture
    participants.set_participant(project, "FG2", "R1", ANNA, attributes={"rol": "ggd-arts"})
    history.undo(project, ANNA)
    report = integrity.check(project)
    assert report.ok, report.checks
    project.conn.execute("UPDATE participants SET attributes = '{}' WHERE speaker = 'R3'")  # behind the log's back
    assert any("participants" in p for p in integrity.check(project).checks["event_replay"])
