"""Transcripts in the project: import (all-or-nothing), lookup by name, listing.

Once imported, a transcript's text and line numbers never change: there is no
function here that edits lines.
"""

from __future__ import annotations

import contextlib
import difflib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from qualcode.corpus import lemmas
from qualcode.errors import ConflictError, InputError, NotFoundError
from qualcode.model import ParsedTranscript
from qualcode.names import check_transcript_name
from qualcode.store import seals
from qualcode.store.project import Project, Tx, new_guid, now

Progress = Callable[[int, int, str], None]  # (done, total, what)


@dataclass(frozen=True)
class TranscriptRow:
    id: int
    name: str
    source: str
    sha256: str
    line_count: int
    imported_at: str
    guid: str


def suggest(name: str, candidates: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.5)
    if close:
        return f" (did you mean {', '.join(close)}?)"
    if candidates:
        return f" (known: {', '.join(sorted(candidates)[:8])}{', …' if len(candidates) > 8 else ''})"
    return ""


def get(project: Project, name: str) -> TranscriptRow:
    row = project.query_one(
        "SELECT id, name, source, sha256, line_count, imported_at, guid FROM transcripts WHERE name = ?", (name,)
    )
    if row is None:
        names = [r["name"] for r in project.query("SELECT name FROM transcripts")]
        raise NotFoundError(f"unknown transcript {name!r}{suggest(name, names)}")
    return TranscriptRow(**row)


def all_rows(project: Project) -> list[TranscriptRow]:
    return [
        TranscriptRow(**r)
        for r in project.query(
            "SELECT id, name, source, sha256, line_count, imported_at, guid FROM transcripts ORDER BY id"
        )
    ]


def parse_files(
    paths: Sequence[Path],
    *,
    names: Sequence[str] | None = None,
    wrap: int = 80,
    progress: Progress | None = None,
    speakers: str | None = None,
    encoding: str | None = None,
) -> list[ParsedTranscript]:
    """Read every file first; any bad file aborts before the project is touched.

    ``encoding`` (``import --encoding``) decides the encoding of text files instead of the evidence.
    """
    from qualcode.corpus.ingest import read_transcript

    parsed = []
    for i, path in enumerate(paths):
        name = names[i] if names else None
        if name is not None:
            check_transcript_name(name, path=path)  # before reading: --name is the user's text
        parsed.append(read_transcript(Path(path), name=name, wrap=wrap, speakers=speakers, encoding=encoding))
        if progress:
            progress(i + 1, len(paths), f"read {Path(path).name}")
    return parsed


def check_new(project: Project, parsed: Sequence[ParsedTranscript]) -> None:
    """Refuse duplicate names and texts, within the batch and against the project."""
    seen_names: dict[str, str] = {}
    seen_hashes: dict[str, str] = {}
    for p in parsed:
        check_transcript_name(p.name, path=p.source)
        if p.name in seen_names:
            raise ConflictError(
                f"two files would both be named {p.name!r} ({seen_names[p.name]}, {p.source}); use --name",
                path=p.source,
            )
        if p.sha256 in seen_hashes:
            raise ConflictError(f"same text as {seen_hashes[p.sha256]} in this import", path=p.source)
        seen_names[p.name] = p.source
        seen_hashes[p.sha256] = p.source
        existing = project.query_one("SELECT name FROM transcripts WHERE name = ? OR sha256 = ?", (p.name, p.sha256))
        if existing is not None:
            if existing["name"] == p.name:
                raise ConflictError(
                    f"a transcript named {p.name!r} exists already; use --name to import under another name",
                    path=p.source,
                )
            raise ConflictError(f"this text was imported already as {existing['name']!r}", path=p.source)


