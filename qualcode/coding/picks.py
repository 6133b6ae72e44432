"""Picks: the quotes an author chose for the report, in the order that carries her argument.

A pick is per author (coder) and names a coding by its GUID, so it follows the
coding (undo/redo, REFI-QDA round trips, merges). Every change is one transaction
and one event (undoable). Positions order one author's picks; within a theme the
report shows them in that order.

``qualcode pick FG2 57-64 werkwijze [--after FG1 5-11]`` → :func:`pick`;
``qualcode unpick …`` → :func:`unpick`; ``qualcode picks [--json]`` → :func:`list_picks`;
the Quotes screen's move keys → :func:`move`.
"""

from __future__ import annotations

from collections.abc import Sequence

from qualcode.coding import codebook, codings
from qualcode.corpus import transcripts
from qualcode.errors import ConflictError, InputError, NotFoundError
from qualcode.model import Coding, Range
from qualcode.ranges import format_citation, format_ranges
from qualcode.store.project import Project, now


def resolve_coding(
    project: Project, transcript: str, ranges: str | Sequence[Range], code: str, author: str, of: str | None = None
) -> Coding:
    """The coding an author means by ``FG2 57-64 werkwijze``.

    ``of`` names whose coding; otherwise the author's own, else the consensus
    coder's, else the only coder's. Several candidates without ``of`` → an error naming them.
    """
    t = transcripts.get(project, transcript)
    k = codebook.get_code(project, code)
    rs = codings.as_ranges(ranges)
    rows = project.query(
        "SELECT coder FROM codings WHERE transcript_id = ? AND code_id = ? AND ranges = ? ORDER BY coder",
        (t.id, k.id, format_ranges(rs)),
    )
    who = [r["coder"] for r in rows]
    label = f"{t.name} {format_ranges(rs)} {k.name}"
    if of is not None:
        if of not in who:
            raise NotFoundError(f"{of} has no coding {label}" + (f" (coded by {', '.join(who)})" if who else ""))
        chosen = of
    elif not who:
        raise NotFoundError(f"nobody coded {label} (see `qualcode codings --code {k.name}`)")
    elif author in who:
        chosen = author
    elif project.consensus_coder in who:
        chosen = project.consensus_coder
    elif len(who) == 1:
        chosen = who[0]
    else:
        raise InputError(f"{label} is coded by {', '.join(who)}; say whose with --of NAME")
    found = codings.find(project, t.id, k.id, chosen, rs)
    assert found is not None
    return found


def _pick_row(project: Project, author: str, guid: str) -> dict | None:
    return project.query_one("SELECT id, position FROM picks WHERE coder = ? AND coding_guid = ?", (author, guid))


def pick(
    project: Project,
    transcript: str,
    ranges: str | Sequence[Range],
    code: str,
    author: str,
    *,
    after: tuple[str, str] | None = None,
    of: str | None = None,
) -> dict:
    """Mark a quote "in report" for ``author``: at the end, or right after the pick ``after`` = (transcript, ranges).

    Picking a quote that is picked already moves it (with ``after``) or is refused (without).
    Returns the pick as :func:`list_picks` shows it.
    """
    coding = resolve_coding(project, transcript, ranges, code, author, of)
    existing = _pick_row(project, author, coding.guid)
    anchor_pos: int | None = None
    if after is not None:
        anchor = resolve_coding(project, after[0], after[1], code, author, of)
        row = _pick_row(project, author, anchor.guid)
        if row is None:
            raise NotFoundError(f"{_label(project, anchor)} is not picked, so nothing can follow it")
        if anchor.guid == coding.guid:
            raise InputError("a quote cannot follow itself")
        anchor_pos = row["position"]
    elif existing is not None:
        raise ConflictError(f"{_label(project, coding)} is picked already (use --after to move it)")
    summary = f"pick {_label(project, coding)}" + (f" after {after[0]} {after[1]}" if after else "")
    with project.transaction("pick", author, summary) as tx:
        if existing is not None:
            tx.delete("picks", {"id": existing["id"]})
        if anchor_pos is None:
            top = tx.conn.execute("SELECT max(position) FROM picks WHERE coder = ?", (author,)).fetchone()[0]
            position = (top or 0) + 1
        else:
            position = anchor_pos + 1
            later = tx.conn.execute(
                "SELECT id, position FROM picks WHERE coder = ? AND position >= ? ORDER BY position DESC",
                (author, position),
            ).fetchall()
            for pid, pos in later:
                tx.update("picks", {"id": pid}, {"position": pos + 1})
        tx.insert("picks", {"coder": author, "coding_guid": coding.guid, "position": position, "picked_at": now()})
    return _as_row(project, coding, position)


