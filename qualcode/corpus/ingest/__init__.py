"""Ingest: transcript files → decoded, NFC-normalised, numbered lines with speakers.

This package is the only place that decides line numbers (the citation contract:
``(FG2; 57-64)`` must point at the lines a reader finds in the numbered transcript).

Public API::

    read_transcript(path, *, name=None, wrap=80) -> ParsedTranscript   # .txt, .md, .docx
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
from qualcode.corpus.ingest.numbering import detect_numbering, split_number
from qualcode.corpus.ingest.speakers import PLACEHOLDER_RE, find_placeholders, split_speaker
from qualcode.corpus.ingest.txt import parse_text
from qualcode.errors import InputError
from qualcode.model import ParsedTranscript

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx")

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
    path: str | Path, *, name: str | None = None, wrap: int = 80, encoding: str | None = None
) -> ParsedTranscript:
    """Read a .txt, .md or .docx transcript (suffix case-insensitive).

    ``name`` defaults to the file stem (``FG2.txt`` → ``FG2``); ``wrap`` is the
    column width at which .docx paragraphs become lines; ``encoding`` overrides the
    evidence-based choice for text files. Only regular files are read, and never more
    than the limits (:data:`~qualcode.corpus.ingest.decode.MAX_TEXT_BYTES`,
    :data:`~qualcode.archives.DOCX_LIMITS`). Raises
    :class:`~qualcode.errors.InputError` naming ``path`` for anything unreadable.
    """
    from qualcode.archives import DOCX_LIMITS, read_regular_file

    p = Path(path)
    suffix = p.suffix.lower()
    if not p.exists() and not p.is_symlink():
        raise InputError("no such file", path=path)
    if p.is_dir():
        raise InputError("is a directory, not a transcript file", path=path)
    if suffix not in SUPPORTED_SUFFIXES:
        shown = f"'{p.suffix}'" if p.suffix else "(no extension)"
        raise InputError(f"unsupported file type {shown} (use .txt, .md or .docx)", path=path)
    limit = DOCX_LIMITS["max_file_bytes"] if suffix == ".docx" else MAX_TEXT_BYTES
    data = read_regular_file(p, limit=limit, what="transcript")
    name = p.stem if name is None else name
    if suffix == ".docx":
        from qualcode.corpus.ingest.docx import read_docx

        return read_docx(path, data, name=name, wrap=wrap)
    from qualcode.corpus.ingest.txt import read_txt

    return read_txt(path, data, name=name, encoding=encoding)
