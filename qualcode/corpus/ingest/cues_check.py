"""Checks shared by the subtitle readers: time-code lines with their file line numbers, cue order."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from qualcode.errors import InputError
from qualcode.timecode import parse_clock

ARROW_RE = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)")


def timing_lines(lines: list[str], *, path: str | Path, what: str) -> list[tuple[int, float, float]]:
    """``(file line, start, end)`` of every ``A --> B`` line; a broken time code is an error naming its line."""
    out = []
    clock: dict[str, float | None] = {}  # each time code once: a cue's end is usually the next one's start
    match = ARROW_RE.match
    for number, line in [(i, line) for i, line in enumerate(lines, start=1) if "-->" in line]:
        m = match(line)
        start = end = None
        if m:
            a, b = m.groups()
            start = clock[a] if a in clock else clock.setdefault(a, parse_clock(a))
            end = clock[b] if b in clock else clock.setdefault(b, parse_clock(b))
        if start is None or end is None:
            raise InputError(f"malformed {what}: broken time code {line.strip()!r}", path=path, line=number)
        if end < start:
            raise InputError(f"malformed {what}: cue ends before it starts", path=path, line=number)
        out.append((number, start, end))
    return out


def check_order(timings: list[tuple[int, float, float]], *, path: str | Path, what: str) -> None:
    """Cues must come in time order and must not overlap (one line naming the offending cue)."""
    for (_, start0, end0), (number, start, _) in itertools.pairwise(timings):
        if start < start0:
            raise InputError(
                f"malformed {what}: cue starts before the cue above it (unordered)", path=path, line=number
            )
        if start < end0:
            raise InputError(f"malformed {what}: cue overlaps the cue above it", path=path, line=number)
