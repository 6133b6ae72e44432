"""Pilot tests for issue 18: a whole day of coding in the workbench.

Each test presses keys in the real app on a real project file and checks what is on screen or stored.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Footer, Input, Select, Static
from tui_helpers import CODER, FIXTURES, OTHER, build_project

from qualcode.coding import codebook, codings
from qualcode.corpus import transcripts
from qualcode.store.project import Project
from qualcode.tui import config as user_config
from qualcode.tui.app import create_app
from qualcode.tui.screens.codebook import CodeEditScreen
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.help import HelpScreen, grouped_rows
from qualcode.tui.widgets.transcript_view import DIFFER_MARK, TranscriptView, wrap_starts

LONG = (
    "Dit is een heel lange regel uit de focusgroep waarin een respondent uitgebreid vertelt hoe het "
    "veiligheidsplan tot stand kwam, wie erbij betrokken waren, welke afspraken met de school en de huisarts "
    "zijn gemaakt en waarom het casusoverleg uiteindelijk de regie kreeg over het hele gezin en alle hulp."
)


def big_project(tmp_path: Path, lines: int = 700) -> Path:
    """The fixture project plus BIG: ``lines`` numbered lines, every tenth one long (wraps at 100 columns)."""
    path = build_project(tmp_path / "day.db")
    out = []
    for n in range(1, lines + 1):
        speaker = f"R{n % 3 + 1}: " if n % 4 == 1 else ""
        text = LONG if n % 10 == 1 else f"regel {n} over werken met gezinnen"
        out.append(speaker + text)
    source = tmp_path / "BIG.txt"
    source.write_text("\n".join(out) + "\n", encoding="utf-8")
    with Project.open(path) as project:
        transcripts.import_files(project, [source], CODER)
    return path


def view_of(app) -> TranscriptView:
    return app.screen.query_one(TranscriptView)


async def transcript_read(app, pilot) -> None:
    """The Coding screen paints "loading the transcript…" first and reads the lines after that frame."""
    for _ in range(100):
        await pilot.pause()
        screen = app.screen
        if getattr(screen, "transcript", None) is not None:
            break
    await pilot.pause()


def visible_text(view: TranscriptView) -> list[str]:
    return ["".join(seg.text for seg in view.render_line(y)) for y in range(view.size.height)]


def stored(path: Path, coder: str = CODER, transcript: str | None = None):
    with Project.open(path) as project:
        return [
            (codings.format_ranges(c.ranges), c.code)
            for c in codings.list_codings(project, coder=coder, transcript=transcript)
        ]


# ------------------------------------------------------------------ defects
async def test_open_at_line_600_shows_line_600(tmp_path):
    path = big_project(tmp_path)
    app = create_app(path, CODER, "BIG", line=600)
    async with app.run_test(size=(100, 30)) as pilot:
        await transcript_read(app, pilot)
        view = view_of(app)
        assert view.cursor_line == 600
        assert view.scroll_y > 0
        first = view.first_row(view.cursor)
        assert view.scroll_y <= first < view.scroll_y + view.size.height
        assert any(row.lstrip().startswith("600 ") for row in visible_text(view))


async def test_open_transcript_from_another_screen_scrolls_too(tmp_path):
    path = big_project(tmp_path)
    app = create_app(path, CODER)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        app.open_transcript("BIG", 450)
        await transcript_read(app, pilot)
        assert any(row.lstrip().startswith("450 ") for row in visible_text(view_of(app)))


async def test_ctrl_l_new_search_starts_from_an_empty_field(project_path):
    from qualcode.tui.screens.search import simple_search

    app = create_app(project_path, CODER, line_search=simple_search)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+f", *"plannen", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("ctrl+l", *"schiften")
        assert app.screen.query_one("#search-query", Input).value == "schiften"


async def test_add_code_dialog_focus_enter_validation_and_tree_order(project_path):
    app = create_app(project_path, CODER)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CodeEditScreen)
        assert app.focused.id == "field-name"
        await pilot.press(*"nieuw", "enter")
        assert app.focused.id == "field-hotkey"  # Enter moves on, it does not save
        await pilot.press("2", "enter", "enter", *"werkwijze", "enter")  # hotkey 2 is taken by samenwerking
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog  # the error keeps the form, with everything typed
        assert dialog.query_one("#field-name", Input).value == "nieuw"
        assert dialog.query_one("#field-parent", Input).value == "werkwijze"
        assert "not saved" in str(dialog.query_one("#code-edit-error", Static).render())
        dialog.query_one("#field-hotkey", Input).value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not dialog
        table = app.screen.query_one(DataTable)
        names = [str(table.get_row_at(i)[1]).strip() for i in range(table.row_count)]
        # the new child sits right under its parent, after the parent's older child
        assert names.index("nieuw") == names.index("methodiek") + 1 == names.index("werkwijze") + 2
    with Project.open(project_path) as project:
        code = codebook.get_code(project, "nieuw")
        assert code.parent_id == codebook.get_code(project, "werkwijze").id


async def test_export_defaults_to_you_and_counts_quotes_per_coder(project_path):
    with Project.open(project_path) as project:
        codings.apply(project, "FGT", "20-24", "werkwijze", CODER)
        codings.apply(project, "FGT", "30", "werkwijze", CODER)
        codings.apply(project, "FGT", "40", "werkwijze", "consensus")
    app = create_app(project_path, CODER)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#export-coder", Select).value == CODER
        counts = str(screen.query_one("#export-counts", Static).render())
        assert f"{CODER}: 2" in counts and f"{OTHER}: 1" in counts and "consensus: 1" in counts
        assert screen.job().coder == CODER


async def test_demo_opens_as_one_of_its_coders_and_says_whose_codings(tmp_path, monkeypatch):
    from qualcode.cli.base import Session
    from qualcode.cli.tui import workbench_coder
    from qualcode.demo import DEMO_CODERS, build_demo

    monkeypatch.delenv("QUALCODE_CODER", raising=False)
    session = Session(tmp_path / "demo.db")
    assert workbench_coder(session, user_config.Config(), DEMO_CODERS[0]) == "anna"
    assert workbench_coder(session, user_config.Config(coder="carla"), None) == "carla"
    session.coder, session.coder_given = "dirk", True
    assert workbench_coder(session, user_config.Config(coder="carla"), "anna") == "dirk"
    build_demo(tmp_path / "demo.db").close()
    app = create_app(tmp_path / "demo.db", "anna", "FG2")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        title = str(app.screen.query_one("#coding-title", Static).render())
        assert "coder anna" in title and "codings shown: anna" in title
        assert app.screen.view.markers  # anna's example codings are drawn


# ----------------------------------------------------------- reading
async def test_a_long_line_is_wrapped_and_fully_visible_at_100_columns(tmp_path):
    path = big_project(tmp_path)
    app = create_app(path, CODER, "BIG", line=11)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        view = view_of(app)
        index = view.index_of(11)
        assert view.row_count(index) > 1
        first = view.first_row(index) - round(view.scroll_y)
        rows = visible_text(view)[first : first + view.row_count(index)]
        gutter = view.gutter_width
        assert rows[0].lstrip().startswith("11 ")
        assert all(not row[: view._number_width].strip() for row in rows[1:])  # the number only on row 1
        shown = " ".join(row[gutter:] for row in rows)
        assert " ".join(shown.split()) == " ".join(LONG.split())
        # the cursor is per stored line: one Down moves past all the visual rows of line 11
        await pilot.press("down")
        assert view.cursor_line == 12
        # w: no wrap, the line is cropped and the text scrolls sideways
        await pilot.press("w")
        await pilot.pause()
        assert view.row_count(index) == 1 and not view.wrap
        assert view.virtual_size.width > view.size.width


def test_wrap_starts_breaks_at_spaces_within_width():
    starts = wrap_starts(LONG, 40)
    pieces = [LONG[a:b] for a, b in zip(starts, starts[1:] + [len(LONG)])]
    assert all(len(p.rstrip()) <= 40 for p in pieces)
    assert "".join(pieces) == LONG
    assert wrap_starts("x" * 90, 40) == [0, 40, 80]  # no space: a hard break


async def test_speaker_column_fits_the_labels_and_the_panel_has_the_full_label(tmp_path):
    path = build_project(tmp_path / "sp.db")
    source = tmp_path / "SPK.txt"
    source.write_text("[REGISSEUR 2]: Welkom allemaal.\nR1: Dank je.\n", encoding="utf-8")
    with Project.open(path) as project:
        transcripts.import_files(project, [source], CODER)
    app = create_app(path, CODER, "SPK")
    async with app.run_test(size=(100, 30)) as pilot:
        await transcript_read(app, pilot)
        await pilot.pause(0.2)
        view = view_of(app)
        assert "[REGISSEUR 2]" in visible_text(view)[0]
        assert "[REGISSEUR 2]" in str(app.screen.query_one("#line-panel", Static).render())


async def test_footer_at_100_columns_shows_undo_and_done(project_path):
    app = create_app(project_path, CODER, "FGT")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        keys = {k.description: k for k in app.screen.query_one(Footer).query("FooterKey")}
        for wanted in ("Code", "Undo", "Done", "Remove", "Memo", "All keys"):
            assert wanted in keys, wanted
            assert keys[wanted].region.right <= 100


# ------------------------------------------------------------ seeing coders
async def test_coder_lanes_and_difference_marks(project_path):
    with Project.open(project_path) as project:
        codings.apply(project, "FGT", "10-11", "samenwerking", CODER)
    app = create_app(project_path, CODER, "FGT", show_others=True)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("colon", "1", "0", "enter")
        await pilot.pause()
        view = view_of(app)
        screen = app.screen
        assert screen.lane_coders == [CODER, OTHER]
        row10, row12 = view.index_of(10), view.index_of(12)
        assert [lane.char for lane in view.lanes[row10]] == ["T", "B"]  # tester, bram
        assert [lane and lane.char for lane in view.lanes[row12]] == [None, "B"]
        assert row12 in view.differ and row10 not in view.differ
        line10 = next(r for r in visible_text(view) if r.lstrip().startswith("10 "))
        line12 = next(r for r in visible_text(view) if r.lstrip().startswith("12 "))
        assert "TB" in line10 and DIFFER_MARK not in line10
        assert "B" + DIFFER_MARK in line12
        assert "B=bram" in str(screen.query_one("#coding-title", Static).render())


# ------------------------------------------------------------ coding faster
async def test_two_range_coding_made_with_keys(tmp_path):
    path = big_project(tmp_path)
    app = create_app(path, CODER, "BIG")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("colon", *"110", "enter", "v", "down", "down", "down", "1")
        await pilot.pause()
        assert stored(path, transcript="BIG") == [("110-113", "werkwijze")]
        await pilot.press("escape", "plus")
        await pilot.pause()
        assert app.screen.range_target is not None
        await pilot.press("colon", *"123", "enter", "v", "down", "down", "enter")
        await pilot.pause()
        assert stored(path, transcript="BIG") == [("110-113,123-125", "werkwijze")]
        with Project.open(path) as project:
            raw = project.scalar("SELECT ranges FROM codings WHERE coder = ?", (CODER,))
        assert raw == "110-113,123-125"
        # - takes lines out: inside a range it splits it, a whole range goes
        await pilot.press("escape", "colon", *"111", "enter", "v", "down", "minus")
        await pilot.pause()
        assert stored(path, transcript="BIG") == [("110,113,123-125", "werkwijze")]
        await pilot.press("escape", "colon", *"123", "enter", "v", "down", "down", "minus")
        await pilot.pause()
        assert stored(path, transcript="BIG") == [("110,113", "werkwijze")]
        await pilot.press("u")  # one undo per change
        await pilot.pause()
        assert stored(path, transcript="BIG") == [("110,113,123-125", "werkwijze")]


async def test_the_selection_stays_for_a_second_code_and_escape_clears_it(project_path):
    app = create_app(project_path, CODER, "FGT")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("colon", *"20", "enter", "v", "down", "down", "1", "2")
        await pilot.pause()
        assert stored(project_path) == [("20-22", "werkwijze"), ("20-22", "samenwerking")]
        view = view_of(app)
        assert view.selection is not None
        await pilot.press("escape")
        assert view.selection is None


async def test_t_selects_the_speaker_turn(project_path):
    app = create_app(project_path, CODER, "FGT")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("colon", "9", "enter", "t", "3")  # line 9 is in R3's turn, lines 8-10
        await pilot.pause()
        assert stored(project_path) == [("8-10", "veiligheid")]


# ---------------------------------------------------------- finding keys
async def test_help_is_grouped_with_the_codes_digits_and_names(project_path):
    app = create_app(project_path, CODER, "FGT")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        groups = [title for title, _ in grouped_rows(app.screen)]
        assert groups[:4] == ["move", "select", "code", "review"] and "screens" in groups
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        extra = str(app.screen.query_one("#help-extra", Static).render())
        assert " 1  werkwijze" in extra and " 2  samenwerking" in extra and "methodiek" in extra
        assert "not supported" in CodingScreen.HELP_TEXT  # vim counts: documented


async def test_a_remapped_key_from_the_config_file(project_path, tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        'theme = "gruvbox"\nwrap = false\ncolour = "x"\n[keymap]\n"coding.undo" = "z"\n"coding.nothing" = "y"\n',
        encoding="utf-8",
    )
    settings = user_config.load(cfg)
    app = create_app(project_path, CODER, "FGT", config=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("colon", *"30", "enter", "1")
        await pilot.pause()
        assert stored(project_path) == [("30", "werkwijze")]
        await pilot.press("u")  # no longer undo
        await pilot.pause()
        assert stored(project_path) == [("30", "werkwijze")]
        await pilot.press("z")
        await pilot.pause()
        assert stored(project_path) == []
        assert app.theme == "gruvbox"
        assert not view_of(app).wrap
        messages = [n.message for n in app._notifications]
        assert any("'coding.nothing'" in m for m in messages)
        assert any("'colour'" in m for m in messages)


def test_config_problems_are_one_line_each_and_defaults_stay(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('wrap = "ja"\n[keymap]\n"coding.undo" = 5\n', encoding="utf-8")
    settings = user_config.load(cfg)
    assert settings.wrap is True and settings.keymap == {}
    assert len(settings.problems) == 2 and all("\n" not in p for p in settings.problems)
    cfg.write_text("wrap = \n", encoding="utf-8")
    broken = user_config.load(cfg)
    assert broken.problems and "using the defaults" in broken.problems[0]
    assert user_config.load(tmp_path / "missing.toml").problems == []


# ------------------------------------------------------------------ colours
def test_one_colour_scale_per_statistic_and_unused_codes_dimmed():
    from qualcode.tui.screens.agreement import stat_style

    assert stat_style("kappa", 0.609) == "yellow"  # substantial (Landis & Koch)
    assert stat_style("alpha", 0.609) == "red"  # below .667 (Krippendorff)
    assert stat_style("alpha", 0.70) == "yellow" and stat_style("alpha", 0.80) == "green"
    assert stat_style("ac1", 0.95) == "green" and stat_style("pabak", 0.3) == "red"
    assert stat_style("kappa", None) == ""


async def test_unused_codes_are_dimmed_in_the_agreement_table(project_path):
    with Project.open(project_path) as project:
        codings.apply(project, "FGT", "10-12", "samenwerking", CODER)
        codings.mark_done(project, "FGT", CODER)
        codings.mark_done(project, "FGT", OTHER)
    app = create_app(project_path, CODER)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#agreement-table", DataTable)
        veiligheid = table.get_row("veiligheid")
        assert all(cell.style == "dim" for cell in veiligheid)
        assert table.get_row("samenwerking")[0].style != "dim"


# --------------------------------------------------------------- the house
def test_no_sql_in_the_workbench():
    root = Path(__file__).resolve().parents[2] / "qualcode" / "tui"
    offenders = []
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in ("SELECT ", "INSERT ", "UPDATE ", "DELETE FROM", ".execute(", "project.query(", ".scalar("):
            if needle in text:  # (self.query(Widget) is Textual's DOM query, not SQL)
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []


@pytest.mark.parametrize("module", ["qualcode.tui.config"])
def test_config_module_does_not_import_textual(module):
    import subprocess
    import sys

    code = f"import sys, {module}; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_fixture_codebook_is_there():
    assert (FIXTURES / "codebook.yaml").is_file()


async def test_the_lemma_table_is_warmed_in_a_worker_after_first_paint(project_path, monkeypatch):
    """What a plain Ctrl+F query needs (the lemma lookup table) is read after the first paint, in a worker;
    spaCy's pipeline is built only once the Search screen opens."""
    import threading

    from qualcode.corpus import lemmas

    calls = []

    def recording(what):
        def load():
            calls.append((what, threading.current_thread() is not threading.main_thread()))
            return {}

        return load

    monkeypatch.setattr(lemmas, "_lookup_table", recording("table"))
    monkeypatch.setattr(lemmas, "_pipeline", recording("pipeline"))
    app = create_app(project_path, CODER, "FGT", preload_language=True)
    async with app.run_test(size=(120, 40)) as pilot:
        assert calls == []  # nothing before the first paint
        for _ in range(50):
            await pilot.pause(0.05)
            if calls:
                break
        await app.workers.wait_for_complete()
        assert calls == [("table", True)]  # once, in a worker thread; no spaCy
        await pilot.press("ctrl+f")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert calls == [("table", True), ("pipeline", True)]


async def test_coding_screen_draws_a_loading_frame_before_it_reads_the_lines(tmp_path, monkeypatch):
    """The first screen's first frame reaches the terminal before the transcript is read (Textual holds frames
    back while the app starts: a read right after the screen's first refresh used to come first)."""
    from textual.screen import Screen

    from qualcode.tui.screens.coding import CodingScreen

    path = big_project(tmp_path)
    drawn: list[str] = []
    original = Screen._compositor_refresh

    def refresh(screen) -> None:
        original(screen)
        if isinstance(screen, CodingScreen) and not screen.app._batch_count:  # a frame that is shown
            drawn.append(str(screen.query_one("#coding-title").render()))

    monkeypatch.setattr(Screen, "_compositor_refresh", refresh)
    app = create_app(path, CODER, "BIG")
    async with app.run_test(size=(100, 30)) as pilot:
        await transcript_read(app, pilot)
    assert drawn and "loading the transcript" in drawn[0]
    assert any("lines" in title for title in drawn[1:])
