"""Coders' codings: apply and remove codes on line ranges, memos, done-status.

Every function that changes something is one transaction and one event in the
log (undoable by the coder who made it). Codings belong to the coder who made
them; the same line may carry several codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from qualcode.coding import codebook
from qualcode.corpus import transcripts
from qualcode.errors import ConflictError, InputError, NotFoundError
from qualcode.model import Coding, Range
from qualcode.ranges import format_ranges, normalise, parse_ranges
from qualcode.store.project import Project, Tx, new_guid, now

_SELECT = (
    "SELECT c.id, t.name AS transcript, c.transcript_id, c.ranges, k.name AS code, c.code_id, c.coder, c.memo, "
    "c.created_at, c.updated_at, c.guid FROM codings c JOIN transcripts t ON t.id = c.transcript_id "
    "JOIN codes k ON k.id = c.code_id"
)


def _stored_ranges(text: str) -> tuple[Range, ...]:
    """Ranges as stored (canonical ``"110-113,123-125"``): a fast path without validation."""
    if "," not in text:  # one range, as most codings have
        a, _, b = text.partition("-")
        return ((int(a), int(b or a)),)
    out = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        out.append((int(a), int(b or a)))
    return tuple(out)


def _coding(row: dict) -> Coding:
    row = dict(row)
    row["ranges"] = _stored_ranges(row["ranges"])
    return Coding(**row)


def _coding_from_tuple(row: tuple) -> Coding:
    """A :data:`_SELECT` row as a tuple (listings: no dict per row)."""
    i, name, tid, ranges, code, code_id, coder, memo, created, updated, guid = row
    return Coding(i, name, tid, _stored_ranges(ranges), code, code_id, coder, memo, created, updated, guid)


def as_ranges(ranges: str | Sequence[Range]) -> tuple[Range, ...]:
    return parse_ranges(ranges) if isinstance(ranges, str) else normalise(ranges)


def check_ranges(project: Project, transcript: transcripts.TranscriptRow, ranges: Sequence[Range]) -> None:
    """Every range must lie inside the transcript's numbered lines."""
    first, last = project.conn.execute(
        "SELECT min(n), max(n) FROM lines WHERE transcript_id = ?", (transcript.id,)
    ).fetchone()
    for a, b in ranges:
        if first is None or a < first or b > last:
            raise InputError(
                f"lines {format_ranges([(a, b)])} are outside {transcript.name} (it has lines {first}-{last})"
            )


def find(project: Project, transcript_id: int, code_id: int, coder: str, ranges: Sequence[Range]) -> Coding | None:
    row = project.query_one(
        _SELECT + " WHERE c.transcript_id = ? AND c.code_id = ? AND c.coder = ? AND c.ranges = ?",
        (transcript_id, code_id, coder, format_ranges(ranges)),
    )
    return _coding(row) if row else None


def get(project: Project, coding_id: int) -> Coding:
    row = project.query_one(_SELECT + " WHERE c.id = ?", (coding_id,))
    if row is None:
        raise NotFoundError(f"no coding with id {coding_id}")
    return _coding(row)


def insert(
    tx: Tx,
    transcript_id: int,
    code_id: int,
    coder: str,
    ranges: Sequence[Range],
    memo: str = "",
    *,
    guid: str | None = None,
    created_at: str | None = None,
) -> int:
    """Write one coding row inside an open transaction (no checks; callers check)."""
    stamp = created_at or now()
    return tx.insert(
        "codings",
        {
            "transcript_id": transcript_id,
            "code_id": code_id,
            "coder": coder,
            "ranges": format_ranges(ranges),
            "first_line": ranges[0][0],
            "last_line": ranges[-1][1],
            "memo": memo or "",
            "created_at": stamp,
            "updated_at": stamp,
            "guid": guid or new_guid(),
        },
    )


