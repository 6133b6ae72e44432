"""Pilot: the time column (t) and the play key (l) in the Coding screen.

The play key runs the real subprocess path: a stub ``mpv`` script is put first on PATH by
the test and records the arguments it was started with.
"""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

from tui_helpers import CODER, SIZE

from qualcode.corpus import media, transcripts
from qualcode.corpus.ingest import read_transcript
from qualcode.store.project import Project
from qualcode.tui.app import create_app
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.widgets.transcript_view import TranscriptView

TEAMS = Path(__file__).parent.parent / "fixtures" / "transcripts" / "teams.vtt"


def timed_project(tmp_path: Path) -> Path:
    path = tmp_path / "timed.db"
    with Project.create(path) as project:
        transcripts.import_parsed(project, [read_transcript(TEAMS, name="FG2", wrap=40)], CODER, annotate=False)
        (tmp_path / "fg2.m4a").write_bytes(b"audio")
        media.link(project, "FG2", tmp_path / "fg2.m4a", CODER)
    return path


async def wait_for(path: Path) -> str:
    for _ in range(100):
        if path.exists() and path.read_text():
            return path.read_text()
        await asyncio.sleep(0.05)
    return ""


async def test_time_column_toggles(tmp_path):
    app = create_app(timed_project(tmp_path), CODER, "FG2")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        assert isinstance(app.screen, CodingScreen) and not view.show_times
        width = view.gutter_width
        first_row = "".join(s.text for s in view.render_line(0))
        assert "00:00:01" not in first_row
        await pilot.press("T")
        await pilot.pause()
        assert view.show_times and view.gutter_width == width + 9
        first_row = "".join(s.text for s in view.render_line(0))
        assert "00:00:01" in first_row and "Welkom allemaal" in first_row
        await pilot.press("T")
        await pilot.pause()
        assert not view.show_times


async def test_play_key_starts_the_player_at_the_line_and_the_next_key_stops_it(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "mpv-args.txt"
    stub = bin_dir / "mpv"
    stub.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\nexec sleep 30\n', encoding="utf-8")
    stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    app = create_app(timed_project(tmp_path), CODER, "FG2")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("colon", "4", "enter", "v", "down", "l")  # Bram's turn: lines 4-5
        await pilot.pause()
        args = (await wait_for(record)).splitlines()
        assert args == ["--no-video", "--really-quiet", "--start=7.500", "--end=12.000", str(tmp_path / "fg2.m4a")]
        screen = app.screen
        assert screen.player.playing
        process = screen.player.process
        await pilot.press("down")
        await pilot.pause()
        assert not screen.player.playing and process.poll() is not None


async def test_play_without_a_player_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    app = create_app(timed_project(tmp_path), CODER, "FG2")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("install mpv or ffplay" in m for m in messages)


async def test_reimport_from_the_transcripts_screen_shows_the_review_list_then_applies(project_path, tmp_path):
    from textual.widgets import Input, OptionList
    from tui_helpers import FIXTURES, OTHER, my_codings

    from qualcode.tui.screens.reimport import ReimportReviewScreen
    from qualcode.tui.screens.transcripts import TranscriptsScreen

    corrected = tmp_path / "FGT-corrected.txt"
    corrected.write_text("Datum: 3 mei\nLocatie: [GEMEENTE]\n" + (FIXTURES / "FGT.txt").read_text(encoding="utf-8"))
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)
        await pilot.press("R")
        await pilot.pause()
        app.screen.query_one(Input).value = str(corrected)
        await pilot.press("enter")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReimportReviewScreen)
        items = [str(review.query_one(OptionList).get_option_at_index(i).prompt) for i in range(1)]
        assert items == ["moved                  samenwerking (bram) (FGT; 10-12) → (FGT; 12-14)"]
        assert [c.ranges for c in my_codings(project_path, OTHER)] == [((10, 12),)]  # nothing changed yet
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)
    assert [c.ranges for c in my_codings(project_path, OTHER)] == [((12, 14),)]
