"""WebVTT (.vtt) from Teams, Zoom and Whisper, read with webvtt-py's cue-block parser.

Speakers: Teams writes ``<v Anna de Vries>text</v>``, Zoom ``Anna de Vries: text``,
WhisperX ``[SPEAKER_00]: text``; plain Whisper has none. Before anything is parsed,
the header and every time-code line are checked here so that a malformed file is
refused with the line that is wrong.

Speed: ``webvtt.from_buffer`` builds a full caption object model (cue settings,
timestamp objects) that an import does not need and that made a .vtt import three
times slower than a .txt import of the same text. The file is therefore split into
blocks here (a block ends at an empty line, as in WebVTT) and each block goes through
the rule of webvtt-py's ``WebVTTCueBlock.is_valid`` with its ``CUE_TIMINGS_PATTERN`` (is it
a cue, with the timings on its first or second line; the payload is the lines after them); the
voice comes from webvtt-py's ``Caption.VOICE_SPAN_PATTERN``. Tests check the cues
against ``webvtt.from_buffer`` on every fixture and on generated files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qualcode.corpus.ingest.cues_check import check_order, timing_lines
from qualcode.corpus.ingest.turns import Cue, cue_file_reader
from qualcode.errors import InputError

READER = "WebVTT (webvtt-py)"


def blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """``(first file line, lines)`` of each block after the header; a block ends at an empty line."""
    out: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        if line:
            if not current:
                start = number
            current.append(line)
        elif current:
            out.append((start, current))
            current = []
    if current:
        out.append((start, current))
    return out[1:]  # the first block is the WEBVTT header (and its metadata lines)


def _block_lines(text: str) -> list[list[str]]:
    """The lines of each block after the header: :func:`blocks` without the line numbers, split in C.

    Blocks are separated by one or more empty lines: splitting at ``"\\n\\n"`` leaves at most newlines
    around a chunk (and chunks of newlines only between three or more empty lines).
    """
    chunks = [chunk.strip("\n") for chunk in text.split("\n\n")]
    return [chunk.split("\n") for chunk in chunks if chunk][1:]


def _second_arrow(lines: list[str]) -> int:
    """The file line of the second ``-->`` in the first block (after the header) that has two."""
    for first_line, block in blocks(lines):
        arrows = [i for i, line in enumerate(block) if "-->" in line]
        if len(arrows) > 1:
            return first_line + arrows[1]
    raise AssertionError("no block with two time-code lines")  # only called when there is one


def _is_cue(block: list[str], match: Callable[[str], object]) -> bool:
    """``WebVTTCueBlock.is_valid(block)`` (not strict), its rule with its compiled pattern: the timings on the
    first line (and no ``-->`` on the second) or on the second (and none on the first or third)."""
    if match(block[0]):
        return len(block) < 2 or "-->" not in block[1]
    return (
        len(block) >= 2
        and "-->" not in block[0]
        and bool(match(block[1]))
        and (len(block) < 3 or "-->" not in block[2])
    )


def read_cues(text: str, *, path: str | Path) -> list[Cue]:
    from webvtt.models import Caption  # imported when a .vtt is read
    from webvtt.vtt import WebVTTCueBlock

    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    if not lines[0].startswith("WEBVTT"):
        raise InputError("malformed WebVTT: the first line must be WEBVTT", path=path, line=1)
    timings = timing_lines(lines, path=path, what="WebVTT")
    check_order(timings, path=path, what="WebVTT")
    voice_re = Caption.VOICE_SPAN_PATTERN
    timings_match = WebVTTCueBlock.CUE_TIMINGS_PATTERN.match
    cues: list[Cue] = []
    for block in _block_lines(text):
        arrows = sum(["-->" in line for line in block])
        if arrows > 1:
            raise InputError(
                "malformed WebVTT: a cue needs an empty line before it", path=path, line=_second_arrow(lines)
            )
        if not arrows or not _is_cue(block, timings_match):
            continue  # NOTE, STYLE and REGION blocks
        # is_valid put the timings on the block's first or second line; the payload is what follows
        # (what WebVTTCueBlock.from_lines returns, without matching every line again)
        payload = block[2:] if "-->" not in block[0] else block[1:]
        voice = voice_re.match(payload[0]) if payload and payload[0].startswith("<v") else None
        _, start, end = timings[len(cues)]
        cues.append(Cue("\n".join(payload), voice.group(1) if voice else None, start, end))
    if len(cues) != len(timings):
        raise InputError(f"malformed WebVTT: {len(timings)} time-code lines but {len(cues)} cues read", path=path)
    return cues


read_vtt = cue_file_reader(read_cues, READER)
