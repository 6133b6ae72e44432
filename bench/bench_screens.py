"""Every workbench screen: time from the key that opens it to its first frame, and to its content.

    python bench/bench_screens.py [--project PATH --coder NAME --transcript NAME] [--runs 2]

Without ``--project`` the demo project is built in a temporary folder (``qualcode demo``'s data,
coder anna). With ``--project`` that file is opened **read-only in spirit**: screens are opened and
closed, nothing is coded — but pass a copy of a project you care about all the same (the workbench
writes nothing on opening a screen, yet a migration would run on an older file).

For each screen (Transcripts at start-up, Coding, Codebook, Quotes, Search, Agreement, Export,
Privacy audit, Analysis, Summaries, Participants) it presses the screen's key through Textual's Pilot and prints:

* **first frame** — from the key press until the new screen's first compositor refresh (its first
  frame: content or a loading indicator). Target: < 0.5 s;
* **ready** — until the screen has no running worker and no widget with ``loading`` set (its
  content is there). No target: heavy work runs in a worker behind a loading indicator.

Each screen is opened ``--runs`` times (the first open is cold: its module's import and the
project's caches; later opens are warm) and closed again between. Then Ctrl+F as the CLI starts the
workbench (with the language warm-up): a word of the corpus, a plain word (the lemma lookup table) and
a query with punctuation (spaCy's pipeline), each searched twice — the first time should be as fast as
the second. Figures only, no assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# screen name → (key that opens it, the screen's class name); "coding" is Enter on the Transcripts screen
SCREENS = [
    ("coding", "enter", "CodingScreen"),
    ("codebook", "f3", "CodebookScreen"),
    ("quotes", "f4", "QuotesScreen"),
    ("search", "ctrl+f", "SearchScreen"),
    ("agreement", "f6", "AgreementScreen"),
    ("export", "f7", "ExportScreen"),
    ("audit", "f8", "AuditScreen"),
    ("analysis", "f9", "AnalysisScreen"),
    ("summaries", "f10", "SummariesScreen"),
    ("participants", "p", "ParticipantsScreen"),
]
READY_TIMEOUT_S = 120.0


class FirstFrames:
    """Records the time of each screen's first compositor refresh (its first frame)."""

    def __init__(self) -> None:
        self.first: dict[int, float] = {}

    def install(self) -> None:
        from textual.screen import Screen

        original = Screen._compositor_refresh
        frames = self

        def refresh(screen: Screen) -> None:
            original(screen)
            frames.first.setdefault(id(screen), time.perf_counter())

        Screen._compositor_refresh = refresh  # type: ignore[method-assign]


def busy(screen) -> bool:
    """Work still under way on ``screen``: a running worker of it, or a widget showing its loading indicator."""
    from textual.worker import WorkerState

    for worker in screen.app.workers:
        if worker.state in (WorkerState.PENDING, WorkerState.RUNNING) and worker.node is screen:
            return True
    if getattr(screen, "_load_pending", False):
        return True
    return any(getattr(w, "loading", False) for w in screen.query("*"))


async def open_screen(app, pilot, frames: FirstFrames, key: str, cls: str) -> tuple[float, float]:
    """Press ``key``; seconds to the new screen's first frame and to its content being ready."""
    before = app.screen
    t = time.perf_counter()
    await pilot.press(key)
    deadline = t + READY_TIMEOUT_S
    while (app.screen is before or type(app.screen).__name__ != cls) and time.perf_counter() < deadline:
        await pilot.pause()
    screen = app.screen
    while id(screen) not in frames.first and time.perf_counter() < deadline:
        await pilot.pause()
    first = frames.first.get(id(screen), float("nan")) - t
    while busy(screen) and time.perf_counter() < deadline:
        await asyncio.sleep(0.01)
        await pilot.pause()
    ready = time.perf_counter() - t
    return first, ready


async def close_screen(app, pilot) -> None:
    while type(app.screen).__name__ != "TranscriptsScreen":
        app.pop_screen()
        await pilot.pause()
    while busy(app.screen):
        await asyncio.sleep(0.01)
        await pilot.pause()


