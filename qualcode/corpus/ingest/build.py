"""Numbered lines → :class:`ParsedTranscript` (speakers, placeholders, checksum)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from qualcode.corpus.ingest.speakers import assign_speakers, find_placeholders
from qualcode.model import ParsedLine, ParsedTranscript


def text_sha256(raws: Iterable[str]) -> str:
    """Hex SHA-256 of ``"\\n".join(raws)`` in UTF-8: the checksum of a transcript's text."""
    return hashlib.sha256("\n".join(raws).encode("utf-8")).hexdigest()


def transcript_of(
    lines: list[ParsedLine], raws: list[str], *, name: str, source: str, encoding: str, **fields: Any
) -> ParsedTranscript:
    """The :class:`ParsedTranscript` of ``lines`` (``raws``: their raw texts) with its checksum and placeholders."""
    text = "\n".join(raws)
    return ParsedTranscript(
        name=name,
        source=source,
        lines=lines,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),  # text_sha256(raws), joined once
        encoding=encoding,
        placeholders=find_placeholders(text),  # placeholders never span lines
        **fields,
    )


def build_transcript(
    numbered_lines: list[tuple[int, str]],
    *,
    name: str,
    source: str,
    encoding: str,
    numbered: bool = False,
    warnings: list[str] | None = None,
    rule=None,
) -> ParsedTranscript:
    """Turn ``(line number, clean NFC line)`` pairs into a transcript.

    ``raw`` is the line without trailing whitespace; speakers, turns and
    placeholders are read from the raw lines.
    """
    raws = [line.rstrip() for _, line in numbered_lines]
    new = tuple.__new__  # what ParsedLine._make does, without its Python frame per line
    lines = [
        new(ParsedLine, (n, raw, text, speaker, turn, None, None))
        for (n, _), raw, (speaker, turn, text) in zip(numbered_lines, raws, assign_speakers(raws, rule))
    ]
    return transcript_of(
        lines, raws, name=name, source=source, encoding=encoding, numbered=numbered, warnings=list(warnings or [])
    )
