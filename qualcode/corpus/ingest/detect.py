"""Which reader reads a file: decided from its content first, its extension second.

``detect(path, data)`` → one of ``docx``, ``odt``, ``vtt``, ``srt``, ``whisper-json``,
``otr``, ``whisper-tsv``, ``text``. A ZIP is a .docx or an .odt by its members; text is
WebVTT when it starts with ``WEBVTT``, SubRip when its first block is a number and a
``-->`` line, JSON by its keys, Whisper TSV by its header. A file with an unknown
extension is read only when its content is one of those formats.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

from qualcode.errors import InputError

SUPPORTED = (".txt", ".md", ".docx", ".odt", ".vtt", ".srt", ".json", ".tsv", ".otr")
SUPPORTED_TEXT = (
    "supported: .txt/.md (plain, Otter, Amberscript, [hh:mm:ss] SPEAKER:, **Name** markdown, [id1] text), "
    ".docx/.odt (paragraphs, speaker tables, Teams/Amberscript layouts), .vtt (WebVTT: Teams, Zoom, Whisper), "
    ".srt (SubRip, WhisperX), .json/.tsv (Whisper, WhisperX), .otr (oTranscribe)"
)
_SRT_START_RE = re.compile(r"\A\s*\d+\s*\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->")


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "content.xml" in names:
        return "odt"
    return None


def text_kind(text: str, suffix: str) -> str:
    """The reader for decoded text (``text`` when nothing more specific fits)."""
    head = text.lstrip("\ufeff")
    stripped = head.lstrip()
    if head.startswith("WEBVTT") or suffix == ".vtt":
        return "vtt"
    if _SRT_START_RE.match(head) or suffix == ".srt":
        return "srt"
    if stripped[:1] in ("{", "[") and (suffix in (".json", ".otr") or stripped[:1] == "{"):
        try:
            data = json.loads(head)
        except json.JSONDecodeError:
            data = None
            if suffix in (".json", ".otr"):
                return "whisper-json" if suffix == ".json" else "otr"
        if isinstance(data, dict) and isinstance(data.get("segments"), list):
            return "whisper-json"
        if isinstance(data, dict) and isinstance(data.get("text"), str):
            return "otr"
        if isinstance(data, list) and suffix == ".json":
            return "whisper-json"
    first = head.split("\n", 1)[0]
    columns = [c.strip().lower() for c in first.split("\t")]
    if len(columns) >= 3 and columns[:2] == ["start", "end"] and "text" in columns:
        return "whisper-tsv"
    return "text"


def detect(path: str | Path, data: bytes, decoded: str | None = None) -> str:
    """The reader kind for a file (see the module docstring); InputError listing the formats if none fits."""
    suffix = Path(path).suffix.lower()
    if data[:2] == b"PK":
        kind = _zip_kind(data)
        if kind is not None:
            return kind
        if suffix in (".docx", ".odt"):
            return suffix[1:]  # the reader names the damage
    if suffix in (".docx", ".odt"):
        return suffix[1:]
    if decoded is None:
        return "text" if suffix in SUPPORTED else "unknown"
    kind = text_kind(decoded, suffix)
    if kind == "text" and suffix not in SUPPORTED:
        shown = f"'{Path(path).suffix}'" if Path(path).suffix else "(no extension)"
        raise InputError(f"unsupported file type {shown}; {SUPPORTED_TEXT}", path=path)
    return kind
