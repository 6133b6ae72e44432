"""oTranscribe (.otr): JSON whose ``text`` is the transcript as HTML, with time stamps as
``<span class="timestamp" data-timestamp="12.3">0:12</span>``.

Each paragraph (``<p>``, ``<div>``, ``<br>``) becomes a cue starting at the first time
stamp in it; the time stamps' visible text (``0:12``) never enters the transcript.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from qualcode.corpus.ingest.speaker_rule import AUTO, SpeakerRule
from qualcode.corpus.ingest.turns import Cue, cues_to_transcript
from qualcode.corpus.ingest.whisper import load_json
from qualcode.errors import InputError
from qualcode.model import ParsedTranscript

READER = "oTranscribe (.otr)"


def is_otr(data) -> bool:
    return isinstance(data, dict) and isinstance(data.get("text"), str) and "segments" not in data


class _Paragraphs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cues: list[Cue] = []
        self.parts: list[str] = []
        self.start: float | None = None
        self.in_stamp = 0

    def flush(self) -> None:
        text = "".join(self.parts).strip()
        if text:
            self.cues.append(Cue(text, None, self.start, None))
        self.parts, self.start = [], None

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag in ("p", "div", "br", "li"):
            self.flush()
        if tag == "span" and "timestamp" in (attributes.get("class") or "").split():
            self.in_stamp += 1
            try:
                stamp = float(attributes.get("data-timestamp") or "")
            except ValueError:
                stamp = None
            if self.start is None and stamp is not None:
                self.start = round(stamp, 3)
        elif self.in_stamp and tag == "span":
            self.in_stamp += 1

    def handle_endtag(self, tag) -> None:
        if tag == "span" and self.in_stamp:
            self.in_stamp -= 1
        elif tag in ("p", "div", "li"):
            self.flush()

    def handle_data(self, data) -> None:
        if not self.in_stamp:
            self.parts.append(data)


def otr_cues(html_text: str) -> list[Cue]:
    parser = _Paragraphs()
    parser.feed(html_text)
    parser.close()
    parser.flush()
    for cue, following in zip(parser.cues, parser.cues[1:]):
        cue.end = following.start
    return parser.cues


def read_otr(
    path: str | Path, text: str, *, name: str, encoding: str, wrap: int = 80, rule: SpeakerRule = AUTO
) -> ParsedTranscript:
    data = load_json(text, path=path)
    if not is_otr(data):
        raise InputError('not an oTranscribe file (no "text" field)', path=path)
    notices = [f"oTranscribe media {data['media']!r} not linked (use `qualcode media`)"] if data.get("media") else []
    return cues_to_transcript(
        otr_cues(data["text"]),
        name=name,
        source=Path(path).name,
        path=path,
        encoding=encoding,
        reader=READER,
        wrap=wrap,
        rule=rule,
        notices=notices,
    )
