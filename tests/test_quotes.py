"""A coding's quote from stored lines: blank lines skipped, whitespace inside a line squashed, parts joined with (…)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.coding.quotes import PART_JOIN, TranscriptLines, quote_from_lines


def reference(rows, ranges):
    """The rule, written plainly: per range the non-blank lines, each squashed when it holds a double space or
    a tab, joined by one space; speakers of those lines in order of first appearance."""
    by_n = {n: (s, t) for n, s, t in rows}
    parts, speakers = [], []
    for a, b in ranges:
        texts = []
        for n in range(a, b + 1):
            if n in by_n and by_n[n][1]:
                s, t = by_n[n]
                texts.append(" ".join(t.split()) if "  " in t or "\t" in t else t)
                if s and s not in speakers:
                    speakers.append(s)
        parts.append(" ".join(texts))
    return PART_JOIN.join(parts), speakers


def test_edge_lines():
    rows = [(1, "M", "Hoe  gaat\tdat?"), (2, None, ""), (3, "R1", "goed "), (4, "R1", "heel goed"), (5, "R2", " ja")]
    lines = TranscriptLines(rows)
    assert quote_from_lines(lines, [(1, 5)]) == ("Hoe gaat dat? goed  heel goed  ja", ["M", "R1", "R2"])
    assert quote_from_lines(lines, [(3, 4)]) == ("goed  heel goed", ["R1"])
    assert quote_from_lines(lines, [(1, 1), (4, 5)]) == ("Hoe gaat dat? (…) heel goed  ja", ["M", "R1", "R2"])
    assert quote_from_lines(lines, [(2, 2)]) == ("", [])
    tabbed = TranscriptLines([(1, "R1", "een\ttab"), (2, "R1", "verder")])
    assert quote_from_lines(tabbed, [(1, 2)]) == ("een tab verder", ["R1"])


TEXTS = st.sampled_from(["", " ", "ja", "a  b", "x\ty", " lead", "trail ", "  ", "nou\u00a0ja", "[NAAM]: ok"])
ROWS = st.lists(st.tuples(st.sampled_from([None, "", "M", "R1", "R2"]), TEXTS), min_size=1, max_size=12)


@settings(max_examples=500)
@given(rows=ROWS, first=st.integers(1, 3), gap=st.booleans(), cuts=st.lists(st.integers(0, 16), min_size=2, max_size=6))
def test_quote_matches_the_rule(rows, first, gap, cuts):
    numbered = [(first + i + (1 if gap and i > len(rows) // 2 else 0), s, t) for i, (s, t) in enumerate(rows)]
    points = sorted(cuts[: len(cuts) // 2 * 2])
    ranges = [(first - 1 + points[i], first - 1 + points[i + 1]) for i in range(0, len(points), 2)]
    assert quote_from_lines(TranscriptLines(numbered), ranges) == reference(numbered, ranges)
