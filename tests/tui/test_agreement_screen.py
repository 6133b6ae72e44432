"""Pilot tests of the Agreement screen: per-code table, disagreements, consensus decisions stored in the project."""

from __future__ import annotations

from textual.widgets import DataTable
from tui_helpers import CODER, SIZE

from qualcode.coding import codings
from qualcode.store.project import Project
from qualcode.tui.app import create_app
from qualcode.tui.screens.agreement import OVERALL, AgreementScreen
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.help import binding_rows
from qualcode.tui.widgets.transcript_view import TranscriptView

ANNA, BRAM = "anna", "bram"


def two_coders(path) -> None:
    """anna and bram finished FGT; they agree on samenwerking 10-12 and differ on werkwijze (57-64 vs 60-66)."""
    with Project.open(path) as project:
        codings.apply(project, "FGT", "10-12", "samenwerking", ANNA)
        codings.apply(project, "FGT", "57-64", "werkwijze", ANNA, memo="anna: hele beurt")
        codings.apply(project, "FGT", "60-66", "werkwijze", BRAM, memo="bram: later begin")
        codings.mark_done(project, "FGT", ANNA)
        codings.mark_done(project, "FGT", BRAM)


def stored(path, coder, code="werkwijze"):
    with Project.open(path) as project:
        return [(c.ranges, c.memo) for c in codings.list_codings(project, coder=coder, code=code)]


async def open_agreement(app, pilot) -> AgreementScreen:
    await pilot.press("f6")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, AgreementScreen)
    return screen


async def test_table_then_accept_first_coder_writes_consensus(project_path):
    two_coders(project_path)
    before_anna, before_bram = stored(project_path, ANNA), stored(project_path, BRAM)
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreement(app, pilot)
        table = screen.query_one("#agreement-table", DataTable)
        keys = [k.value for k in table.rows]
        assert keys == ["werkwijze", "methodiek", "samenwerking", "veiligheid", OVERALL]
        assert screen.coders == [ANNA, BRAM]
        # werkwijze: a=3 (61-63 both), b=2 (58-59), c=2 (65-66); samenwerking agrees fully
        assert str(table.get_row("werkwijze")[2]) == "3/2/2/73"
        assert str(table.get_row("samenwerking")[7]) == "1.000"
        assert str(table.get_row("veiligheid")[7]) == "–"  # undefined, not 0
        # nobody used veiligheid: its row is dimmed and the note says so
        assert all("dim" in str(cell.style) for cell in table.get_row("veiligheid"))
        assert not any("dim" in str(cell.style) for cell in table.get_row("samenwerking")[:2])
        table.move_cursor(row=table.get_row_index("veiligheid"))
        await pilot.pause()
        assert "code not used by any coder" in str(screen.query_one("#agreement-note").render())
        # the summary row is De Vries' pooled kappa, explained in the note
        summary = table.get_row(OVERALL)
        assert str(summary[0]) == "summary" and str(summary[5]) == screen.report.summary.pooled_kappa.format()
        table.move_cursor(row=table.get_row_index(OVERALL))
        await pilot.pause()
        assert "De Vries' pooled kappa" in str(screen.query_one("#agreement-note").render())
        # the new columns: Fleiss' kappa, AC1 and PABAK intervals, transcripts carrying the code
        labels = [str(c.label) for c in table.columns.values()]
        assert labels[-4:] == ["Fleiss", "AC1 95% CI", "PABAK 95% CI", "T"]
        assert str(table.get_row("werkwijze")[-1]) == "1"
        table.move_cursor(row=0)
        await pilot.pause()
        # Enter on werkwijze (the first row) lists its one disagreement
        await pilot.press("enter")
        await pilot.pause()
        assert screen.code == "werkwijze"
        dis = screen.query_one("#disagreement-table", DataTable)
        assert dis.row_count == 1
        assert screen.items[0].id == "FGT:58-66"
        assert screen.focused is dis
        await pilot.press("a")
        await pilot.pause()
        assert stored(project_path, "consensus") == [(((58, 64),), "anna: hele beurt")]
        assert stored(project_path, ANNA) == before_anna
        assert stored(project_path, BRAM) == before_bram
        assert str(dis.get_row_at(0)[3]) == "58-64"
        # b replaces the decision by bram's coding; u takes the union
        await pilot.press("b")
        await pilot.pause()
        assert stored(project_path, "consensus") == [(((60, 66),), "bram: later begin")]
        await pilot.press("u")
        await pilot.pause()
        assert stored(project_path, "consensus") == [(((58, 66),), "anna: hele beurt | bram: later begin")]
        # z undoes the last decision (back to bram's)
        await pilot.press("z")
        await pilot.pause()
        assert stored(project_path, "consensus") == [(((60, 66),), "bram: later begin")]
        await pilot.press("delete")
        await pilot.pause()
        assert stored(project_path, "consensus") == []
        assert stored(project_path, ANNA) == before_anna
        assert stored(project_path, BRAM) == before_bram


async def test_edit_range_dialog_and_bad_range_is_a_notification(project_path):
    two_coders(project_path)
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreement(app, pilot)
        await pilot.press("enter", "e")
        await pilot.pause()
        assert app.screen.id == "agreement-edit"
        prompt = app.screen.query_one("#prompt")
        prompt.value = "59-62"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert stored(project_path, "consensus") == [(((59, 62),), "")]
        # a range outside the disagreement is refused by the core and shown, never a traceback
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#prompt").value = "1-2"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert any("do not overlap" in n.message for n in app._notifications)
        assert stored(project_path, "consensus") == [(((59, 62),), "")]


async def test_keys_are_described_and_hidden_without_a_disagreement(project_path):
    two_coders(project_path)
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreement(app, pilot)
        assert screen.check_action("accept", (0,)) is None  # no code chosen yet
        assert screen.check_action("union", ()) is None
        rows = binding_rows(screen)
        ids = {r[2] for r in rows}
        assert {
            "agreement.accept_first",
            "agreement.accept_second",
            "agreement.union",
            "agreement.edit",
            "agreement.clear",
            "agreement.undo",
        } <= ids
        await pilot.press("enter")
        await pilot.pause()
        assert screen.check_action("accept", (0,)) is True
        assert screen.check_action("accept_choose", ()) is None  # only two coders
        # Enter on the disagreement opens its lines in the Coding screen, showing both coders
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.show_others is True
        assert app.screen.query_one(TranscriptView).cursor_line == 58


async def test_fewer_than_two_finished_coders_is_a_message_not_a_crash(project_path):
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreement(app, pilot)
        assert screen.report is None
        assert any("at least two coders" in n.message for n in app._notifications)
        await pilot.press("a", "u", "z")
        await pilot.pause()
        assert isinstance(app.screen, AgreementScreen)
