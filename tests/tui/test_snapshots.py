"""SVG snapshots of the main screens at a fixed size, with fixed data and a fixed coder.

Update after an intended change with ``pytest tests/tui/test_snapshots.py --snapshot-update``
and read the SVG's text before committing it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import CODER, SIZE, build_project

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
    return path


def test_transcripts_screen(snap_compare, snapshot_project):
    assert snap_compare(create_app(snapshot_project, CODER), terminal_size=SIZE)


def test_coding_screen(snap_compare, snapshot_project):
    async def keys_then_settle(pilot):
        await pilot.press("colon", "2", "2", "enter", "v", "down", "down")
        panel = pilot.app.screen.query_one(LinePanel)
        for _ in range(100):  # the side panel redraws a moment after the last move
            if not panel.pending:
                break
            await pilot.pause(0.02)

    app = create_app(snapshot_project, CODER, "FGT", show_others=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle)


def test_quotes_screen(snap_compare, snapshot_project):
    assert snap_compare(create_app(snapshot_project, CODER), terminal_size=SIZE, press=["f4"])
