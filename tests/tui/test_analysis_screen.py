"""Pilot tests of the Analysis and Participants screens: heat-map cells drill down to exactly their quotes."""

from __future__ import annotations

from analysis_helpers import ANNA, SPEAKERS, build
from textual.binding import Binding
from textual.widgets import DataTable

from qualcode.analysis import participants as pt
from qualcode.store.project import Project
from qualcode.tui.app import create_app
from qualcode.tui.screens.analysis import AnalysisScreen
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.participants import ParticipantsScreen
from qualcode.tui.screens.transcripts import TranscriptsScreen
from qualcode.tui.widgets.transcript_view import TranscriptView

SIZE = (160, 50)


async def settle(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_analysis(app, pilot, by: str = "speaker") -> AnalysisScreen:
    await pilot.press("f9")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, AnalysisScreen)
    assert screen.settings.by == "organisatie"  # the first participant attribute by default
    await group_by(app, pilot, screen, by)
    return screen


async def group_by(app, pilot, screen, by: str) -> None:
    for _ in range(len(screen.bys)):
        if screen.settings.by == by:
            break
        await pilot.press("b")
        await settle(app, pilot)
    assert screen.settings.by == by


def quote_citations(screen) -> list[tuple[str, str]]:
    table = screen.query_one("#analysis-quotes", DataTable)
    return [(str(table.get_row_at(i)[0]), str(table.get_row_at(i)[2])) for i in range(table.row_count)]


async def test_crosstab_cell_lists_its_quotes_and_a_quote_opens_its_lines(tmp_path):
    path, _ = build(tmp_path)
    app = create_app(path, ANNA)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_analysis(app, pilot)
        table = screen.query_one("#crosstab-table", DataTable)
        assert [str(c.label) for c in table.ordered_columns] == ["code", *SPEAKERS, "total"]
        # rows: werkwijze, methodiek, Σ werkwijze, samenwerking, veiligheid, nazorg
        assert str(table.get_row_at(4)[0]) == "veiligheid"
        cell = table.get_row_at(4)[2]
        assert str(cell) == "2" and cell.style.bgcolor is not None  # a shaded (heat map) cell
        assert table.get_row_at(0)[3].style == "dim"  # zero: not shaded
        for key in ["down"] * 4 + ["right"] * 2:
            await pilot.press(key)
        await pilot.press("enter")
        await settle(app, pilot)
        # veiligheid x FG1:R2: anna's 4-7 and bram's 5, nothing else
        assert sorted(quote_citations(screen)) == [("(FG1; 4-7)", "anna"), ("(FG1; 5)", "bram")]
        quotes = screen.query_one("#analysis-quotes", DataTable)
        assert screen.focused is quotes
        first = screen.quotes[quotes.cursor_row]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.transcript_name == first["transcript"]
        assert app.screen.query_one(TranscriptView).cursor_line == first["ranges"][0][0]


async def test_theme_row_cooccurrence_cell_and_grouping_by_attribute(tmp_path):
    path, _ = build(tmp_path)
    app = create_app(path, ANNA)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_analysis(app, pilot)
        for key in ["down"] * 2 + ["right"]:  # Σ werkwijze x FG1:R1: c1, c5, c11
            await pilot.press(key)
        await pilot.press("enter")
        await settle(app, pilot)
        assert sorted(quote_citations(screen)) == [
            ("(FG1; 2-3)", "anna"),
            ("(FG1; 2-3)", "bram"),
            ("(FG1; 3; 5)", "anna"),
        ]
        await pilot.press("2")
        await pilot.pause()
        cooc = screen.query_one("#cooc-table", DataTable)
        assert screen.focused is cooc
        assert screen.check_action("cycle_by", ()) is None and screen.check_action("cycle_within", ()) is True
        for key in ["down"] * 3 + ["right"] * 5:  # veiligheid x nazorg
            await pilot.press(key)
        await pilot.press("enter")
        await settle(app, pilot)
        assert sorted(quote_citations(screen)) == [
            ("(FG1; 5)", "bram"),
            ("(FG1; 5-6)", "bram"),
            ("(FG2; 4-5)", "anna"),
            ("(FG2; 5)", "anna"),
        ]
        await pilot.press("1")
        await group_by(app, pilot, screen, "rol")
        table = screen.query_one("#crosstab-table", DataTable)
        assert [str(c.label) for c in table.ordered_columns] == ["code", "jeugdarts", "politie", "regisseur", "total"]
        await pilot.press("t")  # groups down the side: the same cells
        await pilot.pause()
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["jeugdarts", "politie", "regisseur"]
        table.cursor_coordinate = (1, 5)  # politie x veiligheid: anna's 4-7 (R3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert quote_citations(screen) == [("(FG1; 4-7)", "anna")]


