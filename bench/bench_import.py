"""Import benchmark: 200 synthetic transcripts × 1,000 lines.

Prints lines per second for qualcode's import (decode, normalise, number, find
speakers and placeholders, store in one transaction, with and without lemmas)
and the ratio to a baseline measured in the same run: reading the same files and
inserting the same rows with plain ``sqlite3.executemany`` in one transaction, into the
project's own ``lines`` table (its unique index, foreign key, WAL and synchronous=FULL: the
target's baseline) and, for comparison, into a bare table without constraints.

Also imports the same text as 200 WebVTT files (one cue per line, ``<v Speaker>``
voices, the format check and webvtt-py's parse, turns merged and wrapped, times
stored) and prints its time as a ratio to the .txt import (target ≤ 1.5).

    .venv/bin/python bench/bench_import.py [--transcripts 200] [--lines 1000]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = (
    "ja nou eh het gezin de school plannen gepland casus casussen overleg veiligheid nazorg wijkteam "
    "samenwerking regisseur jeugdbescherming huisbezoek afspraak moeder vader kind"
).split()
SPEAKERS = ["M", "R1", "R2", "R3", "R4", "[REGISSEUR 2]"]


def make_corpus(folder: Path, n_transcripts: int, n_lines: int, seed: int = 1) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    for t in range(n_transcripts):
        out = [f"Focusgroep {t} — [GEMEENTE]"]
        while len(out) < n_lines:
            speaker = rng.choice(SPEAKERS)
            turn = rng.randint(1, 5)
            for i in range(turn):
                words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16)))
                if rng.random() < 0.05:
                    words += " [NAAM COLLEGA]"
                out.append(f"{speaker}: {words}" if i == 0 else words)
            if rng.random() < 0.3:
                out.append("")
        path = folder / f"T{t:04d}.txt"
        path.write_text("\n".join(out[:n_lines]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def make_vtt_corpus(folder: Path, txt_paths: list[Path]) -> list[Path]:
    """The same text as WebVTT: one cue per non-blank line, the turn's speaker as ``<v …>``, 2 s a cue."""
    from qualcode.corpus.ingest.speakers import match_label

    out = []
    for path in txt_paths:
        cues, speaker, t = ["WEBVTT", ""], None, 0
        for line in path.read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            label = match_label(line)
            if label is not None:
                speaker, line = label[0], line[label[1] :]
            start, end = t, t + 2
            cues += [
                f"{start // 3600:02d}:{start // 60 % 60:02d}:{start % 60:02d}.000 --> "
                f"{end // 3600:02d}:{end // 60 % 60:02d}:{end % 60:02d}.000"
            ]
            cues += [f"<v {speaker}>{line}</v>" if speaker else line, ""]
            t = end
        vtt = folder / f"{path.stem}.vtt"
        vtt.write_text("\n".join(cues), encoding="utf-8")
        out.append(vtt)
    return out


def project_tables(folder: Path) -> list[str]:
    """The ``CREATE TABLE`` statements of the project's ``transcripts`` and ``lines`` (the schema qualcode writes)."""
    from qualcode.store.project import Project

    with Project.create(folder / "schema.db") as project:
        return [
            r[0]
            for r in project.conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN ('transcripts', 'lines') ORDER BY name"
            )
        ]


