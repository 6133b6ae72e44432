"""qualcode.corpus.ingest: real files in tmp_path → numbered lines, speakers, placeholders, errors."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import unicodedata
import zipfile

import pytest

from qualcode.corpus.ingest import (
    PLACEHOLDER_RE,
    SUPPORTED_SUFFIXES,
    clean_control_chars,
    find_placeholders,
    parse_text,
    read_transcript,
    split_speaker,
    text_sha256,
)
from qualcode.errors import InputError

DUTCH = "M: Wat vindt u van één ding?\nR1: Dat is ’n goed idee, kost € 5.\nR2: Ik ben het eens, ë.\n"


def write(tmp_path, filename, data):
    path = tmp_path / filename
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def raws(transcript):
    return [line.raw for line in transcript.lines]


def numbers(transcript):
    return [line.n for line in transcript.lines]


# --- encodings ---------------------------------------------------------------------


def test_utf8_file_name_source_and_lines(tmp_path):
    path = write(tmp_path, "FG2.txt", DUTCH)
    t = read_transcript(path)
    assert (t.name, t.source, t.encoding, t.numbered) == ("FG2", "FG2.txt", "utf-8", False)
    assert raws(t) == DUTCH.splitlines()
    assert numbers(t) == [1, 2, 3]
    assert t.sha256 == hashlib.sha256(DUTCH.rstrip("\n").encode("utf-8")).hexdigest()
    assert t.sha256 == text_sha256(raws(t))


def test_name_can_be_given(tmp_path):
    t = read_transcript(write(tmp_path, "focusgroep 2.TXT", DUTCH), name="FG2")
    assert (t.name, t.source) == ("FG2", "focusgroep 2.TXT")


def test_utf8_with_bom(tmp_path):
    t = read_transcript(write(tmp_path, "a.txt", b"\xef\xbb\xbf" + DUTCH.encode("utf-8")))
    assert t.encoding == "utf-8-sig"
    assert raws(t) == DUTCH.splitlines()  # no BOM left on line 1
    assert t.lines[0].speaker == "M"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path, codec):
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    t = read_transcript(write(tmp_path, "a.txt", bom + DUTCH.encode(codec)))
    assert t.encoding == "utf-16"
    assert raws(t) == DUTCH.splitlines()


def test_windows_1252(tmp_path):
    data = DUTCH.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the test file really is not UTF-8
    t = read_transcript(write(tmp_path, "a.txt", data))
    assert t.encoding == "cp1252"
    assert raws(t) == DUTCH.splitlines()
    assert "één" in t.lines[0].text and "’n" in t.lines[1].text and "€" in t.lines[1].text and "ë" in t.lines[2].text


def test_bytes_undefined_in_cp1252_are_refused_with_line_and_byte(tmp_path):
    # 0x81 is undefined in Windows-1252 and invalid UTF-8: neither may be claimed, and no
    # other code page may be guessed (it used to become Cyrillic cp1251).
    data = ("Dit is een tekst met één woord erin, en nog wat meer tekst.\n" * 3).encode("cp1252") + b"\x81\n"
    error = assert_input_error(write(tmp_path, "a.txt", data), r"unknown text encoding.*byte 0x81 at offset 180")
    assert error.line == 4 and "--encoding" in error.message


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_give_the_same_lines_as_lf(tmp_path, newline):
    text = "M: een\n\nR1: twee\ndrie\n"
    lf = read_transcript(write(tmp_path, "lf.txt", text))
    other = read_transcript(write(tmp_path, "other.txt", text.replace("\n", newline)))
    assert raws(other) == raws(lf) == ["M: een", "", "R1: twee", "drie"]
    assert numbers(other) == numbers(lf) == [1, 2, 3, 4]
    assert other.sha256 == lf.sha256


def test_decomposed_input_becomes_nfc(tmp_path):
    nfd = unicodedata.normalize("NFD", "M: Ze zei: één ideeën, café.")
    assert nfd != unicodedata.normalize("NFC", nfd)
    t = read_transcript(write(tmp_path, "a.txt", nfd))
    assert t.lines[0].raw == "M: Ze zei: één ideeën, café."
    assert unicodedata.is_normalized("NFC", t.lines[0].raw)


# --- line numbers --------------------------------------------------------------------


def test_blank_lines_count_and_final_newline_adds_nothing(tmp_path):
    t = read_transcript(write(tmp_path, "a.txt", "\nM: een\n\n\nR1: twee\n"))
    assert numbers(t) == [1, 2, 3, 4, 5]
    assert raws(t) == ["", "M: een", "", "", "R1: twee"]
    assert t.lines[0].speaker is None and t.lines[0].turn == 0
    assert [line.speaker for line in t.lines[2:4]] == ["M", "M"]  # blank lines keep the speaker
    no_final = read_transcript(write(tmp_path, "b.txt", "\nM: een\n\n\nR1: twee"))
    assert raws(no_final) == raws(t)


def test_numbered_transcript_uses_its_numbers(tmp_path):
    text = "1 M: Welkom allemaal.\n\n2\tR1: Dank je.\n   3 doorlopende zin\n\n12.  tekst hier\n13\n"
    t = read_transcript(write(tmp_path, "n.txt", text))
    assert t.numbered is True
    assert numbers(t) == [1, 2, 3, 12, 13]
    assert raws(t) == ["M: Welkom allemaal.", "R1: Dank je.", "doorlopende zin", "tekst hier", ""]
    assert [line.speaker for line in t.lines] == ["M", "R1", "R1", "R1", "R1"]
    assert t.lines[3].text == "tekst hier"


def test_partly_numbered_file_is_not_numbered(tmp_path):
    text = "1 M: Welkom.\n2 R1: Dank.\nR2: Ik ook.\n4 M: Goed.\n"
    t = read_transcript(write(tmp_path, "n.txt", text))
    assert t.numbered is False
    assert numbers(t) == [1, 2, 3, 4]
    assert raws(t) == text.splitlines()


def test_decreasing_numbers_are_not_numbering(tmp_path):
    t = read_transcript(write(tmp_path, "n.txt", "3 mensen kwamen\n2 gingen weg\n"))
    assert t.numbered is False and raws(t) == ["3 mensen kwamen", "2 gingen weg"]


def test_numbers_like_1_5_miljoen_are_not_numbering(tmp_path):
    t = read_transcript(write(tmp_path, "n.txt", "1.5 miljoen\n2.5 miljoen\n"))
    assert t.numbered is False and raws(t) == ["1.5 miljoen", "2.5 miljoen"]


# --- speakers and turns ----------------------------------------------------------------

SPEAKERS = """Inleiding zonder spreker.
[REGISSEUR 2]: Goedemiddag.
Deelnemer 2: Dank u.
dat wilde ik zeggen.

Interviewer: Wat vindt u?
M:
R3:   Nou, lastig.
Nou: dat is het.
Interviewer: Dank.
P12: Tot slot.
http://example.org is een link
"""


def test_speakers_and_turns(tmp_path):
    t = read_transcript(write(tmp_path, "s.txt", SPEAKERS))
    got = [(line.n, line.speaker, line.turn, line.text) for line in t.lines]
    assert got == [
        (1, None, 0, "Inleiding zonder spreker."),
        (2, "[REGISSEUR 2]", 1, "Goedemiddag."),
        (3, "Deelnemer 2", 2, "Dank u."),
        (4, "Deelnemer 2", 2, "dat wilde ik zeggen."),
        (5, "Deelnemer 2", 2, ""),
        (6, "Interviewer", 3, "Wat vindt u?"),
        (7, "M", 4, ""),
        (8, "R3", 5, "Nou, lastig."),
        (9, "R3", 5, "Nou: dat is het."),  # a single "Nou:" is a sentence, not a label
        (10, "Interviewer", 6, "Dank."),
        (11, "P12", 7, "Tot slot."),
        (12, "P12", 7, "http://example.org is een link"),
    ]
    assert t.lines[1].raw == "[REGISSEUR 2]: Goedemiddag."
    assert t.lines[7].raw == "R3:   Nou, lastig."


def test_plain_word_label_needs_two_lines(tmp_path):
    t = read_transcript(write(tmp_path, "s.txt", "Moderator: Welkom.\nR1: Ja.\n"))
    assert [line.speaker for line in t.lines] == [None, "R1"]
    t2 = read_transcript(write(tmp_path, "s2.txt", "Moderator: Welkom.\nR1: Ja.\nModerator: Goed.\n"))
    assert [line.speaker for line in t2.lines] == ["Moderator", "R1", "Moderator"]
    assert [line.turn for line in t2.lines] == [1, 2, 3]


def test_split_speaker_helper():
    assert split_speaker("M:  hallo ") == ("M", "hallo")
    assert split_speaker("[REGISSEUR 2]: ja") == ("[REGISSEUR 2]", "ja")
    assert split_speaker("Deelnemer 2:") == ("Deelnemer 2", "")
    assert split_speaker("Interviewer: ja") == (None, "Interviewer: ja")
    assert split_speaker("Interviewer: ja", {"Interviewer"}) == ("Interviewer", "ja")
    assert split_speaker("Nou: dat is het.") == (None, "Nou: dat is het.")
    assert split_speaker("om 12:30 begonnen") == (None, "om 12:30 begonnen")


# --- placeholders ----------------------------------------------------------------------


def test_placeholders_in_order_of_first_use(tmp_path):
    text = (
        "[REGISSEUR 2]: Ik sprak [NAAM COLLEGA] over [NOEMT OMSTANDIGHEID].\n"
        "R1: En [PROJECTCOORDINATOR 2] en weer [NAAM COLLEGA], [ÉÉN-TWEE_3/4].\n"
        "R2: Niet: [onverstaanbaar], [2], [].\n"
    )
    t = read_transcript(write(tmp_path, "p.txt", text))
    assert t.placeholders == [
        "[REGISSEUR 2]",
        "[NAAM COLLEGA]",
        "[NOEMT OMSTANDIGHEID]",
        "[PROJECTCOORDINATOR 2]",
        "[ÉÉN-TWEE_3/4]",
    ]
    assert "[NAAM COLLEGA]" in t.lines[0].text  # kept verbatim in the text
    assert find_placeholders("x [A] y [A] [b]") == ["[A]"]
    assert PLACEHOLDER_RE.fullmatch("[NAAM COLLEGA]")


# --- control characters ----------------------------------------------------------------


def test_control_characters_removed_and_reported(tmp_path):
    text = "M: een\x01 twee\x7f\nR1: drie\x85\x9f\ufffe\n\tvier\tmet tab\n"
    t = read_transcript(write(tmp_path, "c.txt", text))
    assert raws(t) == ["M: een twee", "R1: drie", "\tvier\tmet tab"]
    assert t.warnings == ["line 1: removed 2 control characters", "line 2: removed 3 control characters"]
    assert clean_control_chars("a\x00b\x1bc\td\n") == ("abc\td\n", 2)


def test_control_characters_warning_uses_the_files_own_numbers(tmp_path):
    t = read_transcript(write(tmp_path, "c.txt", "10 M: een\n11 R1: twee\x07\n"))
    assert t.numbered and t.warnings == ["line 11: removed 1 control character"]


def test_parse_text_for_other_importers():
    t = parse_text("M: hallo\r\nR1: dag\x02", name="FG1", source="FG1.qdpx", encoding="utf-16")
    assert (t.name, t.source, t.encoding) == ("FG1", "FG1.qdpx", "utf-16")
    assert raws(t) == ["M: hallo", "R1: dag"]
    with pytest.raises(InputError, match="FG1.qdpx: the file is empty"):
        parse_text(" \n\x01\n", name="FG1", source="FG1.qdpx")


# --- .docx -------------------------------------------------------------------------------

LONG = (
    "Ik denk dat het vooral gaat om de samenwerking tussen de verschillende partijen in de wijk, "
    "want als de huisarts en het wijkteam elkaar niet kennen dan loopt het gewoon vast en dat "
    "merken de bewoners meteen."
)


def make_docx(path, paragraphs, table=None):
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.save(str(path))
    return path


@pytest.mark.parametrize("wrap", [80, 40])
def test_docx_paragraphs_are_wrapped(tmp_path, wrap):
    path = make_docx(tmp_path / "FG3.docx", ["Interviewer: Welkom.", "", "R2: " + LONG, "Interviewer: Dank."])
    t = read_transcript(path, wrap=wrap)
    assert (t.name, t.source, t.encoding, t.numbered) == ("FG3", "FG3.docx", "docx", False)
    assert t.lines[0].raw == "Interviewer: Welkom."
    assert t.lines[1].raw == "" and t.lines[1].speaker == "Interviewer"  # empty paragraph = blank line
    body = [line for line in t.lines if line.speaker == "R2"]
    assert len(body) > 1 and all(len(line.raw) <= wrap for line in t.lines)
    assert body[0].raw.startswith("R2: ") and {line.turn for line in body} == {2}
    assert " ".join(line.text for line in body) == LONG
    assert numbers(t) == list(range(1, len(t.lines) + 1))
    assert t.lines[-1].raw == "Interviewer: Dank." and t.lines[-1].turn == 3


def test_docx_label_stays_on_first_line_even_when_narrow(tmp_path):
    path = make_docx(tmp_path / "a.docx", ["[REGISSEUR 2]: " + LONG])
    t = read_transcript(path, wrap=12)
    assert t.lines[0].raw.startswith("[REGISSEUR 2]:")
    assert t.lines[0].speaker == "[REGISSEUR 2]"
    assert " ".join(line.text for line in t.lines).replace(" ", "") == LONG.replace(" ", "")


def test_docx_tables_and_breaks(tmp_path):
    import docx

    path = tmp_path / "t.docx"
    document = docx.Document()
    paragraph = document.add_paragraph("M: eerste regel")
    paragraph.add_run().add_break()
    paragraph.add_run("tweede regel")
    grid = document.add_table(rows=2, cols=2)
    for (r, c), value in {(0, 0): "R1: cel a", (0, 1): "cel b", (1, 0): "R2: cel c", (1, 1): "cel d"}.items():
        grid.cell(r, c).text = value
    document.add_paragraph("M: einde")
    document.save(str(path))
    t = read_transcript(path)
    assert raws(t) == ["M: eerste regel", "tweede regel", "R1: cel a", "cel b", "R2: cel c", "cel d", "M: einde"]


def test_docx_suffix_is_case_insensitive(tmp_path):
    path = make_docx(tmp_path / "X.DOCX", ["M: hallo"])
    assert raws(read_transcript(path)) == ["M: hallo"]
    assert ".docx" in SUPPORTED_SUFFIXES


# --- bad input ---------------------------------------------------------------------------


def assert_input_error(path, pattern, **kwargs):
    with pytest.raises(InputError, match=pattern) as info:
        read_transcript(path, **kwargs)
    assert info.value.path == str(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    return info.value


def test_binary_file(tmp_path):
    path = write(tmp_path, "a.txt", b"M: hallo\n\x00\x01\x02")
    assert_input_error(path, r"binary file \(NUL byte at offset 9\)")


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n", b"\x01\n\x02\n"])
def test_empty_file(tmp_path, content):
    assert_input_error(write(tmp_path, "a.txt", content), "the file is empty")


def test_missing_file(tmp_path):
    assert_input_error(tmp_path / "nope.txt", "no such file")


def test_unknown_extension(tmp_path):
    error = assert_input_error(write(tmp_path, "a.bin", "M: hallo"), "unsupported file type")
    assert error.message.startswith("unsupported file type '.bin'; supported: .txt/.md")
    assert ".vtt" in error.message and ".srt" in error.message and ".odt" in error.message


def test_directory(tmp_path):
    (tmp_path / "map.txt").mkdir()
    assert_input_error(tmp_path / "map.txt", "directory")


def test_damaged_docx_random_bytes(tmp_path):
    assert_input_error(write(tmp_path, "a.docx", bytes(range(256)) * 4), r"not a valid \.docx file \(not a ZIP archive")


def zip_with(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def test_docx_without_document_xml(tmp_path):
    path = zip_with(tmp_path / "a.docx", {"[Content_Types].xml": "<Types/>", "word/other.xml": "<x/>"})
    assert_input_error(path, r"no word/document\.xml")


def docx_bytes_with_document(tmp_path, document_xml: bytes) -> bytes:
    source = make_docx(tmp_path / "ok.docx", ["M: hallo"])
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            new.writestr(item, document_xml if item.filename == "word/document.xml" else old.read(item))
    return out.getvalue()


def test_docx_with_doctype_entity_is_refused(tmp_path):
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
    )
    path = write(tmp_path, "bomb.docx", docx_bytes_with_document(tmp_path, bomb))
    assert_input_error(path, r"word/document\.xml declares a DOCTYPE or ENTITY")


def test_docx_with_bad_xml(tmp_path):
    path = write(tmp_path, "bad.docx", docx_bytes_with_document(tmp_path, b"<w:document><unclosed>"))
    assert_input_error(path, r"damaged \.docx file")


def test_docx_with_unsafe_member_path(tmp_path):
    path = zip_with(tmp_path / "a.docx", {"word/document.xml": "<x/>", "../evil.txt": "x"})
    assert_input_error(path, r"member '\.\./evil\.txt' has a '\.\.' component")


def test_docx_with_too_many_members(tmp_path):
    path = zip_with(tmp_path / "a.docx", {f"m{i}.txt": "" for i in range(2001)} | {"word/document.xml": "<x/>"})
    assert_input_error(path, r"refusing \.docx file with 2002 members \(limit 2000\)")


def test_empty_docx(tmp_path):
    assert_input_error(make_docx(tmp_path / "e.docx", ["", "  "]), "the file is empty")


def test_core_does_not_import_textual_or_docx_at_start():
    code = "import sys, qualcode.corpus.ingest; print('textual' in sys.modules, 'docx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_utf8_bom_with_nul_is_binary(tmp_path):
    assert_input_error(write(tmp_path, "a.txt", b"\xef\xbb\xbfM: a\x00b"), r"binary file \(NUL byte at offset 7\)")


def test_one_invalid_byte_after_bom_is_replaced_and_reported_with_offset_and_line(tmp_path):
    t = read_transcript(write(tmp_path, "a.txt", b"\xef\xbb\xbfM: a\nR1: \xff\n"))
    assert t.encoding == "utf-8-sig" and raws(t) == ["M: a", "R1: \ufffd"]
    assert "line 2: byte 0xFF at offset 12 is not valid UTF-8" in t.warnings[0]


def test_many_invalid_bytes_after_bom_names_offset_and_line(tmp_path):
    error = assert_input_error(
        write(tmp_path, "a.txt", b"\xef\xbb\xbfM: a\nR1: \xff\xfe\xfd\xfc\n"), r"byte 0xFF at offset 12"
    )
    assert error.line == 2


def test_truncated_utf16(tmp_path):
    assert_input_error(
        write(tmp_path, "a.txt", b"\xff\xfe" + "M: hallo".encode("utf-16-le") + b"\x00"), "not valid UTF-16"
    )


def test_markdown_is_read_like_text(tmp_path):
    t = read_transcript(write(tmp_path, "FG4.MD", "# Focusgroep 4\n\nM: *welkom*\n"))
    assert (t.name, numbers(t), raws(t)) == ("FG4", [1, 2, 3], ["# Focusgroep 4", "", "M: *welkom*"])
    assert t.lines[2].speaker == "M" and t.lines[2].text == "*welkom*"


def test_unicode_line_separator_becomes_a_space_and_is_reported(tmp_path):
    t = read_transcript(write(tmp_path, "a.txt", "M: een\u2028twee\nR1: drie\n"))
    assert raws(t) == ["M: een twee", "R1: drie"]
    assert t.warnings == ["line 1: replaced 1 Unicode line separator with a space"]


def test_docx_nested_table_and_tracked_changes(tmp_path):
    import docx

    path = tmp_path / "n.docx"
    document = docx.Document()
    outer = document.add_table(rows=1, cols=1)
    outer.cell(0, 0).text = "R1: buiten"
    outer.cell(0, 0).add_table(rows=1, cols=1).cell(0, 0).text = "R2: binnen"
    paragraph = document.add_paragraph("M: oud")
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    from lxml import etree

    ins = etree.SubElement(paragraph._p, f"{{{w}}}ins")
    etree.SubElement(etree.SubElement(ins, f"{{{w}}}r"), f"{{{w}}}t").text = " nieuw"
    deleted = etree.SubElement(paragraph._p, f"{{{w}}}del")
    etree.SubElement(etree.SubElement(deleted, f"{{{w}}}r"), f"{{{w}}}delText").text = " weg"
    document.save(str(path))
    assert raws(read_transcript(path)) == ["R1: buiten", "R2: binnen", "", "M: oud nieuw"]


def test_doubled_byte_order_mark_is_dropped(tmp_path):
    t = read_transcript(write(tmp_path, "a.txt", "\ufeff\ufeffM: hallo\n\ufeffR1: dag\n"))
    assert t.encoding == "utf-8-sig"
    assert raws(t) == ["M: hallo", "\ufeffR1: dag"]  # only the start of the file is cleaned
