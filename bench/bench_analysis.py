"""Analysis benchmark on the scale project: each table's compute time and the Analysis screen's paint time.

    .venv/bin/python bench/bench_analysis.py [--transcripts 1000] [--lines 1000] [--codings 100000] [--keep DIR]

Builds the project with :func:`bench_scale.build` (1,000 transcripts x 1,000 lines, 100,000
codings, 3 coders), loads a participants file (M not a participant, R1-R4 with a ``rol``)
and prints, in this process:

* the one-off reads: lines' turns (cached per project until transcripts change) and the
  codings pass (cached until the event log grows), and scipy's import;
* every table computed from those (crosstab by speaker, transcript and ``rol`` for each unit;
  co-occurrence within lines and turn, with Jaccard), cold (first table, reads included) and warm
  (the first use of a unit includes its distinct-units pass, cached for later groupings);

then, in a child process, the Analysis screen's paint time: F9 pressed to the crosstab and
co-occurrence tables filled, first open (cold, reads included) and second open (warm), with
the time the handlers spent filling the widgets. Targets: each table < 1 s, paint < 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

ROLES = ("regisseur", "jeugdarts", "veilig thuis", "politie", "wijkteam")

PAINT_SCRIPT = """
import asyncio, sys, time
from qualcode.tui.app import create_app
from qualcode.tui.screens import analysis
from textual.widgets import DataTable

fill = {"s": 0.0}
for name in ("_fill_crosstab", "_fill_cooc"):
    original = getattr(analysis.AnalysisScreen, name)
    def timed(self, _original=original):
        t = time.perf_counter()
        _original(self)
        fill["s"] += time.perf_counter() - t
    setattr(analysis.AnalysisScreen, name, timed)

app = create_app(sys.argv[1], "anna")

async def until_filled(pilot, keys, by=None):
    fill["s"] = 0.0
    screen = app.screen
    old = (getattr(screen, "crosstab", None), getattr(screen, "cooc", None))
    t = time.perf_counter()
    await pilot.press(*keys)
    while True:
        await pilot.pause()
        screen = app.screen
        if isinstance(screen, analysis.AnalysisScreen) and screen.crosstab is not None and screen.cooc is not None:
            fresh = screen.crosstab is not old[0] and screen.cooc is not old[1]
            if fresh and (by is None or screen.crosstab.by == by) and screen.query_one("#crosstab-table", DataTable).row_count:
                break
    await pilot.pause()
    return time.perf_counter() - t, fill["s"], screen

async def main():
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        out = []
        cold, cold_fill, screen = await until_filled(pilot, ["f9"])
        out.append(f"first open (cold: reads included; by {screen.crosstab.by}, {len(screen.crosstab.columns)} groups): "
                   f"{cold:.2f} s, widgets {cold_fill:.2f} s")
        await pilot.press("escape")
        await pilot.pause()
        await asyncio.sleep(1.0)  # let the Transcripts screen underneath finish its own reload
        await pilot.pause()
        warm, warm_fill, screen = await until_filled(pilot, ["f9"])
        out.append(f"open again (warm): {warm:.2f} s, widgets {warm_fill:.2f} s")
        spk, spk_fill, screen = await until_filled(pilot, ["b"], by="speaker")
        out.append(f"b to group by speaker ({len(screen.crosstab.columns)} groups, transposed): "
                   f"{spk:.2f} s, widgets {spk_fill:.2f} s")
        print("\\n".join(out), flush=True)

asyncio.run(main())
"""


def participants_csv(path: Path, n_transcripts: int, seed: int = 2) -> None:
    rng = random.Random(seed)
    rows = ["transcript,speaker,rol,deelnemer"]
    for t in range(1, n_transcripts + 1):
        rows.append(f"T{t:04d},M,,nee")
        rows += [f"T{t:04d},R{i},{rng.choice(ROLES)},ja" for i in range(1, 5)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def timed(fn, *args, **kwargs):
    t = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - t, result


def main() -> None:
    import bench_scale

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--transcripts", type=int, default=1000)
    ap.add_argument("--lines", type=int, default=1000)
    ap.add_argument("--codings", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, help="Build (or reuse) the project in this folder and keep it.")
    args = ap.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="qualcode-bench-analysis-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench.db"
    print("load average at start: {:.1f} {:.1f} {:.1f} (2 cores; times scale with it)".format(*os.getloadavg()))
    try:
        from qualcode.analysis import coded, cooccurrence, crosstab, participants
        from qualcode.store.project import Project

        if not path.exists():
            s, _ = timed(bench_scale.build, path, args.transcripts, args.lines, args.codings)
            print(f"built {args.transcripts} transcripts x {args.lines} lines, {args.codings} codings in {s:.1f} s")
        with Project.open(path) as project:
            if not project.scalar("SELECT count(*) FROM participants"):
                csv = folder / "deelnemers.csv"
                participants_csv(csv, args.transcripts)
                s, report = timed(participants.load_file, project, csv, "lead")
                print(f"participants load ({report.read} rows, one event): {s:.2f} s")
        with Project.open(path, readonly=True) as project:
            s, _ = timed(__import__, "scipy.stats")
            print(f"import scipy.stats (once per process): {s:.2f} s")
            s, runs = timed(coded.runs, project)
            print(f"read lines' turns ({len(runs.keys):,} turns; cached until transcripts change): {s:.2f} s")
            s, data = timed(coded.load, project)
            print(
                f"read codings ({len(data.coding_id):,} codings, {len(data.line_n):,} coded lines; cached): {s:.2f} s"
            )
            coded._loaded.clear()
            s, _ = timed(crosstab.crosstab, project, "speaker")
            print(f"first table, cold (codings read again): crosstab by speaker: {s:.2f} s")
            print("warm (from the cached reads):")
            for by in ("speaker", "transcript", "rol"):
                for unit in crosstab.UNITS:
                    cache = coded.load(project).cache
                    for k in [k for k in cache if k[0] == "crosstab"]:
                        del cache[k]  # time the counting, not the table cache
                    s, table = timed(crosstab.crosstab, project, by, unit=unit)
                    shape = f"{len(table.rows)} x {len(table.columns)}"
                    print(f"  crosstab --by {by:<10} --unit {unit:<8} ({shape:>10}): {s:.3f} s")
            for within in cooccurrence.WITHIN:
                for jaccard in (False, True):
                    s, _ = timed(cooccurrence.cooccurrence, project, within=within, jaccard=jaccard)
                    print(f"  cooccurrence --within {within:<5}{' --jaccard' if jaccard else '          '}: {s:.3f} s")
            s, _ = timed(crosstab.crosstab, project, "rol", coders=["anna"])
            print(f"  crosstab --by rol --coder anna (another coder set: codings read again): {s:.3f} s")
        env = {"PYTHONPATH": str(ROOT)}
        r = subprocess.run(
            [sys.executable, "-c", PAINT_SCRIPT, str(path)], env=env, capture_output=True, text=True, timeout=600
        )
        if r.returncode != 0 or not r.stdout.strip():
            print(f"Analysis screen: failed: {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else r.returncode}")
        else:
            print("Analysis screen paint (key pressed to both tables filled and drawn):")
            for line in r.stdout.strip().splitlines():
                print(f"  {line}")
        print("load average at end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
