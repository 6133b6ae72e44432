"""SVG snapshots of the main screens at 100×30 and 160×45, with fixed data and a fixed coder.

Update after an intended change with ``pytest tests/tui/test_snapshots.py --snapshot-update``
and read the SVG's text before committing it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import CODER, build_project
from tui_helpers import settle as settle_workers

from qualcode.coding import codings
from qualcode.store.project import Project
from qualcode.tui.app import create_app
from qualcode.tui.widgets.code_panel import LinePanel


@pytest.fixture
def snapshot_project(tmp_path: Path) -> Path:
    path = build_project(tmp_path / "snap.db")
    with Project.open(path) as project:
        codings.apply(project, "FGT", "20-24", "werkwijze", CODER, memo="eerste stap")
        codings.apply(project, "FGT", "22-23", "samenwerking", CODER)
        codings.apply(project, "FGT", "28-30", "methodiek", CODER)
        codings.apply(project, "FGT", "21-23", "werkwijze", "bram")
    return path


SIZES = [pytest.param((100, 30), id="100x30"), pytest.param((160, 45), id="160x45")]


async def settle(pilot) -> None:
    panel = pilot.app.screen.query_one(LinePanel)
    for _ in range(100):  # the side panel redraws a moment after the last move
        if not panel.pending:
            break
        await pilot.pause(0.02)


@pytest.mark.parametrize("size", SIZES)
def test_transcripts_screen(snap_compare, snapshot_project, size):
    assert snap_compare(create_app(snapshot_project, CODER), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_coding_screen(snap_compare, snapshot_project, size):
    async def keys_then_settle(pilot):
        await pilot.press("colon", "2", "2", "enter", "v", "down", "down")
        await settle(pilot)

    app = create_app(snapshot_project, CODER, "FGT", show_others=True)  # coder lanes and ≠ marks
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle)


@pytest.mark.parametrize("size", SIZES)
def test_quotes_screen(snap_compare, snapshot_project, size):
    async def quotes_listed(pilot):
        await pilot.press("f4")
        await settle_workers(pilot)  # the listing comes from a worker

    assert snap_compare(create_app(snapshot_project, CODER), terminal_size=size, run_before=quotes_listed)


def test_coding_help(snap_compare, snapshot_project):
    async def help_screen(pilot):
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()

    app = create_app(snapshot_project, CODER, "FGT")
    assert snap_compare(app, terminal_size=(100, 30), run_before=help_screen)
