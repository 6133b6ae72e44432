"""Import real .qdpx files written by other tools and judge the result (not a test: real files are not shipped).

    python bench/check_real_qdpx.py FILE.qdpx …

Per file: sources, codes, codings and memos imported, what was skipped, the offset
convention per source, and how many selections landed on the lines that hold
their text, judged independently where the file allows it:

* qualitative-coding names each selection ``line:N`` (0-based): the coding must
  cover line N+1;
* QualCoder, ATLAS.ti and MAXQDA name a selection by its text: the coding's lines
  must contain that text;
* NVivo gives no text: the fit of the chosen convention on word boundaries is
  shown beside the best rival's, as the evidence.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

from qualcode.coding import codings as codings_mod
from qualcode.corpus import transcripts
from qualcode.exchange.refi_load import import_file, prepare
from qualcode.exchange.refi_read import _kid, _kids, _own_text, _Selection, norm_guid
from qualcode.store.project import Project


def _selections(path: Path):
    """(source GUID, selection) for every coded text selection in the file's .qde."""
    import zipfile

    from qualcode.archives import parse_xml

    if path.suffix.lower() == ".qde":
        root = parse_xml(path.read_bytes(), path=path)
    else:
        with zipfile.ZipFile(path) as z:
            qde = next(n for n in z.namelist() if "/" not in n and n.lower().endswith(".qde"))
            root = parse_xml(z.read(qde), path=path)
    for src in _kids(_kid(root, "Sources"), "TextSource"):
        for sel in _kids(src, "PlainTextSelection"):
            if not _kids(sel, "Coding"):
                continue
            try:
                start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            except (TypeError, ValueError):
                continue
            yield (
                norm_guid(src.get("guid")),
                _Selection(start, end, sel.get("name") or "", "", norm_guid(sel.get("guid")), None, None, sel),
            )


def check(path: Path) -> list[str]:
    t0 = time.perf_counter()
    prepared = prepare(path)
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.create(Path(tmp) / "check.qualcode")
        report = import_file(project, prepared, "checker")
        elapsed = time.perf_counter() - t0
        names = {s.key: s.parsed.name for s in prepared.refi.sources}
        lines = {t.name: [ln["raw"] for ln in transcripts.lines(project, t.id)] for t in transcripts.all_rows(project)}
        numbers = {t.name: [ln["n"] for ln in transcripts.lines(project, t.id)] for t in transcripts.all_rows(project)}
        code_names = {r["guid"]: r["name"] for r in project.query("SELECT guid, name FROM codes")}
        covered = set()
        for c in codings_mod.list_codings(project):
            for n in c.line_set():
                covered.add((c.transcript, c.code, n))
        judged = right = 0
        by_kind: dict[str, list[int]] = {}
        for source_guid, sel in _selections(path):
            name = names.get(source_guid)
            if name is None or name not in lines:
                continue
            codes = [
                code_names.get(norm_guid(_kid(c, "CodeRef").get("targetGUID"))) for c in _kids(sel.element, "Coding")
            ]
            m = re.match(r"^line:(\d+)$", sel.name)
            own = _own_text(sel)
            if m:
                kind = "qc line:N"
                ok = all((name, code, int(m.group(1)) + 1) in covered for code in codes if code)
            elif own:
                kind = "selection text"
                hit = [n for n in numbers[name] if all((name, code, n) in covered for code in codes if code)]
                text = " ".join(" ".join(lines[name][numbers[name].index(n)] for n in hit).split())
                probe = " ".join(re.sub(r"(\.\.\.|…)\s*$", "", own).split())[:60]
                ok = bool(probe) and probe in text
            else:
                continue
            judged += 1
            right += ok
            by_kind.setdefault(kind, [0, 0])
            by_kind[kind][0] += ok
            by_kind[kind][1] += 1
        project.close()
    out = [f"== {path.name} ({elapsed:.1f} s)", *report.lines()]
    if judged:
        kinds = ", ".join(f"{k}: {a}/{b}" for k, (a, b) in by_kind.items())
        out.append(
            f"  JUDGED: {right}/{judged} selections on the lines that hold their text ({100 * right / judged:.1f} %; {kinds})"
        )
    else:
        out.append("  JUDGED: the file names no selection text; the word-boundary evidence above is the judge")
    return out


def main(argv: list[str]) -> None:
    if not argv:
        print(__doc__)
        return
    for arg in argv:
        for line in check(Path(arg)):
            print(line)


if __name__ == "__main__":
    main(sys.argv[1:])
