"""Commands as users run them, each against a baseline measured in the same run (prints figures, asserts nothing).

    .venv/bin/python bench/bench_commands.py [--transcripts 50] [--lines 300] [--codings 1250] [--runs 5]

Builds a project of generated Dutch focus-group transcripts, imports them, and
applies the codings through the batch path (``qualcode code --from codings.csv``,
two coders, every transcript marked done). Then each command runs as a real
process (``python -m qualcode``), ``--runs`` times, and is set against:

=========================================  ==============================================  ======
command                                    baseline                                        target
=========================================  ==============================================  ======
``export docx`` (chart and tables)         a naive python-docx loop over the same quotes   ≤ 1×
``export quotes x.xlsx``                   openpyxl write-only of the same rows            ≤ 3×
``export qdpx``                            SQL + ElementTree + zip of the same data        ≤ 3×
one ``qualcode code``                      ``python -c "import click, sqlite3"``           ≤ 2.5×
``search werken --lemma``                  ``python -c "import click, sqlite3"``           ≤ 4×
the whole batch (``code --from``)          one ``qualcode code``                           ≤ 3×
``agreement --json``                       the statistics alone, as a process (see below)  ≤ 3×
=========================================  ==============================================  ======

Each command runs in turn with its baseline (baseline, command, baseline, command, …),
and its ratio is the median of the ratios of those pairs, their range in brackets:
pairing keeps a ratio meaningful when the machine's speed drifts during the run (on a
shared 2-core machine it does, by a factor of 1.5 within minutes). Medians of wall time
are printed too, with min and max. The batch is set against the median of single
``code`` runs (it runs once).

Every baseline is a process, like the command it is set against (the python-docx and
openpyxl loops pay their imports too). "The statistics alone" is therefore a process
that imports numpy, reads the line units and runs ``stats.analyse`` — no click, no
report, no JSON. The statistics' in-process time is printed as well, with its ratio:
on this small project it is a few milliseconds, below the ~0.1 s any Python process
needs to start, so that ratio measures interpreter start-up rather than the command.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Without PYTHONDONTWRITEBYTECODE (this sandbox sets it): qualcode's modules are then compiled once and
# read from .pyc afterwards, as on a user's machine and as the baselines' libraries are (pip compiles them).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV.update({"PYTHONPATH": str(ROOT), "QUALCODE_CODER": "anna"})
WORDS = (
    "wij plannen een huisbezoek samen met de school en het wijkteam ouders jongere zorg regie veiligheid "
    "nazorg casusoverleg gemeente afspraken werken gewerkt werkte dan nou ja eigenlijk gewoon ook wel niet echt"
).split()
CODES = ("werkwijze", "samenwerking", "veiligheid", "nazorg", "verbeterpunten")

NAIVE_DOCX = """
import json, sys, docx
quotes = json.load(open(sys.argv[1], encoding="utf-8"))
d = docx.Document()
current = None
for q in quotes:
    if q["code"] != current:
        current = q["code"]
        d.add_heading(current, level=2)
    d.add_paragraph(q["text"] + " " + q["citation"], style="Quote")
d.save(sys.argv[2])
"""
NAIVE_XLSX = """
import json, sys
from openpyxl import Workbook
quotes = json.load(open(sys.argv[1], encoding="utf-8"))
wb = Workbook(write_only=True)
ws = wb.create_sheet("quotes")
ws.append(["code", "citation", "text", "coder", "memo"])
for q in quotes:
    ws.append([q["code"], q["citation"], q["text"], q["coder"], q["memo"]])
wb.save(sys.argv[2])
"""
STATS_ALONE = """
import sys
from qualcode.agreement import stats, units
from qualcode.store.project import Project
with Project.open(sys.argv[1], readonly=True) as p:
    _, lu = units.line_units(p)
    stats.analyse(lu)
"""
NAIVE_QDPX = """
import sqlite3, sys, zipfile, xml.etree.ElementTree as ET
conn = sqlite3.connect(sys.argv[1])
root = ET.Element("Project", name="bench")
codebook = ET.SubElement(ET.SubElement(root, "CodeBook"), "Codes")
for cid, name in conn.execute("SELECT id, name FROM codes"):
    ET.SubElement(codebook, "Code", guid=str(cid), name=name, isCodable="true")
