"""qualcode.corpus.lemmas: lemmas stored at import, the v2 backfill of older project files, imports without lemmas."""

from __future__ import annotations

import json
import sqlite3
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.corpus import lemmas as nlp
from qualcode.corpus import transcripts
from qualcode.language import search
from qualcode.store import schema as migrations
from qualcode.store.project import Project

TEXT = "M: Wie heeft het gepland?\nR1: Ik. De casussen plannen we samen.\n\nR2: Goed zo.\n"


def test_pipeline_lemmas_are_lowercase_dictionary_forms():
    forms = list(nlp.annotate(["De casussen zijn gepland.", "Plannen  en  plan"]))
    assert forms[0] == ("De casussen zijn gepland .", "de casus zijn plannen .")
    assert forms[1] == ("Plannen en plan", "plannen en plan")  # whitespace tokens dropped


def test_token_offsets_point_into_the_text():
    text = "Zo'n  casus, eh… gepland."
    tokens, _ = nlp.doc_form(nlp.pipeline()(text))
    spans = nlp.token_offsets(text, tokens.split(" "))
    assert [text[a:b] for a, b in spans] == tokens.split(" ")


def test_import_stores_lemmas_for_every_non_blank_line(tmp_path):
    (tmp_path / "FG1.txt").write_text(TEXT, encoding="utf-8")
    with Project.create(tmp_path / "p.db") as p:
        transcripts.import_files(p, [tmp_path / "FG1.txt"], "anna")
        rows = p.query(
            "SELECT l.n, x.tokens, x.lemmas FROM lines l LEFT JOIN line_nlp x ON x.line_id = l.id ORDER BY l.n"
        )
        assert [(r["n"], r["lemmas"]) for r in rows] == [
            (1, "wie heeft het plannen ?"),
            (2, "ik . de casus plannen we samen ."),
            (3, None),
            (4, "goed zo ."),
        ]
        # the full-text index follows the table (triggers)
        hits = p.query("SELECT rowid FROM line_nlp_fts WHERE line_nlp_fts MATCH 'lemmas : casus'")
        assert len(hits) == 1


def test_import_without_lemmas_then_ensure_lemmas(tmp_path):
    (tmp_path / "FG1.txt").write_text(TEXT, encoding="utf-8")
    with Project.create(tmp_path / "p.db") as p:
        parsed = transcripts.parse_files([tmp_path / "FG1.txt"])
        transcripts.import_parsed(p, parsed, "anna", annotate=False)
        assert p.scalar("SELECT count(*) FROM line_nlp") == 0
        assert search.search(p, "casus", lemma=True).hits == []
        assert nlp.ensure_lemmas(p) == 3
        assert [h.line for h in search.search(p, "casus", lemma=True).hits] == [2]
        assert nlp.ensure_lemmas(p) == 0


def test_module_switch_turns_lemmas_off(tmp_path, monkeypatch):
    monkeypatch.setattr(nlp, "ANNOTATE", False)
    (tmp_path / "FG1.txt").write_text(TEXT, encoding="utf-8")
    with Project.create(tmp_path / "p.db") as p:
        transcripts.import_files(p, [tmp_path / "FG1.txt"], "anna")
        assert p.scalar("SELECT count(*) FROM line_nlp") == 0


def test_cli_search_stores_missing_lemmas_and_upgrades_an_older_file_first(tmp_path):
    """`search` opens the project for reading, but for writing when lemmas are missing or the schema is old:
    the hits are complete either way, and the file is left upgraded, with its lemmas."""
    from click.testing import CliRunner

    from qualcode.cli import cli

    (tmp_path / "FG1.txt").write_text(TEXT, encoding="utf-8")
    with Project.create(tmp_path / "p.db") as p:
        transcripts.import_parsed(p, transcripts.parse_files([tmp_path / "FG1.txt"]), "anna", annotate=False)
    _schema_1_file(tmp_path / "old.db")
    for name in ("p.db", "old.db"):
        res = CliRunner().invoke(cli, ["search", "plannen", "--lemma", "--json", "--project", str(tmp_path / name)])
        assert res.exit_code == 0, res.output
        assert [h["match"] for h in json.loads(res.stdout)] == (
            ["gepland", "plannen"] if name == "p.db" else ["gepland"]
        )
        with Project.open(tmp_path / name, readonly=True) as p:
            assert p.scalar("PRAGMA user_version") == migrations.LATEST and not nlp.lemmas_missing(p)


