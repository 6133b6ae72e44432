"""Cues → turns → numbered lines: the one rule every timed or speaker-structured format goes through.

A *cue* is what a reader finds: a piece of text with (maybe) a speaker and a start and end
time (a WebVTT cue, an SRT subtitle, a Whisper segment, an Otter paragraph, a table row).
Consecutive cues of the same speaker form one *turn*; a turn's text is wrapped at
``wrap`` columns like a Word paragraph, its first line starting with ``Speaker: ``. Cues
without a speaker are never merged (each is its own paragraph). Cue numbers and time
codes never enter the text: a line's time is line data (``start`` = start of the cue its
first word came from, ``end`` = end of the cue of its last word).
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from operator import add
from pathlib import Path
from typing import Protocol

from qualcode.corpus.ingest.build import transcript_of
from qualcode.corpus.ingest.decode import line_warnings, needs_line_cleaning, normalise_line
from qualcode.corpus.ingest.speaker_rule import AUTO, SpeakerRule, normalise_speaker
from qualcode.corpus.ingest.speakers import is_evident_label
from qualcode.errors import InputError
from qualcode.model import ParsedLine, ParsedTranscript


@dataclass
class Cue:
    text: str
    speaker: str | None = None
    start: float | None = None
    end: float | None = None


# "Anna de Vries: …", "[SPEAKER_00]: …", "R1: …" at the start of a cue's text
CUE_LABEL_RE = re.compile(r"\s*(\[[^\]\n]{1,40}\]|[^\W\d_][\w'’ .\-]{0,39}?)\s*:\s+(?=\S)")
_TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>")


def clean_cue_text(text: str, *, clean: bool = True) -> tuple[str, int, int]:
    """Markup tags out, entities decoded, control characters out, all whitespace → single spaces.

    ``clean=False`` skips the control-character and NFC pass (the caller checked the whole text).
    """
    if "<" in text or "&" in text:
        text = html.unescape(_TAG_RE.sub("", text))
    removed = separators = 0
    if clean:
        text, removed, separators = normalise_line(text.replace("\n", " ").replace("\t", " "))
    return " ".join(text.split()), removed, separators


def label_cues(cues: list[Cue], rule: SpeakerRule) -> None:
    """Take speaker labels out of cue texts (``Name: text``) by ``rule``; structural speakers stay."""
    if rule.mode == "none":
        for cue in cues:
            if cue.speaker:
                cue.text = f"{cue.speaker}: {cue.text}"
                cue.speaker = None
        return
    found: list[tuple[str, int] | None] = []
    for cue in cues:
        if cue.speaker is not None:
            found.append(None)
        elif rule.mode == "pattern":
            found.append(rule.match(cue.text))
        else:
            m = CUE_LABEL_RE.match(cue.text)
            found.append((normalise_speaker(m.group(1)), m.end()) if m else None)
    if rule.mode == "auto":
        counts = Counter(f[0] for f in found if f)
        accepted = {label for label, n in counts.items() if n >= 2 or is_evident_label(label)}
    else:
        accepted = {f[0] for f in found if f}
    for cue, f in zip(cues, found):
        if f and f[0] in accepted:
            cue.speaker, cue.text = f[0], cue.text[f[1] :].strip()
        elif cue.speaker is not None:
            cue.speaker = normalise_speaker(cue.speaker) or None


def wrap_words(words: Sequence[str], width: int, first_indent: int) -> list[tuple[int, int]]:
    """Greedy wrap: ``(first word, last word + 1)`` per line; a word longer than a line stays whole.

    A line takes words while its length (the first line's indent, the words, one space between
    them) stays within ``width``, and always at least one word. Found per line by bisection over
    the running length rather than word by word.
    """
    n = len(words)
    # ends[k]: the length of words[:k] with a space after each one; a line of words[a:b] is ends[b] - ends[a] - 1 long
    ends = list(map(add, accumulate(map(len, words), initial=0), range(n + 1)))
    lines: list[tuple[int, int]] = []
    start, indent = 0, first_indent
    while start < n:
        stop = max(start + 1, bisect_right(ends, ends[start] + width + 1 - indent, start + 1) - 1)
        lines.append((start, stop))
        start, indent = stop, 0
    return lines


def turns_of(cues: list[Cue]) -> list[list[Cue]]:
    """Consecutive cues of one speaker → one turn; speakerless cues stay alone."""
    turns: list[list[Cue]] = []
    for cue in cues:
        if turns and cue.speaker is not None and turns[-1][-1].speaker == cue.speaker:
            turns[-1].append(cue)
        else:
            turns.append([cue])
    return turns


class CueFileReader(Protocol):
    def __call__(
        self, path: str | Path, text: str, *, name: str, encoding: str, wrap: int = 80, rule: SpeakerRule = AUTO
    ) -> ParsedTranscript: ...


def cue_file_reader(read_cues: Callable[..., list[Cue]], reader: str) -> CueFileReader:
    """A file reader from ``read_cues(text, path=…)``: its cues as a transcript named after the file."""

    def read(
        path: str | Path, text: str, *, name: str, encoding: str, wrap: int = 80, rule: SpeakerRule = AUTO
    ) -> ParsedTranscript:
        return cues_to_transcript(
            read_cues(text, path=path),
            name=name,
            source=Path(path).name,
            path=path,
            encoding=encoding,
            reader=reader,
            wrap=wrap,
            rule=rule,
        )

    return read


def cues_to_transcript(
    cues: list[Cue],
    *,
    name: str,
    source: str,
    path,
    encoding: str,
    reader: str,
    wrap: int = 80,
    rule: SpeakerRule = AUTO,
    notices: list[str] | None = None,
    warnings: list[str] | None = None,
) -> ParsedTranscript:
    """Cues → a transcript whose lines are the wrapped turns (see the module docstring)."""
    if wrap < 1:
        raise InputError(f"wrap width must be at least 1 column, not {wrap}", path=path)
    warnings = list(warnings or [])
    kept: list[Cue] = []
    if needs_line_cleaning("".join(cue.text for cue in cues)):
        for index, cue in enumerate(cues, start=1):
            text, removed, separators = clean_cue_text(cue.text)
            if removed or separators:
                warnings.extend(line_warnings(f"cue {index}", removed, separators))
            if text:
                kept.append(Cue(text, cue.speaker, cue.start, cue.end))
    else:  # clean text (the common case): clean_cue_text(text, clean=False) inline, one cue at a time
        tag_sub, unescape = _TAG_RE.sub, html.unescape
        for cue in cues:
            text = cue.text
            if "<" in text or "&" in text:
                text = unescape(tag_sub("", text))
            text = " ".join(text.split())
            if text:
                kept.append(Cue(text, cue.speaker, cue.start, cue.end))
    if not kept:
        raise InputError("the file is empty (no text in any cue)", path=path)
    label_cues(kept, rule)
    lines: list[ParsedLine] = []
    new_line = tuple.__new__  # ParsedLine's own __new__ without its Python frame
    for turn_no, turn in enumerate(turns_of(kept), start=1):
        owner: list[int] | None = None  # the cue of each word (a turn of one cue: that cue)
        if len(turn) == 1:
            words = turn[0].text.split()
        else:
            words, owner = [], []
            for i, cue in enumerate(turn):
                split = cue.text.split()
                words.extend(split)
                owner.extend([i] * len(split))
        if not words:
            continue
        speaker = turn[0].speaker
        prefix = f"{speaker}: " if speaker else ""
        for k, (a, b) in enumerate(wrap_words(words, wrap, len(prefix))):
            body = " ".join(words[a:b])
            first, last = (turn[0], turn[0]) if owner is None else (turn[owner[a]], turn[owner[b - 1]])
            raw = prefix + body if k == 0 else body
            lines.append(new_line(ParsedLine, (len(lines) + 1, raw, body, speaker, turn_no, first.start, last.end)))
    raws = [ln.raw for ln in lines]
    return transcript_of(
        lines,
        raws,
        name=name,
        source=source,
        encoding=encoding,
        warnings=warnings,
        reader=reader,
        notices=list(notices or []),
    )
