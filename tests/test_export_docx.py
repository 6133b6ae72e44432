"""The Word exports, read back with python-docx: structure, quotes and citations, tables, chart, styles, appendix."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
CODEBOOK = ROOT / "codebooks" / "default.yaml"
FG1 = ROOT / "transcripts" / "FG1.txt"
FG2 = ROOT / "transcripts" / "FG2.txt"

# (coder, transcript, ranges, code): a small, known set of codings on the shipped transcripts.
CODINGS = [
    ("anna", "FG2", "57-64", "samenwerking"),
    ("anna", "FG1", "110-113,123-125", "werkwijze"),
    ("anna", "FG2", "20-22", "werkwijze"),
    ("anna", "FG1", "27-29", "werkwijze"),
    ("anna", "FG2", "20-22", "methodiek"),
    ("anna", "FG1", "36-37", "veiligheid"),
    ("bram", "FG1", "31-33", "werkwijze"),
    ("bram", "FG2", "57-64", "nazorg"),
]
SAMENWERKING_END = "uit wiens koker moest dat nou komen? (FG2; 57-64)"
MULTI_RANGE_CITATION = "(FG1; 110-113; 123-125)"


def build_project(path: Path) -> Path:
    from qualcode.coding import codebook, codings
    from qualcode.corpus import transcripts
    from qualcode.store.project import Project

    with Project.create(path) as project:
        codebook.load(project, CODEBOOK, "tester")
        transcripts.import_files(project, [FG1, FG2], "tester")
        for coder, name, ranges, code in CODINGS:
            codings.apply(project, name, ranges, code, coder)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_project(tmp_path_factory.mktemp("built") / "project.db")


@pytest.fixture
def project_file(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built project (tests may change it)."""
    target = tmp_path / "project.db"
    shutil.copy(built, target)
    return target


def run_cli(project_file: Path, *args: str, coder: str = "anna", cwd: Path | None = None):
    """The real click group in-process; QualcodeErrors propagate (catch_exceptions=False)."""
    from qualcode.cli import cli

    runner = CliRunner()
    old = os.getcwd()
    os.chdir(cwd or project_file.parent)
    try:
        return runner.invoke(
            cli,
            ["--project", str(project_file), "--coder", coder, *map(str, args)],
            catch_exceptions=False,
            env={"QUALCODE_PROJECT": None, "QUALCODE_CODER": None},
        )
    finally:
        os.chdir(old)


