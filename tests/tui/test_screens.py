"""Pilot tests of the other screens: Transcripts, Quotes, Codebook, cross-transcript search, import, help, palette."""

from __future__ import annotations

import subprocess
import sys

from textual.widgets import DataTable, Input, TextArea
from tui_helpers import CODER, FIXTURES, OTHER, SIZE, settle

from qualcode.coding import codebook, codings
from qualcode.store.project import Project
from qualcode.tui.app import create_app
from qualcode.tui.commands import QualcodeCommands
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.help import HelpScreen, binding_rows
from qualcode.tui.screens.import_files import ImportScreen
from qualcode.tui.screens.quotes import QuotesScreen
from qualcode.tui.screens.search import SearchScreen
from qualcode.tui.screens.transcripts import TranscriptsScreen
from qualcode.tui.widgets.transcript_view import TranscriptView


async def test_transcripts_enter_opens_coding_and_q_goes_back(project_path):
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.transcript.name == "FGU"
        await pilot.press("1", "q")
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)
        row = table.get_row("FGU")
        assert row[3] == "1"  # my codings, refreshed on return


async def test_quotes_enter_jumps_to_the_lines(project_path):
    with Project.open(project_path) as project:
        codings.apply(project, "FGT", "57-64", "werkwijze", CODER)
        codings.apply(project, "FGT", "90-91", "werkwijze", OTHER)
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QuotesScreen)
        assert [r["citation"] for r in screen.rows] == ["(FGT; 57-64)", "(FGT; 90-91)"]
        screen.query_one(DataTable).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        view = app.screen.query_one(TranscriptView)
        assert view.cursor_line == 57
        assert view.selected_lines() == list(range(57, 65))


async def test_quotes_filter_by_coder_and_speaker(project_path):
    with Project.open(project_path) as project:
        codings.apply(project, "FGT", "57-64", "werkwijze", CODER)
        codings.apply(project, "FGT", "90-91", "werkwijze", OTHER)
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        from textual.widgets import Select

        screen.query_one("#quotes-coder", Select).value = OTHER
        await settle(pilot)
        assert [r["coder"] for r in screen.rows] == [OTHER]
        screen.query_one("#quotes-speaker", Input).value = "nobody"
        await settle(pilot)
        assert screen.rows == []


async def test_codebook_edit_goes_through_the_core(project_path):
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        field = app.screen.query_one("#field-definition", Input)
        field.value = "Nieuwe definitie."
        await pilot.press("ctrl+s")
        await pilot.pause()
    with Project.open(project_path) as project:
        assert codebook.get_code(project, "werkwijze").definition == "Nieuwe definitie."


async def test_codebook_bad_hotkey_is_a_notification(project_path):
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "e")
        await pilot.pause()
        app.screen.query_one("#field-hotkey", Input).value = "2"  # samenwerking has 2
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("hotkey" in n.message for n in app._notifications)
    with Project.open(project_path) as project:
        assert codebook.get_code(project, "werkwijze").hotkey == 1


async def test_ctrl_f_searches_all_transcripts_and_opens_a_hit(project_path):
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"netwerkberaad", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert [(h.transcript, h.n) for h in screen.hits] == [("FGT", 71), ("FGU", 3)]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.transcript.name == "FGU"
        assert app.screen.query_one(TranscriptView).cursor_line == 3


async def test_search_function_can_be_swapped(project_path):
    from qualcode.tui.screens.search import SearchHit

    def fake(project, query):
        return [SearchHit("FGT", 5, None, f"lemma hit for {query}")]

    app = create_app(project_path, CODER, line_search=fake)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+f", *"gaan", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [h.text for h in app.screen.hits] == ["lemma hit for gaan"]


async def test_import_dialog_imports_in_a_worker(project_path, tmp_path):
    new = tmp_path / "FGN.txt"
    new.write_text("M: Nieuwe groep.\n\nR1: Ja.\n", encoding="utf-8")
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)
        dialog = app.screen
        dialog.query_one("#import-path", Input).value = str(new)
        await pilot.press("enter")
        await dialog.import_worker.wait()
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)
        assert app.screen.query_one(DataTable).row_count == 3


async def test_import_error_is_a_notification(project_path):
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one("#import-path", Input).value = str(FIXTURES / "FGT.txt")  # imported already
        await pilot.press("enter")
        await app.screen.import_worker.wait()
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)
        assert any("exists already" in n.message for n in app._notifications)


async def test_help_lists_the_keys_of_the_current_screen(project_path):
    app = create_app(project_path, CODER, "FGT")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rows = binding_rows(app.screen)
        ids = {r[2] for r in rows}
        assert {"coding.goto", "coding.undo", "coding.select", "coding.code_1", "app.help"} <= ids
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)


