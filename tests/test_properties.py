"""Hypothesis properties: range parser, citation formatter/parser, Word output of any quote text.

(Transcript import properties live in tests/test_ingest_properties.py.)
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.errors import InputError
from qualcode.ranges import format_citation, format_ranges, normalise, parse_citation, parse_ranges

line = st.integers(min_value=1, max_value=10**6)
a_range = st.tuples(line, st.integers(min_value=0, max_value=500)).map(lambda t: (t[0], t[0] + t[1]))
range_lists = st.lists(a_range, min_size=1, max_size=12)


def covered(ranges) -> set[int]:
    return {n for a, b in ranges for n in range(a, b + 1)}


@given(range_lists)
def test_parse_of_format_is_normalise(ranges):
    assert parse_ranges(format_ranges(ranges)) == normalise(ranges)
    assert parse_ranges(format_ranges(normalise(ranges))) == normalise(ranges)


@given(range_lists)
def test_normalise_keeps_the_lines_and_is_canonical(ranges):
    n = normalise(ranges)
    assert covered(n) == covered(ranges)
    assert all(a <= b for a, b in n)
    assert all(n[i][1] + 1 < n[i + 1][0] for i in range(len(n) - 1))  # sorted, not touching
    assert normalise(n) == n


@given(range_lists, st.sampled_from([",", ";", ", ", " ; "]), st.sampled_from(["-", "–", " - "]))
def test_other_spellings_parse_to_the_same_ranges(ranges, sep, dash):
    spelled = sep.join(f"{a}{dash}{b}" for a, b in ranges)
    assert parse_ranges(spelled) == normalise(ranges)


@given(st.text(max_size=40))
def test_any_text_parses_or_gives_an_input_error(text):
    try:
        parsed = parse_ranges(text)
    except InputError as e:
        assert "\n" not in str(e).strip() or "\n" in text  # one line, unless the user's text had one
        return
    assert parsed == normalise(parsed) and parsed


names = st.text(
    st.characters(blacklist_characters=";()\n\r", blacklist_categories=("Cs",)), min_size=1, max_size=30
).filter(lambda s: s == s.strip() and s != "")


@given(names, range_lists)
def test_citation_format_then_parse_gives_the_same_ranges(name, ranges):
    citation = format_citation(name, normalise(ranges))
    assert parse_citation(citation) == (name, normalise(ranges))


@given(st.sampled_from(["FG1", "FG2", "Interview 3", "Focusgroep-Zuid"]), range_lists)
def test_citation_of_unnormalised_ranges_parses_to_normalised(name, ranges):
    assert parse_citation(format_citation(name, ranges))[1] == normalise(ranges)


# ------------------------------------------------------------------ Word output
quote_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(quote_text, names)
def test_any_quote_text_gives_a_docx_that_opens_again(text, transcript):
    from docx import Document

    from qualcode.corpus.ingest.decode import clean_control_chars
    from qualcode.report.docx_writer import DocWriter, open_document
    from qualcode.store.files import atomic_path

    citation = format_citation(transcript, [(57, 64)])
    writer = DocWriter(open_document())
    writer.heading("Werkwijze", 1)
    writer.quote(text, citation)
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "quotes.docx"
        with atomic_path(out) as tmp:
            writer.save(tmp)
        doc = Document(str(out))
    expected, _ = clean_control_chars(text.replace("\r\n", "\n").replace("\r", "\n"))
    cleaned_citation, _ = clean_control_chars(citation)
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[-1] == expected + " " + cleaned_citation
    assert paragraphs[-2] == "Werkwijze"
