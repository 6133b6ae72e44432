"""Speaker labels, turns and ``[PLACEHOLDER]`` markers in transcript lines."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable
from itertools import pairwise

# Upper-case letters of Latin, Latin-1 and Latin Extended-A/B (Dutch: É, Ë, Ï, Ĳ, …).
_UPPER = "".join(chr(c) for c in range(0x41, 0x250) if chr(c).isupper())
_PLACEHOLDER_CHAR = rf"0-9 _/\-{_UPPER}"

# "[NAAM COLLEGA]", "[PROJECTCOORDINATOR 2]": upper-case letters (accented too), digits,
# spaces, "-", "_" and "/" between square brackets, with at least one letter.
PLACEHOLDER_RE = re.compile(rf"\[(?=[0-9 _/\-]*[{_UPPER}])[{_PLACEHOLDER_CHAR}]+\]")

# A speaker label at the start of a line: "[REGISSEUR 2]:", "M:", "R3:", "P12:",
# "Interviewer:", "Deelnemer 2:", "Deelnemer A:". The colon must be followed by
# whitespace or the end of the line ("http://…" is not a label).
_WORD_LABEL = r"[^\W\d_]+(?:[-'’][^\W\d_]+)*(?:\s*[0-9]+|\s+[A-Z])?"
LABEL_RE = re.compile(rf"\s*(?P<label>{PLACEHOLDER_RE.pattern}|{_WORD_LABEL})\s*:(?=\s|$)\s*")


def find_placeholders(text: str) -> list[str]:
    """Every distinct ``[PLACEHOLDER]`` in ``text``, verbatim, in order of first appearance."""
    return list(dict.fromkeys(PLACEHOLDER_RE.findall(text)))


def match_label(line: str) -> tuple[str, int] | None:
    """The label candidate at the start of ``line`` and the offset where its text begins.

    Only the shape is checked here; whether the candidate really is a speaker
    depends on the whole transcript (see :func:`accepted_labels`).
    """
    m = LABEL_RE.match(line)
    if m is None:
        return None
    label = m.group("label")
    if not label.startswith("["):
        label = " ".join(label.split())  # "Deelnemer  2" → "Deelnemer 2"
    return label, m.end()


def is_evident_label(label: str) -> bool:
    """True for labels that count on their own: bracketed, ending in a number, or ≤ 3 characters.

    A short label must be all capitals (``M``, ``I``, ``MOD``, ``P12``) so that a
    sentence such as ``Nou: dat is het.`` or ``Ja: …`` is not a speaker; a short name
    such as ``Jan`` counts once it starts two lines.
    """
    return label.startswith("[") or label[-1].isdigit() or (len(label) <= 3 and label.isupper())


def accepted_labels(lines: Iterable[str]) -> set[str]:
    """The labels that start turns in these lines.

    A plain word (``Interviewer``, ``Nou``) is a label only when it starts at least two
    lines; evident labels (:func:`is_evident_label`) count after one.
    """
    return _accepted([match_label(line) for line in lines])


def _accepted(matches: Iterable[tuple[str, int] | None]) -> set[str]:
    counts = Counter(m[0] for m in matches if m is not None)
    return {label for label, count in counts.items() if count >= 2 or is_evident_label(label)}


def split_speaker(line: str, labels: Collection[str] | None = None) -> tuple[str | None, str]:
    """``"M:  hallo "`` → ``("M", "hallo")``; a line without a label → ``(None, line.strip())``.

    Without ``labels`` only evident labels are recognised (see :func:`is_evident_label`);
    pass the transcript's speakers to recognise plain-word labels such as ``Interviewer``.
    """
    m = match_label(line)
    if m is not None:
        label, end = m
        if is_evident_label(label) or (labels is not None and label in labels):
            return label, line[end:].strip()
    return None, line.strip()


# A share of the non-blank lines that label lines must reach to count as turns (see turn_labels).
TURN_SHARE = 0.15


def turn_labels(lines: list[str]) -> set[str]:
    """Labels that behave like turns: for texts that may not be transcripts (papers, reports).

    A label counts only when it starts at least two lines, at least two such labels
    take turns (the label changes from one label line to the next at least twice),
    and label lines make up at least :data:`TURN_SHARE` of the non-blank lines. So
    ``RQ1:`` or ``Model 1:`` in a paper are not speakers; ``M:``/``R1:`` turns are.
    """
    matches = [match_label(line) if ":" in line else None for line in lines]
    counts = Counter(m[0] for m in matches if m is not None)
    recurring = {label for label, n in counts.items() if n >= 2}
    sequence = [m[0] for m in matches if m is not None and m[0] in recurring]
    changes = sum(1 for a, b in pairwise(sequence) if a != b)
    non_blank = sum(1 for line in lines if line.strip()) or 1
    if len(recurring) < 2 or changes < 2 or len(sequence) < TURN_SHARE * non_blank:
        return set()
    return recurring


def pattern_labels(lines: list[str], pattern: str) -> set[str]:
    """Labels at line starts that match the regular expression ``pattern`` (followed by ``:``)."""
    regex = re.compile(rf"\s*(?:{pattern})\s*:(?=\s|$)")
    out = set()
    for line in lines:
        m = match_label(line) if ":" in line else None
        if m is not None and regex.match(line):
            out.add(m[0])
    return out


def speaker_labels(lines: list[str], mode: str) -> set[str] | None:
    """The labels to use for ``--speakers none|auto|PATTERN`` (``auto`` for texts that may not be transcripts)."""
    if mode == "none":
        return set()
    if mode == "auto":
        return turn_labels(lines)
    return pattern_labels(lines, mode)


def assign_speakers(
    lines: list[str], rule=None, *, labels: Collection[str] | None = None
) -> list[tuple[str | None, int, str]]:
    """``(speaker, turn, text)`` for each line.

    A label line starts a new turn (``turn`` counts from 1); the following lines,
    blank ones included, belong to that speaker until the next label. Lines before
    the first label have ``speaker=None`` and ``turn=0``. ``rule`` (a
    :class:`~qualcode.corpus.ingest.speaker_rule.SpeakerRule`) switches speakers off
    (``none``) or replaces the label shape by a pattern; default ``auto``. ``labels`` (from
    :func:`speaker_labels`, for sources that may not be transcripts) overrides both.
    """
    mode = "given" if labels is not None else getattr(rule, "mode", "auto")
    if mode == "none":
        return [(None, 0, line.strip()) for line in lines]
    if mode == "pattern":
        matches = [rule.match(line) for line in lines]
        labels = {m[0] for m in matches if m is not None}
    else:
        matches = [match_label(line) if ":" in line else None for line in lines]
        labels = set(labels) if labels is not None else _accepted(matches)
    speaker: str | None = None
    turn = 0
    out: list[tuple[str | None, int, str]] = []
    for line, m in zip(lines, matches):
        if m is not None and m[0] in labels:
            speaker = m[0]
            turn += 1
            text = line[m[1] :].strip()
        else:
            text = line.strip()
        out.append((speaker, turn, text))
    return out
