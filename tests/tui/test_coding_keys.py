"""Pilot tests: press the Coding screen's keys, then read the project file again and check what is stored."""

from __future__ import annotations

from tui_helpers import CODER, OTHER, SIZE, my_codings

from qualcode.coding import codings
from qualcode.store.project import Project
from qualcode.tui.app import create_app
from qualcode.tui.config import Config
from qualcode.tui.dialogs import ChoiceScreen
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.widgets.transcript_view import TranscriptView


def summary(path, coder=CODER):
    return [(c.ranges, c.code, c.coder, c.memo) for c in my_codings(path, coder)]


async def code_57_64(pilot):
    await pilot.press("colon", "5", "7", "enter", "v", *["down"] * 7, "1")
    await pilot.pause()


async def test_select_and_code_then_undo_and_redo(project_path):
    app = create_app(project_path, CODER, "FGT")
    async with app.run_test(size=SIZE) as pilot:
        await code_57_64(pilot)
        assert summary(project_path) == [(((57, 64),), "werkwijze", CODER, "")]
        await pilot.press("u")
        await pilot.pause()
        assert summary(project_path) == []
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert summary(project_path) == [(((57, 64),), "werkwijze", CODER, "")]
        # bram's coding is never touched by tester's undo
        assert summary(project_path, OTHER) == [(((10, 12),), "samenwerking", OTHER, "van bram")]


async def test_same_key_on_same_range_removes_and_cursor_line_is_coded_without_selection(project_path):
    app = create_app(project_path, CODER, "FGT")
    async with app.run_test(size=SIZE) as pilot:
        await code_57_64(pilot)
        await pilot.press("colon", "5", "7", "enter", "v", *["down"] * 7, "1")
        await pilot.pause()
        assert summary(project_path) == []
        await pilot.press("colon", "3", "0", "enter", "3")
        await pilot.pause()
        assert summary(project_path) == [(((30, 30),), "veiligheid", CODER, "")]


async def test_shift_arrows_extend_and_escape_cancels(project_path):
    app = create_app(project_path, CODER, "FGT")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("colon", "2", "0", "enter", "shift+down", "shift+down", "2")
        await pilot.pause()
        await pilot.press("colon", "4", "0", "enter", "v", "down", "down", "escape", "2")
        await pilot.pause()
        assert summary(project_path) == [
            (((20, 22),), "samenwerking", CODER, ""),
            (((42, 42),), "samenwerking", CODER, ""),
        ]


async def test_blind_by_default_and_toggle_shows_other_coders(project_path):
    app = create_app(project_path, CODER, "FGT")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        row = view.index_of(11)
        assert row not in view.markers
        await pilot.press("o")
        await pilot.pause()
        assert [m.char for m in view.markers[row]] == ["2"]
        assert view.markers[row][0].mine is False
        await pilot.press("o")
        await pilot.pause()
        assert row not in view.markers


async def test_f5_shows_codings_written_by_another_instance(project_path):
    app = create_app(project_path, CODER, "FGT", show_others=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        row = view.index_of(80)
        assert row not in view.markers
        with Project.open(project_path) as other:  # a second qualcode, another coder
            codings.apply(other, "FGT", "80-81", "veiligheid", OTHER)
        await pilot.press("f5")
        await pilot.pause()
        assert [m.char for m in view.markers[row]] == ["3"]


async def test_goto_jumps_and_out_of_range_is_a_notification(project_path):
    app = create_app(project_path, CODER, "FGT")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("colon", "9", "0", "enter")
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        assert view.cursor_line == 90
        region = view.scrollable_content_region
        assert view.scroll_y <= view.cursor < view.scroll_y + region.height
        await pilot.press("colon", "9", "9", "9", "enter")
        await pilot.pause()
        assert view.cursor_line == 90
        assert any("outside FGT" in n.message for n in app._notifications)


async def test_search_finds_hit_and_n_moves_between_hits(project_path):
    app = create_app(project_path, CODER, "FGT")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"netwerkberaad", "enter")
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        assert view.cursor_line == 71
        assert "netwerkberaad" in view.texts[view.cursor]
        await pilot.press("slash", *"veiligheidsplan", "enter")
        await pilot.pause()
        first = view.cursor_line
        assert "veiligheidsplan" in view.texts[view.cursor].casefold()
        await pilot.press("n")
        await pilot.pause()
        assert view.cursor_line > first
        assert "veiligheidsplan" in view.texts[view.cursor].casefold()
        await pilot.press("N")
        await pilot.pause()
        assert view.cursor_line == first


