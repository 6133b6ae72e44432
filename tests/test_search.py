"""qualcode.language.search on a real project file: lemma search, phrases, filters, KWIC at line edges, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from qualcode.coding import codings
from qualcode.corpus import transcripts
from qualcode.errors import InputError, NotFoundError
from qualcode.language import search
from qualcode.store.project import Project

ROOT = Path(__file__).resolve().parent.parent
CODEBOOK = ROOT / "codebooks" / "default.yaml"

FG = """M: Hoe plannen jullie het eerste gesprek?
R1: Dat hebben we vorige week gepland
samen met het gezin. De planning blijft lastig.
R2: Een plan maken we samen met de ouders.
R3: Die casus bespreken we in het overleg.
R4: Bij zware casussen bellen we eerst de ouders.

M: Eerste gesprek of niet, plannen is het werk.
"""

OTHER = """M: Wie plant het overleg?
R1: Ik plan het overleg, en de casus komt dan aan bod.
"""


@pytest.fixture
def proj(tmp_path: Path):
    from qualcode.coding import codebook

    (tmp_path / "FG1.txt").write_text(FG, encoding="utf-8")
    (tmp_path / "FG2.txt").write_text(OTHER, encoding="utf-8")
    path = tmp_path / "search.db"
    with Project.create(path) as p:
        codebook.load(p, CODEBOOK, "anna")
        transcripts.import_files(p, [tmp_path / "FG1.txt", tmp_path / "FG2.txt"], "anna")
    with Project.open(path) as p:
        yield p


def lines_of(result, transcript="FG1"):
    return sorted({h.line for h in result.hits if h.transcript == transcript})


def test_lemma_plannen_finds_plannen_and_gepland_not_plan_or_planning(proj):
    r = search.search(proj, "plannen", lemma=True, transcript="FG1")
    assert lines_of(r) == [1, 2, 8]
    assert {h.match.lower() for h in r.hits} == {"plannen", "gepland"}
    # the word-form search finds only the form itself
    assert lines_of(search.search(proj, "plannen", transcript="FG1")) == [1, 8]
    # the query may itself be any form of the lemma
    assert lines_of(search.search(proj, "gepland", lemma=True, transcript="FG1")) == [1, 2, 8]


def test_lemma_casus_finds_casus_and_casussen(proj):
    r = search.search(proj, "casus", lemma=True)
    assert [(h.transcript, h.line, h.match) for h in r.hits] == [
        ("FG1", 5, "casus"),
        ("FG1", 6, "casussen"),
        ("FG2", 2, "casus"),
    ]
    assert [h.line for h in search.search(proj, "casussen", transcript="FG1").hits] == [6]


def test_phrase_query_needs_adjacent_words_in_order(proj):
    r = search.search(proj, '"eerste gesprek"')
    assert [(h.line, h.match) for h in r.hits] == [(1, "eerste gesprek"), (8, "Eerste gesprek")]
    assert search.search(proj, '"gesprek eerste"').hits == []
    # punctuation between the words does not break a phrase
    assert [(h.line, h.match) for h in search.search(proj, '"niet plannen"').hits] == [(8, "niet, plannen")]


def test_several_words_must_all_occur_in_the_line(proj):
    r = search.search(proj, "casus overleg", lemma=True)
    assert sorted({(h.transcript, h.line) for h in r.hits}) == [("FG1", 5), ("FG2", 2)]
    assert [h.term for h in r.hits if h.transcript == "FG1"] == ["casus", "overleg"]
    assert r.lines == 2 and r.total == 4


def test_filters_speaker_transcript_and_code(proj):
    assert lines_of(search.search(proj, "ouders", speaker="R4")) == [6]
    assert {h.transcript for h in search.search(proj, "overleg", transcript="FG2").hits} == {"FG2"}
    codings.apply(proj, "FG1", "6", "werkwijze", "bram")
    assert lines_of(search.search(proj, "ouders", code="werkwijze")) == [6]
    assert search.search(proj, "ouders", code="werkwijze", code_coder="anna").hits == []
    with pytest.raises(NotFoundError):
        search.search(proj, "ouders", transcript="FG7")


def test_kwic_runs_on_within_a_turn_and_stops_at_turn_and_transcript_edges(proj):
    # match at the end of a line: right context continues on the next line of the same turn
    (h,) = search.search(proj, "gepland").hits
    assert (h.left, h.match, h.right) == (
        "Dat hebben we vorige week ",
        "gepland",
        " samen met het gezin. De planning blijft",
    )
    # match at the start of a line: left context comes from the previous line of the same turn
    (h,) = [h for h in search.search(proj, "samen").hits if h.line == 3]
    assert (h.left, h.match) == ("Dat hebben we vorige week gepland ", "samen")
    # first word of a turn: no context from the previous speaker
    (h,) = search.search(proj, "die").hits
    assert (h.line, h.left, h.right) == (5, "", " casus bespreken we in het overleg.")
    # first word of the transcript
    (h,) = search.search(proj, "hoe").hits
    assert (h.line, h.left) == (1, "")
    # last word of a turn: the next speaker's words are not context
    r = search.search(proj, "ouders", transcript="FG1")
    assert [(h.line, h.right) for h in r.hits] == [(4, "."), (6, ".")]
    # last line of the transcript
    (h,) = search.search(proj, "werk", transcript="FG1").hits
    assert (h.line, h.right) == (8, ".")


def test_kwic_is_cut_at_word_boundaries():
    left, right = search.kwic("een twee drie vier vijf zes zeven acht negen", 24, 27, None, None, width=12)
    assert (left, right) == ("vier vijf ", " zeven acht")  # 12 characters at most, whole words
    left, right = search.kwic("aaaaaaaaaaaaaaaaaaaa X", 21, 22, None, None, width=5)
    assert (left, right) == ("aaaaa ", "")


def test_empty_query_is_an_input_error(proj):
    with pytest.raises(InputError):
        search.search(proj, ' ", ?" ')


def test_limit_stops_early_and_gives_the_first_hits(proj):
    full = search.search(proj, "we")
    assert full.complete and full.total == len(full.hits) > 2
    r = search.search(proj, "we", limit=2)
    assert not r.complete and r.hits == full.hits[:2]
    assert search.search(proj, "we", limit=full.total).hits == full.hits


def test_cli_search_json_and_text(proj, cli):
    path = str(proj.path)
    res = cli("search", "plannen", "--lemma", "--transcript", "FG1", "--json", "--project", path)
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert [(r["line"], r["match"], r["citation"]) for r in rows] == [
        (1, "plannen", "(FG1; 1)"),
        (2, "gepland", "(FG1; 2)"),
        (8, "plannen", "(FG1; 8)"),
    ]
    assert set(rows[0]) >= {"transcript", "line", "speaker", "citation", "left", "match", "right"}
    res = cli("search", "casussen", "--project", path)
    assert res.exit_code == 0 and "(FG1; 6)" in res.output and "1 hits in 1 lines" in res.output
    res = cli("search", "?", "--project", path)
    assert res.exit_code != 0 and "nothing to search for" in res.output


def test_line_search_for_the_tui(proj):
    hits = search.line_search(proj, "gepland")
    assert [(h.transcript, h.n, h.text[h.start : h.start + h.length]) for h in hits if h.transcript == "FG1"] == [
        ("FG1", 1, "plannen"),
        ("FG1", 2, "gepland"),
        ("FG1", 8, "plannen"),
    ]
    assert search.line_search(proj, "?") == [] and search.line_search(proj, "") == []


def _run_in_a_terminal(args, cwd) -> str:
    """What ``qualcode ARGS`` shows on a terminal (a real pseudo-terminal as its standard output)."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    env = {**os.environ, "QUALCODE_CODER": "anna", "COLUMNS": "200"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "qualcode", *args], stdout=follower, stderr=follower, cwd=cwd, env=env
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed when the command ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait(timeout=60) == 0, b"".join(chunks)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.parametrize("smuggled", ["", " \x07"])
def test_cli_kwic_bolds_the_match_in_a_terminal_and_escapes_only_user_text(proj, smuggled):
    """The bold around the match reaches a terminal as an escape sequence, not as the text ``\\x1b[1m``;
    a control character inside transcript text is still shown escaped; piped output has no escapes."""
    from click.testing import CliRunner

    from qualcode.cli import cli as group

    proj.conn.execute("UPDATE lines SET text = text || ? WHERE n = 6", (smuggled,))  # a BEL smuggled into a line
    proj.conn.commit()
    path = str(proj.path)
    tty = _run_in_a_terminal(["search", "casussen", "--project", path], proj.path.parent)
    assert "\x1b[1mcasussen\x1b[0m" in tty and "\\x1b" not in tty
    assert ("\\x07" in tty) == bool(smuggled) and "\x07" not in tty
    piped = CliRunner().invoke(group, ["search", "casussen", "--project", path])
    assert piped.exit_code == 0, piped.output
    assert "\x1b" not in piped.output and "casussen" in piped.output
    assert ("\\x07" in piped.output) == bool(smuggled) and "\x07" not in piped.output


