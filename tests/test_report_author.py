"""Issue 16: the Word report an author pastes unchanged — read back with python-docx and as raw XML.

Page and language, core properties, styles, widths, table rows, TOC and page numbers, the
appendix sections; and the author's own work: picks in her order, inline quotes, ellipses,
speakers, theme summaries and the summary grid, titles and display names.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import pytest
from test_export_docx import build_project, open_docx, quotes_in, run_cli, section, table_rows

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_project(tmp_path_factory.mktemp("author") / "project.db")


@pytest.fixture
def project_file(built: Path, tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "project.db"
    shutil.copy(built, target)
    return target


def export(project_file: Path, out: Path, *args: str, coder: str = "anna"):
    result = run_cli(project_file, "export", "docx", out, "--coder", "anna", *args, coder=coder)
    assert result.exit_code == 0, result.output
    return result


def xml(path: Path, part: str = "word/document.xml") -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode("utf-8")


def block_twips(document_xml: str) -> int:
    pg = re.search(r'<w:pgSz [^>]*w:w="(\d+)"', document_xml)
    mar = re.search(r"<w:pgMar [^>]*/>", document_xml).group(0)
    left = int(re.search(r'w:left="(\d+)"', mar).group(1))
    right = int(re.search(r'w:right="(\d+)"', mar).group(1))
    return int(pg.group(1)) - left - right


def table_widths(document_xml: str) -> list[int]:
    """Each table's extent from the page margin: its indent plus its columns."""
    return [
        int(indent) + sum(int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"/>', grid))
        for indent, grid in re.findall(
            r'<w:tblInd w:w="(\d+)" w:type="dxa"/>.*?<w:tblGrid>(.*?)</w:tblGrid>', document_xml, re.S
        )
    ]


def figure_widths_twips(document_xml: str) -> list[int]:
    return [int(cx) * 1440 // 914400 for cx in re.findall(r'<wp:extent cx="(\d+)"', document_xml)]


# ------------------------------------------------------------- page, language, properties
def test_a4_dutch_margins_language_and_properties(project_file, tmp_path):
    out = tmp_path / "r.docx"
    before = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0) - dt.timedelta(seconds=2)
    export(project_file, out, "--author", "Anna de Vries")
    body = xml(out)
    assert re.search(r'<w:pgSz w:w="11906" w:h="16838"', body)  # A4
    assert re.search(r'<w:pgMar w:top="1418" w:right="1418" w:bottom="1418" w:left="1418"', body) or all(
        f'w:{side}="1418"' in re.search(r"<w:pgMar [^>]*/>", body).group(0)
        for side in ("top", "bottom", "left", "right")
    )
    styles = xml(out, "word/styles.xml")
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S).group(0)
    assert '<w:lang w:val="nl-NL"' in defaults
    assert 'w:val="en-US"' not in styles
    document = open_docx(out)
    props = document.core_properties
    assert props.author == "Anna de Vries" and props.last_modified_by == "Anna de Vries"
    assert props.title == "Resultaten: thema's en citaten"
    assert props.created.replace(tzinfo=None) >= before and props.modified.replace(tzinfo=None) >= before
    assert "python-docx" not in (props.comments + props.keywords + props.author)
    assert props.language == "nl-NL"


def test_english_is_en_gb(project_file, tmp_path):
    out = tmp_path / "en.docx"
    export(project_file, out, "--lang", "en")
    assert '<w:lang w:val="en-GB"' in xml(out, "word/styles.xml")


def test_project_title_and_display_names_never_paths_or_logins(project_file, tmp_path):
    assert run_cli(project_file, "title", "Evaluatie wijkteams 2026").exit_code == 0
    assert run_cli(project_file, "display-name", "anna", "Anna de Vries").exit_code == 0
    out = tmp_path / "r.docx"
    result = export(project_file, out)
    document = open_docx(out)
    assert document.paragraphs[0].text == "Evaluatie wijkteams 2026"
    assert document.core_properties.title == "Evaluatie wijkteams 2026"
    assert document.core_properties.author == "Anna de Vries"  # --author defaults to the display name
    method = section(document, "Methode")["paragraphs"][0].text
    assert method.startswith("Dit rapport is gemaakt met qualcode voor het project Evaluatie wijkteams 2026.")
    assert "Gecodeerd door Anna de Vries en 1 andere codeur." in method
    assert "de codering van Anna de Vries" in method
    everything = "\n".join(p.text for p in document.paragraphs)
    assert "project.db" not in everything and str(project_file.parent) not in everything
    assert " anna" not in everything and "bram" not in everything
    assert "1 coder is counted, not named" in result.stderr  # bram has no display name: said, not guessed


