"""The workbench as a user feels it: the real ``qualcode`` in tmux against an empty Textual app, same run.

Drives both programs through ``tmux send-keys`` and times each key until the pane changes
(``capture-pane -e``, so a moved highlight counts). Prints medians and the ratios to the empty app:

* first paint: from starting the program until its screen shows (qualcode: the Coding screen's title,
  which reads "loading the transcript…" until the lines are read; the empty app: its label) — target ≤ 1.5×;
* lines shown: until the transcript's lines are on the screen too (no target: the reading after the
  first frame);
* cursor move (Down) — target ≤ 1.2× the empty app's highlight move;
* apply / remove a code (``1`` twice on the same line) — target ≤ 2× the empty app's highlight move.

On a 20,000-line transcript (the generator of ``bench_tui.py``) at 160×45. Figures only, no
assertions. Run: ``python bench/bench_terminal.py`` (needs tmux; install it with apt-get).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench_tui import CODER, LINES, build

QUALCODE = Path(sys.executable).with_name("qualcode")
SIZE = ("160", "45")
MOVES = 40
CODINGS = 15
POLL = 0.002
WARM_UP_S = 3.0  # the lemma lookup table loads in a worker after first paint (0.3 s; more on a loaded machine)

EMPTY_APP = """
from textual.app import App
from textual.widgets import Footer, OptionList, Static

class Empty(App):
    def compose(self):
        yield Static("empty app ready")
        yield OptionList(*[f"option {i}" for i in range(200)])
        yield Footer()

Empty().run()
"""


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def pane(session: str) -> str:
    return tmux("capture-pane", "-p", "-e", "-t", session)


def start(command: list[str], marker: str, env: dict) -> tuple[str, float]:
    """Start ``command`` in a new tmux session; seconds until ``marker`` is on the screen."""
    session = f"qcbench-{uuid.uuid4().hex[:8]}"
    for _attempt in range(5):  # a tmux server that is just shutting down refuses new sessions for a moment
        t = time.perf_counter()
        started = subprocess.run(
            ["tmux", "new-session", "-d", "-s", session, "-x", SIZE[0], "-y", SIZE[1], " ".join(command)],
            env=env,
            capture_output=True,
            text=True,
        )
        if started.returncode == 0:
            break
        time.sleep(0.5)
    else:
        raise SystemExit(f"tmux new-session failed: {started.stderr.strip()}")
    deadline = t + 60
    while time.perf_counter() < deadline:
        if marker in tmux("capture-pane", "-p", "-t", session):
            return session, time.perf_counter() - t
        time.sleep(POLL)
    stop(session)
    raise SystemExit(f"{marker!r} did not appear within 60 s")


def stop(session: str) -> None:
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def key_time(session: str, key: str, settle: float = 0.12) -> float:
    """Seconds from sending ``key`` until the pane differs from before (then waits ``settle``)."""
    before = pane(session)
    t = time.perf_counter()
    tmux("send-keys", "-t", session, key)
    deadline = t + 10
    while time.perf_counter() < deadline:
        if pane(session) != before:
            elapsed = time.perf_counter() - t
            time.sleep(settle)
            return elapsed
        time.sleep(POLL)
    return float("nan")


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def run_empty(env: dict, folder: Path) -> dict:
    script = folder / "empty_app.py"
    script.write_text(EMPTY_APP, encoding="utf-8")
    session, paint = start([sys.executable, str(script)], "empty app ready", env)
    try:
        time.sleep(0.5)
        tmux("send-keys", "-t", session, "Tab")
        time.sleep(0.3)
        moves = [key_time(session, "Down") for _ in range(MOVES)]
    finally:
        stop(session)
    return {"paint": paint, "move": moves}


def run_qualcode(env: dict, path: Path) -> dict:
    command = [str(QUALCODE), "--project", str(path), "--coder", CODER, "tui", "BIG", "--line", "200"]
    session, paint = start(command, "BIG · ", env)
    try:
        shown = time.perf_counter()
        deadline = shown + 30
        while "200 " not in tmux("capture-pane", "-p", "-t", session) and time.perf_counter() < deadline:
            time.sleep(POLL)
        paint_text = paint + time.perf_counter() - shown  # until the transcript's lines are on the screen
        time.sleep(WARM_UP_S)  # let the spaCy warm-up worker finish: we time keys, not the warm-up
        moves = [key_time(session, "Down") for _ in range(MOVES)]
        apply, remove = [], []
        for _ in range(CODINGS):
            key_time(session, "Down", settle=0.1)
            apply.append(key_time(session, "1", settle=0.25))
            remove.append(key_time(session, "1", settle=0.25))
            tmux("send-keys", "-t", session, "Escape")
            time.sleep(0.1)
    finally:
        stop(session)
    return {"paint": paint, "paint_text": paint_text, "move": moves, "apply": apply, "remove": remove}


def main() -> None:
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is not installed (apt-get install tmux)")
    env = {**os.environ, "TERM": "xterm-256color", "QUALCODE_CONFIG": os.devnull}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = build(folder)
        print(f"{LINES:,}-line transcript, tmux {SIZE[0]}x{SIZE[1]}, {os.cpu_count()} CPUs")
        empty = run_empty(env, folder)
        qc = run_qualcode(env, path)
    floor = median_ms(empty["move"])
    rows = [
        ("first paint", empty["paint"] * 1000, qc["paint"] * 1000, 1.5),
        ("lines shown", empty["paint"] * 1000, qc["paint_text"] * 1000, float("nan")),
        ("cursor move", floor, median_ms(qc["move"]), 1.2),
        ("apply a code", floor, median_ms(qc["apply"]), 2.0),
        ("remove a code", floor, median_ms(qc["remove"]), 2.0),
    ]
    print(f"{'':<14} {'empty app':>10} {'qualcode':>10} {'ratio':>7} {'target':>7}")
    for label, base, ours, target in rows:
        ratio = ours / base if base else float("nan")
        verdict = "" if target != target else "ok" if ratio <= target else "MISSED"
        goal = f"{target:>6.1f}x" if target == target else f"{'':>7}"
        print(f"{label:<14} {base:>8.0f}ms {ours:>8.0f}ms {ratio:>6.2f}x {goal}  {verdict}")
    print(
        f"max: cursor {max(qc['move']) * 1000:.0f} ms, apply {max(qc['apply']) * 1000:.0f} ms, "
        f"remove {max(qc['remove']) * 1000:.0f} ms; empty app move max {max(empty['move']) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
