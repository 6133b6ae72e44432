"""Which "character" a REFI-QDA file counted, decided per source from evidence.

REFI-QDA positions are character offsets, but tools disagree on what a character
is: NVivo counts UTF-16 code units (an emoji is two) and on Windows counts a line
break as two (CRLF) even where the stored text has LF. A *convention* is a pair
(unit, line-break width); :class:`OffsetMap` converts a tool's offset into an
index of the source text with LF line breaks under each convention, and
:func:`decide` picks the convention the evidence supports:

1. selections that carry their own text (QualCoder, ATLAS.ti, MAXQDA write the
   quoted text as the selection's ``name``): the convention under which
   (nearly) all of them read their text;
2. otherwise the convention under which (nearly) all selections start and end on
   word boundaries.

When neither is convincing, :func:`decide` says so (``convention is None``) and
the caller imports the source without guessing its codings.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

# (label, counts UTF-16 code units, width of a line break)
CONVENTIONS: tuple[tuple[str, bool, int], ...] = (
    ("code points", False, 1),
    ("code points, CRLF=2", False, 2),
    ("UTF-16 code units", True, 1),
    ("UTF-16 code units, CRLF=2", True, 2),
)
NEARLY_ALL = 0.9
_ELLIPSIS_RE = re.compile(r"(\.\.\.|…)\s*$")
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Offsets of ``text`` (LF line breaks) as counted under one convention, and back."""

    def __init__(self, text: str, line_starts: Sequence[int], utf16: bool, width: int) -> None:
        self.text = text
        self.utf16 = utf16
        self.width = width
        self.starts = list(line_starts)
        astral = [m.start() for m in _ASTRAL_RE.finditer(text)] if utf16 else []
        self.tool_starts = [
            start + (width - 1) * k + (bisect.bisect_left(astral, start) if astral else 0)
            for k, start in enumerate(self.starts)
        ]
        self.astral_in_line: dict[int, list[int]] = {}
        for p in astral:
            self.astral_in_line.setdefault(bisect.bisect_right(self.starts, p) - 1, []).append(p)
        self.tool_length = len(text) + (width - 1) * (len(self.starts) - 1) + len(astral)

    def to_index(self, offset: int) -> int | None:
        """The index into ``text`` of a tool offset; None when it lies beyond the text."""
        if offset < 0 or offset > self.tool_length:
            return None
        k = bisect.bisect_right(self.tool_starts, offset) - 1
        start = self.starts[k]
        last_line = k + 1 >= len(self.starts)
        end = len(self.text) if last_line else self.starts[k + 1] - 1
        i = start + offset - self.tool_starts[k]
        for p in self.astral_in_line.get(k, ()):  # each character outside the BMP counted two units
            if p < i:
                i -= 1
        return min(i, end if last_line else end + 1)


def line_starts(text: str) -> list[int]:
    """Index of the first character of every physical line of an LF text."""
    return [0] + [m.end() for m in re.finditer("\n", text)]


def same_text(expected: str, actual: str) -> bool:
    """True when ``actual`` reads ``expected`` (whitespace-insensitive; ``…``/``...`` means a prefix)."""
    truncated = bool(_ELLIPSIS_RE.search(expected))
    a = " ".join(_ELLIPSIS_RE.sub("", expected).split())
    b = " ".join(actual.split())
    if not a:
        return False
    return b == a or (truncated and b.startswith(a)) or (len(a) >= 40 and b.startswith(a))


def on_word_boundaries(text: str, start: int, end: int) -> bool:
    """A selection [start, end) that neither starts nor ends inside a word."""
    n = len(text)
    if start >= n and n:
        return False
    ok_start = start <= 0 or start >= n or not (text[start - 1].isalnum() and text[start].isalnum())
    ok_end = end <= 0 or end >= n or not (text[end - 1].isalnum() and text[end].isalnum())
    return ok_start and ok_end


@dataclass
class Decision:
    """The convention chosen for one source (None: not convincing) and the evidence for it."""

    convention: str | None
    evidence: str  # "selection text", "word boundaries", "no choice needed", "no selections", "none convincing"
    detail: str
    maps: dict[str, OffsetMap]

    @property
    def offset_map(self) -> OffsetMap | None:
        return self.maps.get(self.convention) if self.convention else None


def candidates(text: str, stored_crlf: bool) -> list[tuple[str, bool, int]]:
    """The conventions that differ for this text, the one the file stores first."""
    astral = _ASTRAL_RE.search(text) is not None
    breaks = "\n" in text
    out = [c for c in CONVENTIONS if (astral or not c[1]) and (breaks or c[2] == 1)]
    if stored_crlf and breaks:
        out.sort(key=lambda c: (c[1], c[2] != 2))
    return out


def decide(text: str, stored_crlf: bool, selections: Sequence[tuple[int, int, str | None]]) -> Decision:
    """Choose the convention for one source; ``selections`` are (start, end, own text or None)."""
    starts = line_starts(text)
    maps = {label: OffsetMap(text, starts, utf16, width) for label, utf16, width in candidates(text, stored_crlf)}
    labels = list(maps)
    if not selections:
        return Decision(labels[0], "no selections", "", maps)
    if len(labels) == 1:
        return Decision(labels[0], "no choice needed", "", maps)
    spans = {label: [_span(m, s, e) for s, e, _ in selections] for label, m in maps.items()}
    named = [i for i, (_, _, name) in enumerate(selections) if name]
    if named:
        score = {label: sum(_reads(text, spans[label][i], selections[i][2]) for i in named) for label in labels}
        choice = _best(score, len(named), spans, labels)
        if choice:
            detail = f"{score[choice]} of {len(named)} read their text{_rival(score, choice)}"
            return Decision(choice, "selection text", detail, maps)
    score = {label: sum(1 for sp in spans[label] if sp and on_word_boundaries(text, *sp)) for label in labels}
    choice = _best(score, len(selections), spans, labels)
    if choice:
        detail = f"{score[choice]} of {len(selections)} on word boundaries{_rival(score, choice)}"
        return Decision(choice, "word boundaries", detail, maps)
    shown = ", ".join(f"{label}: {score[label]}" for label in labels)
    return Decision(None, "none convincing", f"selections on word boundaries of {len(selections)}: {shown}", maps)


def _reads(text: str, span: tuple[int, int] | None, own: str | None) -> int:
    return int(span is not None and own is not None and same_text(own, text[span[0] : span[1]]))


def _rival(score: dict[str, int], choice: str) -> str:
    others = sorted(((n, label) for label, n in score.items() if label != choice), reverse=True)
    return f"; next best {others[0][1]}: {others[0][0]}" if others else ""


def _span(m: OffsetMap, start: int, end: int) -> tuple[int, int] | None:
    a, b = m.to_index(start), m.to_index(end)
    if a is None or b is None:
        return None
    return (a, b) if a <= b else (b, a)


def _best(score: dict[str, int], total: int, spans: dict, labels: list[str]) -> str | None:
    """The top-scoring convention when it covers nearly all selections (90 %, or all but one of three or more).

    A tie goes to the file's own count (``labels[0]``, what the standard says);
    among other conventions a tie is convincing only when they agree on every selection.
    """
    top = max(score.values())
    if top == 0 or not (top >= NEARLY_ALL * total or (total >= 3 and top >= total - 1)):
        return None
    tied = [label for label in labels if score[label] == top]
    if tied[0] == labels[0]:
        return tied[0]  # the file's own count (the standard's reading) wins a tie
    if any(spans[label] != spans[tied[0]] for label in tied[1:]):
        return None
    return tied[0]
