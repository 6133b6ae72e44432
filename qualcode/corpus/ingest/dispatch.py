"""One file's bytes → :class:`ParsedTranscript` through the reader its content calls for.

Every reader ends in one of two line rules: a plain transcript keeps its physical lines
(:mod:`~qualcode.corpus.ingest.txt`) or wraps its paragraphs (:mod:`~qualcode.corpus.ingest.docx`);
every timed or speaker-structured format becomes cues and turns
(:mod:`~qualcode.corpus.ingest.turns`). The transcript names the reader used.
"""

from __future__ import annotations

from pathlib import Path

from qualcode.corpus.ingest.decode import decode_text, normalise_newlines
from qualcode.corpus.ingest.detect import SUPPORTED, SUPPORTED_TEXT, detect
from qualcode.corpus.ingest.speaker_rule import AUTO, SpeakerRule
from qualcode.errors import InputError
from qualcode.model import ParsedTranscript


def _decode(path: Path, data: bytes, encoding: str | None = None) -> tuple[str, str, list[str]]:
    """(text, encoding, notes on how the encoding was decided when the text was not clean UTF-8)."""
    try:
        decoded = decode_text(data, path=path, encoding=encoding)
        return decoded.text, decoded.encoding, [f"encoding: {note}" for note in decoded.notes]
    except InputError:
        if path.suffix.lower() not in SUPPORTED:
            shown = f"'{path.suffix}'" if path.suffix else "(no extension)"
            raise InputError(f"unsupported file type {shown}; {SUPPORTED_TEXT}", path=path) from None
        raise


def read_any(
    path: Path, data: bytes, *, name: str, wrap: int = 80, rule: SpeakerRule = AUTO, encoding: str | None = None
) -> ParsedTranscript:
    """One file's bytes as a transcript; ``encoding`` overrides the evidence for text formats."""
    kind = detect(path, data)
    if kind == "docx":
        return _office(path, data, name=name, wrap=wrap, rule=rule, kind="docx")
    if kind == "odt":
        return _office(path, data, name=name, wrap=wrap, rule=rule, kind="odt")
    text, used, notes = _decode(path, data, encoding)
    kind = detect(path, data, text)
    common = dict(name=name, encoding=used, wrap=wrap, rule=rule)
    parsed = _by_kind(kind, path, text, common)
    parsed.warnings[:0] = notes
    return parsed


def _by_kind(kind: str, path: Path, text: str, common: dict) -> ParsedTranscript:
    if kind == "vtt":
        from qualcode.corpus.ingest.vtt import read_vtt

        return read_vtt(path, normalise_newlines(text), **common)
    if kind == "srt":
        from qualcode.corpus.ingest.srt import read_srt

        return read_srt(path, normalise_newlines(text), **common)
    if kind == "whisper-json":
        from qualcode.corpus.ingest.whisper import read_whisper_json

        return read_whisper_json(path, text, **common)
    if kind == "whisper-tsv":
        from qualcode.corpus.ingest.whisper import read_whisper_tsv

        return read_whisper_tsv(path, normalise_newlines(text), **common)
    if kind == "otr":
        from qualcode.corpus.ingest.otr import read_otr

        return read_otr(path, text, **common)
    return _text(path, text, **common)


def _text(path: Path, text: str, *, name: str, encoding: str, wrap: int, rule: SpeakerRule) -> ParsedTranscript:
    from qualcode.corpus.ingest.textformats import detect_layout
    from qualcode.corpus.ingest.turns import cues_to_transcript
    from qualcode.corpus.ingest.txt import parse_text, physical_lines

    lines = physical_lines(normalise_newlines(text))
    layout = detect_layout(lines)
    if layout is not None:
        reader, cues = layout
        return cues_to_transcript(
            cues, name=name, source=path.name, path=path, encoding=encoding, reader=reader, wrap=wrap, rule=rule
        )
    parsed = parse_text(text, name=name, source=path.name, encoding=encoding, path=path, rule=rule, physical=lines)
    parsed.reader = "plain text (one line per line)"
    return parsed


def _office(path: Path, data: bytes, *, name: str, wrap: int, rule: SpeakerRule, kind: str) -> ParsedTranscript:
    from qualcode.corpus.ingest.blocks import blocks_reading
    from qualcode.corpus.ingest.turns import cues_to_transcript

    if kind == "docx":
        from qualcode.corpus.ingest.docx import check_archive, read_docx
        from qualcode.corpus.ingest.docx_turns import docx_notices, read_blocks

        check_archive(data, path=path)
        try:
            blocks = read_blocks(data)
            notices = docx_notices(data)
        except Exception as exc:  # python-docx raises many kinds on damaged parts
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(f"damaged .docx file ({detail})", path=path) from None
        label, encoding = "Word (.docx)", "docx"
    else:
        from qualcode.corpus.ingest.odt import read_odt_blocks

        blocks, notices = read_odt_blocks(path, data)
        label, encoding = "OpenDocument (.odt)", "odt"
    reading = blocks_reading(blocks, label)
    if reading is not None:
        reader, cues, more = reading
        return cues_to_transcript(
            cues,
            name=name,
            source=path.name,
            path=path,
            encoding=encoding,
            reader=reader,
            wrap=wrap,
            rule=rule,
            notices=notices + more,
        )
    if kind == "docx":
        parsed = read_docx(path, data, name=name, wrap=wrap, rule=rule)
    else:
        parsed = _wrap_paragraphs(path, blocks, name=name, wrap=wrap, rule=rule)
    parsed.reader = f"{label} paragraphs wrapped at {wrap}"
    parsed.notices = notices + parsed.notices
    return parsed


def _wrap_paragraphs(path: Path, blocks, *, name: str, wrap: int, rule: SpeakerRule) -> ParsedTranscript:
    """The .docx rule for .odt paragraphs: each paragraph (a table row's cells joined) wrapped at ``wrap``."""
    from qualcode.corpus.ingest.docx import paragraphs_transcript

    if wrap < 1:
        raise InputError(f"wrap width must be at least 1 column, not {wrap}", path=path)
    paragraphs = [value if what == "p" else "\t".join(value) for what, value in blocks]
    return paragraphs_transcript(paragraphs, path=path, name=name, wrap=wrap, encoding="odt", rule=rule)
