"""Line-unit matrices, disagreements and consensus on real project files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from qualcode.agreement import consensus
from qualcode.agreement import units as agreement_data
from qualcode.agreement.stats import MISSING
from qualcode.coding import codebook, codings
from qualcode.corpus import transcripts
from qualcode.errors import InputError, NotFoundError
from qualcode.model import ParsedLine, ParsedTranscript
from qualcode.ranges import format_ranges, from_lines
from qualcode.store import history
from qualcode.store.project import Project

CODES = ["werkwijze", "samenwerking", "veiligheid"]


def parsed(name: str, texts: list[str]) -> ParsedTranscript:
    lines = []
    for n, text in enumerate(texts, 1):
        speaker = f"R{n % 3 + 1}" if text else None
        raw = f"{speaker}: {text}" if text else ""
        lines.append(ParsedLine(n, raw, text, speaker, n if text else 0))
    body = "\n".join(ln.raw for ln in lines)
    return ParsedTranscript(name, f"{name}.txt", lines, hashlib.sha256(body.encode()).hexdigest(), "utf-8")


def make_project(
    path: Path,
    sizes: dict[str, int],
    codes=CODES,
    blanks: dict[str, set[int]] | None = None,
    consensus_coder: str | None = None,
) -> Project:
    """A real project file: transcripts with ``sizes[name]`` lines (``blanks`` empty), and ``codes``."""
    blanks = blanks or {}
    project = Project.create(path)
    yaml = "codes:\n" + "".join(f"  - name: {c}\n" for c in codes)
    if consensus_coder:
        yaml = f"consensus_coder: {consensus_coder}\n" + yaml
    codebook.apply(project, codebook.parse(yaml), "lead")
    transcripts.import_parsed(
        project,
        [
            parsed(
                name,
                [
                    "" if n in blanks.get(name, set()) else f"{name} regel {n} over het wijkteam"
                    for n in range(1, size + 1)
                ],
            )
            for name, size in sizes.items()
        ],
        "lead",
    )
    return project


def code_lines(project: Project, transcript: str, lines, code: str, coder: str, memo: str = "") -> None:
    lines = sorted(set(lines))
    if lines:
        codings.apply(project, transcript, from_lines(lines), code, coder, memo)


def code_vector(project: Project, transcript: str, bits: str, code: str, coder: str) -> None:
    """Code line n when ``bits[n-1] == "1"``."""
    code_lines(project, transcript, [n for n, b in enumerate(bits, 1) if b == "1"], code, coder)


def code_table(
    project: Project,
    transcript: str,
    a: int,
    b: int,
    c: int,
    d: int,
    code: str,
    first: str = "anna",
    second: str = "bram",
) -> None:
    """Lay a 2×2 table out on lines: a both, then b first only, c second only, d neither."""
    code_lines(project, transcript, range(1, a + b + 1), code, first)
    code_lines(project, transcript, list(range(1, a + 1)) + list(range(a + b + 1, a + b + c + 1)), code, second)


@pytest.fixture
def two(tmp_path):
    p = make_project(tmp_path / "p.db", {"FG1": 10, "FG2": 8}, blanks={"FG2": {4}})
    yield p
    p.close()


def test_values_are_one_zero_and_missing(two):
    code_lines(two, "FG1", [2, 3], "werkwijze", "anna")
    code_lines(two, "FG1", [3, 4], "werkwijze", "bram")
    code_lines(two, "FG2", [1, 2], "werkwijze", "anna")
    code_lines(two, "FG2", [5], "werkwijze", "bram")  # bram has not finished FG2: ignored, missing
    codings.mark_done(two, "FG1", "anna")
    codings.mark_done(two, "FG1", "bram")
    codings.mark_done(two, "FG2", "anna")
    scope, units = agreement_data.line_units(two)
    assert scope.coders == ["anna", "bram"]
    assert units.transcripts == ["FG1", "FG2"]
    assert units.n_units == 10 + 7  # FG2 line 4 is blank
    assert 4 not in units.lines[units.clusters == 1]
    w = units.values["werkwijze"]
    assert w[0, :10].tolist() == [0, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    assert w[1, :10].tolist() == [0, 0, 1, 1, 0, 0, 0, 0, 0, 0]
    assert w[0, 10:].tolist() == [1, 1, 0, 0, 0, 0, 0]
    assert (w[1, 10:] == MISSING).all()
    assert (units.values["veiligheid"][:, :10] == 0).all()


def test_default_coders_exclude_consensus_and_unfinished(two):
    for c in ("anna", "bram", "consensus"):
        codings.mark_done(two, "FG1", c)
    codings.apply(two, "FG1", "1", "werkwijze", "carl")  # carl finished nothing
    scope = agreement_data.resolve_scope(two)
    assert scope.coders == ["anna", "bram"]
    # named coders are used as given; carl's lines are all missing
    scope, units = agreement_data.line_units(two, coders=["anna", "carl"])
    assert (units.values["werkwijze"][1] == MISSING).all()
    with pytest.raises(NotFoundError, match="unknown coder 'karel'"):
        agreement_data.resolve_scope(two, coders=["anna", "karel"])


def test_transcript_scope_and_errors(two):
    for c in ("anna", "bram"):
        codings.mark_done(two, "FG1", c)
        codings.mark_done(two, "FG2", c)
    _, units = agreement_data.line_units(two, transcript_names=["FG2"], code="werkwijze")
    assert units.transcripts == ["FG2"] and list(units.values) == ["werkwijze"] and units.n_units == 7
    with pytest.raises(NotFoundError):
        agreement_data.line_units(two, transcript_names=["FG7"])
    with pytest.raises(NotFoundError):
        agreement_data.line_units(two, code="onbekend")


def test_one_coder_is_a_clear_error(two):
    codings.mark_done(two, "FG1", "anna")
    with pytest.raises(InputError, match="at least two coders"):
        agreement_data.resolve_scope(two)


def test_parse_coders():
    assert agreement_data.parse_coders("anna, bram") == ["anna", "bram"]
    assert agreement_data.parse_coders(None) is None
    with pytest.raises(InputError):
        agreement_data.parse_coders("anna,anna")


def test_coverage(two):
    for c in ("anna", "bram"):
        codings.mark_done(two, "FG1", c)
    codings.mark_done(two, "FG2", "anna")
    scope = agreement_data.resolve_scope(two)
    cov = agreement_data.coverage(two, scope)
    assert cov["transcripts_double_coded"] == 1 and cov["transcripts_total"] == 2
    assert cov["share_double_coded"] == pytest.approx(10 / 17)


# -------------------------------------------------------------- disagreements
@pytest.fixture
def disagreeing(two):
    code_lines(two, "FG1", [2, 3, 4], "werkwijze", "anna", memo="huisbezoek")
    code_lines(two, "FG1", [3, 4, 5, 6], "werkwijze", "bram", memo="planning")
    code_lines(two, "FG1", [9], "werkwijze", "anna")
    code_lines(two, "FG1", [9], "werkwijze", "bram")  # agreed: not a disagreement
    code_lines(two, "FG2", [1, 2, 3, 5], "werkwijze", "bram")  # 4 is blank: still one block
    for c in ("anna", "bram"):
        codings.mark_done(two, "FG1", c)
        codings.mark_done(two, "FG2", c)
    return two


def test_disagreements_blocks_and_parts(disagreeing):
    items = agreement_data.disagreements(disagreeing, "werkwijze")
    assert [d.id for d in items] == ["FG1:2-6", "FG2:1-5"]
    first = items[0]
    assert [(format_ranges(p.ranges), p.label) for p in first.parts] == [
        ("2", "anna only"),
        ("3-4", "both"),
        ("5-6", "bram only"),
    ]
    assert [c.memo for c in first.codings["anna"]] == ["huisbezoek"]
    assert first.citation == "(FG1; 2-6)"
    assert "FG1 regel 2" in first.text and first.speakers
    second = items[1]
    assert [(format_ranges(p.ranges), p.label) for p in second.parts] == [("1-3,5", "bram only")]
    assert agreement_data.find_disagreement(items, "2") is second
    assert agreement_data.find_disagreement(items, "FG1:5") is first
    assert agreement_data.find_disagreement(items, "FG2:1-5") is second
    with pytest.raises(NotFoundError):
        agreement_data.find_disagreement(items, "FG1:8")


# ---------------------------------------------------------------- consensus
def test_consensus_accept_union_edit_clear_and_undo(disagreeing):
    p = disagreeing
    originals = [(c.coder, c.ranges, c.memo) for c in codings.list_codings(p, coder=["anna", "bram"])]
    d = agreement_data.disagreements(p, "werkwijze")[0]

    made = consensus.accept(p, d, "anna", by="sara")
    assert [(c.coder, format_ranges(c.ranges), c.memo) for c in made] == [("consensus", "2-4", "huisbezoek")]
    d = agreement_data.disagreements(p, "werkwijze")[0]  # reload: shows the consensus so far
    assert [format_ranges(c.ranges) for c in d.consensus] == ["2-4"]

    made = consensus.union(p, d, by="sara")
    assert [format_ranges(c.ranges) for c in made] == ["2-6"]
    assert made[0].memo == "huisbezoek | planning"
    assert [format_ranges(c.ranges) for c in codings.list_codings(p, coder="consensus")] == ["2-6"]

    made = consensus.set_ranges(p, d, "3-5", by="sara")
    assert [format_ranges(c.ranges) for c in codings.list_codings(p, coder="consensus")] == ["3-5"]
    with pytest.raises(InputError):
        consensus.set_ranges(p, d, "8-9")

    consensus.clear(p, d)
    assert codings.list_codings(p, coder="consensus") == []

    # every decision is one undoable event of the consensus coder
    history.undo(p, "consensus")
    assert [format_ranges(c.ranges) for c in codings.list_codings(p, coder="consensus")] == ["3-5"]
    history.undo(p, "consensus")
    assert [format_ranges(c.ranges) for c in codings.list_codings(p, coder="consensus")] == ["2-6"]
    events = p.query("SELECT coder, summary FROM events WHERE action = 'consensus' AND kind = 'do' ORDER BY id")
    assert len(events) == 4 and all(e["coder"] == "consensus" for e in events)
    assert "decided by sara" in events[0]["summary"]

    # the originals were never touched
    assert [(c.coder, c.ranges, c.memo) for c in codings.list_codings(p, coder=["anna", "bram"])] == originals
    # and the consensus coder is not a default coder in agreement
    assert agreement_data.resolve_scope(p).coders == ["anna", "bram"]


def test_accept_a_coder_who_did_not_code_the_block(disagreeing):
    d = agreement_data.disagreements(disagreeing, "werkwijze")[1]  # FG2: only bram coded
    consensus.union(disagreeing, d)
    assert consensus.accept(disagreeing, d, "anna") == []
    assert codings.list_codings(disagreeing, coder="consensus") == []
    with pytest.raises(NotFoundError):
        consensus.accept(disagreeing, d, "carl")


def test_copy_agreed_and_configurable_consensus_name(tmp_path):
    p = make_project(tmp_path / "c.db", {"FG1": 10}, consensus_coder="overeenstemming")
    assert p.consensus_coder == "overeenstemming"
    code_lines(p, "FG1", [1, 2], "werkwijze", "anna")
    code_lines(p, "FG1", [1, 2], "werkwijze", "bram")
    code_lines(p, "FG1", [5], "veiligheid", "anna")
    code_lines(p, "FG1", [5, 6], "veiligheid", "bram")
    for c in ("anna", "bram"):
        codings.mark_done(p, "FG1", c)
    assert consensus.copy_agreed(p) == 2  # werkwijze 1-2 and the agreed line 5 of veiligheid
    assert consensus.copy_agreed(p) == 0  # already there
    made = codings.list_codings(p, coder="overeenstemming")
    assert sorted((c.code, format_ranges(c.ranges)) for c in made) == [("veiligheid", "5"), ("werkwijze", "1-2")]
    d = agreement_data.disagreements(p, "veiligheid")[0]
    consensus.accept(p, d, "bram")
    made = codings.list_codings(p, coder="overeenstemming")
    assert sorted((c.code, format_ranges(c.ranges)) for c in made) == [("veiligheid", "5-6"), ("werkwijze", "1-2")]
    p.close()


def test_copy_agreed_takes_agreed_lines_whatever_the_coding_boundaries(tmp_path):
    # the repro: anna codes lines 1 and 2 as two codings, bram codes 1-2 as one
    p = make_project(tmp_path / "b.db", {"FG1": 12})
    code_lines(p, "FG1", [1], "werkwijze", "anna")
    code_lines(p, "FG1", [2], "werkwijze", "anna")
    code_lines(p, "FG1", [1, 2], "werkwijze", "bram")
    code_lines(p, "FG1", [5, 6, 7, 8], "werkwijze", "anna")  # two agreed runs inside one disagreement
    code_lines(p, "FG1", [5, 6], "werkwijze", "bram")
    code_lines(p, "FG1", [8, 9], "werkwijze", "bram")
    for c in ("anna", "bram"):
        codings.mark_done(p, "FG1", c)
    assert [d.id for d in agreement_data.disagreements(p, "werkwijze")] == ["FG1:5-9"]
    assert consensus.copy_agreed(p, "werkwijze") == 3
    made = codings.list_codings(p, coder="consensus")
    assert sorted(format_ranges(c.ranges) for c in made) == ["1-2", "5-6", "8"]
    events = p.query("SELECT summary FROM events WHERE action = 'consensus' AND kind = 'do'")
    assert len(events) == 1  # one event, one undo
    p.close()


def test_multi_range_codings_and_overlapping_codings_fill_the_same_lines(two):
    codings.apply(two, "FG1", "2-3,6-7", "werkwijze", "anna")
    codings.apply(two, "FG1", "3-4", "werkwijze", "anna")  # overlaps the first: line 3 once
    codings.apply(two, "FG1", "9-10", "veiligheid", "bram")
    codings.mark_done(two, "FG1", "anna")
    codings.mark_done(two, "FG1", "bram")
    _, units = agreement_data.line_units(two, transcript_names=["FG1"])
    assert units.values["werkwijze"][0].tolist() == [0, 1, 1, 1, 0, 1, 1, 0, 0, 0]
    assert units.values["veiligheid"][1].tolist() == [0] * 8 + [1, 1]
    assert (units.values["veiligheid"][0] == 0).all()


def test_running_sums_give_the_same_units_as_listing(two, monkeypatch):
    codings.apply(two, "FG1", "2-3,6-7", "werkwijze", "anna")
    codings.apply(two, "FG1", "3-10", "werkwijze", "bram")
    codings.apply(two, "FG2", "1-8", "veiligheid", "anna")
    for t in ("FG1", "FG2"):
        codings.mark_done(two, t, "anna")
        codings.mark_done(two, t, "bram")
    _, listed = agreement_data.line_units(two)
    monkeypatch.setattr(agreement_data, "LIST_LIMIT", 0)  # force the running-sum path
    _, summed = agreement_data.line_units(two)
    for code in listed.values:
        assert (listed.values[code] == summed.values[code]).all(), code
    assert listed.values["werkwijze"][1, :10].tolist() == [0, 0, 1, 1, 1, 1, 1, 1, 1, 1]
