"""Property tests: any UTF-8 text → lines 1..N that are clean, NFC and hash to sha256."""

from __future__ import annotations

import hashlib
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.corpus.ingest import parse_text, read_transcript
from qualcode.errors import InputError

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def is_removed(ch: str) -> bool:
    """The spec's list of characters ingest removes (written out independently of the code)."""
    o = ord(ch)
    return (o < 0x20 and ch not in "\t\n") or 0x7F <= o <= 0x9F or o in (0xFFFE, 0xFFFF) or 0xD800 <= o <= 0xDFFF


def expected_lines(text: str) -> list[str]:
    """What a reader should see: LF line ends, no final empty line, clean NFC, no trailing space."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.lstrip("\ufeff")  # byte order marks at the start are dropped, however many
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    out = []
    for line in lines:
        line = "".join(" " if ch in "\u2028\u2029" else ch for ch in line if not is_removed(ch))
        out.append(unicodedata.normalize("NFC", line))
    return out


pieces = st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from(["\n", "\r\n", "\r", "\t", " ", "\x01", "\x1b", "\x7f", "\x85", "\x9f", "\ufffe", "\uffff"]),
    st.sampled_from(["e\u0301", "\u00eb", "i\u0308", "\u2028", "\ufeff", "M: ", "[NAAM COLLEGA]", "Deelnemer 2:"]),
    st.sampled_from(["\n12 ", "\n3. ", "\n  7\t"]),  # numbering-like line starts, so that case is exercised
)
long_lines = st.builds(lambda s, k: s * k, st.text(min_size=1, max_size=12), st.integers(200, 800))
texts = st.one_of(
    st.lists(pieces, max_size=80).map("".join),
    st.lists(st.one_of(long_lines, st.lists(pieces, max_size=20).map("".join)), max_size=6).map("\n".join),
)


@SETTINGS
@given(text=texts)
def test_any_utf8_text_gives_clean_numbered_lines(tmp_path, text):
    path = tmp_path / "prop.txt"
    path.write_bytes(text.encode("utf-8"))
    expected = expected_lines(text)
    try:
        t = read_transcript(path)
    except InputError as error:
        if "\x00" in text:
            assert "binary file" in error.message
        else:
            assert not any(line.strip() for line in expected), error
            assert "empty" in error.message
        return

    raws = [line.raw for line in t.lines]
    for raw in raws:
        assert unicodedata.is_normalized("NFC", raw)
        assert "\n" not in raw and "\r" not in raw and raw == raw.rstrip()
        assert not any(is_removed(ch) for ch in raw)
    assert t.sha256 == hashlib.sha256("\n".join(raws).encode("utf-8")).hexdigest()

    numbers = [line.n for line in t.lines]
    if t.numbered:
        # every non-blank line carried its own increasing number; blank lines are gone
        assert numbers == sorted(set(numbers)) and numbers[0] >= 1
        assert len(t.lines) == sum(1 for line in expected if line.strip())
    else:
        assert numbers == list(range(1, len(expected) + 1))
        assert raws == [line.rstrip() for line in expected]
    turns = [line.turn for line in t.lines]
    assert turns == sorted(turns)
    assert all((line.turn == 0) == (line.speaker is None) for line in t.lines)


@SETTINGS
@given(text=texts)
def test_numbered_rendering_reads_back_to_the_same_lines(text):
    """Writing "n<TAB>raw" for every line and reading it back keeps numbers, text and speakers."""
    try:
        t = parse_text(text, name="P", source="p.txt")
    except InputError:
        return
    rendered = "\n".join(f"{line.n}\t{line.raw}" for line in t.lines)
    back = parse_text(rendered, name="P", source="p.txt")
    assert back.numbered or len(t.lines) == 1
    if back.numbered:
        assert [line.n for line in back.lines] == [line.n for line in t.lines]
        # the number's separator eats leading whitespace, so compare from the first visible character
        assert [line.raw for line in back.lines] == [line.raw.lstrip() for line in t.lines]
        assert [(line.speaker, line.turn) for line in back.lines] == [(line.speaker, line.turn) for line in t.lines]
