"""The segment view (in the spirit of MAXQDA): does the other coder have the same code on an overlapping range?

For each coding of one coder: matched when a coding of the other coder with the
same code overlaps it by at least the threshold (Jaccard of the line sets, default
0.5), partial when it overlaps less, unmatched when nothing overlaps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from qualcode.agreement.results import DEFAULT_THRESHOLD, NEITHER, Stat
from qualcode.coding import codings
from qualcode.errors import InputError
from qualcode.store.project import Project

MATCHED, PARTIAL, UNMATCHED = "matched", "partial", "unmatched"


def jaccard(first: Iterable[int], second: Iterable[int]) -> float:
    """|A ∩ B| / |A ∪ B| of two line sets (0.0 when both are empty)."""
    a, b = set(first), set(second)
    union = a | b
    return len(a & b) / len(union) if union else 0.0


@dataclass(frozen=True)
class SegmentMatch:
    """How one coding is matched by the other coder's codings of the same code and transcript.

    ``status`` is ``"matched"`` (best Jaccard >= threshold), ``"partial"`` (overlap, but
    below the threshold) or ``"unmatched"`` (no shared line). ``best`` is the other
    coder's coding with the largest Jaccard (None when unmatched).
    """

    coding: Any
    status: str
    best: Any | None
    jaccard: float


@dataclass
class SegmentView:
    threshold: float
    first: list[SegmentMatch]  # each coding of coder A judged against coder B
    second: list[SegmentMatch]  # each coding of coder B judged against coder A

    def counts(self) -> dict[str, dict[str, int]]:
        out = {}
        for side, matches in (("first", self.first), ("second", self.second)):
            out[side] = {s: sum(1 for m in matches if m.status == s) for s in (MATCHED, PARTIAL, UNMATCHED)}
        return out

    def share_matched(self) -> Stat:
        """Matched codings of both coders / all codings of both coders (MAXQDA-style)."""
        total = len(self.first) + len(self.second)
        if not total:
            return Stat.undefined(NEITHER)
        return Stat(sum(m.status == MATCHED for m in self.first + self.second) / total)


def match_segments(
    first: Sequence[Any], second: Sequence[Any], threshold: float = DEFAULT_THRESHOLD
) -> list[SegmentMatch]:
    """Judge each coding in ``first`` against the codings in ``second``.

    Codings are objects with ``transcript``, ``code`` and ``line_set()`` (like
    :class:`qualcode.model.Coding`); only codings with the same transcript and code
    are compared.
    """
    if not 0 < threshold <= 1:
        raise InputError(f"the overlap threshold must be above 0 and at most 1 (got {threshold})")
    by_key: dict[tuple, list[tuple[Any, set[int]]]] = {}
    for other in second:
        by_key.setdefault((other.transcript, other.code), []).append((other, other.line_set()))
    out = []
    for coding in first:
        lines = coding.line_set()
        best, best_j = None, 0.0
        for other, other_lines in by_key.get((coding.transcript, coding.code), []):
            j = jaccard(lines, other_lines)
            if j > best_j:
                best, best_j = other, j
        status = MATCHED if best_j >= threshold else PARTIAL if best_j > 0 else UNMATCHED
        out.append(SegmentMatch(coding, status, best, best_j))
    return out


def segment_view(first: Sequence[Any], second: Sequence[Any], threshold: float = DEFAULT_THRESHOLD) -> SegmentView:
    """Segment-level agreement both ways: A's codings against B's, and B's against A's."""
    return SegmentView(threshold, match_segments(first, second, threshold), match_segments(second, first, threshold))


@dataclass(frozen=True)
class PairSegments:
    """The segment view of one code for one pair of coders (on the transcripts both finished)."""

    code: str
    first: str
    second: str
    view: SegmentView


@dataclass(frozen=True)
class SegmentReport:
    """The segment view of every code in scope for every pair of coders, in table order."""

    threshold: float
    coders: list[str]
    codes: list[str]
    pairs: list[PairSegments]


def compare_segments(
    project: Project,
    *,
    coders: str | None = None,
    code: str | None = None,
    transcript_names: Sequence[str] = (),
    threshold: float = DEFAULT_THRESHOLD,
) -> SegmentReport:
    """The segment view per code and coder pair, over the finished transcripts in scope.

    Only codings of finished transcripts count; each pair is compared on the
    transcripts both coders finished.
    """
    from qualcode.agreement import units as agreement_data

    scope = agreement_data.resolve_scope(
        project, coders=agreement_data.parse_coders(coders), code=code, transcript_names=list(transcript_names) or None
    )
    in_scope = {t.id for t in scope.transcripts}
    wanted = set(scope.codes)
    finished = [
        c
        for c in codings.list_codings(project, coder=scope.coders)
        if c.code in wanted and c.transcript_id in in_scope and c.transcript_id in scope.done[c.coder]
    ]
    pairs = []
    for name in scope.codes:
        for first, second in combinations(sorted(scope.coders), 2):
            both = scope.done[first] & scope.done[second]
            a = [c for c in finished if c.code == name and c.coder == first and c.transcript_id in both]
            b = [c for c in finished if c.code == name and c.coder == second and c.transcript_id in both]
            pairs.append(PairSegments(name, first, second, segment_view(a, b, threshold)))
    return SegmentReport(threshold, scope.coders, list(scope.codes), pairs)
