"""Time the Word export of 10,000 quotes against a naive python-docx loop (prints figures, asserts nothing).

The project: 5 transcripts × 4,000 lines, 5 codes, 10,000 codings by one coder
(2,000 per code; every tenth quote joined from two ranges), written with bulk
inserts. Timed in the same run, after python-docx and matplotlib are imported
(their import time is printed apart):

* **baseline** — a plain python-docx loop: ``add_heading`` per theme and
  ``add_paragraph(text + citation, style="Quote")`` per quote, then ``save``;
* **same content, qualcode** — the same headings and quote paragraphs through
  :class:`qualcode.report.docx_writer.DocWriter`, then ``save`` (apples to apples);
* **full report** — :func:`qualcode.report.themes.export_docx` with layout
  ``quotes`` and with the default ``both`` (every quote also in a quote table, so
  twice the content), including the queries, codebook/frequency tables and chart.

Target: under 1.5 s and at least 5× faster than the baseline.

    .venv/bin/python bench/bench_export.py [--quotes 10000] [--codes 5] [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import tempfile
import time
from pathlib import Path

WORDS = (
    "ik",
    "wij",
    "het",
    "gezin",
    "plan",
    "school",
    "politie",
    "veiligheid",
    "overleg",
    "eigenlijk",
    "nou",
    "dan",
    "moeder",
    "vader",
    "huisbezoek",
    "casus",
    "wijkteam",
    "afspraak",
    "zorg",
    "niet",
    "wel",
    "ja",
    "brief",
    "koker",
    "eerlijk",
    "gezegd",
    "caseload",
    "regie",
    "nazorg",
    "crisis",
)


def build(path: Path, n_quotes: int, n_codes: int, n_transcripts: int = 5, n_lines: int = 4000) -> None:
    from qualcode.coding import codebook
    from qualcode.corpus import transcripts
    from qualcode.model import ParsedLine, ParsedTranscript
    from qualcode.store.project import Project, new_guid, now

    rng = random.Random(5)
    with Project.create(path) as project:
        yaml_text = "language: nl\ncodes:\n" + "".join(
            f"  - name: thema{k + 1}\n    definition: Definitie van thema {k + 1}.\n"
            f"    include: Wanneer gebruiken {k + 1}.\n    exclude: Wanneer niet {k + 1}.\n"
            f"    memo: Samenvatting van thema {k + 1}.\n"
            for k in range(n_codes)
        )
        codebook.apply(project, codebook.parse(yaml_text, "bench.yaml"), "bench")
        parsed = []
        for t in range(n_transcripts):
            lines = []
            for n in range(1, n_lines + 1):
                speaker = f"R{rng.randint(1, 5)}"
                text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + "."
                lines.append(ParsedLine(n=n, raw=f"{speaker}: {text}", text=text, speaker=speaker, turn=n))
            digest = hashlib.sha256("\n".join(ln.raw for ln in lines).encode()).hexdigest()
            parsed.append(
                ParsedTranscript(
                    name=f"FG{t + 1}", source=f"FG{t + 1}.txt", lines=lines, sha256=digest, encoding="utf-8"
                )
            )
        transcripts.import_parsed(project, parsed, "bench")
        codes = codebook.all_codes(project)
        ids = [t.id for t in transcripts.all_rows(project)]
        rows = []
        stamp = now()
        for i in range(n_quotes):
            start = rng.randint(1, n_lines - 12)
            ranges = f"{start}-{start + 2}" + (f",{start + 6}-{start + 8}" if i % 10 == 0 else "")
            last = start + (8 if i % 10 == 0 else 2)
            rows.append(
                (ids[i % len(ids)], codes[i % len(codes)].id, "anna", ranges, start, last, "", stamp, stamp, new_guid())
            )
        with project.transaction("bench", "bench", "bulk codings", kind="log") as tx:
            tx.conn.executemany(
                "INSERT OR IGNORE INTO codings (transcript_id, code_id, coder, ranges, first_line, last_line, memo, "
                "created_at, updated_at, guid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        project.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def naive(quotes: list[dict], code_names: list[str], out: Path) -> None:
    from docx import Document

    document = Document()
    for name in code_names:
        document.add_heading(name, 1)
        for q in quotes:
            if q["code"] == name:
                document.add_paragraph(f"{q['text']} {q['citation']}", style="Quote")
    document.save(str(out))


def same_content(quotes: list[dict], code_names: list[str], out: Path) -> None:
    from docx import Document

    from qualcode.report.docx_writer import DocWriter

    writer = DocWriter(Document())
    for name in code_names:
        writer.heading(name, 1)
        for q in quotes:
            if q["code"] == name:
                writer.quote(q["text"], q["citation"])
    writer.save(out)


def timed(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quotes", type=int, default=10_000)
    p.add_argument("--codes", type=int, default=5)
    p.add_argument("--repeat", type=int, default=3, help="runs of each full report (median and best are printed)")
    args = p.parse_args()

    from qualcode.coding import codebook, codings
    from qualcode.coding.quotes import quote_rows
    from qualcode.report.themes import ReportOptions, export_docx
    from qualcode.store.project import Project

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        build(folder / "bench.db", args.quotes, args.codes)
        print(f"build project ({args.quotes:,} codings, {args.codes} codes): {time.perf_counter() - t0:.2f} s")

        t0 = time.perf_counter()
        import docx  # noqa: F401
        import matplotlib.backends.backend_agg  # noqa: F401
        import matplotlib.figure  # noqa: F401

        print(f"import python-docx + matplotlib (paid once per process): {time.perf_counter() - t0:.2f} s")

        with Project.open(folder / "bench.db", readonly=True) as project:
            t0 = time.perf_counter()
            quotes = quote_rows(project, codings.list_codings(project, coder="anna"))
            names = [c.name for c in codebook.all_codes(project)]
            print(f"load {len(quotes):,} quotes (queries + quote text): {time.perf_counter() - t0:.2f} s")

            base = timed(naive, quotes, names, folder / "naive.docx")
            mine = timed(same_content, quotes, names, folder / "same.docx")
            print(f"baseline python-docx loop (add_heading + add_paragraph(style='Quote') + save): {base:.2f} s")
            print(f"same content with DocWriter (+ save): {mine:.2f} s  -> {base / mine:.1f}x faster")

            for layout in ("quotes", "both"):
                times = sorted(
                    timed(
                        export_docx,
                        project,
                        folder / f"report-{layout}.docx",
                        ReportOptions(coder="anna", layout=layout),
                    )
                    for _ in range(args.repeat)
                )
                median = times[len(times) // 2]
                size = (folder / f"report-{layout}.docx").stat().st_size
                print(
                    f"full report, layout={layout:<6} (queries, tables, chart, atomic save), {args.repeat} runs: "
                    f"median {median:.2f} s, best {times[0]:.2f} s  -> {base / median:.1f}x faster than the "
                    f"baseline; {size / 1e6:.1f} MB"
                )
        print("target: under 1.5 s and at least 5x faster than the baseline")


if __name__ == "__main__":
    main()
