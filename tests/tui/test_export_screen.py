"""Pilot tests of the Export screen: fill the form, press Ctrl+S, open the written file again."""

from __future__ import annotations

import csv

from docx import Document
from textual.widgets import Checkbox, Input, ProgressBar, Select, Static
from tui_helpers import CODER, OTHER, SIZE

from qualcode.coding import codings
from qualcode.store.project import Project
from qualcode.tui.app import create_app
from qualcode.tui.screens.export import ExportScreen


def add_quotes(path) -> None:
    with Project.open(path) as project:
        codings.apply(project, "FGT", "57-64", "werkwijze", CODER)
        codings.apply(project, "FGT", "90-91", "veiligheid", CODER, memo="mijn memo")


async def open_export(app, pilot) -> ExportScreen:
    await pilot.press("f7")
    await pilot.pause()
    assert isinstance(app.screen, ExportScreen)
    return app.screen


async def run(app, pilot) -> None:
    await pilot.press("ctrl+s")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def quote_paragraphs(document) -> dict[str, list[str]]:
    """Heading title → the quotes under it (block quotes and inline ones, which end in a citation)."""
    out: dict[str, list[str]] = {}
    current = None
    for p in document.paragraphs:
        if p.style.name.startswith("Heading"):
            current = p.text
            out.setdefault(current, [])
        elif current is not None and p.text.endswith(")") and "(FG" in p.text:
            out[current].append(p.text)
    return out


async def test_word_report_through_the_screen(project_path, tmp_path):
    add_quotes(project_path)
    out = tmp_path / "rapport.docx"
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(app, pilot)
        assert screen.query_one("#export-out", Input).value == "exports/qualcode-report.docx"
        assert screen.query_one("#row-layout").display and not screen.query_one("#row-transcript").display
        screen.query_one("#export-out", Input).value = str(out)
        screen.query_one("#export-appendix", Checkbox).value = True
        await run(app, pilot)
        assert out.exists()
        status = str(screen.query_one("#export-status", Static).render())
        assert str(out) in status and "2 quotes of tester" in status
        bar = screen.query_one(ProgressBar)
        assert bar.total and bar.progress == bar.total
    document = Document(str(out))
    quotes = quote_paragraphs(document)
    assert len(quotes["Werkwijze"]) == 1 and quotes["Werkwijze"][0].endswith("(FGT; 57-64)")
    assert quotes["Veiligheid"][0].endswith("(FGT; 90-91)")
    assert "Samenwerking" not in quotes  # bram's coding is not tester's: no quotes, so no heading
    assert any(p.text.startswith("Bijlage") for p in document.paragraphs if p.style.name == "Heading 1")


async def test_options_coder_codes_and_layout_reach_the_export(project_path, tmp_path):
    add_quotes(project_path)
    out = tmp_path / "bram.docx"
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(app, pilot)
        screen.query_one("#export-out", Input).value = str(out)
        screen.query_one("#export-coder", Select).value = OTHER
        screen.query_one("#export-codes", Input).value = "samenwerking"
        screen.query_one("#export-layout", Select).value = "quotes"
        screen.query_one("#export-lang", Select).value = "en"
        await run(app, pilot)
    document = Document(str(out))
    quotes = quote_paragraphs(document)
    assert list(k for k in quotes if k in ("Werkwijze", "Samenwerking", "Veiligheid")) == ["Samenwerking"]
    assert quotes["Samenwerking"][0].endswith("(FGT; 10-12)")
    assert all(t.rows[0].cells[0].text != "Theme" for t in document.tables)  # layout quotes: no quote table
    assert any(p.text == "Codebook" for p in document.paragraphs if p.style.name == "Heading 1")  # lang en


async def test_quotes_csv_and_default_path_in_exports_folder(project_path, tmp_path, monkeypatch):
    add_quotes(project_path)
    monkeypatch.chdir(tmp_path)
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(app, pilot)
        screen.query_one("#export-kind", Select).value = "quotes"
        await pilot.pause()
        out = screen.query_one("#export-out", Input)
        assert out.value == "exports/qualcode-quotes.xlsx"
        assert not screen.query_one("#row-layout").display
        out.value = "exports/quotes.csv"
        await run(app, pilot)
    path = tmp_path / "exports" / "quotes.csv"
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))  # the project is Dutch: the Dutch Excel dialect
    header = rows[0]
    citations = [r[header.index("Bron")] for r in rows[1:]]
    assert citations == ["(FGT; 57-64)", "(FGT; 90-91)"]


async def test_numbered_transcript_and_errors_are_notifications(project_path, tmp_path):
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(app, pilot)
        screen.query_one("#export-kind", Select).value = "transcript"
        await pilot.pause()
        assert screen.query_one("#export-out", Input).value == "exports/FGT.docx"
        screen.query_one("#export-transcript", Select).value = "FGU"
        await pilot.pause()
        assert screen.query_one("#export-out", Input).value == "exports/FGU.docx"
        bad = tmp_path / "FGU.txt"
        screen.query_one("#export-out", Input).value = str(bad)
        await run(app, pilot)
        assert not bad.exists()
        assert any("unsupported file type .txt" in n.message for n in app._notifications)
        assert "not exported" in str(screen.query_one("#export-status", Static).render())
        missing = tmp_path / "nowhere" / "FGU.docx"
        screen.query_one("#export-out", Input).value = str(missing)
        await run(app, pilot)
        assert not missing.exists()
        assert sum(n.severity == "error" for n in app._notifications) == 2
        good = tmp_path / "FGU.docx"
        screen.query_one("#export-out", Input).value = str(good)
        await run(app, pilot)
    text = "\n".join(p.text for p in Document(str(good)).paragraphs)
    assert "FGU" in text


async def test_qdpx_export(project_path, tmp_path):
    import zipfile

    out = tmp_path / "project.qdpx"
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(app, pilot)
        screen.query_one("#export-kind", Select).value = "qdpx"
        await pilot.pause()
        screen.query_one("#export-out", Input).value = str(out)
        await run(app, pilot)
    names = zipfile.ZipFile(out).namelist()
    assert "project.qde" in names and sum(n.startswith("sources/") for n in names) == 2