def _kwic_reference(text, start, end, before, after, turn, width):
    """kwic as first written: the whole context squashed, then clipped."""

    def same_turn(line):
        return line is not None and turn > 0 and line[0] == turn and bool(line[1].strip())

    left, right = text[:start], text[end:]
    if len(left.strip()) < width and same_turn(before):
        left = before[1] + "\n" + left
    if len(right.strip()) < width and same_turn(after):
        right = right + "\n" + after[1]
    left_space = bool(left) and left[-1].isspace()
    right_space = bool(right) and right[0].isspace()
    left, right = _clip_left(search._squash(left), width), _clip_right(search._squash(right), width)
    return (left + " " if left_space and left else left), (" " + right if right_space and right else right)


def _clip_left(s, width):
    if len(s) <= width:
        return s
    cut = s[-width:]
    if s[-width - 1] != " ":
        i = cut.find(" ")
        cut = cut[i + 1 :] if i >= 0 else cut
    return cut


def _clip_right(s, width):
    if len(s) <= width:
        return s
    cut = s[:width]
    if s[width] != " ":
        i = cut.rfind(" ")
        cut = cut[:i] if i >= 0 else cut
    return cut


_PIECES = ["woord", "a", " ", "  ", "\t", "\u00a0", "lang" * 30, ", ", "ja.", " " * 90, "\t" * 40]


