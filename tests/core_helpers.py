"""Shared test constants and helpers (imported by name: ``from core_helpers import …``)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODEBOOK = ROOT / "codebooks" / "default.yaml"

SMALL_TRANSCRIPT = """Focusgroep test — [GEMEENTE]
M: Welkom allemaal. Hoe ziet jullie werkwijze eruit?
R1: Nou, wij plannen eerst een huisbezoek met [NAAM COLLEGA].
Daarna kijken we samen wat nodig is.

R2: Bij ons gaat de samenwerking met de school niet altijd goed.
[REGISSEUR 2]: Dat herken ik, uit wiens koker moest dat nou komen?
M: En hoe zit het met de veiligheid?
R1: Het veiligheidsplan wordt gepland in het casusoverleg.
R2: Nazorg schiet er vaak bij in.
"""


def run_qualcode(
    *args: str, cwd: Path, env: dict | None = None, input: str | None = None
) -> subprocess.CompletedProcess:
    """Run ``python -m qualcode`` as a real subprocess (as a user would)."""
    full_env = {k: v for k, v in os.environ.items() if k != "QUALCODE_PROJECT"}
    full_env.update({"QUALCODE_CODER": "tester", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "qualcode", *args],
        cwd=cwd,
        env=full_env,
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
    )


def tmux(*args: str) -> str:
    """Run a tmux command and return what it printed (for the real-terminal tests)."""
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def tmux_wait_for(session: str, text: str, deadline_s: float = 30.0) -> str:
    """The tmux pane's screen once ``text`` appears on it; fail with the screen after ``deadline_s``."""
    end = time.monotonic() + deadline_s
    screen = ""
    while time.monotonic() < end:
        screen = tmux("capture-pane", "-p", "-t", session)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} did not appear on the screen:\n{screen}")
