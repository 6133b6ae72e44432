"""Benchmark of the workbench: a generated 20,000-line transcript opened through Pilot.

Prints the time to first paint of the Coding screen, median and 95th percentile per key press over
300 cursor moves and 50 code/undo pairs, and the wall time of ``qualcode --help``. Figures only,
no assertions. Run: ``.venv/bin/python bench/bench_tui.py``.

A key press through Pilot includes Pilot's own waiting (an empty Textual app costs tens of ms per
``pilot.press`` on a loaded machine), so each key is also split into the time spent in qualcode's own
code: the key's handlers (the action and the message handlers it sets off) and our drawing
(``render_line`` of the transcript, the side panels' redraws). Textual's compositing and layout is
what is left.
Targets: open < 0.5 s, median key press < 20 ms, ``qualcode --help`` < 0.3 s.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qualcode.coding import codebook
from qualcode.corpus import transcripts
from qualcode.demo import DATA
from qualcode.store.project import Project

LINES = 20_000
CODER = "bench"


def make_transcript(path: Path) -> None:
    rnd = random.Random(1)
    words = (
        "wij werken met gezinnen en de school belt dan vaak de huisarts over het plan maar niemand weet "
        "wie de regie heeft na een crisis het veiligheidsplan ligt in een la en het casusoverleg"
    ).split()
    out, speaker = [], 0
    while len(out) < LINES:
        speaker = (speaker + 1) % 6
        label = "M" if speaker == 0 else f"R{speaker}"
        for i in range(rnd.randint(1, 4)):
            text = " ".join(rnd.choice(words) for _ in range(rnd.randint(8, 16)))
            out.append((f"{label}: " if i == 0 else "") + text)
        out.append("")
    path.write_text("\n".join(out[:LINES]) + "\n", encoding="utf-8")


def build(folder: Path) -> Path:
    source = folder / "BIG.txt"
    make_transcript(source)
    path = folder / "bench.db"
    project = Project.create(path)
    codebook.load(project, DATA / "codebooks" / "default.yaml", CODER)
    transcripts.import_files(project, [source], CODER)
    project.close()
    return path


class Stopwatch:
    """Adds up the time spent inside wrapped methods (outermost call only) per category."""

    def __init__(self) -> None:
        self.totals = {"handler": 0.0, "draw": 0.0}
        self.depth = 0

    def wrap(self, cls, name: str, category: str) -> None:
        fn = getattr(cls, name)
        watch = self

        def timed(*args, **kwargs):
            if watch.depth:
                return fn(*args, **kwargs)
            watch.depth += 1
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                watch.totals[category] += time.perf_counter() - t
                watch.depth -= 1

        setattr(cls, name, timed)

    def snapshot(self) -> tuple[float, float]:
        return self.totals["handler"], self.totals["draw"]


def install(watch: Stopwatch) -> None:
    from qualcode.tui.screens.coding import CodingScreen
    from qualcode.tui.widgets.code_panel import CodebookPanel, LinePanel
    from qualcode.tui.widgets.transcript_view import TranscriptView

    for name in (
        "action_cursor_down",
        "action_cursor_up",
        "action_page_down",
        "action_page_up",
        "action_first",
        "action_last",
    ):
        watch.wrap(TranscriptView, name, "handler")
    for name in ("action_toggle_code", "action_undo"):
        watch.wrap(CodingScreen, name, "handler")
    for cls in CodingScreen.__mro__:  # message handlers of the screen and its mixins
        for name, fn in list(vars(cls).items()):
            if callable(fn) and (name == "cursor_moved" or name.startswith("on_transcript_view")):
                watch.wrap(CodingScreen, name, "handler")
    watch.wrap(TranscriptView, "render_line", "draw")
    watch.wrap(LinePanel, "_flush", "draw")
    watch.wrap(CodebookPanel, "show", "draw")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def run(path: Path) -> dict:
    from qualcode.tui.app import create_app
    from qualcode.tui.screens.coding import CodingScreen

    watch = Stopwatch()
    install(watch)
    t0 = time.perf_counter()
    app = create_app(path, CODER, "BIG")
    async with app.run_test(size=(120, 40)) as pilot:
        while not isinstance(app.screen, CodingScreen):
            await pilot.pause()
        await pilot.pause()
        first_paint = time.perf_counter() - t0

        async def press(key: str, into: dict) -> None:
            handler, draw = watch.snapshot()
            t = time.perf_counter()
            await pilot.press(key)
            into["pilot"].append(time.perf_counter() - t)
            now_handler, now_draw = watch.snapshot()
            into["handler"].append(now_handler - handler)
            into["draw"].append(now_draw - draw)

        moves = {"pilot": [], "handler": [], "draw": []}
        keys = ["down"] * 100 + ["pagedown"] * 50 + ["up"] * 50 + ["pageup"] * 50 + ["j"] * 50
        for key in keys:
            await press(key, moves)
        await pilot.press("end")
        await pilot.pause()
        coding = {"pilot": [], "handler": [], "draw": []}
        for i in range(50):
            await pilot.press("up")
            for key in ("1", "u"):
                await press(key, coding)
    return {"first_paint": first_paint, "moves": moves, "coding": coding}


async def pilot_baseline() -> list[float]:
    """Per key press through Pilot in an app that does nothing: Pilot's and Textual's floor on this machine."""
    from textual.app import App
    from textual.widgets import Footer, Static

    class Empty(App):
        def compose(self):
            yield Static("empty")
            yield Footer()

    times = []
    t0 = time.perf_counter()
    async with Empty().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        times.append(time.perf_counter() - t0)  # first paint of an app that does nothing
        for _ in range(100):
            t = time.perf_counter()
            await pilot.press("down")
            times.append(time.perf_counter() - t)
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        t = time.perf_counter()
        path = build(Path(folder))
        print(f"built a {LINES:,}-line project in {time.perf_counter() - t:.2f} s")
        result = asyncio.run(run(path))
    ms = 1000
    empty_paint, *baseline = asyncio.run(pilot_baseline())
    print(
        f"Pilot floor: an app that does nothing, median {statistics.median(baseline) * ms:.1f} ms per key press, "
        f"first paint {empty_paint:.3f} s"
    )
    print(
        f"Coding screen, time to first paint: {result['first_paint']:.3f} s (target < 0.5 s; "
        f"{result['first_paint'] - empty_paint:.3f} s more than the empty app)"
    )
    for label, figures in (("cursor move", result["moves"]), ("code/undo key", result["coding"])):
        values = figures["pilot"]
        print(
            f"{label:>14} ({len(values)} presses): median {statistics.median(values) * ms:.1f} ms, "
            f"p95 {pct(values, 95) * ms:.1f} ms through Pilot (target median < 20 ms)"
        )
        for part, what in (("handler", "our key handlers"), ("draw", "our drawing")):
            values = figures[part]
            print(
                f"{'':>14}   {what:<17} median {statistics.median(values) * ms:6.2f} ms, "
                f"p95 {pct(values, 95) * ms:6.2f} ms"
            )
    qualcode = Path(sys.executable).with_name("qualcode")
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([str(qualcode), "--help"], capture_output=True, check=True)
        runs.append(time.perf_counter() - t)
    print(f"qualcode --help: median {statistics.median(runs):.3f} s over 5 runs (target < 0.3 s)")


if __name__ == "__main__":
    main()