def unpick(
    project: Project, transcript: str, ranges: str | Sequence[Range], code: str, author: str, of: str | None = None
) -> dict:
    """Take a quote out of ``author``'s report."""
    coding = resolve_coding(project, transcript, ranges, code, author, of)
    row = _pick_row(project, author, coding.guid)
    if row is None:
        raise NotFoundError(f"{_label(project, coding)} is not picked by {author}")
    with project.transaction("unpick", author, f"unpick {_label(project, coding)}") as tx:
        tx.delete("picks", {"id": row["id"]})
    return _as_row(project, coding, row["position"])


def toggle(project: Project, coding_id: int, author: str) -> bool:
    """Pick or unpick a coding by id (the Quotes screen's key); returns whether it is picked now."""
    c = codings.get(project, coding_id)
    row = _pick_row(project, author, c.guid)
    if row is not None:
        with project.transaction("unpick", author, f"unpick {_label(project, c)}") as tx:
            tx.delete("picks", {"id": row["id"]})
        return False
    with project.transaction("pick", author, f"pick {_label(project, c)}") as tx:
        top = tx.conn.execute("SELECT max(position) FROM picks WHERE coder = ?", (author,)).fetchone()[0]
        tx.insert("picks", {"coder": author, "coding_guid": c.guid, "position": (top or 0) + 1, "picked_at": now()})
    return True


def move(project: Project, coding_id: int, author: str, delta: int) -> bool:
    """Move a picked quote up (``delta=-1``) or down (``+1``) among the picks of its theme.

    Swaps positions with the neighbouring pick of the same code; returns False at either end.
    """
    c = codings.get(project, coding_id)
    row = _pick_row(project, author, c.guid)
    if row is None:
        raise NotFoundError(f"{_label(project, c)} is not picked by {author}")
    same = project.query(
        "SELECT p.id, p.position FROM picks p JOIN codings g ON g.guid = p.coding_guid "
        "WHERE p.coder = ? AND g.code_id = ? ORDER BY p.position",
        (author, c.code_id),
    )
    index = next(i for i, r in enumerate(same) if r["id"] == row["id"])
    other = index + (1 if delta > 0 else -1)
    if not 0 <= other < len(same):
        return False
    a, b = same[index], same[other]
    with project.transaction("pick.move", author, f"move {_label(project, c)} {'down' if delta > 0 else 'up'}") as tx:
        tx.update("picks", {"id": a["id"]}, {"position": -1})
        tx.update("picks", {"id": b["id"]}, {"position": a["position"]})
        tx.update("picks", {"id": a["id"]}, {"position": b["position"]})
    return True


def picked_guids(project: Project, author: str) -> dict[str, int]:
    """coding GUID → position, for ``author`` (one query)."""
    return {
        r[0]: r[1] for r in project.conn.execute("SELECT coding_guid, position FROM picks WHERE coder = ?", (author,))
    }


def list_picks(project: Project, author: str) -> list[dict]:
    """``author``'s picks in report order (theme in codebook order, then position); missing codings flagged."""
    rows = project.query(
        "SELECT p.position, p.coding_guid, c.id AS coding_id, c.coder, t.name AS transcript, c.ranges, "
        "k.name AS code, k.position AS code_position FROM picks p "
        "LEFT JOIN codings c ON c.guid = p.coding_guid LEFT JOIN transcripts t ON t.id = c.transcript_id "
        "LEFT JOIN codes k ON k.id = c.code_id WHERE p.coder = ? ORDER BY k.position, p.position",
        (author,),
    )
    template = project.citation_template
    out = []
    for r in rows:
        if r["coding_id"] is None:
            out.append({"position": r["position"], "coding_guid": r["coding_guid"], "missing": True})
            continue
        rs = codings._stored_ranges(r["ranges"])
        out.append(
            {
                "position": r["position"],
                "code": r["code"],
                "transcript": r["transcript"],
                "ranges": [list(x) for x in rs],
                "citation": format_citation(r["transcript"], rs, template),
                "coder": r["coder"],
                "coding_id": r["coding_id"],
                "coding_guid": r["coding_guid"],
                "missing": False,
            }
        )
    return out


def _label(project: Project, c: Coding) -> str:
    return f"{format_citation(c.transcript, c.ranges, project.citation_template)} {c.code}"


def _as_row(project: Project, c: Coding, position: int) -> dict:
    return {
        "position": position,
        "code": c.code,
        "transcript": c.transcript,
        "ranges": [list(x) for x in c.ranges],
        "citation": format_citation(c.transcript, c.ranges, project.citation_template),
        "coder": c.coder,
        "coding_id": c.id,
        "coding_guid": c.guid,
        "missing": False,
    }
