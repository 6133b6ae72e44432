"""Pilot tests of Ctrl+F: lemma search with KWIC columns, Enter to the line, coding a hit's line or turn."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import DataTable
from tui_helpers import CODER, FIXTURES, SIZE

from qualcode.coding import codebook, codings
from qualcode.corpus import transcripts
from qualcode.store.project import Project
from qualcode.tui.app import create_app
from qualcode.tui.dialogs import CodePickerScreen
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.search import SearchScreen
from qualcode.tui.widgets.transcript_view import TranscriptView

FG = """M: Hoe plannen jullie het eerste gesprek?
R1: Dat hebben we vorige week gepland
samen met het gezin. De planning blijft lastig.

R2: Een plan maken we samen met de ouders.

M: Eerste gesprek of niet, plannen is het werk van [NAAM COLLEGA].
"""


@pytest.fixture
def plan_project(tmp_path: Path) -> Path:
    (tmp_path / "FG1.txt").write_text(FG, encoding="utf-8")
    path = tmp_path / "plan.db"
    with Project.create(path) as p:
        codebook.load(p, FIXTURES / "codebook.yaml", CODER)
        transcripts.import_files(p, [tmp_path / "FG1.txt"], CODER)
    return path


async def search_for(app, pilot, query: str) -> SearchScreen:
    await pilot.press("ctrl+f")
    await pilot.pause()
    assert isinstance(app.screen, SearchScreen)
    await pilot.press(*query, "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.screen


def cells(screen: SearchScreen) -> list[list[Text]]:
    table = screen.query_one(DataTable)
    return [table.get_row_at(i) for i in range(table.row_count)]


def stored(path: Path) -> list[tuple]:
    with Project.open(path) as p:
        return [(c.transcript, c.ranges, c.code, c.coder) for c in codings.list_codings(p, coder=CODER)]


async def test_lemma_search_lists_every_form_with_kwic_columns(plan_project):
    app = create_app(plan_project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await search_for(app, pilot, "plannen")
        # plannen and gepland, never plan or planning
        assert [(h.transcript, h.n) for h in screen.hits] == [("FG1", 1), ("FG1", 2), ("FG1", 7)]
        rows = cells(screen)
        assert all(isinstance(c, Text) for row in rows for c in row)  # transcript text is never markup
        assert [[c.plain for c in row] for row in rows] == [
            ["(FG1; 1)", "M", "Hoe ", "plannen", " jullie het eerste gesprek?"],
            ["(FG1; 2)", "R1", "Dat hebben we vorige week ", "gepland", " samen met het gezin. De planning blijft"],
            ["(FG1; 7)", "M", "Eerste gesprek of niet, ", "plannen", " is het werk van [NAAM COLLEGA]."],
        ]
        assert rows[0][2].justify == "right"
        # Ctrl+T: exact word forms only
        await pilot.press("ctrl+t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [h.n for h in screen.hits] == [1, 7]


async def test_enter_opens_the_hit_in_the_coding_screen(plan_project):
    app = create_app(plan_project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await search_for(app, pilot, "gepland")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.transcript.name == "FG1"
        assert app.screen.query_one(TranscriptView).cursor_line == 2


async def test_code_keys_code_the_hit_line_or_its_whole_turn(plan_project):
    app = create_app(plan_project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await search_for(app, pilot, "plannen")
        await pilot.press("1")  # werkwijze on line 1
        await pilot.pause()
        assert stored(plan_project) == [("FG1", ((1, 1),), "werkwijze", CODER)]
        await pilot.press("down", "t", "2")  # samenwerking on the gepland line's whole turn: 2-3, not blank 4
        await pilot.pause()
        assert not screen.turn_pending
        assert ("FG1", ((2, 3),), "samenwerking", CODER) in stored(plan_project)
        # c: the fuzzy picker; t then c codes the turn with the picked code
        await pilot.press("down", "c")
        await pilot.pause()
        assert isinstance(app.screen, CodePickerScreen)
        await pilot.press(*"veil", "enter")
        await pilot.pause()
        assert ("FG1", ((7, 7),), "veiligheid", CODER) in stored(plan_project)
        await pilot.press("up", "t", "c")
        await pilot.pause()
        await pilot.press(*"methodiek", "enter")
        await pilot.pause()
        assert ("FG1", ((2, 3),), "methodiek", CODER) in stored(plan_project)
        # no hotkey 9 in this codebook: the key does nothing
        await pilot.press("9")
        await pilot.pause()
        assert len(stored(plan_project)) == 4


async def test_first_search_works_while_the_lookup_table_warms(plan_project, monkeypatch):
    """With preloading (as the CLI starts it) the app reads the lemma table in a worker after its first paint;
    a search for a word of the corpus needs no table and does not wait for that worker."""
    import threading

    from qualcode.corpus import lemmas

    release, started = threading.Event(), threading.Event()
    real = lemmas._lookup_table

    def slow_table():
        started.set()
        release.wait(30)
        return real()

    monkeypatch.setattr(lemmas, "_lookup_table", slow_table)
    monkeypatch.setattr(lemmas, "_pipeline", lambda: None)  # the Search screen's pipeline warm-up: not built here
    app = create_app(plan_project, CODER, preload_language=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(200):  # the warm-up starts 0.3 s after the first paint
                if started.is_set():
                    break
                await pilot.pause(0.02)
            assert started.is_set()
            await pilot.press("ctrl+f")
            await pilot.pause()
            assert isinstance(app.screen, SearchScreen)
            await pilot.press(*"plannen", "enter")
            for _ in range(200):
                if app.screen.hits:
                    break
                await pilot.pause(0.02)
            assert [h.n for h in app.screen.hits] == [1, 2, 7]  # plannen, gepland, plannen: while the table loads
            assert not release.is_set() and [w.name for w in app.workers if not w.is_finished] == ["language"]
            release.set()
            await app.workers.wait_for_complete()
    finally:
        release.set()
