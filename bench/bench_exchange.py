"""REFI-QDA import benchmark: a generated 300-source, 30,000-selection .qdpx.

The sources are written as three tools would: a third with the selection's text
as its name and code-point offsets (QualCoder), a third counting UTF-16 code units
(NVivo on a Mac, emoji in the text), a third counting UTF-16 with CRLF as two
(NVivo on Windows). Prints the time to read and check the file, to import it
(lemmas deferred, as for ``QUALCODE_LEMMAS=0``: spaCy's cost is bench_nlp's), and
whether every offset convention was found. Target: the import under 10 s.

    .venv/bin/python bench/bench_exchange.py [--sources 300] [--selections 100]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = (
    "ja nou het gezin de school plannen gepland casus overleg veiligheid nazorg wijkteam samenwerking "
    "regisseur jeugdbescherming huisbezoek afspraak moeder vader kind 😀"
).split()
SPEAKERS = ["M", "R1", "R2", "R3"]
USER = "A1B2C3D4-0001-4000-8000-000000000001"


def _guid(kind: int, n: int) -> str:
    return f"{kind:08X}-0000-4000-8000-{n:012X}"


def _offset(text: str, i: int, style: int) -> int:
    if style == 0:
        return i
    units = len(text[:i].encode("utf-16-le")) // 2
    return units + (text[:i].count("\n") if style == 2 else 0)


def make_qdpx(out: Path, n_sources: int, n_selections: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    codes = "".join(f'<Code guid="{_guid(1, c)}" name="code {c}" isCodable="true"/>' for c in range(30))
    sources, files, total = [], {}, 0
    for s in range(n_sources):
        lines = [
            f"{rng.choice(SPEAKERS)}: " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))
            for _ in range(n_selections * 2)
        ]
        text = "\n".join(lines) + "\n"
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line) + 1)
        style = s % 3
        sels = []
        for k in range(n_selections):
            first = rng.randrange(len(lines) - 3)
            last = first + rng.randint(0, 2)
            a = starts[first] + len(lines[first].split(": ", 1)[0]) + 2  # after the speaker label
            b = starts[last] + len(lines[last])
            name = quoteattr(text[a:b][:60] + "…") if style == 0 else '""'
            sels.append(
                f'<PlainTextSelection guid="{_guid(2, total)}" name={name} startPosition="{_offset(text, a, style)}" '
                f'endPosition="{_offset(text, b, style)}" creatingUser="{USER}"><Coding guid="{_guid(3, total)}" '
                f'creatingUser="{USER}"><CodeRef targetGUID="{_guid(1, rng.randrange(30))}"/></Coding>'
                "</PlainTextSelection>"
            )
            total += 1
        g = _guid(4, s)
        sources.append(
            f'<TextSource guid="{g}" name="FG{s}" plainTextPath="internal://{g}.txt">{"".join(sels)}</TextSource>'
        )
        files[f"Sources/{g}.txt"] = text.encode("utf-8")
    qde = (
        '<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="bench" origin="bench">'
        f'<Users><User guid="{USER}" name="Sanne"/></Users><CodeBook><Codes>{codes}</Codes></CodeBook>'
        f"<Sources>{''.join(sources)}</Sources></Project>"
    )
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", qde)
        for name, data in files.items():
            z.writestr(name, data)
    return total


def main() -> None:
    from qualcode.corpus import lemmas
    from qualcode.exchange.refi_load import import_file, prepare
    from qualcode.store.project import Project

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=300)
    parser.add_argument("--selections", type=int, default=100, help="selections per source")
    args = parser.parse_args()
    lemmas.ANNOTATE = False
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.qdpx"
        t0 = time.perf_counter()
        total = make_qdpx(path, args.sources, args.selections)
        print(f"generated {args.sources} sources, {total} selections ({path.stat().st_size // 1024} KB) "
              f"in {time.perf_counter() - t0:.1f} s")  # fmt: skip
        project = Project.create(Path(tmp) / "bench.qualcode")
        t0, c0 = time.perf_counter(), time.process_time()
        prepared = prepare(path)
        t_read = time.perf_counter() - t0
        report = import_file(project, prepared, "bench")
        t_total, c_total = time.perf_counter() - t0, time.process_time() - c0
        project.close()
    found = {c.split(" (")[0] for c in report.conventions.values()}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"read and check: {t_read:.2f} s; read, check and import: {t_total:.2f} s wall, {c_total:.2f} s CPU "
          f"({'under' if t_total < 10 else 'OVER'} the 10 s target; load average {load:.1f} on {os.cpu_count()} CPUs)")  # fmt: skip
    print(f"imported {len(report.transcripts_added)} sources, {report.codings_added} codings "
          f"({report.codings_identical} identical); conventions found: {', '.join(sorted(found))}")  # fmt: skip


if __name__ == "__main__":
    main()
