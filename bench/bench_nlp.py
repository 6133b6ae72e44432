"""NLP benchmark: import with lemmas of 200 transcripts × 1,000 lines, and lemma search over that corpus.

Prints, measured in the same run on the same lines:
* spaCy alone: ``nlp.pipe`` over the lines' text (no storage), lines per second;
* qualcode's import with lemmas (store lines, lemmas, FTS5 index, one transaction)
  and without lemmas, lines per second, and the ratio import-with-lemmas / spaCy alone;
* ``search --lemma``: median time over 20 queries, full results and the first 100 hits.

The corpus is made of the shipped synthetic focus groups' lines, shuffled into
new transcripts (real Dutch vocabulary and line lengths).

    .venv/bin/python bench/bench_nlp.py [--transcripts 200] [--lines 1000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    "plannen",
    "casus",
    "gezin",
    "veiligheid",
    "school",
    "overleg",
    "samenwerking",
    "huisbezoek",
    "nazorg",
    "politie",
    "moeder",
    "kind",
    "afspraak",
    "zorgregisseur",
    "melding",
    '"eerste gesprek"',
    "jeugdbescherming",
    "huisarts",
    "gesprek",
    "wijkteam",
]


def source_lines() -> list[str]:
    out = []
    for path in sorted((ROOT / "transcripts").glob("FG*.txt")):
        out += [ln for ln in path.read_text(encoding="utf-8").splitlines()[3:] if ln.strip()]
    return out


def make_corpus(folder: Path, n_transcripts: int, n_lines: int, seed: int = 6) -> list[Path]:
    rng = random.Random(seed)
    lines = source_lines()
    paths = []
    for t in range(n_transcripts):
        body = [f"Focusgroep {t} — [GEMEENTE]"] + [rng.choice(lines) for _ in range(n_lines - 1)]
        path = folder / f"B{t:03d}.txt"
        path.write_text("\n".join(body) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--transcripts", type=int, default=200)
    ap.add_argument("--lines", type=int, default=1000)
    args = ap.parse_args()

    from qualcode.corpus import lemmas as nlp
    from qualcode.corpus import transcripts
    from qualcode.language import search
    from qualcode.store.project import Project

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        paths = make_corpus(tmp, args.transcripts, args.lines)
        parsed = transcripts.parse_files(paths)
        texts = [ln.text for p in parsed for ln in p.lines if ln.text.strip()]
        n_lines = sum(len(p.lines) for p in parsed)
        print(f"corpus: {len(parsed)} transcripts, {n_lines} lines ({len(texts)} non-blank)")

        t = time.perf_counter()
        nlp_ = nlp.pipeline()
        print(f"pipeline load: {time.perf_counter() - t:.2f} s (once per process)")

        t = time.perf_counter()
        for _ in nlp_.pipe(texts, batch_size=nlp.BATCH_SIZE):
            pass
        spacy_s = time.perf_counter() - t
        print(f"spaCy alone (nlp.pipe, no storage): {spacy_s:.2f} s, {len(texts) / spacy_s:,.0f} lines/s")

        with Project.create(tmp / "plain.db") as project:
            t = time.perf_counter()
            transcripts.import_parsed(project, parsed, "bench", annotate=False)
            plain_s = time.perf_counter() - t
        print(f"import without lemmas: {plain_s:.2f} s, {n_lines / plain_s:,.0f} lines/s")

        with Project.create(tmp / "lemmas.db") as project:
            t = time.perf_counter()
            transcripts.import_parsed(project, parsed, "bench")
            lemma_s = time.perf_counter() - t
            print(
                f"import with lemmas: {lemma_s:.2f} s, {n_lines / lemma_s:,.0f} lines/s; "
                f"ratio to spaCy alone: {lemma_s / spacy_s:.2f}"
            )

            for q in QUERIES[:2]:  # warm the page cache
                search.search(project, q, lemma=True)
            for limit in (None, 100):
                times, hits = [], []
                for q in QUERIES:
                    t = time.perf_counter()
                    r = search.search(project, q, lemma=True, limit=limit)
                    times.append(time.perf_counter() - t)
                    hits.append(r.total)
                label = "all hits" if limit is None else f"first {limit} hits"
                print(
                    f"search --lemma ({label}): median {statistics.median(times) * 1000:.1f} ms, "
                    f"max {max(times) * 1000:.1f} ms over {len(QUERIES)} queries "
                    f"(hits per query: median {statistics.median(hits):,.0f}, max {max(hits):,})"
                )
        size = (tmp / "lemmas.db").stat().st_size
        plain = (tmp / "plain.db").stat().st_size
        print(f"project file: {size / 1e6:.1f} MB with lemmas and index, {plain / 1e6:.1f} MB without")


if __name__ == "__main__":
    main()
