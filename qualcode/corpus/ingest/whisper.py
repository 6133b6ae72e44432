"""Whisper and WhisperX output: ``.json`` (``segments`` with ``start``, ``end``, ``text``, maybe ``speaker``)
and ``.tsv`` (``start<TAB>end<TAB>text`` in milliseconds, maybe a ``speaker`` column).

Also reads the Hugging Face pipeline's list form ``[{"timestamp": [0.0, 3.2], "text": …}]``.
"""

from __future__ import annotations

import json
from pathlib import Path

from qualcode.corpus.ingest.turns import Cue, cue_file_reader
from qualcode.errors import InputError

JSON_READER = "Whisper JSON"
TSV_READER = "Whisper TSV"


def load_json(text: str, *, path: str | Path):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON ({exc.msg})", path=path, line=exc.lineno) from None


def is_whisper_json(data) -> bool:
    if isinstance(data, dict):
        return isinstance(data.get("segments"), list)
    return isinstance(data, list) and bool(data) and all(isinstance(s, dict) and "text" in s for s in data[:5])


def _seconds(value, *, path, index: int) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"malformed Whisper JSON: segment {index} has a time that is not a number", path=path)
    return round(float(value), 3)


def json_cues(data, *, path: str | Path) -> list[Cue]:
    segments = data["segments"] if isinstance(data, dict) else data
    cues = []
    previous = None
    for index, segment in enumerate(segments, start=1):
        if not isinstance(segment, dict) or not isinstance(segment.get("text", ""), str):
            raise InputError(f"malformed Whisper JSON: segment {index} is not an object with text", path=path)
        if "timestamp" in segment and isinstance(segment["timestamp"], (list, tuple)):
            start, end = (list(segment["timestamp"]) + [None, None])[:2]
        else:
            start, end = segment.get("start"), segment.get("end")
        start, end = _seconds(start, path=path, index=index), _seconds(end, path=path, index=index)
        if start is not None and previous is not None and start < previous:
            raise InputError(f"malformed Whisper JSON: segment {index} starts before the one above it", path=path)
        previous = start if start is not None else previous
        speaker = segment.get("speaker")
        cues.append(Cue(segment.get("text", ""), str(speaker) if speaker else None, start, end))
    return cues


def _json_file_cues(text: str, *, path: str | Path) -> list[Cue]:
    data = load_json(text, path=path)
    if not is_whisper_json(data):
        raise InputError('not a Whisper JSON file (no "segments" list)', path=path)
    return json_cues(data, path=path)


read_whisper_json = cue_file_reader(_json_file_cues, JSON_READER)


def is_whisper_tsv(first_line: str) -> bool:
    columns = [c.strip().lower() for c in first_line.split("\t")]
    return len(columns) >= 3 and columns[:2] == ["start", "end"] and "text" in columns


def tsv_cues(text: str, *, path: str | Path) -> list[Cue]:
    rows = text.lstrip("\ufeff").split("\n")
    header = [c.strip().lower() for c in rows[0].split("\t")]
    text_col = header.index("text")
    speaker_col = header.index("speaker") if "speaker" in header else None
    cues, previous = [], None
    for number, row in enumerate(rows[1:], start=2):
        if not row.strip():
            continue
        cells = row.split("\t")
        if len(cells) < len(header):
            raise InputError(
                f"malformed Whisper TSV: {len(cells)} columns, expected {len(header)}", path=path, line=number
            )
        try:
            start, end = int(cells[0]) / 1000, int(cells[1]) / 1000
        except ValueError:
            raise InputError(
                "malformed Whisper TSV: start and end must be milliseconds", path=path, line=number
            ) from None
        if end < start or (previous is not None and start < previous):
            raise InputError("malformed Whisper TSV: times out of order", path=path, line=number)
        previous = start
        speaker = cells[speaker_col].strip() if speaker_col is not None else None
        cues.append(Cue(cells[text_col], speaker or None, start, end))
    return cues


read_whisper_tsv = cue_file_reader(tsv_cues, TSV_READER)
