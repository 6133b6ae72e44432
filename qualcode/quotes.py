"""A coding → its quote: the lines' text without speaker labels, parts joined with ``(…)``.

``text`` joins the non-blank lines of a range with single spaces; the parts of a
multi-range quote are joined with `` (…) ``. ``speakers`` lists the speakers of
the quoted lines in order of appearance. Nothing here re-parses transcripts: it
reads the stored lines.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import groupby

from .model import Coding, Range
from .project import Project
from .ranges import format_citation

PART_JOIN = " (…) "


def quote_from_lines(lines: dict[int, tuple[str | None, str]], ranges: Sequence[Range]) -> tuple[str, list[str]]:
    """(text, speakers) of ``ranges`` given ``{n: (speaker, text)}``."""
    parts, speakers = [], []
    for a, b in ranges:
        words = []
        for n in range(a, b + 1):
            speaker, text = lines.get(n, (None, ""))
            if text.strip():
                words.append(" ".join(text.split()))
                if speaker and speaker not in speakers:
                    speakers.append(speaker)
        parts.append(" ".join(words))
    return PART_JOIN.join(parts), speakers


def transcript_lines(project: Project, transcript_id: int) -> dict[int, tuple[str | None, str]]:
    return {n: (s, t) for n, s, t in project.conn.execute(
        "SELECT n, speaker, text FROM lines WHERE transcript_id = ?", (transcript_id,))}


def quote_rows(project: Project, codings: Iterable[Coding]) -> list[dict]:
    """Plain dicts for listings and ``--json``: one per coding, in the given order.

    Lines are loaded once per transcript, so a 100,000-coding listing reads each
    transcript once.
    """
    template = project.citation_template
    out = []
    codings = list(codings)
    order = sorted(range(len(codings)), key=lambda i: codings[i].transcript_id)
    rows: list[dict | None] = [None] * len(codings)
    for transcript_id, idxs in groupby(order, key=lambda i: codings[i].transcript_id):
        lines = transcript_lines(project, transcript_id)
        for i in idxs:
            c = codings[i]
            text, speakers = quote_from_lines(lines, c.ranges)
            rows[i] = {
                "id": c.id,
                "transcript": c.transcript,
                "ranges": [list(r) for r in c.ranges],
                "code": c.code,
                "coder": c.coder,
                "citation": format_citation(c.transcript, c.ranges, template),
                "text": text,
                "speakers": speakers,
                "memo": c.memo,
                "created_at": c.created_at,
                "updated_at": c.updated_at,
            }
    out.extend(rows)  # type: ignore[arg-type]
    return out
