"""Issue 11, class 1: a window and a script write at once and nothing is lost.

Found as: open the workbench, visit Agreement (F6) once, write from the CLI, code something in the
workbench, write again from the CLI, quit the workbench: the last CLI coding was gone (from
`codings` and from `log`), `check` passed, and `lsof` showed the workbench holding
`qualcode.db-wal` and `-shm` "(deleted)". The workbench's Agreement worker opened the project
file with plain ``open()`` to read its header; closing that descriptor released every POSIX lock
the workbench held, so the CLI believed it was the last connection and deleted the WAL.

The workbench runs for real in a second process (tmux); Pilot in one process cannot show this.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from core_helpers import tmux, tmux_wait_for
from trust_helpers import codings_of, make_project, ok, run

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


wait_for = functools.partial(tmux_wait_for, deadline_s=60.0)  # the workbench starts slowly beside a writer


def workbench_pid(project: Path) -> int | None:
    out = subprocess.run(["pgrep", "-f", f"qualcode --project {project}"], capture_output=True, text=True).stdout
    pids = [int(p) for p in out.split()]
    return max(pids) if pids else None


def deleted_files_held(pid: int | None) -> list[str]:
    if pid is None or shutil.which("lsof") is None:
        return []
    out = subprocess.run(["lsof", "-p", str(pid)], capture_output=True, text=True).stdout
    return [ln for ln in out.splitlines() if "qualcode.db" in ln and "(deleted)" in ln]


def test_workbench_and_cli_writing_at_once_lose_nothing(tmp_path: Path):
    project = make_project(tmp_path)
    session = f"qualcode-trust1-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUALCODE_")}
    env["TERM"] = "xterm-256color"
    command = f"{sys.executable} -m qualcode --project {project} --coder anna tui FG9"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", "-c", str(tmp_path), command],
        check=True,
        env=env,
    )
    held: list[str] = []
    try:
        wait_for(session, "FG9 · ")
        tmux("send-keys", "-t", session, "F6")  # Agreement: its worker opens the project a second time
        wait_for(session, "Agreement")
        time.sleep(2)  # let the worker finish
        tmux("send-keys", "-t", session, "Escape")
        wait_for(session, "Codes  (1-9")
        ok(run("code", "FG9", "3", "werkwijze", "--project", project.name, cwd=tmp_path, coder="script"))
        tmux("send-keys", "-t", session, "Down")
        wait_for(session, "Line 2")
        tmux("send-keys", "-t", session, "1")  # the workbench codes line 2
        wait_for(session, "werkwijze  1")
        ok(run("code", "FG9", "4", "werkwijze", "--project", project.name, cwd=tmp_path, coder="script"))
        held = deleted_files_held(workbench_pid(project))
        tmux("send-keys", "-t", session, "q")
        time.sleep(0.5)
        tmux("send-keys", "-t", session, "q")
        end = time.monotonic() + 20
        while time.monotonic() < end and subprocess.run(["tmux", "has-session", "-t", session]).returncode == 0:
            time.sleep(0.2)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    assert held == [], "the workbench holds deleted project files:\n" + "\n".join(held)
    stored = sorted((coder, ranges) for coder, ranges, _ in codings_of(project))
    assert stored == [("anna", "2"), ("script", "3"), ("script", "4")]
    log = ok(run("log", "--json", "--project", project.name, cwd=tmp_path)).stdout
    assert [e["action"] for e in json.loads(log)].count("code") == 3
    ok(run("check", "--project", project.name, cwd=tmp_path))
