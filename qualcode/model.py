"""Plain data objects shared by the core, the CLI and the TUI (no I/O here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

Range = tuple[int, int]  # inclusive (first line, last line), 1-based


class ParsedLine(NamedTuple):
    """One numbered line of a transcript as decided by ``qualcode.corpus.ingest``.

    ``raw`` is the line as a reader sees it in the numbered transcript (speaker
    label included, leading line number stripped); ``text`` is ``raw`` without the
    speaker label; ``speaker`` is the label of the turn the line belongs to (None
    before the first label); ``turn`` counts turns from 1 (0 before the first).
    """

    n: int
    raw: str
    text: str
    speaker: str | None
    turn: int
    start: float | None = None  # seconds into the recording, when the source has time codes
    end: float | None = None


@dataclass
class ParsedTranscript:
    """A decoded, normalised, numbered transcript ready to be stored."""

    name: str
    source: str  # source file name (no directories)
    lines: list[ParsedLine]
    sha256: str  # of the normalised text: "\n".join(line.raw for line in lines)
    encoding: str
    numbered: bool = False  # True when the file carried its own line numbers
    placeholders: list[str] = field(default_factory=list)  # e.g. "[NAAM COLLEGA]", in order of first use
    warnings: list[str] = field(default_factory=list)  # e.g. control characters removed, with line numbers
    attributes: dict = field(default_factory=dict)
    reader: str = ""  # which reader decided the lines ("WebVTT", "SubRip", "Otter text", …)
    notices: list[str] = field(default_factory=list)  # what was dropped or decided (comments, tracked changes, …)


@dataclass(frozen=True)
class Code:
    id: int
    name: str
    parent_id: int | None
    definition: str
    include: str
    exclude: str
    example: str
    colour: str  # "#RRGGBB"
    hotkey: int | None
    position: int
    guid: str
    title: str = ""  # display title for reports (codebook ``title:``); empty: the name

    @property
    def display_title(self) -> str:
        """The heading a report gives this theme: ``title``, else the name with a capital."""
        return self.title or (self.name[:1].upper() + self.name[1:])


class Coding(NamedTuple):
    """One coding: a coder applied a code to line ranges of a transcript.

    A named tuple (immutable, fields by name): listings build 100,000 of them.
    """

    id: int
    transcript: str  # short name
    transcript_id: int
    ranges: tuple[Range, ...]
    code: str
    code_id: int
    coder: str
    memo: str
    created_at: str
    updated_at: str
    guid: str

    @property
    def first_line(self) -> int:
        return self.ranges[0][0]

    @property
    def last_line(self) -> int:
        return self.ranges[-1][1]

    def covers(self, n: int) -> bool:
        return any(a <= n <= b for a, b in self.ranges)

    def line_set(self) -> set[int]:
        return {n for a, b in self.ranges for n in range(a, b + 1)}


@dataclass(frozen=True)
class Quote:
    """A coding as an author quotes it: the text of its lines and its citation, e.g. ``(FG2; 57-64)``.

    ``text`` joins the parts of a multi-range quote with ``(…)``; ``speakers`` are the
    speaker labels of its lines in order of appearance.
    """

    id: int
    transcript: str
    ranges: tuple[Range, ...]
    code: str
    coder: str
    citation: str
    text: str
    speakers: tuple[str, ...]
    memo: str
    created_at: str
    updated_at: str

    @classmethod
    def from_row(cls, row: dict) -> Quote:
        """From the plain dict of :func:`qualcode.coding.quotes.iter_quote_rows` (``--json`` shape)."""
        return cls(
            id=row["id"],
            transcript=row["transcript"],
            ranges=tuple((int(a), int(b)) for a, b in row["ranges"]),
            code=row["code"],
            coder=row["coder"],
            citation=row["citation"],
            text=row["text"],
            speakers=tuple(row["speakers"]),
            memo=row["memo"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )
