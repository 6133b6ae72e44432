"""Property test: whatever cues a transcription tool writes, no time code or cue number reaches a quote.

Random cues (speakers or none, words with digits and punctuation, increasing times) are
written as WebVTT, SubRip, Whisper JSON and ``[hh:mm:ss] SPEAKER:`` lines, read back, and
quoted: the quote of the whole transcript is exactly the cues' words in order, and no
time-code pattern or ``-->`` appears in any quote.
"""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.coding.quotes import TranscriptLines, quote_from_lines
from qualcode.corpus.ingest import read_transcript

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TIME_CODE_RE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?|-->")

words = st.text(alphabet="abcdeijklmnoprstuvwxyzëé0123456789.,?!'-", min_size=1, max_size=9).filter(
    lambda w: not w.startswith("-")
)
cues = st.lists(
    st.tuples(st.sampled_from(["M", "R1", "R2", None]), st.lists(words, min_size=1, max_size=12), st.floats(0.05, 9)),
    min_size=1,
    max_size=12,
)


def clock(seconds: float, sep: str = ".") -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


def timed(cue_list):
    t, out = 0.0, []
    for speaker, text_words, duration in cue_list:
        out.append((speaker, " ".join(text_words), t, t + duration))
        t += duration + 0.25
    return out


def write_all(folder, items):
    label = lambda s: f"{s}: " if s else ""  # noqa: E731
    vtt = ["WEBVTT", ""]
    srt = []
    for i, (speaker, text, start, end) in enumerate(items, start=1):
        vtt += [f"{clock(start)} --> {clock(end)}", (f"<v {speaker}>{text}</v>" if speaker else text), ""]
        srt += [str(i), f"{clock(start, ',')} --> {clock(end, ',')}", label(speaker) + text, ""]
    (folder / "p.vtt").write_text("\n".join(vtt), encoding="utf-8")
    (folder / "p.srt").write_text("\n".join(srt), encoding="utf-8")
    segments = [{"start": s, "end": e, "text": " " + t, **({"speaker": sp} if sp else {})} for sp, t, s, e in items]
    (folder / "p.json").write_text(json.dumps({"segments": segments}), encoding="utf-8")
    lines = [f"[{clock(start)[:8]}] {label(speaker)}{text}" for speaker, text, start, _ in items]
    (folder / "p.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ["p.vtt", "p.srt", "p.json", "p.txt"]


@SETTINGS
@given(cue_list=cues, wrap=st.integers(20, 90))
def test_no_time_code_ever_reaches_a_quote(tmp_path, cue_list, wrap):
    items = timed(cue_list)
    expected = " ".join(text for _, text, _, _ in items)
    if TIME_CODE_RE.search(expected):
        return  # the words themselves spell a clock: not a leak
    import webvtt

    from qualcode.corpus.ingest import vtt

    names = write_all(tmp_path, items)
    reference = webvtt.read(str(tmp_path / "p.vtt"))
    ours = vtt.read_cues((tmp_path / "p.vtt").read_text(encoding="utf-8"), path="p.vtt")
    assert [(c.voice, c.raw_text) for c in reference] == [(c.speaker, c.text) for c in ours]
    for name in names:
        parsed = read_transcript(tmp_path / name, wrap=wrap, speakers="auto")
        rows = TranscriptLines([(ln.n, ln.speaker, ln.text) for ln in parsed.lines])
        whole, _ = quote_from_lines(rows, [(1, len(parsed.lines))])
        assert whole == expected, name
        for ln in parsed.lines:
            single, _ = quote_from_lines(rows, [(ln.n, ln.n)])
            assert not TIME_CODE_RE.search(single), (name, ln)
            assert ln.start is not None
