"""The export warning's batch scan of coded lines finds exactly what scanning each line alone finds.

:func:`privacy.scan_each_line` runs one cheap search (``_MAYBE_FINDING_RE``) over all lines
joined together and scans only the lines it picks; these tests hold it to the line-by-line
scan it replaced, on hand-written lines at the patterns' edges and on generated ones.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.corpus import privacy

EDGES = [  # one kind of finding per line, so every part of the cheap search is needed by one of them
    "R1: bel me op 06-12345678",
    "of +31 (0)6 1234 5678.",
    "bel 0 6 12 34 56 78 nu",
    "mail a.b+c@school.de, graag",
    "kijk op www.Voorbeeld.NL/pad?x=1)",
    "of op wijkteam.nl",
    "zie http://localhost of https://x",
    "bsn 111222333 en 123.456.782 en 1234.56.782",
    "postcode 1234 AB, 1234AB en 1234 SS",
    "op 1-2-21 en 1/2/21",
    "op 3 mei, 14 SEPT en 2 juni",
    "een 45 jaar oud kind",
    "7jarig en 12-jarige",
    "op de leeftijd van 9",
    "[NAAM COLLEGA] belde 0612[X]345678 en [06 12345678]",
    "06123[NAAM]45678",
    "12[X]jaar oud",
    "R2:",
    "",
    "<>&<",
    "0031 6 12345678",
    "R3: 0",
    "12345678",
    "einde met 06-1234567",
    "8 jaar",
    "0 0 0 0",  # with a space between the lines, its digits would run into the next line's
    "1 jaar oud",
]
ALPHABET = "0123456789 -./()+@:[]<>wWlLaAjJrRoOuUdDnNXeEmMiI\t"
WORDS = ["jaar", "oud", "jarige", "leeftijd", "van", "mei", "sept", "www.", ".nl", ".com", "http://", "@", "[NAAM]"]


def one_by_one(raws: dict) -> dict:
    detector = privacy.PatternDetector()
    found = {k: privacy.scan_lines([(k[-1], raw)], [detector]) for k, raw in raws.items()}
    return {k: v for k, v in found.items() if v}


def test_edge_lines_give_what_each_line_alone_gives():
    raws = {("FG1", n): raw for n, raw in enumerate(EDGES, start=1)}
    expected = one_by_one(raws)
    assert len(expected) >= 17  # the edges do hold findings
    assert privacy.scan_each_line(raws) == expected


def test_a_line_with_a_finding_always_matches_the_cheap_search():
    for raw in EDGES:
        if privacy.pattern_spans(privacy.blank_placeholders(raw)):
            assert privacy._MAYBE_FINDING_RE.search(privacy.blank_placeholders(raw)), raw


line_text = st.lists(st.one_of(st.text(ALPHABET, max_size=12), st.sampled_from(WORDS)), max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(line_text, min_size=1, max_size=8))
def test_generated_lines_give_what_each_line_alone_gives(lines):
    raws = {("T", n): raw for n, raw in enumerate(lines, start=1)}
    assert privacy.scan_each_line(raws) == one_by_one(raws)


def test_a_finding_in_the_gap_of_a_two_range_quote_does_not_count(tmp_path):
    from qualcode.coding import codebook, codings
    from qualcode.corpus import transcripts
    from qualcode.corpus.ingest import parse_text
    from qualcode.store.project import Project

    text = "M: Welkom.\nR1: Bel 06-12345678 maar.\nR2: Mail jan@school.de dan.\nR1: Goed.\n"
    (tmp_path / "cb.yaml").write_text("codes:\n  - name: werkwijze\n", encoding="utf-8")
    with Project.create(tmp_path / "p.db") as p:
        transcripts.import_parsed(p, [parse_text(text, name="FG1", source="FG1.txt")], "anna")
        codebook.load(p, tmp_path / "cb.yaml", "anna")
        gap = codings.apply(p, "FG1", "1,3-4", "werkwijze", "anna")  # line 2 (the phone) is not quoted
        both = codings.apply(p, "FG1", "2-3", "werkwijze", "bram")
        hits = privacy.open_findings_in(p, [gap, both])
        assert [(h["quote"], h["line"], h["kind"]) for h in hits] == [
            ("(FG1; 1; 3-4)", 3, "email"),
            ("(FG1; 2-3)", 2, "phone"),
            ("(FG1; 2-3)", 3, "email"),
        ]
        assert [(h["line"], h["kind"]) for h in privacy.open_findings_in(p, None)] == [
            (3, "email"),
            (2, "phone"),
            (3, "email"),
        ]
