"""Ingest: transcript files → decoded, NFC-normalised, numbered lines with speakers.

This package is the only place that decides line numbers (the citation contract:
``(FG2; 57-64)`` must point at the lines a reader finds in the numbered transcript).

Public API::

    read_transcript(path, *, name=None, wrap=80, speakers=None) -> ParsedTranscript   # see SUPPORTED_SUFFIXES
    parse_text(text, *, name, source, encoding="utf-8") -> ParsedTranscript
    clean_control_chars(text) -> (text, count)
    text_sha256(raws) -> str
    find_placeholders(text) -> list[str];  PLACEHOLDER_RE
    split_speaker(line, labels=None) -> (label | None, rest)
"""

from __future__ import annotations

from pathlib import Path

from qualcode.corpus.ingest.build import text_sha256
from qualcode.corpus.ingest.decode import MAX_TEXT_BYTES, clean_control_chars, decode_bytes, normalise_newlines
from qualcode.corpus.ingest.detect import SUPPORTED
from qualcode.corpus.ingest.numbering import detect_numbering, split_number
from qualcode.corpus.ingest.speakers import PLACEHOLDER_RE, find_placeholders, split_speaker
from qualcode.corpus.ingest.txt import parse_text
from qualcode.errors import InputError
from qualcode.model import ParsedTranscript

SUPPORTED_SUFFIXES: tuple[str, ...] = SUPPORTED

__all__ = [
    "PLACEHOLDER_RE",
    "SUPPORTED_SUFFIXES",
    "clean_control_chars",
    "decode_bytes",
    "detect_numbering",
    "find_placeholders",
    "normalise_newlines",
    "parse_text",
    "read_transcript",
    "split_number",
    "split_speaker",
    "text_sha256",
]


def read_transcript(
    path: str | Path,
    *,
    name: str | None = None,
    wrap: int = 80,
    speakers: str | None = None,
    encoding: str | None = None,
) -> ParsedTranscript:
    """Read a transcript in any supported format, decided from its content (then its extension).

    ``name`` defaults to the file stem (``FG2.txt`` → ``FG2``); ``wrap`` is the
    column width at which paragraphs and turns become lines; ``speakers`` is
    ``none``, ``auto`` (default) or a pattern (:mod:`~qualcode.corpus.ingest.speaker_rule`);
    ``encoding`` overrides the evidence-based choice for text files. Only regular files
    are read, and never more than the limits (:data:`~qualcode.corpus.ingest.decode.MAX_TEXT_BYTES`,
    :data:`~qualcode.archives.DOCX_LIMITS`). Raises :class:`~qualcode.errors.InputError`
    naming ``path`` for anything unreadable.
    """
    from qualcode.archives import DOCX_LIMITS, read_regular_file
    from qualcode.corpus.ingest.dispatch import read_any
    from qualcode.corpus.ingest.speaker_rule import SpeakerRule

    p = Path(path)
    if not p.exists() and not p.is_symlink():
        raise InputError("no such file", path=path)
    if p.is_dir():
        raise InputError("is a directory, not a transcript file", path=path)
    rule = SpeakerRule.parse(speakers)
    office = p.suffix.lower() in (".docx", ".odt")
    data = read_regular_file(p, limit=DOCX_LIMITS["max_file_bytes"] if office else MAX_TEXT_BYTES, what="transcript")
    name = p.stem if name is None else name
    return read_any(p, data, name=name, wrap=wrap, rule=rule, encoding=encoding)