def _schema_1_file(path):
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
    conn.execute("BEGIN")
    migrations.MIGRATIONS[1](conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO transcripts (id, name, source, sha256, imported_at, line_count, guid) "
        "VALUES (1, 'FG1', 'FG1.txt', 'x', '2024-01-01T00:00:00Z', 3, 'G1')"
    )
    conn.executemany(
        "INSERT INTO lines (transcript_id, n, speaker, turn, raw, text) VALUES (1, ?, ?, ?, ?, ?)",
        [
            (1, "M", 1, "M: Is dat gepland?", "Is dat gepland?"),
            (2, "M", 1, "", ""),
            (3, "R1", 2, "R1: Twee casussen.", "Twee casussen."),
        ],
    )
    conn.execute("COMMIT")
    conn.close()


def test_v2_migration_backfills_lemmas_of_an_older_project(tmp_path):
    """A schema-1 file with lines and no lemmas gets them when opened."""
    path = tmp_path / "old.db"
    _schema_1_file(path)
    with Project.open(path) as p:
        assert p.scalar("PRAGMA user_version") == migrations.LATEST
        rows = p.query("SELECT l.n, x.lemmas FROM line_nlp x JOIN lines l ON l.id = x.line_id ORDER BY l.n")
        assert rows == [{"n": 1, "lemmas": "is dat plannen ?"}, {"n": 3, "lemmas": "twee casus ."}]
        assert [h.line for h in search.search(p, "plannen", lemma=True).hits] == [1]
        assert [h.match for h in search.search(p, "casus", lemma=True).hits] == ["casussen"]


def test_deleting_lines_keeps_the_index_in_step(tmp_path):
    (tmp_path / "FG1.txt").write_text(TEXT, encoding="utf-8")
    with Project.create(tmp_path / "p.db") as p:
        transcripts.import_files(p, [tmp_path / "FG1.txt"], "anna")
        p.conn.execute("DELETE FROM lines WHERE n = 2")
        assert p.scalar("SELECT count(*) FROM line_nlp") == 2
        assert search.search(p, "casus", lemma=True).hits == []
        p.conn.execute("INSERT INTO line_nlp_fts (line_nlp_fts) VALUES ('integrity-check')")


def test_stored_form_equals_the_whole_pipeline_on_the_shipped_transcripts():
    """Import lemmatises with the tokenizer and the lookup table; the result must be the pipeline's, token for token."""
    from qualcode.corpus import lemmas
    from qualcode.demo import DATA

    texts = [
        line
        for f in sorted((DATA / "transcripts").glob("*.txt"))
        for line in f.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    texts += ["Z'n collega's werkten multi-disciplinair — [NAAM COLLEGA] lacht.", "  dubbele  spaties\tte veel "]
    reference = [lemmas.doc_form(doc) for doc in lemmas.pipeline().pipe(texts)]
    assert list(lemmas.annotate(texts)) == reference


def test_a_plain_query_is_lemmatised_without_building_the_pipeline():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from qualcode.corpus import lemmas\n"
        "print(lemmas.tokenize_query('Gepland werken'))\n"
        "assert 'spacy' not in sys.modules, 'the pipeline was built'\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "['plannen', 'werken']" in r.stdout


_PIECES = [
    "woord",
    "Zo'n",
    "a",
    " ",
    "  ",
    "\t",
    "\u00a0",
    ",",
    "…",
    "eh",
    "-",
    "ja.",
    "(",
    ")",
    "'s",
    "e-mail",
    "2026",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=40), st.data())