@settings(max_examples=400, deadline=None)
@given(
    parts=st.lists(st.sampled_from(_PIECES), min_size=1, max_size=120),
    other=st.lists(st.sampled_from(_PIECES), max_size=60),
    cut=st.floats(0, 1),
    length=st.integers(1, 8),
    width=st.integers(5, 60),
    turns=st.tuples(st.sampled_from([0, 1, 2]), st.sampled_from([None, 0, 1, 2]), st.sampled_from([None, 0, 1, 2])),
)
def test_kwic_of_long_lines_squashes_only_what_it_shows(parts, other, cut, length, width, turns):
    """Long lines (a Whisper .txt can be one 100,000-character line) are squashed only near the match;
    the contexts are exactly those of squashing the whole line, running on into a neighbour line of
    the same turn (none at a transcript's edge, none for lines outside a turn)."""
    text = "".join(parts)
    start = int(cut * len(text))
    end = min(len(text), start + length)
    turn, before_turn, after_turn = turns
    before = None if before_turn is None else (before_turn, "".join(other))
    after = None if after_turn is None else (after_turn, "".join(reversed(other)))
    # search joins a neighbour line only when it is in the same turn, and gives kwic that line's text
    same = [x[1] if x is not None and turn > 0 and x[0] == turn and x[1].strip() else None for x in (before, after)]
    assert search.kwic(text, start, end, *same, width) == _kwic_reference(text, start, end, before, after, turn, width)


@pytest.mark.parametrize("template", ["({transcript}; {ranges})", "[{transcript}:{ranges}; {time}]", "{ranges}"])
def test_line_citation_is_the_citation_of_one_line(template):
    from qualcode.ranges import format_citation, line_citation

    cite = line_citation(template)
    for name, n in [("FG2", 57), ("Focusgroep 1", 1), ("{x}", 100000)]:
        assert cite(name, n) == format_citation(name, [(n, n)], template)