# ------------------------------------------------------------- styles and geometry
def test_default_quote_style_indented_upright(project_file, tmp_path):
    out = tmp_path / "r.docx"
    export(project_file, out)
    quote = open_docx(out).styles["Quote"]
    fmt = quote.paragraph_format
    assert fmt.left_indent.cm == pytest.approx(1.0, abs=0.01) and fmt.right_indent.cm == pytest.approx(1.0, abs=0.01)
    assert fmt.space_before.pt > 0 and fmt.space_after.pt > 0
    assert not quote.font.italic


def test_template_quote_style_is_kept_as_it_is(project_file, tmp_path):
    from docx import Document

    template = Document()
    template.styles["Quote"].font.italic = True
    template.save(tmp_path / "t.docx")
    out = tmp_path / "r.docx"
    export(project_file, out, "--template", tmp_path / "t.docx")
    assert open_docx(out).styles["Quote"].font.italic  # "not italic unless the template says so"


def test_no_table_or_figure_wider_than_the_text_block(project_file, tmp_path):
    out = tmp_path / "r.docx"
    export(project_file, out, "--layout", "both", "--summary-grid", "--appendix")
    body = xml(out)
    block = block_twips(body)
    assert block == 11906 - 2 * 1418
    assert len(table_widths(body)) == 4 and max(table_widths(body)) <= block
    assert figure_widths_twips(body) and max(figure_widths_twips(body)) <= block
    # a narrow template page (Letter, 4 cm margins): everything fits its text block too
    from docx import Document
    from docx.shared import Cm, Inches

    template = Document()
    section = template.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    section.left_margin = section.right_margin = Cm(4)
    template.save(tmp_path / "narrow.docx")
    narrow = tmp_path / "narrow-report.docx"
    export(project_file, narrow, "--layout", "both", "--template", tmp_path / "narrow.docx")
    body = xml(narrow)
    block = block_twips(body)
    assert block < 11906 - 2 * 1418
    assert max(table_widths(body)) <= block and max(figure_widths_twips(body)) <= block


