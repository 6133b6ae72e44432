"""WebVTT (.vtt) from Teams, Zoom and Whisper, read with webvtt-py.

Speakers: Teams writes ``<v Anna de Vries>text</v>``, Zoom ``Anna de Vries: text``,
WhisperX ``[SPEAKER_00]: text``; plain Whisper has none. Before webvtt-py parses the
text, the header and every time-code line are checked here so that a malformed file
is refused with the line that is wrong.
"""

from __future__ import annotations

import io
from pathlib import Path

from qualcode.corpus.ingest.cues_check import check_order, timing_lines
from qualcode.corpus.ingest.speaker_rule import AUTO, SpeakerRule
from qualcode.corpus.ingest.turns import Cue, cues_to_transcript
from qualcode.errors import InputError
from qualcode.model import ParsedTranscript

READER = "WebVTT (webvtt-py)"


def read_cues(text: str, *, path: str | Path) -> list[Cue]:
    import webvtt  # imported when a .vtt is read
    from webvtt.errors import MalformedFileError

    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    if not lines[0].startswith("WEBVTT"):
        raise InputError("malformed WebVTT: the first line must be WEBVTT", path=path, line=1)
    timings = timing_lines(lines, path=path, what="WebVTT")
    check_order(timings, path=path, what="WebVTT")
    try:
        captions = webvtt.from_buffer(io.StringIO(text)).captions
    except MalformedFileError as exc:
        raise InputError(f"malformed WebVTT ({exc})", path=path) from None
    if len(captions) != len(timings):
        raise InputError(f"malformed WebVTT: {len(timings)} time-code lines but {len(captions)} cues read", path=path)
    # the times were parsed (and checked) with the time-code lines, cue by cue in the same order
    return [Cue(caption.text, caption.voice or None, start, end) for caption, (_, start, end) in zip(captions, timings)]


def read_vtt(
    path: str | Path, text: str, *, name: str, encoding: str, wrap: int = 80, rule: SpeakerRule = AUTO
) -> ParsedTranscript:
    cues = read_cues(text, path=path)
    return cues_to_transcript(
        cues, name=name, source=Path(path).name, path=path, encoding=encoding, reader=READER, wrap=wrap, rule=rule
    )
