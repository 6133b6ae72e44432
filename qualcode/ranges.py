"""Line ranges and citations: ``"57-64,110-113"`` ⇄ ``[(57, 64), (110, 113)]`` ⇄ ``(FG2; 57-64; 110-113)``.

A range is an inclusive pair of 1-based line numbers. A coding holds one or more
ranges, kept sorted and with overlapping or touching ranges merged, so the same
set of lines always has the same spelling.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from qualcode.errors import InputError

if TYPE_CHECKING:  # (qualcode.model's dataclasses cost a search's start-up; the alias is only for types)
    from qualcode.model import Range

DEFAULT_CITATION = "({transcript}; {ranges})"

_PART = re.compile(r"^\s*(\d+)\s*(?:[-–]\s*(\d+)\s*)?$")


def normalise(ranges: Iterable[Range]) -> tuple[Range, ...]:
    """Sort ranges and merge those that overlap or touch (``1-3,4-6`` → ``1-6``)."""
    out: list[list[int]] = []
    for a, b in sorted((int(a), int(b)) for a, b in ranges):
        if out and a <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return tuple((a, b) for a, b in out)


def parse_ranges(spec: str) -> tuple[Range, ...]:
    """Parse ``"57-64"``, ``"521"`` or ``"110-113,123-125"`` (also ``;`` as separator).

    Raises :class:`InputError` for anything malformed: empty parts, a start after
    its end, line numbers below 1.
    """
    if spec is None or not str(spec).strip():
        raise InputError("empty line range (write e.g. 57-64, 521 or 110-113,123-125)")
    parts = re.split(r"[,;]", str(spec))
    ranges: list[Range] = []
    for part in parts:
        m = _PART.match(part)
        if not m:
            raise InputError(
                f"malformed line range {part.strip()!r} in {spec!r} (write e.g. 57-64, 521 or 110-113,123-125)"
            )
        a = int(m.group(1))
        b = int(m.group(2)) if m.group(2) is not None else a
        if a < 1:
            raise InputError(f"line numbers start at 1, not {a} (in {spec!r})")
        if b < a:
            raise InputError(f"range {a}-{b} ends before it starts (in {spec!r})")
        ranges.append((a, b))
    return normalise(ranges)


def format_range(r: Range) -> str:
    a, b = r
    return str(a) if a == b else f"{a}-{b}"


def format_ranges(ranges: Sequence[Range], sep: str = ",") -> str:
    """``[(110, 113), (123, 125)]`` → ``"110-113,123-125"`` (``sep="; "`` for citations)."""
    if len(ranges) == 1:  # most codings: no generator for one range
        return format_range(ranges[0])
    return sep.join(format_range(r) for r in ranges)


_TIME_FIELD = re.compile(r"[;,]?\s*\{time\}")


def _untimed(template: str) -> str:
    """``template`` without its ``{time}`` field and the separator before it (a quote without a known time)."""
    return _TIME_FIELD.sub("", template) if "{time}" in template else template


def format_citation(
    transcript: str, ranges: Sequence[Range], template: str = DEFAULT_CITATION, time: str | None = None
) -> str:
    """The citation of a quote: ``(FG2; 57-64)``, ``(FG2; 521)``, ``(FG1; 110-113; 123-125)``.

    ``template`` may use ``{transcript}``, ``{ranges}`` (ranges joined with ``"; "``) and
    ``{time}`` (the quote's start as ``hh:mm:ss``: ``(FG2; 57-64; 00:12:31)``); without a
    known time the ``{time}`` field and the separator before it are left out.
    """
    if not time:
        template = _untimed(template)
    return template.format(transcript=transcript, ranges=format_ranges(ranges, "; "), time=time or "")


def line_citation(template: str = DEFAULT_CITATION) -> Callable[[str, int], str]:
    """``cite(transcript, n)``: :func:`format_citation` of the single line ``n``, the template prepared once
    (a search cites thousands of lines)."""
    fmt = _untimed(template).format
    return lambda transcript, n: fmt(transcript=transcript, ranges=str(n), time="")


_CITATION = re.compile(r"^\((?P<t>[^;()]+);\s*(?P<r>[\d\s;–-]+)\)$")


def parse_citation(citation: str) -> tuple[str, tuple[Range, ...]]:
    """Inverse of :func:`format_citation` for the default template."""
    m = _CITATION.match(citation.strip())
    if not m:
        raise InputError(f"not a citation: {citation!r} (expected e.g. (FG2; 57-64))")
    return m.group("t").strip(), parse_ranges(m.group("r"))


def line_count(ranges: Sequence[Range]) -> int:
    return sum(b - a + 1 for a, b in ranges)


def lines_of(ranges: Sequence[Range]) -> list[int]:
    return [n for a, b in ranges for n in range(a, b + 1)]


def from_lines(lines: Iterable[int]) -> tuple[Range, ...]:
    """A set of line numbers → the shortest list of ranges covering exactly them."""
    return normalise((n, n) for n in lines)