sources = ET.SubElement(root, "Sources")
texts = {}
for tid, name in conn.execute("SELECT id, name FROM transcripts"):
    texts[tid] = "\\n".join(r[0] for r in conn.execute("SELECT raw FROM lines WHERE transcript_id = ? ORDER BY n", (tid,)))
    ET.SubElement(sources, "TextSource", guid=str(tid), name=name, plainTextPath=f"internal://{tid}.txt")
for cid, tid, code_id, first, last in conn.execute("SELECT id, transcript_id, code_id, first_line, last_line FROM codings"):
    sel = ET.SubElement(sources, "PlainTextSelection", guid=str(cid), startPosition=str(first), endPosition=str(last))
    ET.SubElement(ET.SubElement(sel, "Coding", guid=f"c{cid}"), "CodeRef", targetGUID=str(code_id))
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("project.qde", ET.tostring(root, encoding="utf-8"))
    for tid, text in texts.items():
        z.writestr(f"sources/{tid}.txt", text)
"""


def qualcode(*args: str, cwd: Path) -> list[str]:
    return [sys.executable, "-m", "qualcode", "--project", str(cwd / "bench.db"), *args]


def run(cmd: list[str], cwd: Path) -> float:
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{r.stderr}")
    return elapsed


def make_transcripts(folder: Path, n: int, lines: int, rng: random.Random) -> list[Path]:
    paths = []
    for t in range(1, n + 1):
        rows = []
        for i in range(lines):
            body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))
            rows.append(f"{rng.choice(('M', 'R1', 'R2', 'R3'))}: {body}" if i == 0 or rng.random() < 0.2 else body)
        path = folder / f"FG{t}.txt"
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def make_codings(path: Path, n_transcripts: int, lines: int, total: int, rng: random.Random) -> None:
    seen = set()
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["transcript", "ranges", "code", "coder"])
        while len(seen) < total:
            t, code, coder = rng.randint(1, n_transcripts), rng.choice(CODES), rng.choice(("anna", "bram"))
            a = rng.randint(1, lines - 8)
            ranges = f"{a}-{a + rng.randint(0, 7)}"
            if (t, ranges, code, coder) not in seen:
                seen.add((t, ranges, code, coder))
                w.writerow([f"FG{t}", ranges, code, coder])


def line(label: str, times: list[float], base: list[float] | None = None, target: str = "") -> None:
    med = statistics.median(times)
    text = f"{label:<44} median {med:6.3f} s  (min {min(times):.3f}, max {max(times):.3f})"
    if base:
        text += f"   ratio {med / statistics.median(base):5.2f}×  target {target}"
    print(text, flush=True)


def paired(
    base: list[str], cmd: list[str] | Callable[[int], list[str]], cwd: Path, runs: int
) -> tuple[list[float], list[float]]:
    """Times of ``cmd`` and ``base``, run in turn (base first); ``cmd`` may take the run's number."""
    times, base_times = [], []
    for i in range(runs):
        base_times.append(run(base, cwd))
        times.append(run(cmd(i) if callable(cmd) else cmd, cwd))
    return times, base_times


def compare(label: str, times: list[float], base: list[float], target: str) -> None:
    """A command's line with its paired ratio: the median of time / baseline time, pair by pair."""
    ratios = sorted(t / b for t, b in zip(times, base))
    med = statistics.median(times)
    print(
        f"{label:<44} median {med:6.3f} s  (min {min(times):.3f}, max {max(times):.3f})   "
        f"ratio {statistics.median(ratios):5.2f}× ({ratios[0]:.2f}–{ratios[-1]:.2f}, paired)  target {target}",
        flush=True,
    )