LINE_COLUMNS = ("transcript_id", "n", "speaker", "turn", "raw", "text", "start", "[end]")
# a ParsedLine's fields in its order (n, raw, text, speaker, turn, start, end), then the transcript id
_INSERT_PARSED_LINES = (
    "INSERT INTO lines (n, raw, text, speaker, turn, start, [end], transcript_id) VALUES (?, ?, ?, ?, ?, ?, ?, "
)
_SPEAKER = itemgetter(3)
_SEALED_FIELDS = itemgetter(0, 3, 4, 1, 2)  # ParsedLine → (n, speaker, turn, raw, text), the seal's order


def store(
    tx: Tx,
    parsed: ParsedTranscript,
    *,
    guid: str | None = None,
    imported_at: str | None = None,
    annotate: bool = True,
    undoable: bool = False,
) -> int:
    """Insert one parsed transcript and its lines; return the transcript id.

    With ``annotate`` (the default) the lines' lemmas are stored too, in the same transaction
    (:func:`qualcode.corpus.lemmas.store_transcript_lemmas`). With ``undoable`` every line is
    recorded in the transaction's changes (an undoable action such as a merge), not
    written in bulk as an import (a logged action) does.
    """
    check_transcript_name(parsed.name, path=parsed.source)  # every way into the project passes here
    attributes = dict(parsed.attributes)
    attributes.setdefault("placeholders", parsed.placeholders)
    attributes.setdefault("speakers", [s for s in dict.fromkeys(map(_SPEAKER, parsed.lines)) if s])
    if parsed.warnings:
        attributes.setdefault("import_warnings", parsed.warnings)
    if parsed.reader:
        attributes.setdefault("reader", parsed.reader)
    starts = [ln.start for ln in parsed.lines if ln.start is not None]
    if starts:
        ends = [ln.end if ln.end is not None else ln.start for ln in parsed.lines if ln.start is not None]
        attributes.setdefault("time_span", [min(starts), max(ends)])
    if parsed.notices:
        attributes.setdefault("import_notices", parsed.notices)
    transcript_id = tx.insert(
        "transcripts",
        {
            "name": parsed.name,
            "source": parsed.source,
            "sha256": parsed.sha256,
            "imported_at": imported_at or now(),
            "line_count": len(parsed.lines),
            "encoding": parsed.encoding,
            "numbered": int(parsed.numbered),
            "attributes": json.dumps(attributes, ensure_ascii=False),
            "guid": guid or new_guid(),
        },
    )
    if undoable:
        for ln in parsed.lines:
            row = (transcript_id, ln.n, ln.speaker, ln.turn, ln.raw, ln.text, ln.start, ln.end)
            tx.insert("lines", {c.strip("[]"): v for c, v in zip(LINE_COLUMNS, row)})
    else:  # the parsed lines are the rows (their field order), the transcript id a literal: no row built per line
        tx.conn.executemany(f"{_INSERT_PARSED_LINES}{int(transcript_id)})", parsed.lines)
    with contextlib.suppress(TypeError, ValueError):  # a line value of another type: the seal reads the lines back
        # the seal takes the lines by number (they are in that order, nearly always)
        in_order = sorted(parsed.lines, key=itemgetter(0))
        tx.line_seals[transcript_id] = seals.rows_hash(map(_SEALED_FIELDS, in_order))
    if annotate:
        lemmas.store_transcript_lemmas(tx, transcript_id, parsed.name)
    return transcript_id


def import_parsed(
    project: Project,
    parsed: Sequence[ParsedTranscript],
    coder: str,
    progress: Progress | None = None,
    *,
    annotate: bool = True,
) -> list[int]:
    """Store several parsed transcripts in one transaction (all or nothing).

    ``annotate=False`` skips the lemmas; used by benchmarks only.
    """
    check_new(project, parsed)
    ids = []
    names = ", ".join(p.name for p in parsed)
    with project.transaction("import", coder, f"import {names}", kind="log") as tx:
        for i, p in enumerate(parsed):
            ids.append(store(tx, p, annotate=annotate))
            if progress:
                progress(i + 1, len(parsed), f"stored {p.name}")
    return ids