def test_columns_sized_by_content_never_break_a_word(project_file, tmp_path):
    from qualcode.report.docx_writer import CELL_PADDING_CM, CM_PER_WORD_CHAR, TWIPS_PER_CM

    out = tmp_path / "r.docx"
    export(project_file, out)
    document = open_docx(out)
    body = xml(out)
    grids = [
        [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"/>', g)]
        for g in re.findall(r"<w:tblGrid>(.*?)</w:tblGrid>", body)
    ]
    for table, grid in zip(document.tables, grids):
        for row in table.rows:
            for cell, width in zip(row.cells, grid):
                longest = max((len(w) for w in cell.text.split()), default=0)
                assert longest * CM_PER_WORD_CHAR + CELL_PADDING_CM <= width / TWIPS_PER_CM + 0.01, cell.text
    codebook = grids[0]
    assert codebook[2] < codebook[1] / 4  # the count column takes little room; the description most


def test_table_rows_never_split_and_the_header_repeats(project_file, tmp_path):
    out = tmp_path / "r.docx"
    export(project_file, out, "--layout", "both")
    body = xml(out)
    rows = re.findall(r"<w:tr>(.*?)</w:tr>", body, re.S)
    assert rows and all("<w:cantSplit/>" in r for r in rows)
    tables = re.findall(r"<w:tbl>.*?</w:tbl>", body, re.S)
    for table in tables:
        first, *rest = re.findall(r"<w:tr>(.*?)</w:tr>", table, re.S)
        assert "<w:tblHeader/>" in first and not any("<w:tblHeader/>" in r for r in rest)


def test_toc_field_page_numbers_and_update_on_open(project_file, tmp_path):
    out = tmp_path / "r.docx"
    export(project_file, out)
    body = xml(out)
    assert re.search(r'<w:instrText xml:space="preserve"> TOC \\o "1-3" \\h \\z \\u </w:instrText>', body)
    assert '<w:updateFields w:val="true"/>' in xml(out, "word/settings.xml")
    footers = [xml(out, n) for n in zipfile.ZipFile(out).namelist() if n.startswith("word/footer")]
    assert any("> PAGE </w:instrText>" in f for f in footers)
    assert body.index("TOC") < body.index(">Methode<")


def test_appendix_sections_have_a_header_per_transcript_and_coded_lines_shaded(project_file, tmp_path):
    out = tmp_path / "r.docx"
    export(project_file, out, "--appendix")
    document = open_docx(out)
    headers = [s.header.paragraphs[0].text for s in document.sections if not s.header.is_linked_to_previous]
    assert headers == ["Bijlage: transcript FG1", "Bijlage: transcript FG2"]
    fg2 = [p for p in section(document, "Bijlage: transcript FG2")["paragraphs"] if p.style.name == "Transcript Line"]
    shaded = {int(p.text.split("\t")[0]) for p in fg2 if p._p.pPr.find(f"{W}shd") is not None}
    assert shaded == set(range(57, 65)) | set(range(20, 23))  # anna's FG2 codings: 57-64 and 20-22


# ------------------------------------------------------------- results: summaries, quotes
def test_author_summary_opens_the_theme_paragraphs_stay_paragraphs(project_file, tmp_path):
    text = "Eerste alinea over de werkwijze.\nMet een tweede regel.\n\nTweede alinea."
    assert run_cli(project_file, "summary", "werkwijze", "--text", text).exit_code == 0
    out = tmp_path / "r.docx"
    export(project_file, out)
    paragraphs = section(open_docx(out), "Werkwijze")["paragraphs"]
    assert [p.text for p in paragraphs[:2]] == [
        "Eerste alinea over de werkwijze.\nMet een tweede regel.",
        "Tweede alinea.",
    ]
    assert paragraphs[0].style.name == "Normal"


def test_empty_subthemes_left_out_and_said(project_file, tmp_path):
    out = tmp_path / "r.docx"
    result = export(project_file, out)
    assert "note: left out 3 themes without quotes or summary: casusoverleg, nazorg, verbeterpunten" in result.stderr
    headings = [p.text for p in open_docx(out).paragraphs if p.style.name.startswith("Heading")]
    assert "Casusoverleg" not in headings
    assert not any("Geen citaten" in p.text for p in open_docx(out).paragraphs)
    # a summary is content: the theme comes back
    run_cli(project_file, "summary", "casusoverleg", "--text", "Nog niet besproken.")
    export(project_file, out)
    assert "Casusoverleg" in [p.text for p in open_docx(out).paragraphs if p.style.name == "Heading 3"]


def test_codebook_title_is_the_theme_heading(project_file, tmp_path):
    from qualcode.coding import codebook
    from qualcode.store.project import Project

    with Project.open(project_file) as project:
        spec = codebook.current_spec(project)
        next(c for c in spec.codes if c.name == "werkwijze").title = "Werkwijze van de regisseurs"
        codebook.apply(project, spec, "anna")
        assert "title: Werkwijze van de regisseurs" in codebook.to_yaml(project)
    out = tmp_path / "r.docx"
    export(project_file, out)
    assert section(open_docx(out), "Werkwijze van de regisseurs")["style"] == "Heading 2"


def test_short_quotes_inline_with_quotation_marks_and_citation(project_file, tmp_path):
    out = tmp_path / "r.docx"
    export(project_file, out)  # default: under 25 words inline
    veiligheid = section(open_docx(out), "Veiligheid")["paragraphs"]
    assert [p.style.name for p in veiligheid] == ["Normal"]
    assert re.fullmatch(r"\u201c[^\u201c\u201d]+\u201d \(FG1; 36-37\)", veiligheid[0].text)
    samenwerking = section(open_docx(out), "Samenwerking")["paragraphs"]
    assert [p.style.name for p in samenwerking] == ["Quote"]  # 129 words: a block quote
    export(project_file, out, "--inline-under", "200")
    assert [p.style.name for p in section(open_docx(out), "Samenwerking")["paragraphs"]] == ["Normal"]


def test_ellipses_decided_from_the_line_text(project_file, tmp_path):
    from qualcode.coding import codings
    from qualcode.store.project import Project

    with Project.open(project_file) as project:
        # FG2 58-59 starts and ends inside R3's sentences; 57-64 is a whole turn
        codings.apply(project, "FG2", "58-59", "veiligheid", "anna")
    out = tmp_path / "r.docx"
    export(project_file, out, "--inline-under", "0")
    document = open_docx(out)
    mid = [q for q in quotes_in(section(document, "Veiligheid")) if q.endswith("(FG2; 58-59)")][0]
    assert mid.startswith("… de jeugdbescherming") and mid.endswith(" … (FG2; 58-59)")
    whole = quotes_in(section(document, "Samenwerking"))[0]
    assert whole.startswith("Nou, ik zal") and "…" not in whole[-30:]


def test_speaker_in_the_citation(project_file, tmp_path):
    out = tmp_path / "r.docx"
    export(project_file, out, "--speaker", "--inline-under", "0")
    document = open_docx(out)
    assert quotes_in(section(document, "Samenwerking"))[0].endswith("(FG2; 57-64, R3)")


def test_summary_grid_table(project_file, tmp_path):
    run_cli(project_file, "summary", "werkwijze", "FG2", "--text", "In FG2 vooral over intake.")
    out = tmp_path / "r.docx"
    export(project_file, out, "--summary-grid")
    (table,) = section(open_docx(out), "Samenvattingen per transcript")["tables"]
    rows = {r[0]: r[1:] for r in table_rows(table)}
    assert rows["Thema"] == ["FG1", "FG2"]
    assert rows["Werkwijze"] == ["(2)", "(1) In FG2 vooral over intake."]


def test_chart_none_and_native(project_file, tmp_path):
    out = tmp_path / "r.docx"
    export(project_file, out, "--chart", "none")
    assert len(open_docx(out).inline_shapes) == 0
    result = export(project_file, out, "--chart", "native")
    assert "no well-kept Python library writes native Word charts" in result.stderr
    assert len(open_docx(out).inline_shapes) == 1  # the picture is kept


# ------------------------------------------------------------- picks
def test_picks_only_and_in_order(project_file, tmp_path):
    assert run_cli(project_file, "pick", "FG2", "20-22", "werkwijze").exit_code == 0
    assert run_cli(project_file, "pick", "FG1", "27-29", "werkwijze").exit_code == 0
    assert (
        run_cli(project_file, "pick", "FG1", "110-113,123-125", "werkwijze", "--after", "FG2", "20-22").exit_code == 0
    )
    assert run_cli(project_file, "pick", "FG2", "57-64", "samenwerking").exit_code == 0
    listing = json.loads(run_cli(project_file, "picks", "--json").stdout)
    assert [(r["code"], r["citation"]) for r in listing] == [
        ("werkwijze", "(FG2; 20-22)"),
        ("werkwijze", "(FG1; 110-113; 123-125)"),
        ("werkwijze", "(FG1; 27-29)"),
        ("samenwerking", "(FG2; 57-64)"),
    ]
    out = tmp_path / "picked.docx"
    result = export(project_file, out, "--picked", "--inline-under", "0")
    document = open_docx(out)
    cited = [re.search(r"\(FG\d; [\d; -]+\)$", q).group(0) for q in quotes_in(section(document, "Werkwijze"))]
    assert cited == ["(FG2; 20-22)", "(FG1; 110-113; 123-125)", "(FG1; 27-29)"]  # her order, not line order
    headings = [p.text for p in document.paragraphs if p.style.name in ("Heading 2", "Heading 3")]
    assert headings == ["Werkwijze", "Samenwerking"]  # methodiek and veiligheid: nothing picked
    assert (
        "De citaten per thema zijn door de auteur gekozen en geordend."
        in section(document, "Methode")["paragraphs"][0].text
    )
    assert "left out" in result.stderr
    # unpick, undo, and picks are per author
    assert run_cli(project_file, "unpick", "FG2", "20-22", "werkwijze").exit_code == 0
    assert len(json.loads(run_cli(project_file, "picks", "--json").stdout)) == 3
    assert run_cli(project_file, "undo").exit_code == 0
    assert len(json.loads(run_cli(project_file, "picks", "--json").stdout)) == 4
    assert json.loads(run_cli(project_file, "picks", "--json", coder="bram").stdout) == []


def test_picks_follow_the_coding_and_refuse_what_is_not_there(project_file):
    from qualcode.coding import codings, picks
    from qualcode.store.project import Project

    bad = run_cli(project_file, "pick", "FG1", "1-2", "werkwijze")
    assert bad.exit_code == 1 and "nobody coded FG1 1-2 werkwijze" in bad.stderr
    assert run_cli(project_file, "pick", "FG2", "57-64", "nazorg").exit_code == 0  # bram's coding, picked by anna
    with Project.open(project_file) as project:
        coding = codings.find(project, 2, codings.codebook.get_code(project, "nazorg").id, "bram", ((57, 64),))
        codings.set_ranges(project, coding.id, "57-65", "bram")  # the coding changes: the pick follows it
        assert [r["citation"] for r in picks.list_picks(project, "anna")] == ["(FG2; 57-65)"]
        codings.delete(project, coding.id, "bram")
        assert picks.list_picks(project, "anna")[0]["missing"] is True
        from qualcode.store import history

        history.undo(project, "bram")  # the coding comes back with its GUID: so does the pick
        assert picks.list_picks(project, "anna")[0]["citation"] == "(FG2; 57-65)"


def test_move_pick_within_its_theme(project_file):
    from qualcode.coding import codings, picks
    from qualcode.store.project import Project

    with Project.open(project_file) as project:
        ids = [c.id for c in codings.list_codings(project, coder="anna", code="werkwijze")]
        for i in ids:
            picks.toggle(project, i, "anna")
        picks.toggle(project, codings.list_codings(project, coder="anna", code="samenwerking")[0].id, "anna")
        assert picks.move(project, ids[2], "anna", -1) is True
        order = [r["coding_id"] for r in picks.list_picks(project, "anna") if r["code"] == "werkwijze"]
        assert order == [ids[0], ids[2], ids[1]]
        assert picks.move(project, ids[0], "anna", -1) is False  # already first
        assert picks.move(project, ids[1], "anna", +1) is False  # last of its theme (samenwerking is another)


# ------------------------------------------------------------- chart
def test_chart_uses_the_template_body_font(tmp_path):
    from docx import Document

    from qualcode.report.docx_setup import body_font

    assert body_font(Document()) == "Cambria"  # python-docx's default template: its theme's minor font
    template = Document()
    template.styles["Normal"].font.name = "Liberation Serif"
    assert body_font(template) == "Liberation Serif"


def test_chart_beyond_twelve_transcripts_shows_totals_and_says_so(tmp_path):
    from qualcode.coding import codebook, codings
    from qualcode.corpus import transcripts
    from qualcode.report import chart
    from qualcode.store.project import Project

    files = []
    for i in range(13):
        path = tmp_path / f"G{i:02d}.txt"
        path.write_text(f"R1: Dit is groep {i}.\nR2: En nog een regel over groep {i}.\n", encoding="utf-8")
        files.append(path)
    with Project.create(tmp_path / "p.db") as project:
        codebook.load(project, Path(__file__).resolve().parent.parent / "codebooks" / "default.yaml", "anna")
        transcripts.import_files(project, files, "anna")
        for i in range(13):
            codings.apply(project, f"G{i:02d}", "1", "werkwijze" if i % 3 else "nazorg", "anna")
    out = tmp_path / "r.docx"
    export(tmp_path / "p.db", out)
    captions = [p.text for p in open_docx(out).paragraphs if p.text.startswith("Figuur 1.")]
    assert captions == [
        "Figuur 1. Aantal coderingen per code, gesorteerd op frequentie (totalen over 13 transcripten; "
        "per transcript zie de tabel)"
    ]
    assert chart.order_codes(["nazorg", "werkwijze"], ["a"], {("werkwijze", "a"): 8, ("nazorg", "a"): 5}) == [
        "werkwijze",
        "nazorg",
    ]
