"""Transcription-tool formats: every reader on a small fixture written from the format's documentation.

Each fixture is read through :func:`read_transcript` (the format decided from the content),
stored in a real project file, and checked for speakers, clean quote text (no time codes,
cue numbers, markup), stored times and stable line numbers.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from qualcode.coding import quotes
from qualcode.corpus import transcripts
from qualcode.corpus.ingest import read_transcript
from qualcode.errors import InputError
from qualcode.store.project import Project

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"
CLOCK_RE = re.compile(r"\d{1,2}:\d{2}|-->|<v|\*\*|&#|&amp;")


def lines_of(parsed):
    return [(ln.n, ln.speaker, ln.raw, ln.start, ln.end) for ln in parsed.lines]


def speakers_of(parsed):
    return list(dict.fromkeys(ln.speaker for ln in parsed.lines if ln.speaker))


def joined_text(parsed):
    return " ".join(ln.text for ln in parsed.lines if ln.text)


# (fixture, reader starts with, speakers, full text of the transcript, first line's (start, end))
CASES = [
    (
        "teams.vtt",
        "WebVTT",
        ["Anna de Vries", "Bram"],
        "Welkom allemaal bij deze focusgroep. Hoe ziet jullie werkwijze eruit? "
        "Nou, wij plannen eerst een huisbezoek met [NAAM COLLEGA]. Dank je.",
        (1.25, 4.5),
    ),
    (
        "zoom.vtt",
        "WebVTT",
        ["Anna de Vries", "Bram"],
        "Welkom allemaal. Dank je, fijn om er te zijn. Wij werken vooral met huisbezoeken. Mooi.",
        (1.0, 3.0),
    ),
    ("whisper.vtt", "WebVTT", [], "Welkom allemaal bij deze focusgroep. Hoe ziet jullie werkwijze eruit?", (0.0, 3.12)),
    (
        "whisperx.srt",
        "SubRip",
        ["SPEAKER_00", "SPEAKER_01"],
        "Welkom allemaal. Dank je. Wij plannen eerst een huisbezoek. Daarna kijken we wat nodig is. En de veiligheid?",
        (0.031, 2.512),
    ),
    ("whisper.json", "Whisper JSON", [], "Welkom allemaal. Hoe ziet jullie werkwijze eruit?", (0.0, 3.12)),
    (
        "whisperx.json",
        "Whisper JSON",
        ["SPEAKER_00", "SPEAKER_01"],
        "Welkom allemaal. Dank je. Wij plannen eerst een huisbezoek. Daarna kijken we wat nodig is.",
        (0.031, 2.512),
    ),
    ("whisper.tsv", "Whisper TSV", [], "Welkom allemaal. Hoe ziet jullie werkwijze eruit?", (0.0, 3.12)),
    (
        "otter.txt",
        "Otter",
        ["Anna de Vries", "Bram"],
        "Welkom allemaal bij deze focusgroep. Hoe ziet jullie werkwijze eruit? Nou, wij plannen eerst een "
        "huisbezoek. Dank je.",
        (1.0, 34.0),
    ),
    (
        "amberscript.txt",
        "Amberscript",
        ["Spreker 1", "Spreker 2"],
        "Welkom allemaal bij deze focusgroep. Nou, wij plannen eerst een huisbezoek. Dank je.",
        (1.0, 34.0),
    ),
    (
        "timed.txt",
        "timed lines",
        ["INT", "R1"],
        "Welkom allemaal. Hoe ziet jullie werkwijze eruit? Wij plannen eerst een huisbezoek. Daarna kijken we "
        "samen wat nodig is. En de veiligheid?",
        (83.0, 90.0),
    ),
    (
        "markdown.md",
        "Markdown",
        ["Anna", "Bram"],
        "# Focusgroep 2 Welkom allemaal. Het is vandaag's eerste sessie. Wij plannen eerst een huisbezoek. "
        "Dank je & tot zo.",
        (None, None),
    ),
    (
        "qualcoder.txt",
        "QualCoder",
        ["id1", "id2"],
        "Welkom allemaal bij deze focusgroep. Wij plannen eerst een huisbezoek met [NAAM COLLEGA]. Dank je.",
        (None, None),
    ),
    (
        "otranscribe.otr",
        "oTranscribe",
        ["INT", "R1"],
        "Welkom allemaal. Wij plannen eerst een huisbezoek. Dank je.",
        (1.5, 34.2),
    ),
]


@pytest.mark.parametrize(("fixture", "reader", "speakers", "text", "first_times"), CASES, ids=[c[0] for c in CASES])
def test_fixture_read_with_speakers_clean_text_and_times(fixture, reader, speakers, text, first_times):
    parsed = read_transcript(FIXTURES / fixture, wrap=40)
    assert parsed.reader.startswith(reader)
    assert speakers_of(parsed) == speakers
    assert joined_text(parsed) == text
    assert (parsed.lines[0].start, parsed.lines[0].end) == first_times
    assert [ln.n for ln in parsed.lines] == list(range(1, len(parsed.lines) + 1))
    for ln in parsed.lines:
        assert len(ln.raw) <= 40 or " " not in ln.raw
        assert not CLOCK_RE.search(ln.text), ln
        if ln.speaker and ln.raw != ln.text:
            assert ln.raw == f"{ln.speaker}: {ln.text}"


@pytest.mark.parametrize("fixture", [c[0] for c in CASES])
def test_line_numbers_are_stable_and_stored_with_times(tmp_path, fixture):
    first = read_transcript(FIXTURES / fixture, wrap=40)
    again = read_transcript(FIXTURES / fixture, wrap=40)
    assert lines_of(first) == lines_of(again)
    with Project.create(tmp_path / "p.db") as project:
        transcripts.import_parsed(project, [first], "tester", annotate=False)
        t = transcripts.get(project, first.name)
        stored = [(r["n"], r["speaker"], r["raw"], r["start"], r["end"]) for r in transcripts.lines(project, t.id)]
        assert stored == lines_of(first)


def test_turn_rule_merges_consecutive_cues_of_one_speaker():
    parsed = read_transcript(FIXTURES / "whisperx.srt", wrap=200)
    assert [(ln.speaker, ln.turn, ln.start, ln.end) for ln in parsed.lines] == [
        ("SPEAKER_00", 1, 0.031, 2.512),
        ("SPEAKER_01", 2, 2.613, 7.0),  # two cues, one turn, one line at this width
        ("SPEAKER_00", 3, 7.25, 9.0),
    ]
    assert (
        parsed.lines[1].raw == "SPEAKER_01: Dank je. Wij plannen eerst een huisbezoek. Daarna kijken we wat nodig is."
    )


def test_quote_of_a_timed_transcript_has_times_and_citation_template(tmp_path):
    from qualcode.coding import codebook, codings

    with Project.create(tmp_path / "p.db") as project:
        codebook.load(project, Path(__file__).parent.parent / "codebooks" / "default.yaml", "tester")
        transcripts.import_parsed(project, [read_transcript(FIXTURES / "timed.txt", wrap=40)], "tester", annotate=False)
        c = codings.apply(project, "timed", "3-4", "werkwijze", "tester")
        row = quotes.quote_rows(project, [c])[0]
        assert (row["start"], row["end"], row["citation"]) == (90.0, 112.0, "(timed; 3-4)")
        assert row["text"] == "Wij plannen eerst een huisbezoek. Daarna kijken we samen wat nodig is."
        with project.transaction("settings", "tester") as tx:
            project.set_setting(tx, "citation_template", "({transcript}; {ranges}; {time})")
        assert quotes.quote_rows(project, [c])[0]["citation"] == "(timed; 3-4; 00:01:30)"


def test_speakers_none_and_pattern(tmp_path):
    none = read_transcript(FIXTURES / "zoom.vtt", wrap=200, speakers="none")
    assert speakers_of(none) == []
    assert none.lines[0].text == "Anna de Vries: Welkom allemaal."
    teams = read_transcript(FIXTURES / "teams.vtt", wrap=200, speakers="none")
    assert speakers_of(teams) == [] and teams.lines[0].text.startswith("Anna de Vries: Welkom")
    house = tmp_path / "house.txt"
    house.write_text("Spreker 1 - goedemorgen\nSpreker 2 - hallo\nSpreker 1 - ja\n", encoding="utf-8")
    auto = read_transcript(house)
    assert speakers_of(auto) == []
    pattern = read_transcript(house, speakers=r"(?P<speaker>Spreker \d+) - ")
    assert speakers_of(pattern) == ["Spreker 1", "Spreker 2"]
    assert [ln.text for ln in pattern.lines] == ["goedemorgen", "hallo", "ja"]
    plain = tmp_path / "plain.txt"
    plain.write_text("M: hallo\nR1: ja\n", encoding="utf-8")
    assert speakers_of(read_transcript(plain, speakers="none")) == []
    with pytest.raises(InputError, match="not a valid regular expression"):
        read_transcript(plain, speakers="(unclosed")


def test_speaker_names_normalised():
    from qualcode.corpus.ingest.speaker_rule import normalise_speaker

    assert {normalise_speaker(s) for s in ("**Anna**", "Anna:", "<v Anna>", " Anna ", "**Anna:**")} == {"Anna"}
    assert normalise_speaker("[SPEAKER_00]") == "SPEAKER_00"
    assert normalise_speaker("[REGISSEUR 2]") == "[REGISSEUR 2]"


def test_format_detected_from_content_not_extension(tmp_path):
    renamed = tmp_path / "teams.txt"
    renamed.write_bytes((FIXTURES / "teams.vtt").read_bytes())
    parsed = read_transcript(renamed, wrap=200)
    assert parsed.reader.startswith("WebVTT") and speakers_of(parsed) == ["Anna de Vries", "Bram"]
    odd = tmp_path / "export.sub"
    odd.write_bytes((FIXTURES / "whisperx.srt").read_bytes())
    assert read_transcript(odd).reader.startswith("SubRip")


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("name", "content", "line", "message"),
    [
        ("a.vtt", "00:00:01.000 --> 00:00:02.000\nhallo\n", 1, "first line must be WEBVTT"),
        ("b.vtt", "WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nb\n\n00:00:01.000 --> 00:00:02.000\na\n", 6, "unordered"),
        ("c.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:06.000\nb\n\n00:00:02.000 --> 00:00:03.000\na\n", 6, "overlaps"),
        ("d.srt", "1\n00:00:01,000 --> 00:00:0x,000\nhallo\n", 2, "broken time code"),
        ("e.srt", "1\n00:00:04,000 --> 00:00:02,000\nhallo\n", 2, "ends before it starts"),
        ("f.json", '{"segments": [\n{"start": 0, "end": 1, "text": "a"},\n]}', 3, "malformed JSON"),
    ],
)
def test_malformed_files_name_file_and_line(tmp_path, name, content, line, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_transcript(path)
    assert info.value.line == line and message in str(info.value)
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_cli_bad_vtt_imports_nothing_and_unknown_format_lists_formats(tmp_path):
    from core_helpers import run_qualcode

    (tmp_path / "good.vtt").write_bytes((FIXTURES / "teams.vtt").read_bytes())
    (tmp_path / "bad.vtt").write_text("WEBVTT\n\n00:00:01.000 --> 00:00:0y.000\nhallo\n", encoding="utf-8")
    result = run_qualcode("import", "good.vtt", "bad.vtt", cwd=tmp_path)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "error: bad.vtt:3: malformed WebVTT: broken time code '00:00:01.000 --> 00:00:0y.000'"
    ]
    assert not (tmp_path / "qualcode.db").exists()
    (tmp_path / "notes.rtf").write_text("{\\rtf1 hallo}", encoding="utf-8")
    result = run_qualcode("import", "notes.rtf", cwd=tmp_path)
    assert result.returncode != 0 and "unsupported file type '.rtf'" in result.stderr
    assert ".vtt" in result.stderr and ".srt" in result.stderr and ".otr" in result.stderr


def test_cli_import_reports_reader_and_json_carries_times(tmp_path):
    from core_helpers import run_qualcode

    (tmp_path / "FG2.vtt").write_bytes((FIXTURES / "teams.vtt").read_bytes())
    result = run_qualcode("import", "FG2.vtt", "--json", cwd=tmp_path, env={"QUALCODE_LEMMAS": "0"})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)[0]
    assert report["reader"] == "WebVTT (webvtt-py)" and report["timed"] is True
    assert report["speakers"] == ["Anna de Vries", "Bram"]
    listing = json.loads(run_qualcode("transcripts", "--json", cwd=tmp_path).stdout)[0]
    assert (listing["start"], listing["end"], listing["reader"]) == (1.25, 14.0, "WebVTT (webvtt-py)")


# ----------------------------------------------------------- office documents
def _docx_with_extras(path: Path) -> None:
    """A .docx with a comment, a footnote, a header, a text box and tracked changes (XML added by hand)."""
    import docx

    document = docx.Document()
    document.add_paragraph("M: Welkom allemaal.")
    document.add_paragraph("R1: Wij plannen een huisbezoek.")
    document.sections[0].header.paragraphs[0].text = "Vertrouwelijk"
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    extra_body = (
        '<w:p><w:r><w:t xml:space="preserve">R2: Dat </w:t></w:r><w:ins w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z">'
        '<w:r><w:t>herken</w:t></w:r></w:ins><w:del w:id="2" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r>'
        '<w:delText>ken</w:delText></w:r></w:del><w:r><w:t xml:space="preserve"> ik.</w:t></w:r></w:p>'
        '<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent><w:p><w:r>'
        "<w:t>kader</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"
    )
    with zipfile.ZipFile(path, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:sectPr", extra_body.encode() + b"<w:sectPr", 1)
            out.writestr(item, data)
        out.writestr("word/comments.xml", f'<w:comments {w}><w:comment w:id="0"><w:p/></w:comment></w:comments>')
        out.writestr(
            "word/footnotes.xml",
            f'<w:footnotes {w}><w:footnote w:type="separator" w:id="-1"><w:p/></w:footnote>'
            f'<w:footnote w:id="1"><w:p><w:r><w:t>voetnoot</w:t></w:r></w:p></w:footnote></w:footnotes>',
        )


def test_docx_notices_for_what_is_not_imported(tmp_path):
    path = tmp_path / "FG1.docx"
    _docx_with_extras(path)
    parsed = read_transcript(path)
    assert [ln.raw for ln in parsed.lines] == [
        "M: Welkom allemaal.",
        "R1: Wij plannen een huisbezoek.",
        "R2: Dat herken ik.",
        "",
    ]
    assert parsed.notices == [
        "1 Word comment not imported",
        "1 footnote/endnotes not imported",
        "text in the page headers not imported",
        "1 text box not imported",
        "tracked changes taken as accepted (1 insertion kept, 1 deletion left out)",
    ]
    assert parsed.reader == "Word (.docx) paragraphs wrapped at 80"


def test_docx_table_with_a_speaker_column(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Focusgroep 3")
    table = document.add_table(rows=0, cols=3)
    for row in (
        ("Tijd", "Spreker", "Tekst"),
        ("00:00:01", "INT", "Welkom allemaal."),
        ("00:00:05", "R1", "Wij plannen eerst een huisbezoek."),
        ("00:00:09", "R1", "Daarna kijken we samen."),
        ("00:00:14", "INT", "Dank je."),
    ):
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = value
    path = tmp_path / "FG3.docx"
    document.save(path)
    parsed = read_transcript(path, wrap=200)
    assert parsed.reader == "Word (.docx) table with a speaker column"
    assert [(ln.speaker, ln.raw, ln.start) for ln in parsed.lines] == [
        (None, "Focusgroep 3", None),
        ("INT", "INT: Welkom allemaal.", 1.0),
        ("R1", "R1: Wij plannen eerst een huisbezoek. Daarna kijken we samen.", 5.0),
        ("INT", "INT: Dank je.", 14.0),
    ]
    assert any("header" in n for n in parsed.notices)


def test_docx_amberscript_layout(tmp_path):
    import docx

    document = docx.Document()
    for text in (
        "Spreker 1 [00:00:01]",
        "Welkom allemaal.",
        "Spreker 2 [00:00:04]",
        "Dank je.",
        "Spreker 1 [00:00:06]",
        "Fijn.",
    ):
        document.add_paragraph(text)
    path = tmp_path / "amber.docx"
    document.save(path)
    parsed = read_transcript(path)
    assert parsed.reader == "Amberscript text (speaker [hh:mm:ss]) in Word (.docx)"
    assert [(ln.raw, ln.start, ln.end) for ln in parsed.lines] == [
        ("Spreker 1: Welkom allemaal.", 1.0, 4.0),
        ("Spreker 2: Dank je.", 4.0, 6.0),
        ("Spreker 1: Fijn.", 6.0, None),
    ]


ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3">
<office:body><office:text>
<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><text:p>weg</text:p></text:deletion></text:changed-region></text:tracked-changes>
<text:h text:outline-level="1">Focusgroep 4</text:h>
<text:p>M: Welkom<text:s text:c="2"/>allemaal.<text:note text:note-class="footnote"><text:note-body><text:p>noot</text:p></text:note-body></text:note></text:p>
<text:p>R1: Wij plannen<office:annotation><dc:creator>a</dc:creator><text:p>opmerking</text:p></office:annotation> een huisbezoek.<text:change text:change-id="c1"/></text:p>
<text:p>M: Dank je.</text:p>
</office:text></office:body></office:document-content>
"""
ODT_STYLES = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">
<office:master-styles><style:master-page style:name="Standard"><style:footer><text:p>pagina 1</text:p></style:footer>
</style:master-page></office:master-styles></office:document-styles>
"""


def test_odt_paragraphs_speakers_and_notices(tmp_path):
    path = tmp_path / "FG4.odt"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", ODT_CONTENT)
        z.writestr("styles.xml", ODT_STYLES)
    parsed = read_transcript(path)
    assert [(ln.speaker, ln.raw) for ln in parsed.lines] == [
        (None, "Focusgroep 4"),
        ("M", "M: Welkom  allemaal."),
        ("R1", "R1: Wij plannen een huisbezoek."),
        ("M", "M: Dank je."),
    ]
    assert parsed.reader == "OpenDocument (.odt) paragraphs wrapped at 80"
    assert parsed.notices == [
        "1 comment(s) not imported",
        "1 footnote(s)/endnote(s) not imported",
        "tracked changes taken as accepted (deleted text left out)",
        "text in page headers/footers not imported",
    ]


def test_numbered_transcript_export_shows_line_times(tmp_path):
    import docx
    from core_helpers import run_qualcode

    (tmp_path / "FG2.vtt").write_bytes((FIXTURES / "teams.vtt").read_bytes())
    assert run_qualcode("import", "FG2.vtt", "--wrap", "40", cwd=tmp_path, env={"QUALCODE_LEMMAS": "0"}).returncode == 0
    result = run_qualcode("export", "transcript", "FG2", "fg2.docx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    texts = [p.text for p in docx.Document(str(tmp_path / "fg2.docx")).paragraphs if p.style.name == "Transcript Line"]
    assert texts[0] == "1\t00:00:01  Anna de Vries: Welkom allemaal bij deze"
    assert texts[3] == "4\t00:00:07  Bram: Nou, wij plannen eerst een"


def test_merge_carries_line_times(tmp_path):
    from core_helpers import run_qualcode

    (tmp_path / "FG2.vtt").write_bytes((FIXTURES / "teams.vtt").read_bytes())
    (tmp_path / "FG1.txt").write_text("M: hallo\nR1: ja\n", encoding="utf-8")
    env = {"QUALCODE_LEMMAS": "0"}
    assert run_qualcode("--project", "other.db", "import", "FG2.vtt", cwd=tmp_path, env=env).returncode == 0
    assert run_qualcode("import", "FG1.txt", cwd=tmp_path, env=env).returncode == 0
    merged = run_qualcode("merge", "other.db", cwd=tmp_path, env=env)
    assert merged.returncode == 0, merged.stderr
    with Project.open(tmp_path / "qualcode.db") as project:
        t = transcripts.get(project, "FG2")
        assert [(r["start"], r["end"]) for r in transcripts.lines(project, t.id)][:2] == [(1.25, 7.0), (4.6, 7.0)]


@pytest.mark.parametrize("fixture", ["teams.vtt", "zoom.vtt", "whisper.vtt"])
def test_vtt_cues_match_webvtt_py(fixture):
    """The reader splits blocks itself and parses each with webvtt-py's cue block: same cues as webvtt.read."""
    import webvtt

    from qualcode.corpus.ingest import vtt
    from qualcode.timecode import parse_clock

    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    ours = [(c.speaker, c.start, c.end, c.text) for c in vtt.read_cues(text, path=fixture)]
    reference = [
        (c.voice, parse_clock(c.start), parse_clock(c.end), c.raw_text) for c in webvtt.read(str(FIXTURES / fixture))
    ]
    assert ours == reference


def test_import_dry_run_reports_and_writes_nothing(tmp_path):
    """`import FILE --dry-run` reads and reports the transcript (reader, lines) and creates no project."""
    from core_helpers import run_qualcode

    from qualcode.demo import DATA

    r = run_qualcode("import", str(DATA / "transcripts" / "FG1.txt"), "--dry-run", "--speakers", "none", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Would import FG1 from FG1.txt: 289 lines")
    assert not (tmp_path / "qualcode.db").exists()