_WORDS = ["werken", "Werken", "gewerkt", "werkt", "samen", "ja", "e-mail", ",", ".", "…", "(", "ja."]
_GAPS = [" ", " ", " ", "", "  ", "\t", "\u00a0"]  # mostly one space: plain lines, the usual case


@settings(max_examples=400, deadline=None)
@given(
    words=st.lists(st.tuples(st.sampled_from(_GAPS), st.sampled_from(_WORDS)), min_size=1, max_size=30),
    lemma=st.booleans(),
    neighbours=st.tuples(
        st.sampled_from([None, "", "  ", "vorige regel", "vorige  regel"]), st.sampled_from([None, "", "volgende"])
    ),
    width=st.integers(5, 50),
)
@example(words=[(" ", "samen"), (" ", "werken"), (" ", "ja")], lemma=True, neighbours=("", None), width=40)
@example(words=[(" ", "werken"), (" ", "gewerkt")], lemma=False, neighbours=("vorige regel", ""), width=40)
def test_the_one_word_path_finds_what_the_general_path_finds(words, lemma, neighbours, width):
    """A query of one word takes a shorter path through each line; its hits are the general path's, exactly."""
    from qualcode.corpus import lemmas as nlp

    text = "".join(gap + word for gap, word in words)
    (tokens, lemmas), *_ = nlp.annotate([text]) if text.strip() else [("", "")]
    if not tokens:
        return
    row = (7, "FG1", 12, "R1", 2, text, tokens, lemmas, *neighbours)  # as the query selects it
    for word in ("werken", "gewerkt", "samen"):
        terms = [(word,)]
        args = {"lemma": lemma, "template": "({transcript}; {ranges})", "width": width}
        fast, general = search._line_hits(terms, **args), search._line_hits(terms, fast=False, **args)
        assert fast(row) == general(row)


def test_punctuation_is_never_a_hit_even_when_its_stored_lemma_is_the_word():
    row = (7, "FG1", 12, "R1", 2, "Ja… werken", "Ja … werken", "ja werken werken", None, None)  # a hand-made row
    for fast in (True, False):
        hits = search._line_hits([("werken",)], lemma=True, template="({transcript}; {ranges})", width=40, fast=fast)
        assert [(h.start, h.match) for h in hits(row)] == [(4, "werken")]


def test_a_word_form_search_reads_no_lemma_table(proj, monkeypatch):
    from qualcode.corpus import lemmas as nlp

    def no_table():
        raise AssertionError("the lemma table was read for a word-form search")

    monkeypatch.setattr(nlp, "lookup_table", no_table)
    assert lines_of(search.search(proj, "plannen", transcript="FG1")) == [1, 8]
    assert lines_of(search.search(proj, "zzzqqq plannen", transcript="FG1")) == []


_PLAIN_WORDS = st.lists(st.sampled_from(["woord", "a", "ja.", "lang" * 30, "…", ",", "(R1)"]), min_size=1, max_size=30)


@settings(max_examples=400, deadline=None)
@given(
    words=_PLAIN_WORDS,
    ends=st.tuples(st.booleans(), st.booleans()),
    neighbours=st.tuples(st.none() | _PLAIN_WORDS, st.none() | _PLAIN_WORDS),
    cut=st.floats(0, 1),
    length=st.integers(0, 8),
    width=st.integers(5, 60),
)
def test_kwic_of_plain_lines_strips_instead_of_squashing(words, ends, neighbours, cut, length, width):
    """Lines whose only whitespace is single spaces take the short way; their contexts are the same."""
    text = (" " if ends[0] else "") + " ".join(words) + (" " if ends[1] else "")
    before, after = (" ".join(w) if w else None for w in neighbours)
    assert search.plain(text) and all(search.plain(x) for x in (before, after) if x)
    start = int(cut * len(text))
    end = min(len(text), start + length)
    args = (text, start, end, before, after, width)
    assert search.kwic(*args, plain=True) == search.kwic(*args)


def test_plain_is_single_spaces_and_nothing_else():
    assert search.plain("Ja, dat klopt.") and search.plain(" ja ")
    assert not any(search.plain(t) for t in ("ja  nee", "ja\tnee", "ja\u00a0nee", "ja\u2029", "ja\x07"))