async def test_n_goes_to_next_uncoded_turn(project_path):
    app = create_app(project_path, CODER, "FGT")
    async with app.run_test(size=SIZE) as pilot:
        view = app.screen.query_one(TranscriptView)
        await pilot.press("n")
        await pilot.pause()
        first_turn = view.cursor_line
        assert view.speakers[view.cursor]
        await pilot.press("1", "home", "n")  # code that turn's first line: the next `n` skips it
        await pilot.pause()
        assert view.cursor_line > first_turn
        assert view.speakers[view.cursor]


async def test_mouse_click_moves_cursor_and_drag_selects(project_path):
    app = create_app(project_path, CODER, "FGT", config=Config(wrap=False))  # one screen row per line
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        await pilot.click(TranscriptView, offset=(20, 5))
        await pilot.pause()
        assert view.cursor_line == 6
        assert view.selection is None
        await pilot.mouse_down(TranscriptView, offset=(20, 3))
        await pilot.hover(TranscriptView, offset=(20, 6))
        await pilot.mouse_up(TranscriptView, offset=(20, 8))
        await pilot.pause()
        assert view.selected_lines() == list(range(4, 10))
        await pilot.press("2")
        await pilot.pause()
        assert summary(project_path) == [(((4, 9),), "samenwerking", CODER, "")]


async def test_x_removes_and_asks_which_when_several(project_path):
    app = create_app(project_path, CODER, "FGT")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("colon", "3", "0", "enter", "1", "2")
        await pilot.pause()
        assert len(summary(project_path)) == 2
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert summary(project_path) == [(((30, 30),), "werkwijze", CODER, "")]
        await pilot.press("x")
        await pilot.pause()
        assert summary(project_path) == []


async def test_m_saves_a_memo(project_path):
    app = create_app(project_path, CODER, "FGT")
    async with app.run_test(size=SIZE) as pilot:
        await code_57_64(pilot)
        await pilot.press("up", "m", *"kern van", "space", *"R2", "enter", *"tweede", "ctrl+s")
        await pilot.pause()
        assert summary(project_path) == [(((57, 64),), "werkwijze", CODER, "kern van R2\ntweede")]


async def test_c_picker_applies_a_code_without_hotkey(project_path):
    app = create_app(project_path, CODER, "FGT")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("colon", "4", "4", "enter", "c", *"meth", "enter")
        await pilot.pause()
        assert summary(project_path) == [(((44, 44),), "methodiek", CODER, "")]


async def test_d_marks_done_for_this_coder(project_path):
    app = create_app(project_path, CODER, "FGT")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await pilot.pause()
        with Project.open(project_path) as project:
            from qualcode.corpus import transcripts

            t = transcripts.get(project, "FGT")
            assert codings.is_done(project, t.id, CODER)
            assert not codings.is_done(project, t.id, OTHER)


async def test_nothing_to_undo_is_a_notification_not_a_crash(project_path):
    app = create_app(project_path, CODER, "FGT")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("u", "ctrl+r")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("nothing to undo" in m for m in messages)
        assert isinstance(app.screen, CodingScreen)


async def test_check_action_hides_digits_without_a_code(project_path):
    app = create_app(project_path, CODER, "FGT")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.check_action("toggle_code", (1,)) is True
        assert screen.check_action("toggle_code", (7,)) is False
        assert screen.check_action("remove", ()) is None  # nothing of mine on the cursor line
        await pilot.press("7")
        await pilot.pause()
        assert summary(project_path) == []