async def test_participants_screen_from_transcripts_edits_and_undoes(tmp_path):
    path, _ = build(tmp_path)
    app = create_app(path, ANNA)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ParticipantsScreen)
        assert [(p.transcript, p.speaker) for p in screen.people][:2] == [("FG1", "M"), ("FG1", "R1")]
        await pilot.press("down", "enter")
        await pilot.pause()
        for _ in range(40):
            await pilot.press("backspace")
        await pilot.press(*"rol=wijkteam, organisatie=")
        await pilot.press("enter")
        await pilot.pause()
        with Project.open(path) as project:
            r1 = next(p for p in pt.participants(project) if (p.transcript, p.speaker) == ("FG1", "R1"))
        assert r1.attributes == {"rol": "wijkteam"}
        await pilot.press("up", "x")  # FG1 M becomes a participant
        await pilot.pause()
        assert screen.people[0].participant is True
        await pilot.press("u")
        await pilot.pause()
        assert screen.people[0].participant is False


def test_analysis_bindings_have_ids_and_descriptions():
    for owner in (AnalysisScreen, ParticipantsScreen):
        for b in Binding.make_bindings(owner.BINDINGS):
            assert b.id and b.description, (owner.__name__, b.key)


async def test_percentages_with_a_group_without_codings(tmp_path):
    """A column whose base is 0 has no percentages (None); toggling percent must not compare None with floats."""
    from qualcode.corpus import transcripts

    path, _ = build(tmp_path)
    (tmp_path / "FG3.txt").write_text("R1: Niemand heeft hier iets gecodeerd.\nR2: Klopt.\n", encoding="utf-8")
    with Project.open(path) as project:
        transcripts.import_files(project, [tmp_path / "FG3.txt"], ANNA)
    app = create_app(path, ANNA)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_analysis(app, pilot, by="transcript")
        table = screen.query_one("#crosstab-table", DataTable)
        assert [str(c.label) for c in table.ordered_columns] == ["code", "FG1", "FG2", "FG3", "total"]
        await pilot.press("p")
        await pilot.pause()
        assert screen.settings.percent is True
        assert str(table.get_row_at(0)[3]) == "0"  # FG3: a count without a percentage
        assert "%" in str(table.get_row_at(0)[1]) or "%" in str(table.get_row_at(0)[2])


async def test_analysis_shows_loading_tables_at_once_then_fills_them(tmp_path, monkeypatch):
    """The screen paints its tables with a loading indicator before the worker has counted anything."""
    import threading

    from qualcode.tui.screens import analysis

    release = threading.Event()
    real = analysis.ct.crosstab

    def held_crosstab(*args, **kwargs):
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis.ct, "crosstab", held_crosstab)
    path, _ = build(tmp_path)
    app = create_app(path, ANNA)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f9")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, AnalysisScreen)
            crosstab = screen.query_one("#crosstab-table", DataTable)
            cooc = screen.query_one("#cooc-table", DataTable)
            assert crosstab.loading and cooc.loading and crosstab.row_count == 0
            assert "computing" in str(screen.query_one("#analysis-title").render())
            release.set()
            await settle(app, pilot)
            assert not crosstab.loading and not cooc.loading
            assert crosstab.row_count and cooc.row_count
            assert screen.focused is crosstab  # a loading table cannot hold the focus: it comes back
    finally:
        release.set()