async def test_palette_offers_actions_by_name(project_path):
    app = create_app(project_path, CODER, "FGT")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        provider = QualcodeCommands(app.screen)
        names = {name: callback for name, callback, _ in provider.commands()}
        assert {
            "code: apply werkwijze",
            "code: apply methodiek",
            "screen: quotes",
            "coding: undo",
            "coding: go to line",
        } <= set(names)
        names["code: apply methodiek"]()
        await pilot.pause()
    with Project.open(project_path) as project:
        assert [(c.ranges, c.code) for c in codings.list_codings(project, coder=CODER)] == [(((1, 1),), "methodiek")]


def test_every_binding_has_an_id_and_description():
    from textual.binding import Binding

    from qualcode.tui import app as app_module
    from qualcode.tui.screens import codebook as s1
    from qualcode.tui.screens import coding as s2
    from qualcode.tui.screens import quotes as s3
    from qualcode.tui.screens import search as s4
    from qualcode.tui.screens import summaries as s6
    from qualcode.tui.screens import transcripts as s5
    from qualcode.tui.widgets import transcript_view

    owners = [
        app_module.QualcodeApp,
        s1.CodebookScreen,
        s2.CodingScreen,
        s3.QuotesScreen,
        s4.SearchScreen,
        s5.TranscriptsScreen,
        s6.SummariesScreen,
        s6.SummaryEditor,
        transcript_view.TranscriptView,
    ]
    for owner in owners:
        for b in Binding.make_bindings(owner.BINDINGS):
            assert b.id and b.description, (owner.__name__, b.key)


def test_startup_imports_neither_spacy_nor_sklearn():
    code = (
        "import qualcode.tui.app, qualcode.cli.base, sys; "
        "assert 'spacy' not in sys.modules and 'sklearn' not in sys.modules, "
        "[m for m in sys.modules if m.startswith(('spacy', 'sklearn'))]"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


async def test_bracketed_text_is_shown_not_parsed_as_markup(tmp_path):
    """[NAAM COLLEGA] in a line, a [REGISSEUR 2] speaker and a [memo] appear as typed in Quotes and Coding."""
    from textual.widgets import Label, Static
    from tui_helpers import build_project

    from qualcode.corpus import transcripts
    from qualcode.tui.dialogs import ChoiceScreen
    from qualcode.tui.widgets.code_panel import LinePanel

    source = tmp_path / "FGB.txt"
    source.write_text(
        "[REGISSEUR 2]: Ik heb het met [NAAM COLLEGA] besproken.\nR1: Ja, [bold]echt[/bold].\n", encoding="utf-8"
    )
    path = build_project(tmp_path / "brackets.db")
    with Project.open(path) as project:
        transcripts.import_files(project, [source], CODER, names=["FGB"])
        codings.apply(project, "FGB", "1", "werkwijze", CODER, memo="zie [NAAM COLLEGA]")
        codings.apply(project, "FGB", "1-2", "veiligheid", CODER)
    app = create_app(path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QuotesScreen)
        table = screen.query_one(DataTable)
        assert [str(cell) for cell in table.get_row_at(0)][1:4] == ["(FGB; 1)", CODER, "[REGISSEUR 2]"]
        drawn = "".join(segment.text for segment in table.render_line(1))  # the first row under the header
        assert "[REGISSEUR 2]" in drawn and "met [NAAM COLLEGA] besproken" in drawn
        detail = str(screen.query_one("#quote-detail", Static).render())
        assert "met [NAAM COLLEGA] besproken" in detail and "memo: zie [NAAM COLLEGA]" in detail

        async def settled_panel() -> str:
            panel = app.screen.query_one(LinePanel)
            for _ in range(100):  # the side panel redraws a moment after the cursor moves
                if not panel.pending:
                    break
                await pilot.pause(0.02)
            return str(panel.render())

        app.open_transcript("FGB", 1)
        await pilot.pause()
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        assert coding.query_one(TranscriptView).speakers[0] == "[REGISSEUR 2]"
        panel = await settled_panel()
        assert "Ik heb het met [NAAM COLLEGA] besproken." in panel
        assert "memo: zie [NAAM COLLEGA]" in panel
        await pilot.press("down")
        assert "Ja, [bold]echt[/bold]." in await settled_panel()
        await pilot.press("up", "m")  # two own codings on line 1: the choice dialog, then the memo prompt
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert "Memo on werkwijze 1" in str(app.screen.query_one(Label).render())
        assert app.screen.query_one(TextArea).text == "zie [NAAM COLLEGA]"
        await pilot.press("escape")
        await pilot.pause()
        # the transcript line itself is drawn from segments, never markup
        view = coding.query_one(TranscriptView)
        line = "".join(seg.text for seg in view.render_line(view.first_row(view.cursor) - round(view.scroll_y)))
        assert "[REGISSEUR 2]" in line  # the speaker column is as wide as the labels (issue 18)
        assert "[NAAM COLLEGA]" in line
