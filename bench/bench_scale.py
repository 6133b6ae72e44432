"""Scale benchmark: 1,000 transcripts x 1,000 lines, 100,000 codings by 3 coders.

    .venv/bin/python bench/bench_scale.py [--transcripts 1000] [--lines 1000] [--codings 100000] [--keep DIR]

Builds a valid project directly (bulk ``executemany`` in transactions, with the
same rows, hashes and events the core would write, so ``qualcode check`` passes),
then prints the file size and the time and peak memory (``ru_maxrss`` of the
child process, via ``os.wait4``) of: opening the project (read-only, and for
writing — which includes the backup on open), the TUI to first paint,
``qualcode codings --json``, ``qualcode agreement --json`` and ``qualcode check``.
Targets: open < 1 s, each command < 3 s, peak memory < 500 MB.
"""

from __future__ import annotations

import argparse
import json
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

WORDS = (
    "wij plannen een huisbezoek samen met de school het wijkteam ouders jongere zorg regie veiligheid "
    "nazorg casusoverleg gemeente afspraken dan nou ja eigenlijk gewoon ook wel niet echt heel"
).split()
CODERS = ("anna", "bram", "carla")


def build(path: Path, n_transcripts: int, n_lines: int, n_codings: int, seed: int = 1) -> None:
    from qualcode.coding import codebook
    from qualcode.corpus.ingest.build import text_sha256
    from qualcode.store.project import Project, new_guid, now

    rng = random.Random(seed)
    stamp = now()
    with Project.create(path) as p:
        codebook.load(p, ROOT / "codebooks" / "default.yaml", "lead")
        code_ids = [r["id"] for r in p.query("SELECT id FROM codes")]
        with p.transaction("import", "lead", f"import {n_transcripts} transcripts (bench)", kind="log") as tx:
            for t in range(1, n_transcripts + 1):
                raws, rows = [], []
                speaker, turn = "M", 0
                for n in range(1, n_lines + 1):
                    if n == 1 or rng.random() < 0.15:
                        speaker = rng.choice(("M", "R1", "R2", "R3", "R4"))
                        turn += 1  # a label line starts a new turn, as ingest numbers them
                        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))
                        raw = f"{speaker}: {body}"
                    else:
                        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))
                        raw = body
                    raws.append(raw)
                    rows.append((t, n, speaker, turn, raw, body))
                tid = tx.insert(
                    "transcripts",
                    {
                        "id": t,
                        "name": f"T{t:04d}",
                        "source": f"T{t:04d}.txt",
                        "sha256": text_sha256(raws),
                        "imported_at": stamp,
                        "line_count": n_lines,
                        "encoding": "utf-8",
                        "numbered": 0,
                        # the attributes transcripts.store() writes (placeholders, speakers in order of appearance)
                        "attributes": json.dumps(
                            {"placeholders": [], "speakers": list(dict.fromkeys(r[2] for r in rows))}
                        ),
                        "guid": new_guid(),
                    },
                )
                tx.conn.executemany(
                    "INSERT INTO lines (transcript_id, n, speaker, turn, raw, text) VALUES (?, ?, ?, ?, ?, ?)", rows
                )
                assert tid == t
        # one event per coding, as codings.apply writes them
        p.conn.execute("BEGIN IMMEDIATE")
        coding_rows, event_rows = [], []
        seen = set()
        next_id = 1
        while len(coding_rows) < n_codings:
            t = rng.randint(1, n_transcripts)
            coder = CODERS[len(coding_rows) % 3]
            a = rng.randint(1, n_lines)
            b = min(n_lines, a + rng.randint(0, 12))
            code = rng.choice(code_ids)
            if (t, code, coder, a, b) in seen:
                continue
            seen.add((t, code, coder, a, b))
            ranges = str(a) if a == b else f"{a}-{b}"
            row = {
                "id": next_id,
                "transcript_id": t,
                "code_id": code,
                "coder": coder,
                "ranges": ranges,
                "first_line": a,
                "last_line": b,
                "memo": "",
                "created_at": stamp,
                "updated_at": stamp,
                "guid": new_guid(),
            }
            coding_rows.append(tuple(row.values()))
            change = [{"op": "insert", "table": "codings", "pk": {"id": next_id}, "before": None, "after": row}]
            event_rows.append(
                (
                    stamp,
                    coder,
                    "code",
                    "do",
                    None,
                    f"code T{t:04d} {ranges}",
                    json.dumps(change, ensure_ascii=False, separators=(",", ":")),
                )
            )
            next_id += 1
        p.conn.executemany(
            "INSERT INTO codings (id, transcript_id, code_id, coder, ranges, first_line, last_line, "
            "memo, created_at, updated_at, guid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            coding_rows,
        )
        insert_events(p.conn, event_rows)
        # everybody finished every transcript, so agreement covers all of it
        pid = 1
        done_events = []
        for coder in CODERS:
            for t in range(1, n_transcripts + 1):
                row = {"id": pid, "coder": coder, "transcript_id": t, "done_at": stamp}
                p.conn.execute(
                    "INSERT INTO progress (id, coder, transcript_id, done_at) VALUES (?, ?, ?, ?)", tuple(row.values())
                )
                change = [{"op": "insert", "table": "progress", "pk": {"id": pid}, "before": None, "after": row}]
                done_events.append(
                    (stamp, coder, "done", "do", None, f"mark T{t:04d} done", json.dumps(change, separators=(",", ":")))
                )
                pid += 1
        insert_events(p.conn, done_events)
        p.conn.execute("COMMIT")
        p.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def insert_events(conn, rows) -> None:
    """Events as the core writes them: each chained to the one before by its hash (schema 4), so `check` passes."""
    from qualcode.store import seals

    last = conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    event_id, previous = (last[0], last[1] or "") if last else (0, "")
    chained = []
    for row in rows:
        event_id += 1
        previous = seals.event_hash(previous, (event_id, *row))
        chained.append((event_id, *row, previous))
    conn.executemany(
        "INSERT INTO events (id, at, coder, action, kind, ref, summary, changes, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        chained,
    )


