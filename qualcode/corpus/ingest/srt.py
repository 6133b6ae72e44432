"""SubRip (.srt) from Whisper, WhisperX (``[SPEAKER_00]: text``) and Otter, read with the ``srt`` package.

Time-code lines are checked first (with their file line numbers); ``srt.parse`` then
reads the subtitles, and a parse error names the line where it happened.
"""

from __future__ import annotations

from pathlib import Path

from qualcode.corpus.ingest.cues_check import check_order, timing_lines
from qualcode.corpus.ingest.turns import Cue, cue_file_reader
from qualcode.errors import InputError

READER = "SubRip (srt)"


def read_cues(text: str, *, path: str | Path) -> list[Cue]:
    import srt  # imported when a .srt is read

    text = text.lstrip("\ufeff")
    timings = timing_lines(text.split("\n"), path=path, what="SubRip")
    if not timings:
        raise InputError("malformed SubRip: no time-code lines (00:00:01,000 --> 00:00:04,000)", path=path, line=1)
    check_order(timings, path=path, what="SubRip")
    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as exc:
        line = text.count("\n", 0, exc.actual_start) + 1
        raise InputError(
            "malformed SubRip: unexpected text where a subtitle should start", path=path, line=line
        ) from None
    if len(subtitles) != len(timings):
        raise InputError(
            f"malformed SubRip: {len(timings)} time-code lines but {len(subtitles)} subtitles read", path=path
        )
    return [Cue(s.content, None, s.start.total_seconds(), s.end.total_seconds()) for s in subtitles]


read_srt = cue_file_reader(read_cues, READER)
