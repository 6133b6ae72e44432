"""Codebooks as CSV: Taguette's ``tag,description`` out; Taguette's and QualCoder's CSV codebooks in.

Out (Taguette 1.5 imports it as a codebook): a header ``tag,description`` and one
row per code; a child's tag is its path with ``.`` between the names, as Taguette
shows hierarchical tags.

In: the header decides the columns (case-insensitive). The name is the first of
``tag``, ``name``, ``code``, ``codename``, ``code name``, ``path``; the description the
first of ``description``, ``memo``, ``definition``; an optional parent is
``category``, ``parent``, ``catname`` or ``category name``; an optional colour
``colour``/``color``. Without a parent column a name ``a.b`` (Taguette) or
``a::b`` is a child of ``a`` when ``a`` is a code in the same file. Read into the
same structure as a REFI-QDA codebook, so :mod:`qualcode.exchange.refi_load`
writes it (codes matched by name; nothing else touched).
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from qualcode.errors import InputError
from qualcode.exchange.refi_read import ImportReport, _Code, _Refi, clean_name
from qualcode.exchange.refi_write import code_description, colour_hex
from qualcode.store.files import atomic_open
from qualcode.store.project import Project

MAX_BYTES = 20 * 1024 * 1024
_NAME = ("tag", "name", "code", "codename", "code name", "path")
_DESCRIPTION = ("description", "memo", "definition")
_PARENT = ("category", "parent", "catname", "category name")
_COLOUR = ("colour", "color")


def taguette_rows(project: Project) -> list[tuple[str, str]]:
    """``(tag, description)`` for every code, parents first."""
    from qualcode.coding.codebook import all_codes, code_memos, tree_order

    codes = tree_order(all_codes(project))
    by_id = {c.id: c for c in codes}

    def path(c) -> str:
        names, seen = [c.name], {c.id}
        while c.parent_id in by_id and c.parent_id not in seen:
            c = by_id[c.parent_id]
            seen.add(c.id)
            names.append(c.name)
        return ".".join(reversed(names))

    memos = code_memos(project)
    return [
        (path(c), code_description(c.definition, c.include, c.exclude, c.example, memos.get(c.id, ""))) for c in codes
    ]


def export_taguette_csv(project: Project, out: str | os.PathLike) -> dict:
    """Write the codebook as Taguette's codebook CSV; returns ``{"path", "codes"}``."""
    rows = taguette_rows(project)
    if not rows:
        raise InputError("the project has no codes; nothing to export (load a codebook first)")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["tag", "description"])
    writer.writerows(rows)
    with atomic_open(out, "wb") as f:
        f.write(buf.getvalue().encode("utf-8"))
    return {"path": str(out), "codes": len(rows)}


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


def read_codebook_csv(path: str | Path, report: ImportReport) -> _Refi:
    """A Taguette or QualCoder codebook CSV → codes (raises InputError naming the line for bad input)."""
    from qualcode.corpus.ingest import decode_bytes

    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    if len(data) > MAX_BYTES:
        raise InputError(f"refusing a codebook of {len(data) // (1024 * 1024)} MB", path=path)
    text = decode_bytes(data, path=path)[0].lstrip("\ufeff")
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise InputError(f"not a CSV file ({exc})", path=path) from None
    if not rows:
        raise InputError("the file is empty", path=path)
    header = [cell.strip().lower() for cell in rows[0]]
    col_name = _column(header, _NAME)
    if col_name is None:
        raise InputError(f"no code name column (expected one of: {', '.join(_NAME)})", path=path, line=1)
    col_desc, col_parent, col_colour = (_column(header, names) for names in (_DESCRIPTION, _PARENT, _COLOUR))
    entries: list[tuple[str, str, str, str | None]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(col: int | None, row: list[str] = row) -> str:
            return row[col].strip() if col is not None and col < len(row) else ""

        name = cell(col_name)
        if not name:
            raise InputError("a row without a code name", path=path, line=number)
        entries.append((name, cell(col_desc), cell(col_parent), colour_hex(cell(col_colour))))
    refi = _Refi("csv")
    names = {name for name, *_ in entries}
    paths: dict[str, tuple[str, ...]] = {}
    for name, description, parent, colour in entries:
        paths[name] = _code_path(name, parent, names, paths)
        refi.codes.append(_Code(None, paths[name], colour, description, []))
    if col_parent is not None:  # QualCoder: categories are the parents named in their own column
        for parent in dict.fromkeys(p for _, _, p, _ in entries if p and p not in names):
            refi.codes.insert(0, _Code(None, (clean_name(parent, "category"),), None, "", [], codable=False))
    return refi


def _code_path(name: str, parent: str, names: set[str], paths: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    if parent:
        return paths.get(parent, (clean_name(parent, "category"),)) + (clean_name(name, "code"),)
    for sep in ("::", "."):
        head, _, tail = name.rpartition(sep)
        if head and head in names:
            return paths.get(head, (clean_name(head, "code"),)) + (clean_name(tail, "code"),)
    return (clean_name(name, "code"),)
