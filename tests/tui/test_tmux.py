"""The real ``qualcode`` in a real terminal (tmux): `:57` Enter, `v`, seven Down, `1` codes lines 57-64;
opened with ``--line 600`` the screen shows line 600 (issue 18)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from core_helpers import tmux, tmux_wait_for
from tui_helpers import CODER, build_project

from qualcode.coding import codings
from qualcode.store.project import Project

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

QUALCODE = Path(sys.executable).with_name("qualcode")


wait_for = tmux_wait_for


def test_code_a_range_in_a_real_terminal(tmp_path):
    if not QUALCODE.exists():
        pytest.skip(f"{QUALCODE} is not installed")
    path = build_project(tmp_path / "tmux.db")
    session = f"qualcode-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "TERM": "xterm-256color", "QUALCODE_CONFIG": os.devnull}
    command = f"{QUALCODE} --project {path} --coder {CODER} tui FGT"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", command], check=True, env=env)
    try:
        wait_for(session, "FGT · 119 lines")
        tmux("send-keys", "-t", session, ":")
        wait_for(session, "Go to line")
        time.sleep(0.5)  # the dialog is drawn just before its input takes the focus
        tmux("send-keys", "-t", session, "57")
        time.sleep(0.3)
        tmux("send-keys", "-t", session, "Enter")
        wait_for(session, "Line 57")
        tmux("send-keys", "-t", session, "v")
        for _ in range(7):
            tmux("send-keys", "-t", session, "Down")
        wait_for(session, "Line 64")
        tmux("send-keys", "-t", session, "1")
        screen = wait_for(session, "werkwijze 57-64")
        assert "coder tester" in screen
        tmux("send-keys", "-t", session, "q")
        tmux("send-keys", "-t", session, "q")
        end = time.monotonic() + 15
        while (
            time.monotonic() < end
            and subprocess.run(["tmux", "has-session", "-t", session], capture_output=True).returncode == 0
        ):
            time.sleep(0.2)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    with Project.open(path) as project:
        stored = [(c.ranges, c.code, c.coder) for c in codings.list_codings(project, coder=CODER)]
    assert stored == [(((57, 64),), "werkwijze", CODER)]


def test_open_at_line_600_shows_line_600_in_a_real_terminal(tmp_path):
    if not QUALCODE.exists():
        pytest.skip(f"{QUALCODE} is not installed")
    from qualcode.corpus import transcripts

    path = build_project(tmp_path / "tmux600.db")
    source = tmp_path / "LONG.txt"
    source.write_text("".join(f"R{n % 3 + 1}: regel nummer {n} van het gesprek\n" for n in range(1, 801)))
    with Project.open(path) as project:
        transcripts.import_files(project, [source], CODER)
    session = f"qualcode-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "TERM": "xterm-256color", "QUALCODE_CONFIG": os.devnull}
    command = f"{QUALCODE} --project {path} --coder {CODER} tui LONG --line 600"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30", command], check=True, env=env)
    try:
        screen = wait_for(session, "Line 600")  # the side panel follows the cursor
        end = time.monotonic() + 30
        while not any(row.lstrip().startswith("600 ") for row in screen.splitlines()) and time.monotonic() < end:
            time.sleep(0.2)
            screen = tmux("capture-pane", "-p", "-t", session)
        row = next((line for line in screen.splitlines() if line.lstrip().startswith("600 ")), "")
        assert "regel nummer 600 van" in row, screen  # (a narrow pane wraps the rest)
        tmux("send-keys", "-t", session, "q")
        tmux("send-keys", "-t", session, "q")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