def run_subprocess(project_file: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QUALCODE_CODER": "anna", "QUALCODE_PROJECT": str(project_file)}
    return subprocess.run(
        [sys.executable, "-m", "qualcode", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def open_docx(path: Path):
    from docx import Document

    return Document(str(path))


def blocks(document):
    """Paragraphs and tables in body order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append(Paragraph(child, document))
        elif tag == "tbl":
            out.append(Table(child, document))
    return out


def sections(document) -> list[dict]:
    """Group the body under its headings: [{style, title, paragraphs, tables}]."""
    from docx.text.paragraph import Paragraph

    out = [{"style": None, "title": None, "paragraphs": [], "tables": []}]
    for block in blocks(document):
        if isinstance(block, Paragraph) and block.style.name in ("Heading 1", "Heading 2", "Heading 3"):
            out.append({"style": block.style.name, "title": block.text, "paragraphs": [], "tables": []})
        elif isinstance(block, Paragraph):
            out[-1]["paragraphs"].append(block)
        else:
            out[-1]["tables"].append(block)
    return out


def section(document, title: str) -> dict:
    found = [s for s in sections(document) if s["title"] == title]
    assert len(found) == 1, f"expected one section {title!r}, found {len(found)}"
    return found[0]


def quotes_in(sec: dict) -> list[str]:
    return [p.text for p in sec["paragraphs"] if p.style.name == "Quote"]


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.fixture(scope="module")
def report(built: Path, tmp_path_factory):
    """Anna's report (layout both, every quote a block quote, Dutch) with the appendix, built once."""
    out = tmp_path_factory.mktemp("report") / "rapport.docx"
    result = run_cli(
        built, "export", "docx", out, "--coder", "anna", "--appendix", "--layout", "both", "--inline-under", "0"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    return open_docx(out), out


# --------------------------------------------------------------- structure
def test_title_method_and_heading_outline(report):
    document, _ = report
    paragraphs = document.paragraphs
    assert paragraphs[0].style.name == "Title"
    headings = [(p.style.name, p.text) for p in paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        ("Heading 1", "Methode"),
        ("Heading 1", "Resultaten"),
        ("Heading 2", "Werkwijze"),  # display titles; themes under "Resultaten"
        ("Heading 3", "Methodiek"),
        ("Heading 2", "Samenwerking"),
        ("Heading 2", "Veiligheid"),
        ("Heading 1", "Codeboek"),
        ("Heading 1", "Frequenties"),
        ("Heading 1", "Citatentabel"),
        ("Heading 1", "Bijlage: transcript FG1"),
        ("Heading 1", "Bijlage: transcript FG2"),
    ]  # casusoverleg, nazorg and verbeterpunten have no quotes and no summary: left out
    method = section(document, "Methode")["paragraphs"][0].text
    assert "2 transcripten (FG1, FG2)" in method
    assert "met samen 576 genummerde regels" in method  # 289 + 287
    assert "Gecodeerd door 2 codeurs." in method  # no display names: counted, never login names
    assert "anna" not in method and "bram" not in method and ".db" not in method
    assert "de codering van één codeur (6 citaten)" in method
    assert "7 codes (5 hoofdcodes en 2 subcodes)" in method


def test_quotes_with_exact_citations_under_the_right_heading(report):
    document, _ = report
    samenwerking = quotes_in(section(document, "Samenwerking"))
    assert len(samenwerking) == 1
    assert samenwerking[0].startswith("Nou, ik zal een voorbeeld geven. We hadden een casus")  # label R3: stripped
    assert samenwerking[0].endswith(SAMENWERKING_END)
    werkwijze = quotes_in(section(document, "Werkwijze"))
    # transcript order, then line order; multi-range quote joined with (…) and cited with both ranges
    assert [re.search(r"\(FG\d; [\d; -]+\)$", q).group(0) for q in werkwijze] == [
        "(FG1; 27-29)",
        MULTI_RANGE_CITATION,
        "(FG2; 20-22)",
    ]
    multi = werkwijze[1]
    assert "drie zinnen, en dat klopt vaak gewoon niet. (…) Ja, want dat huisbezoek is voor mij" in multi
    assert multi.endswith("wat ze van ons kunnen verwachten. " + MULTI_RANGE_CITATION)
    assert "R2:" not in multi
    assert quotes_in(section(document, "Methodiek"))[0].endswith("(FG2; 20-22)")
    # bram's codings are not in anna's report
    assert "Nazorg" not in [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert not any("(FG1; 31-33)" in p.text for p in document.paragraphs)
    # the citation is its own run, after the text
    quote_paragraph = [p for p in section(document, "Samenwerking")["paragraphs"] if p.style.name == "Quote"][0]
    assert quote_paragraph.runs[-1].text == " (FG2; 57-64)"


def test_no_codebook_text_as_theme_summary_and_the_quote_table_section(report, built):
    from qualcode.coding import codebook
    from qualcode.store.project import Project

    document, _ = report
    with Project.open(built, readonly=True) as project:
        memos = codebook.code_memos(project)
        codes = codebook.all_codes(project)
    assert memos  # the shipped codebook has memos; none of them is the author's summary
    results = [p.text for s in sections(document) if s["style"] in ("Heading 2", "Heading 3") for p in s["paragraphs"]]
    for text in list(memos.values()) + [c.definition for c in codes] + [c.example for c in codes if c.example]:
        assert not any(text[:40] in p for p in results), text[:40]
    werkwijze = section(document, "Werkwijze")
    assert werkwijze["tables"] == [] and werkwijze["paragraphs"][0].style.name == "Quote"
    (table,) = section(document, "Citatentabel")["tables"]
    rows = table_rows(table)
    assert rows[0] == ["Thema", "Citaat", "Bron", "Spreker"]
    assert [r[2] for r in rows[1:4]] == ["(FG1; 27-29)", MULTI_RANGE_CITATION, "(FG2; 20-22)"]
    assert [r[0] for r in rows[1:]] == ["Werkwijze"] * 3 + ["Methodiek", "Samenwerking", "Veiligheid"]
    assert rows[2][3] == "R2"
    assert "(…)" in rows[2][1] and not rows[2][1].endswith(")")  # text only; the source has its own column


def test_codebook_table_numbers(report, built):
    from qualcode.coding import codebook
    from qualcode.store.project import Project

    document, _ = report
    (table,) = section(document, "Codeboek")["tables"]
    rows = table_rows(table)
    assert rows[0] == ["Code", "Definitie", "Aantal"]
    by_code = {r[0]: r for r in rows[1:]}
    assert list(by_code) == [
        "werkwijze",
        "methodiek",
        "casusoverleg",
        "samenwerking",
        "veiligheid",
        "nazorg",
        "verbeterpunten",
    ]
    assert by_code["werkwijze"][2] == "3 (2)"  # codings (transcripts)
    assert by_code["methodiek"][2] == "1 (1)"
    assert by_code["samenwerking"][2] == "1 (1)"
    assert by_code["nazorg"][2] == "0 (0)"  # bram's coding does not count in anna's report
    with Project.open(built, readonly=True) as project:
        code = codebook.get_code(project, "veiligheid")
    assert by_code["veiligheid"][1] == "\n".join(
        [code.definition, f"Wanneer gebruiken: {code.include}", f"Wanneer niet gebruiken: {code.exclude}"]
    )


def test_frequency_table_and_chart(report):
    document, _ = report
    sec = section(document, "Frequenties")
    (table,) = sec["tables"]
    rows = table_rows(table)
    assert rows[0] == ["Code", "FG1", "FG2", "Totaal"]
    by_code = {r[0]: r[1:] for r in rows[1:]}
    assert by_code["Werkwijze"] == ["2", "1", "3"]
    assert by_code["Samenwerking"] == ["0", "1", "1"]
    assert by_code["Veiligheid"] == ["1", "0", "1"]
    assert rows[-1] == ["Totaal", "3", "3", "6"]
    captions = [p.text for p in sec["paragraphs"] if p.style.name == "Caption"]
    assert captions[0] == "Tabel 2. Aantal coderingen per code en transcript"
    assert captions[1] == "Figuur 1. Aantal coderingen per code, gesorteerd op frequentie"
    # the chart: exactly one inline picture, a PNG image part in the package, with alt text
    assert len(document.inline_shapes) == 1
    inline = document.inline_shapes[0]._inline
    descr = inline.docPr.get("descr")
    assert descr.startswith("Liggend staafdiagram") and "Werkwijze 3, Methodiek 1" in descr  # sorted by frequency
    blip = inline.graphic.graphicData.pic.blipFill.blip
    image = document.part.related_parts[blip.embed]
    assert image.content_type == "image/png"
    assert image.blob.startswith(b"\x89PNG\r\n\x1a\n") and len(image.blob) > 5000


def test_every_style_used_exists_in_the_document(report):
    document, path = report
    with zipfile.ZipFile(path) as z:
        body = z.read("word/document.xml").decode("utf-8")
        styles = z.read("word/styles.xml").decode("utf-8")
    used = set(re.findall(r'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', body))
    defined = set(re.findall(r'<w:style [^>]*w:styleId="([^"]+)"', styles))
    assert {"Title", "Heading1", "Heading2", "Heading3", "Quote", "TableGrid", "Caption"} <= used
    assert used <= defined, f"styles used but not defined: {used - defined}"


def test_appendix_line_numbers_match_stored_lines(report, built):
    from qualcode.corpus import transcripts
    from qualcode.store.project import Project

    document, _ = report
    with Project.open(built, readonly=True) as project:
        stored = {t.name: transcripts.lines(project, t.id) for t in transcripts.all_rows(project)}
    for name in ("FG1", "FG2"):
        sec = section(document, f"Bijlage: transcript {name}")
        lines = [p for p in sec["paragraphs"] if p.style.name == "Transcript Line"]
        assert len(lines) == len(stored[name])
        for paragraph, line in zip(lines, stored[name]):
            number, _, text = paragraph.text.partition("\t")
            assert (int(number), text) == (line["n"], line["raw"])
    # a reviewer can check a citation: FG2 57-64 in the appendix is exactly the quoted passage
    fg2 = [
        p.text for p in section(document, "Bijlage: transcript FG2")["paragraphs"] if p.style.name == "Transcript Line"
    ]
    assert fg2[63] == "64\tuit wiens koker moest dat nou komen?"
    assert fg2[56].startswith("57\tR3: Nou, ik zal een voorbeeld geven.")


# ----------------------------------------------------------------- options
def test_english_labels(project_file, tmp_path):
    out = tmp_path / "report-en.docx"
    result = run_cli(project_file, "export", "docx", out, "--coder", "anna", "--lang", "en", "--layout", "both")
    assert result.exit_code == 0
    document = open_docx(out)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Method", "Results", "Codebook", "Frequencies", "Quote table"]
    assert document.paragraphs[0].text == "Results: themes and quotes"
    assert table_rows(section(document, "Quote table")["tables"][0])[0] == ["Theme", "Quote", "Source", "Speaker"]
    assert table_rows(section(document, "Frequencies")["tables"][0])[-1][0] == "Total"
    assert any(p.text.startswith("Table 1. The codebook") for p in document.paragraphs)
    # the quotes themselves and their citations do not change with the language
    assert quotes_in(section(document, "Samenwerking"))[0].endswith(SAMENWERKING_END)


def test_layouts(project_file, tmp_path):
    run_cli(project_file, "export", "docx", tmp_path / "q.docx", "--coder", "anna")
    run_cli(project_file, "export", "docx", tmp_path / "t.docx", "--coder", "anna", "--layout", "table")
    quotes_only = open_docx(tmp_path / "q.docx")
    table_only = open_docx(tmp_path / "t.docx")
    assert len(quotes_only.tables) == 2  # the default: codebook and frequencies only, no quote printed twice
    werkwijze = section(quotes_only, "Werkwijze")["paragraphs"]
    assert len([p for p in werkwijze if "(FG" in p.text]) == 3
    assert quotes_in(section(table_only, "Werkwijze")) == []
    rows = table_rows(section(table_only, "Werkwijze")["tables"][0])
    assert rows[0] == ["Citaat", "Bron"] and len(rows) == 1 + 3  # no "Thema" column repeating the heading


def test_code_and_transcript_filters(project_file, tmp_path):
    out = tmp_path / "f.docx"
    run_cli(
        project_file,
        "export",
        "docx",
        out,
        "--coder",
        "anna",
        "--codes",
        "methodiek,samenwerking",
        "--transcripts",
        "FG2",
        "--inline-under",
        "0",
    )
    document = open_docx(out)
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name in ("Heading 2", "Heading 3")]
    assert headings == [("Heading 2", "Werkwijze"), ("Heading 3", "Methodiek"), ("Heading 2", "Samenwerking")]
    assert quotes_in(section(document, "Werkwijze")) == []  # the parent is only there for the outline
    assert section(document, "Werkwijze")["tables"] == []
    assert quotes_in(section(document, "Methodiek"))[0].endswith("(FG2; 20-22)")
    assert table_rows(section(document, "Frequenties")["tables"][0]) == [
        ["Code", "FG2", "Totaal"],
        ["Methodiek", "1", "1"],
        ["Samenwerking", "1", "1"],
        ["Totaal", "2", "2"],
    ]
    assert not any("(FG1;" in p.text for p in document.paragraphs)


def test_consensus_coder_is_the_default_when_it_has_codings(project_file, tmp_path):
    from qualcode.coding import codings
    from qualcode.coding.summaries import set_display_name
    from qualcode.store.project import Project

    with Project.open(project_file) as project:
        set_display_name(project, "bram", "Bram de Boer", "bram")
    first = tmp_path / "before.docx"
    run_cli(project_file, "export", "docx", first, coder="bram")  # no consensus yet: the current coder (bram)
    document = open_docx(first)
    assert "de codering van Bram de Boer" in section(document, "Methode")["paragraphs"][0].text
    assert [p.text for p in section(document, "Nazorg")["paragraphs"]][0].endswith("(FG2; 57-64)")
    assert document.core_properties.author == "Bram de Boer"  # the author's display name
    with Project.open(project_file) as project:
        codings.apply(project, "FG1", "36-37", "samenwerking", "consensus")
    second = tmp_path / "after.docx"
    run_cli(project_file, "export", "docx", second, coder="bram")
    document = open_docx(second)
    assert "de consensuscodering (1 citaat)" in section(document, "Methode")["paragraphs"][0].text
    assert [p.text[-12:] for p in section(document, "Samenwerking")["paragraphs"]] == ["(FG1; 36-37)"]
    assert "Nazorg" not in [p.text for p in document.paragraphs]
    third = tmp_path / "explicit.docx"
    run_cli(project_file, "export", "docx", third, "--coder", "bram", coder="anna")  # --coder still wins
    assert "de codering van Bram de Boer" in section(open_docx(third), "Methode")["paragraphs"][0].text


def test_template_styles_are_used(project_file, tmp_path):
    from docx import Document
    from docx.shared import Pt, RGBColor

    template = Document()
    template.styles["Quote"].font.color.rgb = RGBColor(0x12, 0x34, 0x56)
    template.styles["Heading 1"].font.size = Pt(27)
    template.add_paragraph("TEMPLATE BODY TEXT")
    template.sections[0].left_margin = Pt(99)
    template.save(tmp_path / "huisstijl.docx")
    out = tmp_path / "styled.docx"
    result = run_cli(project_file, "export", "docx", out, "--coder", "anna", "--template", tmp_path / "huisstijl.docx")
    assert result.exit_code == 0 and "warning" not in result.stderr
    document = open_docx(out)
    assert not any("TEMPLATE BODY TEXT" in p.text for p in document.paragraphs)
    assert document.styles["Quote"].font.color.rgb == RGBColor(0x12, 0x34, 0x56)
    assert document.styles["Heading 1"].font.size == Pt(27)
    assert document.sections[0].left_margin == Pt(99)
    assert quotes_in(section(document, "Samenwerking"))[0].endswith(SAMENWERKING_END)


def test_dutch_word_template_with_localised_style_ids(project_file, tmp_path):
    """Dutch Word names styles in English but gives them Dutch ids (Quote → Citaat, Heading 1 → Kop1)."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE

    template = Document()
    template.styles["Quote"].element.set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}styleId", "Citaat"
    )
    template.styles["Heading 1"].element.set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}styleId", "Kop1"
    )
    number = template.styles.add_style("Line Number", WD_STYLE_TYPE.CHARACTER)
    number.element.name_val = "line number"  # as Word stores this built-in style
    template.save(tmp_path / "nl.docx")
    out = tmp_path / "nl-report.docx"
    result = run_cli(
        project_file, "export", "docx", out, "--coder", "anna", "--template", tmp_path / "nl.docx", "--appendix"
    )
    assert result.exit_code == 0 and "warning" not in result.stderr
    with zipfile.ZipFile(out) as z:
        body = z.read("word/document.xml").decode("utf-8")
        styles = z.read("word/styles.xml").decode("utf-8")
    assert '<w:pStyle w:val="Citaat"/>' in body and '<w:pStyle w:val="Kop1"/>' in body
    assert '"Quote"' not in body
    assert styles.count('w:styleId="LineNumber"') == 1  # the template's own, not a second one
    document = open_docx(out)
    assert quotes_in(section(document, "Samenwerking"))[0].endswith(SAMENWERKING_END)


def test_template_without_quote_caption_and_table_grid_gets_them_created(project_file, tmp_path):
    from docx import Document

    template = Document()
    for name in ("Quote", "Quote Char", "Caption", "Table Grid"):
        element = template.styles[name].element
        element.getparent().remove(element)
    template.save(tmp_path / "plain.docx")
    out = tmp_path / "fallback.docx"
    result = run_cli(
        project_file,
        "export",
        "docx",
        out,
        "--coder",
        "anna",
        "--template",
        tmp_path / "plain.docx",
        "--inline-under",
        "0",
    )
    assert result.exit_code == 0
    assert (
        "note: the template has no style 'Quote'; added one based on its Normal (indented both sides)" in result.stderr
    )
    assert "no style 'Caption'" in result.stderr and "no style 'Table Grid'" in result.stderr
    document = open_docx(out)
    paragraphs = section(document, "Samenwerking")["paragraphs"]
    assert [p.style.name for p in paragraphs if p.text.endswith(SAMENWERKING_END)] == ["Quote"]
    quote = document.styles["Quote"]
    assert quote.base_style.name == "Normal"
    assert quote.paragraph_format.left_indent > 0 and quote.paragraph_format.right_indent > 0
    assert not quote.font.italic
    assert {t.style.name for t in document.tables} == {"Table Grid"}
    with zipfile.ZipFile(out) as z:
        styles = z.read("word/styles.xml").decode("utf-8")
    grid = re.search(r'<w:style [^>]*w:type="table"[^>]*>.*?<w:name w:val="Table Grid"/>.*?</w:style>', styles, re.S)
    assert grid and '<w:insideH w:val="single"' in grid.group(0)  # tables keep their borders


def test_dotx_template_is_accepted(project_file, tmp_path):
    from docx import Document

    Document().save(tmp_path / "t.docx")
    with zipfile.ZipFile(tmp_path / "t.docx") as z, zipfile.ZipFile(tmp_path / "t.dotx", "w") as w:
        for item in z.infolist():
            data = z.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            w.writestr(item, data)
    out = tmp_path / "from-dotx.docx"
    assert (
        run_cli(project_file, "export", "docx", out, "--coder", "anna", "--template", tmp_path / "t.dotx").exit_code
        == 0
    )
    assert quotes_in(section(open_docx(out), "Samenwerking"))[0].endswith(SAMENWERKING_END)


def test_control_characters_are_removed_and_reported(project_file, tmp_path):
    from qualcode.coding import summaries
    from qualcode.store.project import Project

    with Project.open(project_file) as project:
        summaries.set_summary(project, "samenwerking", "Samen\x07werking\x0b loopt stroef.", "anna")
        # a line stored by an older version, before import cleaned control characters
        project.conn.execute(
            "UPDATE lines SET raw = raw || '\x01', text = text || '\x01' "
            "WHERE n = 64 AND transcript_id = (SELECT id FROM transcripts WHERE name = 'FG2')"
        )
    out = tmp_path / "clean.docx"
    result = run_cli(project_file, "export", "docx", out, "--coder", "anna", "--appendix")
    assert result.exit_code == 0
    # summary (2) + quote text (1) + appendix line (1)
    assert "warning: removed 4 control characters that Word/Excel cannot hold" in result.stderr
    document = open_docx(out)
    sec = section(document, "Samenwerking")
    assert sec["paragraphs"][0].text == "Samenwerking loopt stroef."
    assert quotes_in(sec)[0].endswith(SAMENWERKING_END)
    fg2 = [
        p.text for p in section(document, "Bijlage: transcript FG2")["paragraphs"] if p.style.name == "Transcript Line"
    ]
    assert fg2[63] == "64\tuit wiens koker moest dat nou komen?"


def test_single_transcript_export(project_file, tmp_path):
    from qualcode.corpus import transcripts
    from qualcode.store.project import Project

    out = tmp_path / "FG2.docx"
    result = run_cli(project_file, "export", "transcript", "FG2", out)
    assert result.exit_code == 0 and result.stdout.strip() == str(out)
    document = open_docx(out)
    assert (document.paragraphs[0].style.name, document.paragraphs[0].text) == ("Title", "Transcript FG2")
    lines = [p.text for p in document.paragraphs if p.style.name == "Transcript Line"]
    with Project.open(project_file, readonly=True) as project:
        stored = transcripts.lines(project, transcripts.get(project, "FG2").id)
    assert lines == [f"{line['n']}\t{line['raw']}" for line in stored]
    line_style = document.styles["Transcript Line"].paragraph_format
    assert line_style.first_line_indent < 0 and line_style.left_indent > 0  # the number hangs in the margin


def test_default_output_folder_is_exports(project_file, tmp_path):
    failed = run_cli(project_file, "export", "transcript", "FG7", cwd=tmp_path)
    assert failed.exit_code == 1 and not (tmp_path / "exports").exists()  # no empty folder left behind
    result = run_cli(project_file, "export", "docx", "--coder", "anna", cwd=tmp_path)
    assert result.stdout.strip() == str(Path("exports") / "qualcode-report.docx")
    assert quotes_in(section(open_docx(tmp_path / "exports" / "qualcode-report.docx"), "Samenwerking"))


# ------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "args, message",
    [
        (["--codes", "samenwerkng"], "unknown code 'samenwerkng' (did you mean samenwerking?)"),
        (["--transcripts", "FG7"], "unknown transcript 'FG7'"),
        (["--coder", "carla"], "coder 'carla' has no codings (coders with codings: anna, bram)"),
        (["--template", "missing.docx"], "missing.docx: no such template file"),
        (["--template", "project.db"], "not a Word document or template"),
    ],
)
def test_bad_input_is_one_line_and_keeps_the_old_file(project_file, tmp_path, args, message):
    out = tmp_path / "keep.docx"
    out.write_bytes(b"GOOD OLD REPORT")
    result = run_subprocess(project_file, "export", "docx", out, *args, cwd=tmp_path)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert out.read_bytes() == b"GOOD OLD REPORT"


def test_missing_or_unwritable_folder(project_file, tmp_path):
    def error(*out: Path) -> str:
        result = run_cli(project_file, "export", "docx", *out)
        assert result.exit_code == 1
        return result.stderr.strip()

    assert error(tmp_path / "nope" / "r.docx").endswith(f"folder {tmp_path / 'nope'} does not exist")
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        assert error(locked / "r.docx").endswith("is not writable")
    assert error(tmp_path / "r.txt").endswith("unsupported file type .txt; use .docx")
    folder = run_cli(project_file, "export", "docx", tmp_path)  # click refuses a folder as OUT (usage error)
    assert folder.exit_code == 2 and "is a directory" in folder.stderr


def test_failed_save_never_replaces_a_good_file(project_file, tmp_path, monkeypatch):
    from qualcode.report import docx_writer

    out = tmp_path / "r.docx"
    out.write_bytes(b"GOOD OLD REPORT")

    def half_save(self, path):
        Path(path).write_bytes(b"PK half a zip")
        raise RuntimeError("disk pulled")

    monkeypatch.setattr(docx_writer.DocWriter, "save", half_save)
    with pytest.raises(RuntimeError):
        run_cli(project_file, "export", "docx", out, "--coder", "anna")
    assert out.read_bytes() == b"GOOD OLD REPORT"
    assert [p.name for p in tmp_path.iterdir() if "r.docx" in p.name] == ["r.docx"]  # no temporary file left


def test_end_to_end_subprocess(project_file, tmp_path):
    out = tmp_path / "e2e.docx"
    result = run_subprocess(project_file, "export", "docx", out, "--coder", "anna", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert '"quotes": 6' in result.stdout
    assert quotes_in(section(open_docx(out), "Samenwerking"))[0].endswith(SAMENWERKING_END)


def test_progress_callback_reaches_the_end(built, tmp_path):
    from qualcode.report.themes import ReportOptions, export_docx
    from qualcode.store.project import Project

    calls = []
    with Project.open(built, readonly=True) as project:
        result = export_docx(
            project,
            tmp_path / "p.docx",
            ReportOptions(coder="anna", appendix=True),
            progress=lambda done, total, what: calls.append((done, total, what)),
        )
    assert result.quotes == 6 and result.coder == "anna"
    totals = {t for _, t, _ in calls}
    assert len(totals) == 1
    assert [d for d, _, _ in calls] == sorted(d for d, _, _ in calls)
    assert calls[-1][0] == calls[-1][1] and calls[0][0] == 0
    assert any(what == "theme samenwerking" for _, _, what in calls)


def test_cli_start_up_does_not_import_heavy_libraries():
    code = (
        "import sys, qualcode.cli.base, qualcode.report.selection, qualcode.report.themes, qualcode.report.tables; "
        "heavy = [m for m in ('docx', 'openpyxl', 'matplotlib', 'PIL', 'textual') if m in sys.modules]; "
        "print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr
