"""Transcription-tool text layouts, recognised from the lines themselves (plain text, Word, OpenDocument):

* **Otter / Teams header blocks**: ``Emma  0:34`` (name, two or more spaces, a clock) on its
  own line, the turn's text below it; also a clock alone.
* **Amberscript header blocks**: ``Speaker 1 [00:00:01]`` or ``00:00:01 Speaker 1`` on its own
  line, the text below it.
* **Teams arrow blocks** (older Teams .docx): ``0:0:0.0 --> 0:0:5.12``, the name, the text.
* **Timed lines**: ``[00:01:23] INT: text`` (``(00:01:23)`` too); lines without a time code
  continue the line above until a blank line.
* **Markdown bold speakers**: ``**Anna** [0:00]`` / ``**Anna**:`` / ``**Anna:** text``; ``**`` and
  HTML entities (``&#39;``) do not reach the text.
* **QualCoder-style ids**: ``[id1] text`` (a lower-case id in brackets, recurring, not a
  ``[PLACEHOLDER]``).

:func:`detect_layout` returns ``(reader name, cues)`` for the first layout that fits, or
None (then the lines are an ordinary transcript, one line per line).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from qualcode.corpus.ingest.turns import Cue
from qualcode.timecode import parse_clock

_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
OTTER_HEADER_RE = re.compile(rf"^(?P<speaker>\S.{{0,59}}?)?\s{{2,}}(?P<time>{_CLOCK})\s*$|^\s*(?P<time2>{_CLOCK})\s*$")
AMBER_HEADER_RE = re.compile(
    rf"^(?P<speaker>[^\[\]:]{{1,60}}?)\s*\[(?P<time>{_CLOCK})\]\s*:?\s*$|^(?P<time2>{_CLOCK})\s+(?P<speaker2>[^:\d][^:]{{0,59}}?)\s*:?\s*$"
)
ARROW_HEADER_RE = re.compile(rf"^\s*(?P<time>{_CLOCK})\s*-->\s*(?P<end>{_CLOCK})\s*$")
TIMED_LINE_RE = re.compile(rf"^\s*[\[(](?P<time>{_CLOCK})[\])]\s*(?P<rest>.*)$")
BOLD_RE = re.compile(
    rf"^\s*\*\*(?P<speaker>[^*\n]{{1,60}}?)\s*:?\s*\*\*\s*:?\s*(?:[\[(](?P<time>{_CLOCK})[\])])?\s*:?\s*(?P<rest>.*)$"
)
QUALCODER_RE = re.compile(r"^\s*\[(?P<speaker>[a-z][a-z_ ]{0,20}\d*)\]\s*:?\s*(?P<rest>.*)$")
_BOLD_PAIRS_RE = re.compile(r"\*\*(.+?)\*\*")


def _turns(
    lines: list[str],
    head: Callable[[str], Cue | None],
    *,
    blank_ends_turn: bool = True,
    orphan_continues: bool = False,
    close_previous: bool = False,
) -> list[Cue]:
    """Cues from lines where ``head`` starts a turn (returns its cue) and the lines below continue it.

    A blank line ends the turn (unless not ``blank_ends_turn``); a line before any turn is a cue of
    its own (which the lines below continue when ``orphan_continues``); with ``close_previous`` a turn's
    start is the end of the cue before it.
    """
    cues: list[Cue] = []
    current: Cue | None = None
    for line in lines:
        cue = head(line)
        if cue is not None:
            if close_previous and cues and cues[-1].end is None:
                cues[-1].end = cue.start
            current = cue
            cues.append(cue)
        elif not line.strip():
            if blank_ends_turn:
                current = None
        elif current is not None:
            current.text = f"{current.text} {line.strip()}".strip()
        else:
            cues.append(Cue(line.strip()))
            if orphan_continues:
                current = cues[-1]
    return cues


def _header_blocks(lines: list[str], match: Callable[[str], tuple[str | None, float] | None]) -> list[Cue]:
    def head(line: str) -> Cue | None:
        found = match(line)
        return None if found is None else Cue("", found[0], found[1])

    # a blank line: text after it (before the next header) is its own paragraph
    cues = _turns(lines, head, close_previous=True)
    return [c for c in cues if c.text or c.speaker]


def _otter(line: str):
    m = OTTER_HEADER_RE.match(line)
    if not m:
        return None
    time = parse_clock(m.group("time") or m.group("time2"))
    return (m.group("speaker") or None), time


def _amber(line: str):
    m = AMBER_HEADER_RE.match(line)
    if not m:
        return None
    return (m.group("speaker") or m.group("speaker2")).strip(), parse_clock(m.group("time") or m.group("time2"))


def _arrow_blocks(lines: list[str]) -> list[Cue]:
    cues: list[Cue] = []
    block: list[str] | None = None
    times: tuple[float | None, float | None] = (None, None)

    def close() -> None:
        if block:
            speaker = None
            body = block
            if len(block) >= 2 and len(block[0].split()) <= 5 and not block[0].rstrip().endswith((".", "?", "!")):
                speaker, body = block[0].strip(), block[1:]
            cues.append(Cue(" ".join(b.strip() for b in body), speaker, times[0], times[1]))

    for line in lines:
        m = ARROW_HEADER_RE.match(line)
        if m:
            close()
            block, times = [], (parse_clock(m.group("time")), parse_clock(m.group("end")))
        elif line.strip():
            if block is None:
                cues.append(Cue(line.strip()))
            else:
                block.append(line)
    close()
    return cues


def _timed_lines(lines: list[str]) -> list[Cue]:
    def head(line: str) -> Cue | None:
        m = TIMED_LINE_RE.match(line)
        return Cue(m.group("rest").strip(), None, parse_clock(m.group("time"))) if m else None

    # a timed line "[00:01:23] INT:" with the text below it: the label is still at the cue's start
    return _turns(lines, head, orphan_continues=True, close_previous=True)


def _bold(lines: list[str]) -> list[Cue]:
    def head(line: str) -> Cue | None:
        m = BOLD_RE.match(line)
        if not m:
            return None
        start = parse_clock(m.group("time")) if m.group("time") else None
        return Cue(m.group("rest").strip(), html.unescape(m.group("speaker")), start)

    # markdown paragraphs of one speaker are separated by blank lines
    cues = _turns(lines, head, blank_ends_turn=False)
    for cue in cues:
        cue.text = html.unescape(_BOLD_PAIRS_RE.sub(r"\1", cue.text))
    return cues


def _qualcoder(lines: list[str]) -> list[Cue]:
    def head(line: str) -> Cue | None:
        m = QUALCODER_RE.match(line)
        return Cue(m.group("rest").strip(), m.group("speaker").strip()) if m else None

    return _turns(lines, head)


def _otter_with_speaker(line: str) -> bool:
    m = OTTER_HEADER_RE.match(line)
    return bool(m and m.group("speaker"))


def _count(lines: list[str], test: Callable[[str], object]) -> int:
    return sum(1 for line in lines if line.strip() and test(line))


# Every layout needs a clock (``0:34``) or ``**`` or ``[`` on the lines it shapes: these
# find the lines that may shape one, so that the layouts' own patterns run only there.
_CLOCK_HINT_RE = re.compile(r":(?<=\d:)\d\d")  # a digit, a colon, two digits (found from the colons: fast)
_QUALCODER_HINT_RE = re.compile(r"\[\s*[a-z]")


def detect_layout(lines: list[str]) -> tuple[str, list[Cue]] | None:
    """The first layout that fits ``lines`` (see the module docstring), as ``(reader, cues)``; else None."""
    nonblank = [line for line in lines if line.strip()]
    if not nonblank:
        return None
    # a layout must shape at least a tenth of the lines, and two of them (one in a file of one or two lines)
    share = max(2 if len(nonblank) > 2 else 1, len(nonblank) // 10)
    text = "\n".join(nonblank)  # cheap tests first: most transcripts have none of these marks
    # the (non-blank) lines with a clock: the only ones the next four layouts fit
    clocked = [x for x in nonblank if ":" in x and _CLOCK_HINT_RE.search(x)] if _CLOCK_HINT_RE.search(text) else []
    if len(clocked) >= share:
        if "-->" in text and _count(clocked, ARROW_HEADER_RE.match) >= share:
            return "Teams transcript (time --> time, name, text)", _arrow_blocks(lines)
        if _count(clocked, AMBER_HEADER_RE.match) >= share:
            return "Amberscript text (speaker [hh:mm:ss])", _header_blocks(lines, _amber)
        if _count(clocked, _otter_with_speaker) >= share:
            return "Otter/Teams text (speaker  m:ss)", _header_blocks(lines, _otter)
        if _count(clocked, TIMED_LINE_RE.match) >= share:
            return "timed lines ([hh:mm:ss] SPEAKER: text)", _timed_lines(lines)
    if "**" not in text and "[" not in text:
        return None
    if "**" in text:
        bold = [m.group("speaker").strip() for m in map(BOLD_RE.match, [x for x in nonblank if "**" in x]) if m]
        if len(bold) >= 2 and len(set(bold)) < len(bold):  # speakers recur; bold headings do not
            return "Markdown bold speakers (**Name**)", _bold(lines)
    if _QUALCODER_HINT_RE.search(text):
        qualcoder = [QUALCODER_RE.match(line) for line in nonblank if "[" in line]
        labels = [m.group("speaker") for m in qualcoder if m]
        if len(labels) >= 2 and len(set(labels)) < len(labels):
            return "QualCoder-style speakers ([id1] text)", _qualcoder(lines)
    return None