def apply(
    project: Project, transcript: str, ranges: str | Sequence[Range], code: str, coder: str, memo: str = ""
) -> Coding:
    """``qualcode code FG2 57-64 samenwerking``: one new coding by ``coder``."""
    t = transcripts.get(project, transcript)
    k = codebook.get_code(project, code)
    rs = as_ranges(ranges)
    if find(project, t.id, k.id, coder, rs) is not None:
        raise ConflictError(f"{coder} already coded {t.name} {format_ranges(rs)} as {k.name}")
    return _apply(project, t, k, rs, coder, memo)


def _apply(
    project: Project, t: transcripts.TranscriptRow, k, rs: tuple[Range, ...], coder: str, memo: str = ""
) -> Coding:
    """Write a new coding for resolved names (the caller checked it is not there yet)."""
    check_ranges(project, t, rs)
    with project.transaction("code", coder, f"code {t.name} {format_ranges(rs)} {k.name}") as tx:
        if find(project, t.id, k.id, coder, rs) is not None:  # again inside the write lock: another process?
            raise ConflictError(f"{coder} already coded {t.name} {format_ranges(rs)} as {k.name}")
        coding_id = insert(tx, t.id, k.id, coder, rs, memo)
    return get(project, coding_id)


def remove(project: Project, transcript: str, ranges: str | Sequence[Range], code: str, coder: str) -> Coding:
    """``qualcode uncode``: remove the coder's coding with exactly these ranges and this code."""
    t = transcripts.get(project, transcript)
    k = codebook.get_code(project, code)
    rs = as_ranges(ranges)
    coding = find(project, t.id, k.id, coder, rs)
    if coding is None:
        near = [
            c
            for c in list_codings(project, coder=coder, code=k.name, transcript=t.name)
            if set(c.line_set()) & {n for a, b in rs for n in range(a, b + 1)}
        ]
        hint = f"; overlapping: {', '.join(format_ranges(c.ranges) for c in near)}" if near else ""
        raise NotFoundError(f"{coder} has no coding {t.name} {format_ranges(rs)} {k.name}{hint}")
    delete(project, coding.id, coder)
    return coding


def delete(project: Project, coding_id: int, coder: str) -> None:
    c = get(project, coding_id)
    if c.coder != coder:
        raise ConflictError(f"coding {coding_id} belongs to {c.coder}, not {coder}")
    with project.transaction("uncode", coder, f"uncode {c.transcript} {format_ranges(c.ranges)} {c.code}") as tx:
        tx.delete("codings", {"id": coding_id})


def toggle(project: Project, transcript: str, ranges: str | Sequence[Range], code: str, coder: str) -> Coding | None:
    """Apply the code, or remove it when this coder has exactly this coding already (TUI keys 1–9)."""
    t = transcripts.get(project, transcript)
    k = codebook.get_code(project, code)
    rs = as_ranges(ranges)
    existing = find(project, t.id, k.id, coder, rs)
    if existing is not None:
        delete(project, existing.id, coder)
        return None
    return _apply(project, t, k, rs, coder)


def set_memo(project: Project, coding_id: int, memo: str, coder: str) -> Coding:
    c = get(project, coding_id)
    if c.coder != coder:
        raise ConflictError(f"coding {coding_id} belongs to {c.coder}, not {coder}")
    with project.transaction("memo", coder, f"memo on {c.transcript} {format_ranges(c.ranges)} {c.code}") as tx:
        tx.update("codings", {"id": coding_id}, {"memo": memo, "updated_at": now()})
    return get(project, coding_id)


def set_ranges(project: Project, coding_id: int, ranges: str | Sequence[Range], coder: str) -> Coding:
    c = get(project, coding_id)
    if c.coder != coder:
        raise ConflictError(f"coding {coding_id} belongs to {c.coder}, not {coder}")
    rs = as_ranges(ranges)
    check_ranges(project, transcripts.get(project, c.transcript), rs)
    with project.transaction(
        "recode", coder, f"change {c.transcript} {format_ranges(c.ranges)} → {format_ranges(rs)} {c.code}"
    ) as tx:
        tx.update(
            "codings",
            {"id": coding_id},
            {"ranges": format_ranges(rs), "first_line": rs[0][0], "last_line": rs[-1][1], "updated_at": now()},
        )
    return get(project, coding_id)