def statistics_alone(db: Path) -> float:
    from qualcode.agreement import stats, units
    from qualcode.store.project import Project

    with Project.open(db, readonly=True) as p:
        _, lu = units.line_units(p)
        t = time.perf_counter()
        stats.analyse(lu)
        return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--transcripts", type=int, default=50)
    ap.add_argument("--lines", type=int, default=300)
    ap.add_argument("--codings", type=int, default=1250)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="build the project in this (new) folder and keep it")
    args = ap.parse_args()
    rng = random.Random(19)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.keep:
            args.keep.mkdir(parents=True)
            work = args.keep.resolve()
        paths = make_transcripts(work, args.transcripts, args.lines, rng)
        run(qualcode("init", "--codebook", str(ROOT / "codebooks" / "default.yaml"), cwd=work), work)
        t_import = run(qualcode("import", *map(str, paths), cwd=work), work)
        print(f"project: {args.transcripts} transcripts × {args.lines} lines (import {t_import:.2f} s)")
        make_codings(work / "codings.csv", args.transcripts, args.lines, args.codings, rng)
        batch = run(qualcode("code", "--from", str(work / "codings.csv"), cwd=work), work)
        for coder in ("anna", "bram"):
            for t in range(1, args.transcripts + 1):
                subprocess.run(qualcode("--coder", coder, "done", f"FG{t}", cwd=work), env=ENV, capture_output=True)
        quotes = subprocess.run(
            qualcode("codings", "--coder", "anna", "--json", cwd=work),
            env=ENV,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        (work / "quotes.json").write_text(quotes, encoding="utf-8")
        n_quotes = len(json.loads(quotes))
        print(f"codings: {args.codings} through `code --from` in {batch:.2f} s; anna's quotes: {n_quotes}\n")

        py = [sys.executable, "-c"]
        floor_cmd = [*py, "import click, sqlite3"]

        def one_code(k: int) -> list[str]:
            return qualcode("--coder", f"solo{k}", "code", "FG1", f"{1 + k % 200}", "nazorg", cwd=work)

        one, floor = paired(floor_cmd, one_code, work, args.runs)
        line('python -c "import click, sqlite3"', floor)
        compare("one `qualcode code`", one, floor, "≤ 2.5×")
        found, floor = paired(floor_cmd, qualcode("search", "werken", "--lemma", cwd=work), work, args.runs)
        line('python -c "import click, sqlite3"', floor)
        compare("search werken --lemma", found, floor, "≤ 4×")
        line(f"the {args.codings}-row batch (code --from)", [batch], one, "≤ 3×")

        naive_cmd = [*py, NAIVE_DOCX, str(work / "quotes.json"), str(work / "naive.docx")]
        docx_cmd = qualcode("export", "docx", str(work / "r.docx"), "--coder", "anna", cwd=work)
        docx_t, naive = paired(naive_cmd, docx_cmd, work, args.runs)
        line("naive python-docx loop", naive)
        compare("export docx (chart, tables)", docx_t, naive, "≤ 1×")

        naive_cmd = [*py, NAIVE_XLSX, str(work / "quotes.json"), str(work / "naive.xlsx")]
        xlsx_cmd = qualcode("export", "quotes", str(work / "q.xlsx"), "--coder", "anna", cwd=work)
        xlsx_t, naive_x = paired(naive_cmd, xlsx_cmd, work, args.runs)
        line("openpyxl write-only, same rows", naive_x)
        compare("export quotes .xlsx", xlsx_t, naive_x, "≤ 3×")

        naive_cmd = [*py, NAIVE_QDPX, str(work / "bench.db"), str(work / "naive.qdpx")]
        qdpx_t, naive_q = paired(naive_cmd, qualcode("export", "qdpx", str(work / "p.qdpx"), cwd=work), work, args.runs)
        line("SQL + XML + zip, same data", naive_q)
        compare("export qdpx", qdpx_t, naive_q, "≤ 3×")

        alone = [statistics_alone(work / "bench.db") for _ in range(args.runs)]
        line("agreement statistics alone (in-process)", alone)
        stats_cmd = [*py, STATS_ALONE, str(work / "bench.db")]
        agreement, alone_process = paired(stats_cmd, qualcode("agreement", "--json", cwd=work), work, args.runs)
        line("agreement statistics alone (a process)", alone_process)
        compare("agreement --json", agreement, alone_process, "≤ 3×")
        line("agreement --json (vs in-process statistics)", agreement, alone, "(start-up bound)")


if __name__ == "__main__":
    main()
