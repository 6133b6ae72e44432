"""A coding → its quote: the lines' text without speaker labels, parts joined with ``(…)``.

``text`` joins the non-blank lines of a range with single spaces; the parts of a
multi-range quote are joined with `` (…) ``. ``speakers`` lists the speakers of
the quoted lines in order of appearance. Nothing here re-parses transcripts: it
reads the stored lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from qualcode.model import Coding, Range
from qualcode.ranges import format_citation
from qualcode.store.project import Project

PART_JOIN = " (…) "


class TranscriptLines:
    """A transcript's lines by number: a list when the numbers run without gaps (the common case)."""

    __slots__ = ("by_n", "first", "rows")

    def __init__(self, rows: list[tuple[int, str | None, str]]):
        self.first = rows[0][0] if rows else 1
        self.by_n = None
        if rows and rows[-1][0] - self.first != len(rows) - 1:
            self.by_n = {n: (s, t) for n, s, t in rows}
        self.rows = rows

    def items(self):
        """``(n, (speaker, text))`` in line order."""
        return ((n, (s, t)) for n, s, t in self.rows)

    def span(self, a: int, b: int) -> list[tuple[int, str | None, str]]:
        """The stored lines ``a``…``b`` as ``(n, speaker, text)``."""
        if self.by_n is None:
            return self.rows[max(a - self.first, 0) : max(b - self.first + 1, 0)]
        return [(n, *self.by_n[n]) for n in range(a, b + 1) if n in self.by_n]


def _squashed(text: str) -> str:
    """A line's text with its runs of whitespace made single spaces (only when it has any)."""
    return text if "  " not in text and "\t" not in text else " ".join(text.split())


def quote_from_lines(lines: TranscriptLines, ranges: Sequence[Range]) -> tuple[str, list[str]]:
    """(text, speakers) of ``ranges``, from a transcript's lines (:func:`transcript_lines`).

    The non-blank lines of a range are joined with single spaces, runs of whitespace inside
    a line squashed; the parts of a multi-range quote are joined with `` (…) ``.
    """
    if len(ranges) == 1 and lines.by_n is None:  # the common case: one range, lines without gaps
        rows = lines.span(*ranges[0])
        texts = [t for _, _, t in rows if t]
        text = " ".join(texts)
        if "  " in text or "\t" in text:  # some line needs squashing (or ends in a space): line by line
            text = " ".join([_squashed(t) for t in texts])
        return text, list(dict.fromkeys([s for _, s, t in rows if s and t]))
    parts, speakers = [], []
    for a, b in ranges:
        rows = [r for r in lines.span(a, b) if r[2]]
        parts.append(" ".join(_squashed(t) for _, _, t in rows))
        for _, speaker, _ in rows:
            if speaker and speaker not in speakers:
                speakers.append(speaker)
    return PART_JOIN.join(parts), speakers


def line_times(project: Project, transcript_id: int) -> dict[int, tuple[float, float | None]]:
    """``n → (start, end)`` for the lines that carry a time code (empty for untimed transcripts)."""
    return {
        n: (start, end)
        for n, start, end in project.conn.execute(
            "SELECT n, start, [end] FROM lines WHERE transcript_id = ? AND start IS NOT NULL", (transcript_id,)
        )
    }


def quote_times(times: dict[int, tuple[float, float | None]], ranges: Sequence[Range]) -> tuple:
    """(start of the first timed line, end of the last timed line) inside ``ranges``; (None, None) without times."""
    if not times:
        return None, None
    inside = [times[n] for a, b in ranges for n in range(a, b + 1) if n in times]
    if not inside:
        return None, None
    ends = [e if e is not None else s for s, e in inside]
    return inside[0][0], max(ends)


def transcript_lines(project: Project, transcript_id: int) -> TranscriptLines:
    return TranscriptLines(
        project.conn.execute(
            "SELECT n, speaker, text FROM lines WHERE transcript_id = ? ORDER BY n", (transcript_id,)
        ).fetchall()
    )


def iter_quote_rows(project: Project, codings: Iterable[Coding]) -> Iterator[dict]:
    """Plain dicts for listings and ``--json``, one per coding, in the given order.

    Each transcript's lines are loaded when its first coding comes by and kept
    while its codings follow each other (listings come in transcript order), so a
    100,000-coding listing reads each transcript once and holds one at a time.
    """
    from qualcode.timecode import format_clock

    template = project.citation_template
    current_id: int | None = None
    lines: TranscriptLines | None = None
    times: dict[int, tuple[float, float | None]] = {}
    for c in codings:
        if c.transcript_id != current_id:
            current_id, lines = c.transcript_id, transcript_lines(project, c.transcript_id)
            times = line_times(project, c.transcript_id)
        assert lines is not None  # loaded for the first coding
        text, speakers = quote_from_lines(lines, c.ranges)
        start, end = quote_times(times, c.ranges)
        yield {
            "id": c.id,
            "transcript": c.transcript,
            "ranges": [list(r) for r in c.ranges],
            "code": c.code,
            "coder": c.coder,
            "citation": format_citation(
                c.transcript, c.ranges, template, format_clock(start) if start is not None else None
            ),
            "start": start,
            "end": end,
            "text": text,
            "speakers": speakers,
            "memo": c.memo,
            "created_at": c.created_at,
            "updated_at": c.updated_at,
        }


def quote_rows(project: Project, codings: Iterable[Coding]) -> list[dict]:
    """:func:`iter_quote_rows` as a list, in the given order (any order: grouped per transcript)."""
    codings = list(codings)
    order = sorted(range(len(codings)), key=lambda i: codings[i].transcript_id)
    rows: list[dict] = [{}] * len(codings)
    for i, row in zip(order, iter_quote_rows(project, (codings[i] for i in order))):
        rows[i] = row
    return rows