async def run(
    path: Path, coder: str, transcript: str | None, runs: int, wanted: list[str]
) -> dict[str, list[tuple[float, float]]]:
    from qualcode.tui.app import create_app

    frames = FirstFrames()
    frames.install()
    results: dict[str, list[tuple[float, float]]] = {}
    t = time.perf_counter()
    app = create_app(path, coder)
    async with app.run_test(size=(160, 45)) as pilot:
        while type(app.screen).__name__ != "TranscriptsScreen" or id(app.screen) not in frames.first:
            await pilot.pause()
        first = frames.first[id(app.screen)] - t
        while busy(app.screen):
            await asyncio.sleep(0.01)
            await pilot.pause()
        results["transcripts (start)"] = [(first, time.perf_counter() - t)]
        for name, key, cls in SCREENS:
            for _ in range(runs if name in wanted else 0):
                if name == "coding" and transcript:
                    table = app.screen.query_one("DataTable")
                    table.move_cursor(row=table.get_row_index(transcript))
                results.setdefault(name, []).append(await open_screen(app, pilot, frames, key, cls))
                await close_screen(app, pilot)
    return results


SEARCHES = ("werken", "overleggen", "auto's")  # a word of the corpus, a plain word, a query with punctuation


async def searches(path: Path, coder: str) -> list[tuple[str, float, float]]:
    """Ctrl+F as a user starts it: the app with preloading (as the CLI runs it), 2 s after the first paint
    the Search screen, each query typed and Enter pressed: seconds until its hits are shown, first and second
    time. The query is typed in 0.5 s (a fast typist)."""
    from qualcode.tui.app import create_app

    app = create_app(path, coder, preload_language=True)
    out = []
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await asyncio.sleep(2.0)
        await pilot.press("ctrl+f")
        await pilot.pause()
        screen = app.screen
        for query in SEARCHES:
            times = []
            for _ in range(2):
                await pilot.press("ctrl+l")
                for ch in query:
                    await pilot.press(ch)
                    await asyncio.sleep(0.5 / len(query))
                t = time.perf_counter()
                await pilot.press("enter")
                await pilot.pause()
                while screen.searching:
                    await asyncio.sleep(0.005)
                    await pilot.pause()
                times.append(time.perf_counter() - t)
            out.append((query, times[0], times[1]))
    return out


def demo_project(folder: Path) -> Path:
    from qualcode.demo import build_demo

    path = folder / "demo.db"
    build_demo(path).close()
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--project", type=Path, help="Open this project (use a copy); default: a fresh demo project.")
    ap.add_argument("--coder", default="anna")
    ap.add_argument("--transcript", help="The transcript the Coding screen opens (default: the first).")
    ap.add_argument("--runs", type=int, default=2, help="Opens per screen (the first is cold).")
    ap.add_argument("--screens", help="Comma-separated screen names (default: all).")
    ap.add_argument("--no-search", dest="search", action="store_false", help="Leave out the Ctrl+F searches.")
    ap.add_argument("--search-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not args.search_only:
        print("load average at start: {:.1f} {:.1f} {:.1f} (2 cores; times scale with it)".format(*os.getloadavg()))
    with tempfile.TemporaryDirectory() as folder:
        path = args.project or demo_project(Path(folder))
        wanted = args.screens.split(",") if args.screens else [name for name, _, _ in SCREENS]
        if args.search_only:
            for query, first, second in asyncio.run(searches(path, args.coder)):
                print(f"Ctrl+F {query!r:<14} Enter to hits shown: first {first:6.3f} s, again {second:6.3f} s")
            return
        results = asyncio.run(run(path, args.coder, args.transcript, args.runs, wanted))
        found = ""
        if args.search:  # in a fresh process: the screens above may have loaded spaCy (the privacy audit does)
            command = [sys.executable, __file__, "--search-only", "--project", str(path), "--coder", args.coder]
            found = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    print(f"{path.name}: key → first frame (target < 0.5 s) and key → content ready, per open (cold first)")
    print(f"{'screen':<20} {'first frame':>24} {'ready':>24}")
    for name, figures in results.items():
        firsts = "  ".join(f"{f:6.3f}" for f, _ in figures)
        readies = "  ".join(f"{r:6.3f}" for _, r in figures)
        flag = "  MISSED" if max(f for f, _ in figures) > 0.5 else ""
        print(f"{name:<20} {firsts:>24} {readies:>24}{flag}")
    print(found, end="")
    print("load average at end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