def test_token_bounds_equal_the_walk_over_the_tokens(parts, data):
    """The counted spans (no walk over the tokens before a hit) are exactly token_offsets' spans,
    for lines as the tokenizer stores them: double spaces, tabs, no-break spaces, punctuation."""
    text = "".join(parts)
    joined, _ = next(nlp.annotate([text]))
    tokens = joined.split(" ") if joined else []
    if not tokens:
        return
    a = data.draw(st.integers(0, len(tokens) - 1))
    b = data.draw(st.integers(a, min(a + 3, len(tokens) - 1)))
    offsets = nlp.token_offsets(text, tokens)
    expected = [(offsets[a][0], offsets[b][1]), offsets[a]]
    assert nlp.token_bounds(text, tokens, [(a, b), (a, a)]) == expected
    if not any(c.isspace() and c != " " for c in text):  # only spaces between the tokens: counted, not walked
        with mock.patch.object(nlp, "token_offsets", side_effect=AssertionError("walked the tokens")):
            assert nlp.token_bounds(text, tokens, [(a, b), (a, a)]) == expected


def test_token_bounds_of_rows_not_made_by_the_tokenizer_take_the_walk():
    # the tokens joined are not the line without its spaces (a hand-made row): the walk decides
    text, tokens = "ab x ab", ["a", "b", "x", "b"]
    offsets = nlp.token_offsets(text, tokens)
    assert nlp.token_bounds(text, tokens, [(3, 3), (0, 2)]) == [offsets[3], (offsets[0][0], offsets[2][1])]
    assert nlp.token_bounds("a  b", ["a", "", "b"], [(2, 2)]) == [nlp.token_offsets("a  b", ["a", "", "b"])[2]]
    # joined they are the line without spaces, but a token is not where counting puts it: the walk decides
    assert nlp.token_bounds("x a b", ["x", "ab"], [(1, 1)]) == [nlp.token_offsets("x a b", ["x", "ab"])[1]] == [(1, 3)]
    assert nlp.token_bounds("x", ["x"], []) == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" ab,", max_size=40), st.data())
def test_nth_non_space_ends_where_it_ends_from_any_guess(text, data):
    non_space = len(text) - text.count(" ")
    n = data.draw(st.integers(0, max(0, non_space - 1)))
    guess = data.draw(st.integers(0, len(text) + 5))
    expected = nth_non_space_by_hand(text, n) if non_space else None
    if expected is not None:
        assert nlp.nth_non_space(text, n) == expected == nlp.nth_non_space(text, n, guess)


def nth_non_space_by_hand(text, n):
    return [i for i, c in enumerate(text) if c != " "][n]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_lemmas_missing_counts_what_a_search_of_every_line_finds(tmp_path_factory, data):
    """The counted answer equals the plain question (a line with text and no lemma row), whichever rows are gone,
    also with a lemma row on a blank line (never written by qualcode, still counted right)."""
    path = tmp_path_factory.mktemp("missing") / "p.db"
    (path.parent / "FG1.txt").write_text(TEXT + "\nR3: Nog een regel.\n\nM: En de laatste.\n", encoding="utf-8")
    with Project.create(path) as p:
        transcripts.import_files(p, [path.parent / "FG1.txt"], "anna")
        ids = [r[0] for r in p.conn.execute("SELECT line_id FROM line_nlp ORDER BY line_id")]
        gone = data.draw(st.lists(st.sampled_from(ids), unique=True))
        p.conn.executemany("DELETE FROM line_nlp WHERE line_id = ?", [(i,) for i in gone])
        if data.draw(st.booleans()):
            blank = p.scalar("SELECT id FROM lines WHERE text = '' LIMIT 1")
            p.conn.execute("INSERT INTO line_nlp (line_id, tokens, lemmas) VALUES (?, '', '')", (blank,))
        plain_question = p.scalar(
            "SELECT EXISTS (SELECT 1 FROM lines l LEFT JOIN line_nlp x ON x.line_id = l.id "
            "WHERE x.line_id IS NULL AND l.text != '')"
        )
        assert nlp.lemmas_missing(p) == bool(plain_question) == bool(gone)
