"""Time codes: ``00:01:23,456`` / ``1:23.5`` / ``0:34`` ⇄ seconds, and the clock shown to users."""

from __future__ import annotations

import re

# hh:mm:ss(.fff), mm:ss(.fff) or h:m:s.f (Teams writes 0:0:5.12); "," or "." before the fraction
CLOCK_RE = re.compile(r"(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?")

# Any time code as it may appear in a transcript line (used by tests: none may reach a quote)
TIMECODE_IN_TEXT_RE = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?\s*-->|\[\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\]"
)


def parse_clock(text: str) -> float | None:
    """``"00:01:23,456"`` → 83.456; ``"0:34"`` → 34.0; None when ``text`` is not a time code."""
    if len(text) == 12 and text[2] == ":" and text[5] == ":" and text[8] in ".,":  # hh:mm:ss.fff, the common case
        digits = text[0:2] + text[3:5] + text[6:8] + text[9:12]
        if digits.isascii() and digits.isdigit():
            return round(int(text[0:2]) * 3600 + int(text[3:5]) * 60 + int(text[6:8]) + int(text[9:12]) / 1000, 3)
    m = CLOCK_RE.fullmatch(text.strip())
    if m is None:
        return None
    hours, minutes, seconds, fraction = m.groups()
    value = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    if fraction:
        value += int(fraction) / (10 ** len(fraction))
    return float(round(value, 3))


def format_clock(seconds: float | None) -> str:
    """Seconds → ``hh:mm:ss`` (the clock in citations, the time column and the numbered transcript)."""
    if seconds is None:
        return ""
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
