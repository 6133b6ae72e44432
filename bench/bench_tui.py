"""Benchmark of the workbench: a generated 20,000-line transcript opened through Pilot.

Prints the time to first paint of the Coding screen, median and 95th percentile per key press over
300 cursor moves and 50 code/undo pairs, and the wall time of ``qualcode --help``. Figures only,
no assertions. Run: ``.venv/bin/python bench/bench_tui.py``.
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

from qualcode import codebook, transcripts
from qualcode.demo import repository_root
from qualcode.project import Project

LINES = 20_000
CODER = "bench"


def make_transcript(path: Path) -> None:
    rnd = random.Random(1)
    words = ("wij werken met gezinnen en de school belt dan vaak de huisarts over het plan maar niemand weet "
             "wie de regie heeft na een crisis het veiligheidsplan ligt in een la en het casusoverleg").split()
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
    codebook.load(project, repository_root() / "codebooks" / "default.yaml", CODER)
    transcripts.import_files(project, [source], CODER)
    project.close()
    return path


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def run(path: Path) -> dict:
    from qualcode.tui.app import create_app
    from qualcode.tui.screens.coding import CodingScreen

    t0 = time.perf_counter()
    app = create_app(path, CODER, "BIG")
    async with app.run_test(size=(120, 40)) as pilot:
        while not isinstance(app.screen, CodingScreen):
            await pilot.pause()
        await pilot.pause()
        first_paint = time.perf_counter() - t0
        moves = []
        keys = ["down"] * 100 + ["pagedown"] * 50 + ["up"] * 50 + ["pageup"] * 50 + ["j"] * 50
        for key in keys:
            t = time.perf_counter()
            await pilot.press(key)
            moves.append(time.perf_counter() - t)
        await pilot.press("end")
        await pilot.pause()
        coding = []
        for i in range(50):
            await pilot.press("up")
            for key in ("1", "u"):
                t = time.perf_counter()
                await pilot.press(key)
                coding.append(time.perf_counter() - t)
    return {"first_paint": first_paint, "moves": moves, "coding": coding}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        t = time.perf_counter()
        path = build(Path(folder))
        print(f"built a {LINES:,}-line project in {time.perf_counter() - t:.2f} s")
        result = asyncio.run(run(path))
    ms = 1000
    print(f"Coding screen, time to first paint: {result['first_paint']:.3f} s (target < 0.5 s)")
    for label, values in (("cursor move", result["moves"]), ("code/undo key", result["coding"])):
        print(f"{label:>14} ({len(values)} presses): median {statistics.median(values) * ms:.1f} ms, "
              f"p95 {pct(values, 95) * ms:.1f} ms (target median < 20 ms)")
    qualcode = Path(sys.executable).with_name("qualcode")
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([str(qualcode), "--help"], capture_output=True, check=True)
        runs.append(time.perf_counter() - t)
    print(f"qualcode --help: median {statistics.median(runs):.3f} s over 5 runs (target < 0.3 s)")


if __name__ == "__main__":
    main()