WRAPPER = """
import os, subprocess, sys, time, json
t = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = p.stderr.read()
_, status, usage = os.wait4(p.pid, 0)
print(json.dumps({"s": time.perf_counter() - t, "peak_mb": usage.ru_maxrss / 1024,
                  "rc": os.waitstatus_to_exitcode(status), "err": err.decode(errors="replace").strip()[-300:]}))
"""


def run_measured(args: list[str], cwd: Path, env: dict) -> dict:
    r = subprocess.run([sys.executable, "-c", WRAPPER, *args], cwd=cwd, env=env, capture_output=True, text=True)
    return json.loads(r.stdout)


OPEN_SCRIPT = """
import sys, time
t = time.perf_counter()
from qualcode.store.project import Project
p = Project.open(sys.argv[1], readonly=sys.argv[2] == "ro")
print(f"{time.perf_counter() - t:.3f}")
"""

TUI_SCRIPT = """
import asyncio, sys, time
t = time.perf_counter()
from qualcode.tui.app import create_app
app = create_app(sys.argv[1], "anna", sys.argv[2] or None)
async def main():
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        print(f"{time.perf_counter() - t:.3f}", flush=True)
asyncio.run(main())
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--transcripts", type=int, default=1000)
    ap.add_argument("--lines", type=int, default=1000)
    ap.add_argument("--codings", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, help="Build (or reuse) the project in this folder and keep it.")
    args = ap.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="qualcode-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUALCODE_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update({"PYTHONPATH": str(ROOT), "QUALCODE_CODER": "anna"})
    try:
        if not path.exists():
            t = time.perf_counter()
            build(path, args.transcripts, args.lines, args.codings)
            print(
                f"built {args.transcripts} transcripts x {args.lines} lines, {args.codings} codings by "
                f"{len(CODERS)} coders in {time.perf_counter() - t:.1f} s"
            )
        print(f"project file size: {path.stat().st_size / 1e6:.1f} MB")

        def timed_script(script: str, *extra: str) -> str:
            r = subprocess.run(
                [sys.executable, "-c", script, str(path), *extra], env=env, capture_output=True, text=True
            )
            return (
                r.stdout.strip().splitlines()[-1]
                if r.returncode == 0 and r.stdout.strip()
                else f"failed: {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else r.returncode}"
            )

        print(f"open read-only: {timed_script(OPEN_SCRIPT, 'ro')} s")
        shutil.rmtree(folder / "backups", ignore_errors=True)
        print(f"open for writing, first of the day (includes the backup): {timed_script(OPEN_SCRIPT, 'rw')} s")
        print(f"open for writing again (no backup needed): {timed_script(OPEN_SCRIPT, 'rw')} s")
        try:
            import qualcode.tui.app as tui_app  # noqa: F401

            has_tui = hasattr(tui_app, "create_app")
        except Exception:
            has_tui = False
        if has_tui:
            print(f"TUI first paint, transcript list: {timed_script(TUI_SCRIPT, '')} s")
            middle = f"T{max(1, args.transcripts // 2):04d}"
            print(f"TUI first paint, coding screen on {middle}: {timed_script(TUI_SCRIPT, middle)} s")
        else:
            print("TUI first paint: n/a (qualcode.tui.app.create_app does not exist yet)")
        for name, cmd in (
            ("codings --json", ["codings", "--json"]),
            ("agreement --json", ["agreement", "--json"]),
            ("check", ["check"]),
        ):
            m = run_measured([sys.executable, "-m", "qualcode", *cmd, "--project", str(path)], folder, env)
            status = "" if m["rc"] == 0 else f"  (exit {m['rc']}: {m['err'].splitlines()[-1] if m['err'] else ''})"
            print(f"qualcode {name}: {m['s']:.2f} s, peak {m['peak_mb']:.0f} MB{status}")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
