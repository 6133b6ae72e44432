"""Many codings at once: a spreadsheet or a script's list applied in one transaction, all or nothing.

``qualcode code --from codings.csv`` and :meth:`qualcode.Project.code_many` land here.
Rows name ``transcript``, ``ranges`` and ``code``, optionally ``coder`` (default: the
one running the batch) and ``memo``. Every row is checked before anything is
written; the first bad row is reported as ``FILE:ROW: reason`` and nothing changes.
The whole batch is one event in the log, so one ``undo`` takes it back.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from qualcode.coding import codings as codings_mod
from qualcode.errors import InputError, QualcodeError
from qualcode.model import Range
from qualcode.names import check_coder_name
from qualcode.ranges import format_ranges
from qualcode.store.project import Project

COLUMNS = ("transcript", "ranges", "code")
OPTIONAL = ("coder", "memo")
MAX_BATCH_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class BatchRow:
    """One checked row: names resolved to ids, ranges parsed. ``where`` is its place in the file."""

    where: int
    transcript_id: int
    transcript: str
    code_id: int
    code: str
    coder: str
    ranges: tuple[Range, ...]
    memo: str


@dataclass(frozen=True)
class BatchResult:
    """What a batch wrote: how many codings, by whom, and the event that undoes them all."""

    codings: int
    coders: list[str]
    event_id: int | None


def read_rows(path: str | Path) -> list[dict]:
    """Rows from a ``.csv`` (header row; comma or semicolon) or ``.json`` (a list of objects) file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise InputError("codings come from a .csv or .json file", path=path)
    if not path.is_file():
        raise InputError("not a regular file", path=path)
    if path.stat().st_size > MAX_BATCH_BYTES:
        raise InputError(f"larger than {MAX_BATCH_BYTES // 1024 // 1024} MB", path=path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text (byte {e.start})", path=path) from None
    return _json_rows(text, path) if suffix == ".json" else _csv_rows(text, path)


def _csv_rows(text: str, path: Path) -> list[dict]:
    sample = text.split("\n", 1)[0]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"the header needs the columns {', '.join(COLUMNS)} (missing: {', '.join(missing)})", path=path, line=1
        )
    reader.fieldnames = header
    try:
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    except csv.Error as e:
        raise InputError(f"not valid CSV ({e})", path=path, line=reader.line_num) from None


def _json_rows(text: str, path: Path) -> list[dict]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"not valid JSON ({e.msg})", path=path, line=e.lineno) from None
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InputError("expected a JSON list of objects with transcript, ranges and code", path=path)
    return data


def check_rows(
    project: Project, rows: Iterable[Mapping], coder: str, *, source: str = "<rows>", first: int = 1
) -> list[BatchRow]:
    """Resolve and check every row (names, ranges, duplicates), reporting the first bad one by its place."""
    transcripts = {
        r["name"]: (r["id"], r["first"], r["last"])
        for r in project.query(
            "SELECT t.id, t.name, min(l.n) AS first, max(l.n) AS last FROM transcripts t "
            "LEFT JOIN lines l ON l.transcript_id = t.id GROUP BY t.id"
        )
    }
    codes = {r["name"]: r["id"] for r in project.query("SELECT id, name FROM codes")}
    existing = {
        (r["transcript_id"], r["code_id"], r["coder"], r["ranges"])
        for r in project.query("SELECT transcript_id, code_id, coder, ranges FROM codings")
    }
    checked: list[BatchRow] = []
    for i, row in enumerate(rows):
        where = first + i
        try:
            item = _check(where, row, coder, transcripts, codes, existing)
        except QualcodeError as e:
            raise InputError(e.message, path=source, line=where) from None
        existing.add((item.transcript_id, item.code_id, item.coder, format_ranges(item.ranges)))
        checked.append(item)
    return checked


def _text(row: Mapping, key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def _check(where: int, row: Mapping, coder: str, transcripts: dict, codes: dict, existing: set) -> BatchRow:
    if not isinstance(row, Mapping):
        raise InputError("a row must have transcript, ranges and code")
    unknown = sorted(set(map(str, row)) - set(COLUMNS) - set(OPTIONAL))
    if unknown:
        raise InputError(f"unknown column {unknown[0]!r} (use {', '.join(COLUMNS + OPTIONAL)})")
    name, code, spec = _text(row, "transcript"), _text(row, "code"), _text(row, "ranges")
    for key, value in (("transcript", name), ("ranges", spec), ("code", code)):
        if not value:
            raise InputError(f"{key} is empty")
    if name not in transcripts:
        raise InputError(f"unknown transcript {name!r}")
    if code not in codes:
        raise InputError(f"unknown code {code!r}")
    ranges = codings_mod.as_ranges(spec)
    tid, first, last = transcripts[name]
    for a, b in ranges:
        if first is None or a < first or b > last:
            raise InputError(f"lines {format_ranges([(a, b)])} are outside {name} (it has lines {first}-{last})")
    who = check_coder_name(_text(row, "coder") or coder)
    if (tid, codes[code], who, format_ranges(ranges)) in existing:
        raise InputError(f"{who} already coded {name} {format_ranges(ranges)} as {code}")
    return BatchRow(where, tid, name, codes[code], code, who, ranges, _text(row, "memo"))


def apply_rows(project: Project, rows: Sequence[BatchRow], coder: str, *, source: str = "<rows>") -> BatchResult:
    """Write checked rows in one transaction and one undoable event (by ``coder``)."""
    if not rows:
        return BatchResult(0, [], None)
    summary = f"code {len(rows)} codings from {Path(source).name}"
    with project.transaction("code", coder, summary) as tx:
        for r in rows:
            codings_mod.insert(tx, r.transcript_id, r.code_id, r.coder, r.ranges, r.memo)
    return BatchResult(len(rows), sorted({r.coder for r in rows}), tx.event_id)


def code_many(project: Project, rows: Iterable[Mapping], coder: str, *, source: str = "<rows>") -> BatchResult:
    """Check every row, then write them all at once; a bad row raises ``InputError`` and nothing is written."""
    return apply_rows(project, check_rows(project, rows, coder, source=source), coder, source=source)


def code_from_file(project: Project, path: str | Path, coder: str) -> BatchResult:
    """``qualcode code --from FILE``: CSV rows are numbered as lines (header = 1), JSON rows from 1."""
    rows = read_rows(path)
    first = 2 if Path(path).suffix.lower() == ".csv" else 1
    checked = check_rows(project, rows, coder, source=str(path), first=first)
    return apply_rows(project, checked, coder, source=str(path))