def add_range(project: Project, coding_id: int, ranges: str | Sequence[Range], coder: str) -> Coding:
    """Add lines to one of the coder's codings: ``110-113`` plus ``123-125`` → ``110-113,123-125`` (one event)."""
    c = get(project, coding_id)
    extra = as_ranges(ranges)
    return set_ranges(project, coding_id, (*c.ranges, *extra), coder)


def remove_range(project: Project, coding_id: int, ranges: str | Sequence[Range], coder: str) -> Coding:
    """Take lines out of one of the coder's codings: a whole range goes, lines inside a range split it
    (``110-125`` minus ``114-122`` → ``110-113,123-125``). Taking out every line is refused: delete the
    coding instead."""
    c = get(project, coding_id)
    gone = {n for a, b in as_ranges(ranges) for n in range(a, b + 1)}
    kept = [n for a, b in c.ranges for n in range(a, b + 1) if n not in gone]
    if len(kept) == sum(b - a + 1 for a, b in c.ranges):
        raise InputError(f"lines {format_ranges(as_ranges(ranges))} are not in {c.code} {format_ranges(c.ranges)}")
    if not kept:
        raise InputError(f"that would leave {c.code} {format_ranges(c.ranges)} without lines; remove the coding")
    return set_ranges(project, coding_id, [(n, n) for n in kept], coder)


def mark_done(project: Project, transcript: str, coder: str, done: bool = True) -> bool:
    """Mark (or unmark) a transcript finished for ``coder``; returns whether anything changed."""
    t = transcripts.get(project, transcript)
    row = project.query_one("SELECT id FROM progress WHERE coder = ? AND transcript_id = ?", (coder, t.id))
    if done == (row is not None):
        return False
    with project.transaction(
        "done" if done else "undone", coder, f"{'mark' if done else 'unmark'} {t.name} done"
    ) as tx:
        if done:
            tx.insert("progress", {"coder": coder, "transcript_id": t.id, "done_at": now()})
        else:
            assert row is not None  # not done means a progress row was found
            tx.delete("progress", {"id": row["id"]})
    return True


def is_done(project: Project, transcript_id: int, coder: str) -> bool:
    return (
        project.scalar("SELECT 1 FROM progress WHERE coder = ? AND transcript_id = ?", (coder, transcript_id))
        is not None
    )


def list_codings(
    project: Project,
    *,
    coder: str | Iterable[str] | None = None,
    code: str | None = None,
    transcript: str | None = None,
) -> list[Coding]:
    """Codings in transcript order, then line order; filters are exact names."""
    where: list[str] = []
    params: list[object] = []
    if coder is not None:
        coders = [coder] if isinstance(coder, str) else list(coder)
        where.append(f"c.coder IN ({', '.join('?' for _ in coders)})")
        params += coders
    if code is not None:
        where.append("c.code_id = ?")
        params.append(codebook.get_code(project, code).id)
    if transcript is not None:
        where.append("c.transcript_id = ?")
        params.append(transcripts.get(project, transcript).id)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY c.transcript_id, c.first_line, c.last_line, k.position, c.coder, c.id"
    return [_coding_from_tuple(r) for r in project.conn.execute(sql, params)]


def coders(project: Project) -> list[str]:
    """Every coder who has codings or finished a transcript, alphabetically."""
    rows = project.query("SELECT coder FROM codings UNION SELECT coder FROM progress ORDER BY coder")
    return [r["coder"] for r in rows]


def count_by_coder(project: Project) -> dict[str, int]:
    """Coder → number of codings (coders without codings are absent)."""
    rows = project.query("SELECT coder, count(*) AS n FROM codings GROUP BY coder ORDER BY coder")
    return {r["coder"]: r["n"] for r in rows}