def baseline(paths: list[Path], db: Path, tables: list[str] | None = None) -> int:
    """Plain sqlite3: read, decode, split lines, executemany in one transaction.

    With ``tables`` (:func:`project_tables`) into the project's own tables, with its settings (WAL,
    synchronous=FULL, foreign keys): the same rows in the same table, without any of qualcode's decisions.
    Without, into a bare table with no constraint or index (the figure the issue first measured against).
    """
    conn = sqlite3.connect(db, isolation_level=None)
    if tables:
        for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
            conn.execute(f"PRAGMA {pragma}")
        for sql in tables:
            conn.execute(sql)
        insert_transcript = (
            "INSERT INTO transcripts (id, name, source, sha256, imported_at, line_count, guid) "
            "VALUES (?, ?, ?, ?, '', ?, ?)"
        )
        insert_lines = "INSERT INTO lines (transcript_id, n, speaker, turn, raw, text, start, [end]) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    else:
        conn.execute("CREATE TABLE transcripts (id INTEGER PRIMARY KEY, name TEXT, line_count INTEGER)")
        conn.execute(
            "CREATE TABLE lines (id INTEGER PRIMARY KEY, transcript_id INTEGER, n INTEGER, speaker TEXT, "
            "turn INTEGER, raw TEXT, text TEXT)"
        )
        insert_transcript = "INSERT INTO transcripts VALUES (?, ?, ?)"
        insert_lines = "INSERT INTO lines (transcript_id, n, speaker, turn, raw, text) VALUES (?, ?, ?, ?, ?, ?)"
    total = 0
    conn.execute("BEGIN IMMEDIATE")
    for i, path in enumerate(paths, start=1):
        lines = path.read_bytes().decode("utf-8").split("\n")[:-1]
        if tables:
            conn.execute(insert_transcript, (i, path.stem, path.name, str(i), len(lines), str(i)))
            rows = [(i, n, None, 0, line, line, None, None) for n, line in enumerate(lines, start=1)]
        else:
            conn.execute(insert_transcript, (i, path.stem, len(lines)))
            rows = [(i, n, None, 0, line, line) for n, line in enumerate(lines, start=1)]
        conn.executemany(insert_lines, rows)
        total += len(lines)
    conn.execute("COMMIT")
    conn.close()
    return total


def qualcode_import(paths: list[Path], db: Path, *, lemmas: bool) -> int:
    from qualcode.corpus import transcripts
    from qualcode.store.project import Project

    with Project.create(db) as project:
        parsed = transcripts.parse_files(paths)
        transcripts.import_parsed(project, parsed, "bench", annotate=lemmas)
        return project.scalar("SELECT count(*) FROM lines")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--transcripts", type=int, default=200)
    ap.add_argument("--lines", type=int, default=1000)
    ap.add_argument("--skip-lemmas", action="store_true", help="Skip the (slower) import with lemmas.")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_corpus(folder, args.transcripts, args.lines)
        tables = project_tables(folder)
        t0 = time.perf_counter()
        n_bare = baseline(paths, folder / "bare.db")
        t_bare = time.perf_counter() - t0
        t0 = time.perf_counter()
        n_base = baseline(paths, folder / "baseline.db", tables)
        t_base = time.perf_counter() - t0
        t0 = time.perf_counter()
        n_core = qualcode_import(paths, folder / "core.db", lemmas=False)
        t_core = time.perf_counter() - t0
        assert n_core == n_base == n_bare, (n_core, n_base, n_bare)
        print(f"corpus: {args.transcripts} transcripts × {args.lines} lines = {n_base:,} lines")
        print(f"baseline (executemany, bare table):    {t_bare:6.2f} s  {n_bare / t_bare:12,.0f} lines/s")
        print(f"baseline (executemany, project table): {t_base:6.2f} s  {n_base / t_base:12,.0f} lines/s")
        print(
            f"qualcode import (no lemmas):           {t_core:6.2f} s  {n_core / t_core:12,.0f} lines/s  "
            f"ratio {t_core / t_base:.2f}× the project-table baseline (aim ≤ 3), {t_core / t_bare:.2f}× the bare table"
        )
        vtt_paths = make_vtt_corpus(folder / "vtt", paths) if (folder / "vtt").mkdir() is None else []
        t0 = time.perf_counter()
        n_vtt = qualcode_import(vtt_paths, folder / "vtt.db", lemmas=False)
        t_vtt = time.perf_counter() - t0
        print(
            f"qualcode import .vtt (no lemmas): {t_vtt:6.2f} s  {n_vtt:,} lines (turns wrapped at 80)  "
            f"ratio {t_vtt / t_core:.2f}× the .txt import of the same text (target ≤ 1.5)"
        )
        if not args.skip_lemmas:
            t0 = time.perf_counter()
            n_lem = qualcode_import(paths, folder / "lemmas.db", lemmas=True)
            t_lem = time.perf_counter() - t0
            print(
                f"qualcode import (with lemmas):  {t_lem:6.2f} s  {n_lem / t_lem:12,.0f} lines/s  "
                f"ratio {t_lem / t_base:.2f}× the project-table baseline (lemmas cost: see bench_nlp.py for the ratio to spaCy)"
            )


if __name__ == "__main__":
    main()
