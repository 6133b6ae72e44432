"""Office documents (.docx, .odt) as blocks: paragraphs and table rows, then one of three readings.

1. A table with a speaker column (one row per turn: speaker | text, maybe a time column)
   → one cue per row.
2. Paragraphs in a transcription tool's layout (Teams, Amberscript, Otter, timed lines, …,
   see :mod:`qualcode.corpus.ingest.textformats`) → cues.
3. Otherwise None: the caller wraps the paragraphs into lines as it always did.
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import cast

from qualcode.corpus.ingest.textformats import detect_layout
from qualcode.corpus.ingest.turns import Cue
from qualcode.timecode import parse_clock

Block = tuple[str, str | list[str]]  # ("p", "text") or ("row", ["cell", "cell", …])


def _short(value: str) -> bool:
    return 0 < len(value) <= 40 and len(value.split()) <= 5


def speaker_table(rows: list[list[str]]) -> tuple[list[Cue], list[str]] | None:
    """Rows of a table → cues when one column holds recurring short speaker names; else None."""
    rows = [[" ".join(c.split()) for c in row] for row in rows if any(c.strip() for c in row)]
    if len(rows) < 2 or not all(2 <= len(row) <= 4 for row in rows) or len({len(r) for r in rows}) != 1:
        return None
    width = len(rows[0])
    body = rows[1:] if len(rows) > 2 else rows

    def share(test, column: int) -> float:
        return sum(1 for row in body if test(row[column])) / len(body)

    time_col = next((c for c in range(width) if share(lambda v: parse_clock(v) is not None, c) >= 0.8), None)
    speaker_col = None
    for c in range(width):
        if c == time_col or share(_short, c) < 0.8:
            continue
        counts = Counter(row[c] for row in body)
        if counts.most_common(1)[0][1] >= 2 and len(counts) <= max(2, len(body) // 2):
            speaker_col = c
            break
    if speaker_col is None:
        return None
    text_cols = [c for c in range(width) if c not in (speaker_col, time_col)]
    if not text_cols:
        return None
    notices: list[str] = []
    first = rows[0]
    seen = Counter(row[speaker_col] for row in rows[1:])
    if len(rows) > 2 and seen[first[speaker_col]] == 0 and (time_col is None or parse_clock(first[time_col]) is None):
        notices.append(f"table: first row {' | '.join(first)!r} read as a header and not imported")
        rows = rows[1:]
    cues = []
    for row in rows:
        start = parse_clock(row[time_col]) if time_col is not None else None
        text = " ".join(row[c] for c in text_cols if row[c])
        cues.append(Cue(text, row[speaker_col] or None, start))
    for cue, following in itertools.pairwise(cues):
        cue.end = following.start
    return cues, notices


def blocks_reading(blocks: list[Block], kind: str) -> tuple[str, list[Cue], list[str]] | None:
    """``(reader, cues, notices)`` for a speaker table or a tool layout in ``blocks``; None otherwise."""
    rows = [cast(list[str], value) for what, value in blocks if what == "row"]
    paragraphs = [cast(str, value) for what, value in blocks if what == "p"]
    table_chars = sum(len(" ".join(r)) for r in rows)
    para_chars = sum(len(p) for p in paragraphs)
    if rows and table_chars >= para_chars:
        found = speaker_table(rows)
        if found is not None:
            cues, notices = found
            before = [Cue(p) for p in paragraphs if p.strip()]
            if before:
                notices.append(f"{len(before)} paragraph(s) outside the table kept as lines without a speaker")
            return f"{kind} table with a speaker column", before + cues, notices
    lines: list[str] = []
    for what, value in blocks:
        if what == "p":
            lines.extend(str(value).split("\n"))
        else:
            lines.append("\t".join(cast(list[str], value)))
    layout = detect_layout(lines)
    if layout is None:
        return None
    reader, cues = layout
    return f"{reader} in {kind}", cues, []
