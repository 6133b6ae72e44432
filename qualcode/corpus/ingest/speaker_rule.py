"""How speakers are recognised at import: ``--speakers none|auto|PATTERN``, and speaker names normalised.

* ``auto`` (the default): a label counts when it behaves like a turn — it recurs at line
  (or cue) starts, or it is evident on its own (``M:``, ``R3:``, ``[REGISSEUR 2]:``).
* ``none``: no speakers; a label stays part of the line's text.
* ``PATTERN``: a regular expression matched at the start of a line (or cue); its group
  ``speaker`` (or its first group, or the whole match without a trailing colon) is the
  speaker, the text starts after the match. Every match counts.

Speaker names are normalised so that ``**Anna**``, ``Anna:``, ``<v Anna>`` and ``Anna``
are one speaker, and diarisation ids lose their brackets (``[SPEAKER_00]`` → ``SPEAKER_00``).
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass

from qualcode.errors import InputError

_EMPHASIS_RE = re.compile(r"^[*_]+|[*_]+$")
_VOICE_RE = re.compile(r"^<v(?:\.[^ >]*)?\s+([^>]*)>$")
_ID_IN_BRACKETS_RE = re.compile(r"^\[((?:SPEAKER|speaker|Speaker)[ _]?\d+|[a-z]+\d+)\]$")


@functools.lru_cache(maxsize=4096)
def normalise_speaker(label: str) -> str:
    """One spelling per speaker: entities decoded, emphasis, ``<v …>``, colons and extra spaces removed."""
    name = html.unescape(label).strip()
    voice = _VOICE_RE.match(name)
    if voice:
        name = voice.group(1)
    for _ in range(2):
        name = _EMPHASIS_RE.sub("", name).strip().rstrip(":").strip()
    bracketed = _ID_IN_BRACKETS_RE.match(name)
    if bracketed:
        name = bracketed.group(1)
    return " ".join(name.split())


@dataclass(frozen=True)
class SpeakerRule:
    """``mode`` is ``auto``, ``none`` or ``pattern`` (then ``pattern`` holds the compiled expression)."""

    mode: str = "auto"
    pattern: re.Pattern | None = None

    @classmethod
    def parse(cls, spec: str | None) -> SpeakerRule:
        """``None``/``"auto"`` → auto, ``"none"`` → none, anything else → a pattern (InputError if invalid)."""
        if spec is None or spec.strip().lower() in ("", "auto"):
            return cls("auto")
        if spec.strip().lower() == "none":
            return cls("none")
        try:
            compiled = re.compile(spec)
        except re.error as exc:
            raise InputError(f"--speakers {spec!r} is not a valid regular expression ({exc})") from None
        return cls("pattern", compiled)

    @property
    def describe(self) -> str:
        return self.mode if self.pattern is None else f"pattern {self.pattern.pattern!r}"

    def match(self, line: str) -> tuple[str, int] | None:
        """Pattern mode: ``(speaker, offset where the text starts)`` when the pattern matches at the start."""
        if self.pattern is None:
            return None
        m = self.pattern.match(line)
        if m is None or m.end() == 0:
            return None
        if "speaker" in m.re.groupindex:
            label = m.group("speaker")
        elif m.re.groups:
            label = m.group(1)
        else:
            label = m.group(0)
        label = normalise_speaker(label or "")
        if not label:
            return None
        end = m.end()
        while end < len(line) and line[end] in " \t":
            end += 1
        return label, end


AUTO = SpeakerRule("auto")
