"""Pilot tests: the Summaries screen writes the author's summaries; the Quotes screen picks and orders quotes."""

from __future__ import annotations

from textual.widgets import DataTable, Static, TextArea
from tui_helpers import CODER, SIZE, settle

from qualcode.coding import codings, picks, summaries
from qualcode.store.project import Project
from qualcode.tui.app import create_app
from qualcode.tui.screens.quotes import QuotesScreen
from qualcode.tui.screens.summaries import SummariesScreen, SummaryEditor


async def _open_summaries(app, pilot) -> tuple[SummariesScreen, DataTable]:
    """F10: the Summaries screen and its grid."""
    await pilot.press("f10")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, SummariesScreen)
    return screen, screen.query_one(DataTable)


async def _write_summary(app, pilot, keys: tuple[str, ...], quote: str, text: str) -> None:
    """Move to a cell, open its editor with Enter (its quotes beside it, ``quote`` among them), write ``text``, save."""
    await pilot.press(*keys, "enter")
    await pilot.pause()
    editor = app.screen
    assert isinstance(editor, SummaryEditor)
    assert any(quote in str(s.render()) for s in editor.query(".summary-quote"))
    editor.query_one(TextArea).text = text
    await pilot.press("ctrl+s")


async def test_summaries_grid_enter_edits_a_cell_with_its_quotes_beside_it(project_path):
    with Project.open(project_path) as project:
        codings.apply(project, "FGT", "57-64", "werkwijze", CODER)
        codings.apply(project, "FGU", "3-4", "werkwijze", CODER)
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await _open_summaries(app, pilot)
        assert [str(c.label) for c in table.columns.values()] == ["theme", "summary", "FGT", "FGU"]
        assert str(table.get_row_at(0)[0]) == "Werkwijze" and str(table.get_row_at(0)[2]) == "1"
        table.focus()
        await _write_summary(
            app, pilot, ("right", "right"), "(FGT; 57-64)", "Eerste alinea.\n\nTweede alinea."
        )  # werkwijze × FGT
        await pilot.pause()
        assert app.screen is screen
        assert str(table.get_row_at(0)[2]).startswith("1 · Eerste alinea.")
        await pilot.press("left", "enter")  # the theme's own summary
        await pilot.pause()
        app.screen.query_one(TextArea).text = "Over de werkwijze."
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("right", "right", "enter", "escape")  # FGU: opened and cancelled, nothing written
        await pilot.pause()
    with Project.open(project_path) as project:
        assert summaries.get(project, "werkwijze", "FGT") == "Eerste alinea.\n\nTweede alinea."
        assert summaries.get(project, "werkwijze") == "Over de werkwijze."
        assert summaries.get(project, "werkwijze", "FGU") == ""
        assert summaries.all_summaries(project).keys() == {
            (project.scalar("SELECT id FROM codes WHERE name = 'werkwijze'"), None),
            (
                project.scalar("SELECT id FROM codes WHERE name = 'werkwijze'"),
                project.scalar("SELECT id FROM transcripts WHERE name = 'FGT'"),
            ),
        }


async def test_quotes_pick_and_move(project_path):
    with Project.open(project_path) as project:
        for ranges in ("3-4", "57-64", "90-91"):
            codings.apply(project, "FGT", ranges, "werkwijze", CODER)
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QuotesScreen)
        screen.query_one(DataTable).focus()
        await pilot.press("p")  # pick 3-4
        await settle(pilot)
        await pilot.press("down", "down", "p")  # then 90-91 (listed second now)
        await settle(pilot)
        assert [(r["citation"], r["pick"] is not None) for r in screen.rows] == [
            ("(FGT; 3-4)", True),
            ("(FGT; 90-91)", True),
            ("(FGT; 57-64)", False),
        ]
        assert str(screen.query_one(DataTable).get_row_at(1)[0]) == "2"
        await pilot.press("ctrl+up")  # 90-91 is under the cursor: it moves up
        await settle(pilot)
        assert [r["citation"] for r in screen.rows][:2] == ["(FGT; 90-91)", "(FGT; 3-4)"]
        assert "(FGT; 90-91)" in str(screen.query_one("#quote-detail", Static).render())
    with Project.open(project_path) as project:
        assert [r["citation"] for r in picks.list_picks(project, CODER)] == ["(FGT; 90-91)", "(FGT; 3-4)"]


async def test_summaries_grid_with_many_transcripts_runs_them_down_the_side(project_path, monkeypatch):
    from qualcode.tui.screens import summaries as summaries_screen
    from qualcode.tui.widgets import chunked

    monkeypatch.setattr(summaries_screen, "TRANSPOSE_AT", 1)  # the fixture has two transcripts
    monkeypatch.setattr(chunked, "CHUNK", 1)  # rows come a chunk per frame; the cursor comes back after a save
    with Project.open(project_path) as project:
        codings.apply(project, "FGU", "3-4", "werkwijze", CODER)
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await _open_summaries(app, pilot)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels[:2] == ["transcript", "Werkwijze"]
        assert [str(table.get_row_at(i)[0]) for i in range(3)] == ["summary", "FGT", "FGU"]
        assert str(table.get_row_at(2)[1]) == "1"  # werkwijze × FGU: one quote
        table.focus()
        await _write_summary(app, pilot, ("down", "down", "right"), "(FGU; 3-4)", "Bij FGU.")  # werkwijze × FGU
        for _ in range(5):
            await pilot.pause()
        assert str(table.get_row_at(2)[1]).startswith("1 · Bij FGU.")
        assert table.cursor_coordinate == (2, 1)
        await pilot.press("up", "up", "enter")  # the first row: the theme's own summary
        await pilot.pause()
        app.screen.query_one(TextArea).text = "Over de werkwijze."
        await pilot.press("ctrl+s")
        await pilot.pause()
    with Project.open(project_path) as project:
        assert summaries.get(project, "werkwijze", "FGU") == "Bij FGU."
        assert summaries.get(project, "werkwijze") == "Over de werkwijze."


async def test_a_plain_grid_reload_stops_a_transposed_fill_under_way(project_path, monkeypatch):
    """The grid flips from transcripts down the side to transcripts across while rows are still coming:
    the old fill must not go on adding its transcript rows to the new grid."""
    from qualcode.tui.screens import summaries as summaries_screen
    from qualcode.tui.widgets import chunked

    monkeypatch.setattr(summaries_screen, "TRANSPOSE_AT", 1)
    monkeypatch.setattr(chunked, "CHUNK", 1)
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await _open_summaries(app, pilot)
        screen.reload()  # transposed, one transcript a frame: FGU is still to come when this returns
        assert str(list(table.columns.values())[0].label) == "transcript" and table.row_count == 2
        monkeypatch.setattr(summaries_screen, "TRANSPOSE_AT", 40)
        screen.reload()
        for _ in range(10):
            await pilot.pause()
        assert [str(c.label) for c in table.columns.values()] == ["theme", "summary", "FGT", "FGU"]
        assert table.row_count == len(screen.grid["codes"])
        assert all(str(table.get_row_at(i)[0]).strip() != "FGU" for i in range(table.row_count))