def import_files(
    project: Project,
    paths: Sequence[Path],
    coder: str,
    *,
    names: Sequence[str] | None = None,
    wrap: int = 80,
    progress: Progress | None = None,
    speakers: str | None = None,
) -> list[ParsedTranscript]:
    """Read and store transcript files, all or nothing; returns what was imported."""
    if names is not None and len(names) != len(paths):
        raise InputError("--name can only be used when importing one file")
    parsed = parse_files(paths, names=names, wrap=wrap, progress=progress, speakers=speakers)
    import_parsed(project, parsed, coder, progress=progress)
    return parsed


def lines(project: Project, transcript_id: int) -> list[dict]:
    """All lines of a transcript in order: ``n, speaker, turn, raw, text, start, end`` (times in seconds or None)."""
    return project.query(
        "SELECT n, speaker, turn, raw, text, start, [end] AS [end] FROM lines WHERE transcript_id = ? ORDER BY n",
        (transcript_id,),
    )


def time_span(project: Project, transcript_id: int) -> tuple[float | None, float | None]:
    """(first start, last end) of a transcript's lines, in seconds; (None, None) without time codes."""
    row = project.conn.execute(
        "SELECT min(start), max(coalesce([end], start)) FROM lines WHERE transcript_id = ?", (transcript_id,)
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


def raw_line(project: Project, transcript: str, n: int) -> str | None:
    """The raw text of line ``n`` of ``transcript`` (as in the file), or None when there is no such line."""
    row = project.query_one(
        "SELECT l.raw FROM lines l JOIN transcripts t ON t.id = l.transcript_id WHERE t.name = ? AND l.n = ?",
        (transcript, n),
    )
    return row["raw"] if row else None


def overview(project: Project) -> list[dict]:
    """One dict per transcript for listings: lines, speakers, placeholders, per-coder codings and done."""
    out = []
    per_coder: dict[int, dict[str, dict]] = {}
    for r in project.query("SELECT transcript_id, coder, count(*) AS n FROM codings GROUP BY transcript_id, coder"):
        per_coder.setdefault(r["transcript_id"], {}).setdefault(r["coder"], {"codings": 0, "done": False})
        per_coder[r["transcript_id"]][r["coder"]]["codings"] = r["n"]
    for r in project.query("SELECT transcript_id, coder FROM progress"):
        per_coder.setdefault(r["transcript_id"], {}).setdefault(r["coder"], {"codings": 0, "done": False})
        per_coder[r["transcript_id"]][r["coder"]]["done"] = True
    rows = project.query("SELECT * FROM transcripts ORDER BY id")
    media_of = {r["transcript_id"]: r["path"] for r in project.query("SELECT transcript_id, path FROM media")}
    attributes_of = {r["id"]: json.loads(r["attributes"] or "{}") for r in rows}
    speakers = {tid: a["speakers"] for tid, a in attributes_of.items() if "speakers" in a}
    for tid in [tid for tid in attributes_of if tid not in speakers]:  # imported before speakers were stored
        speakers[tid] = [
            r["speaker"]
            for r in project.query(
                "SELECT speaker, min(n) AS first FROM lines WHERE transcript_id = ? AND speaker IS NOT NULL "
                "GROUP BY speaker ORDER BY first",
                (tid,),
            )
        ]
    for r in rows:
        attributes = attributes_of[r["id"]]
        start, end = attributes.get("time_span") or (None, None)
        out.append(
            {
                "name": r["name"],
                "source": r["source"],
                "reader": attributes.get("reader"),
                "start": start,
                "end": end,
                "media": media_of.get(r["id"]),
                "lines": r["line_count"],
                "speakers": speakers.get(r["id"], []),
                "placeholders": attributes.get("placeholders", []),
                "imported_at": r["imported_at"],
                "sha256": r["sha256"],
                "coders": per_coder.get(r["id"], {}),
            }
        )
    return out
