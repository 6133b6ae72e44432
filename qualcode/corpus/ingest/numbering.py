"""Detect and strip line numbers that a transcript carries itself (``12  M: …``)."""

from __future__ import annotations

import re

# A line number at the start of a line: optional indentation, digits, an optional
# "." or ")", then whitespace or the end of the line ("12.  tekst", "2\tR1: …", "7").
NUMBER_PREFIX_RE = re.compile(r"\s*([0-9]{1,9})[.)]?(?:\s+|$)")


def split_number(line: str) -> tuple[int | None, str]:
    """``"12.  tekst"`` → ``(12, "tekst")``; a line without a number → ``(None, line)``."""
    m = NUMBER_PREFIX_RE.match(line)
    if m is None:
        return None, line
    return int(m.group(1)), line[m.end() :]


def detect_numbering(lines: list[str]) -> list[tuple[int, int, str]] | None:
    """Return ``(index, number, rest)`` for each non-blank line if the lines are numbered.

    A transcript counts as numbered when every non-blank line starts with a number,
    the numbers strictly increase from at least 1, and there are at least two such
    lines (one line starting with a number is more likely "3 mensen …").
    Blank lines have no number and are left out. Otherwise ``None``.
    """
    out: list[tuple[int, int, str]] = []
    previous = 0
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        number, rest = split_number(line)
        if number is None or number <= previous:
            return None
        out.append((index, number, rest))
        previous = number
    return out if len(out) >= 2 else None
