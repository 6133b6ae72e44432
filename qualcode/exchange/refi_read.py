"""REFI-QDA in, part 1: reading ``.qdpx`` projects and ``.qdc`` codebooks (no project is touched here).

Liberal in what it reads (ATLAS.ti, MAXQDA, NVivo, QualCoder, Taguette):

* any single ``*.qde`` at the archive root; sources in ``sources/`` or ``Sources/``
  (or inline ``PlainTextContent``); UTF-8 with or without BOM;
* offsets count code points of the source file as stored: with CRLF line ends
  the other tool counted two characters per line end. When a selection names its
  text and that text only matches with CRLF counted as one character, that
  reading is used; when neither matches, the selection is reported;
* a selection covers every line it touches; starts and ends in the middle of a
  line are reported;
* hierarchy as nested ``<Code>`` elements or as ``Parent::Child`` names; codes are
  matched by GUID, then by name;
* picture, PDF, audio and video sources, cases, variables, sets, links and graphs
  are skipped and reported by count.

Everything is read and checked here, before the project is touched (safe ZIP
members, defusedxml); :mod:`qualcode.exchange.refi_load` then writes it in one
transaction, or nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.errors import InputError
from qualcode.exchange.refi_write import MARKER_RE, SOURCE_MARKER_RE, SourceText, colour_hex
from qualcode.model import ParsedTranscript, Range
from qualcode.ranges import format_citation, parse_ranges

MAX_QDC_BYTES = 50 * 1024 * 1024
MAX_CODE_DEPTH = 100  # nested <Code> levels; a real hierarchy has fewer than 10
_SKIPPED_PARTS = {
    "PictureSource": "picture source",
    "PDFSource": "PDF source",
    "AudioSource": "audio source",
    "VideoSource": "video source",
    "Cases": "cases",
    "Variables": "variables",
    "Sets": "sets",
    "Links": "links",
    "Graphs": "graphs",
}
_SELECTION_PARTS = {
    "PictureSelection": "picture selection",
    "PDFSelection": "PDF selection",
    "AudioSelection": "audio selection",
    "VideoSelection": "video selection",
    "TranscriptSelection": "transcript selection",
}
_GUID_RE = re.compile(r"^\{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?$")
_BAD_NAME_CHARS = re.compile(r"[,;()\r\n\t]+")
_EXAMPLES = 5


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _kids(el, name: str | None = None) -> list:
    return [c for c in el if name is None or _local(c.tag) == name]


def _kid(el, name: str):
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _text(el, name: str) -> str:
    k = _kid(el, name)
    return (k.text or "") if k is not None else ""


def norm_guid(value: str | None) -> str | None:
    m = _GUID_RE.match((value or "").strip())
    return m.group(1).upper() if m else None


def clean_name(name: str, fallback: str) -> str:
    name = _BAD_NAME_CHARS.sub("-", name or "").strip().lstrip("-").strip()
    return name or fallback


# ------------------------------------------------------------------ the report
@dataclass
class ImportReport:
    source: str
    kind: str  # "qdpx" or "qdc"
    transcripts_added: list[str] = field(default_factory=list)
    transcripts_matched: list[str] = field(default_factory=list)
    codes_added: list[str] = field(default_factory=list)
    codes_matched: list[str] = field(default_factory=list)
    codes_renamed: list[str] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    codings_added: int = 0
    codings_identical: int = 0
    memos_added: int = 0
    mid_line: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        d = dict(self.__dict__)
        d["skipped"] = dict(self.skipped)
        return d

    def lines(self) -> list[str]:
        """Human-readable summary lines (the CLI prints them)."""
        out = [
            f"Imported {Path(self.source).name} ({self.kind}): "
            f"{len(self.transcripts_added)} new transcripts, {len(self.transcripts_matched)} already here, "
            f"{len(self.codes_added)} new codes, {len(self.codes_matched)} matched, "
            f"{self.codings_added} codings ({self.codings_identical} identical ones skipped), "
            f"{self.memos_added} memos, coders: {', '.join(self.coders) or '-'}"
        ]
        for label, items in (
            ("selections starting or ending mid-line (whole lines coded)", self.mid_line),
            ("selections whose text does not match the source", self.mismatches),
        ):
            if items:
                out.append(
                    f"  {len(items)} {label}: "
                    + "; ".join(items[:_EXAMPLES])
                    + (" …" if len(items) > _EXAMPLES else "")
                )
        if self.codes_renamed:
            out.append("  renamed codes: " + "; ".join(self.codes_renamed))
        if self.skipped:
            out.append(
                "  skipped (not supported): " + ", ".join(f"{n} × {what}" for what, n in sorted(self.skipped.items()))
            )
        out.extend(f"  warning: {w}" for w in self.warnings)
        return out


# ---------------------------------------------------------------- parsed pieces
@dataclass
class _Code:
    guid: str | None
    path: tuple[str, ...]
    colour: str | None
    description: str
    notes: list[str]
    name: str = ""


@dataclass
class _Coding:
    source_guid: str
    code_guid: str
    user_guid: str | None
    created_at: str | None
    ranges: tuple[Range, ...]
    guid: str | None
    group: str | None  # marker GUID for parts of one multi-range coding
    notes: list[str]


@dataclass
class _Source:
    guid: str | None
    name: str
    parsed: ParsedTranscript
    created_at: str | None
    notes: list[str]


@dataclass
class _Refi:
    kind: str
    codes: list[_Code] = field(default_factory=list)
    users: dict[str, str] = field(default_factory=dict)  # guid → name
    sources: list[_Source] = field(default_factory=list)
    codings: list[_Coding] = field(default_factory=list)
    notes: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)  # guid → (name, text, user)
    project_notes: list[str] = field(default_factory=list)
    origin: str = ""
    path: str | None = None  # for errors found while reading


# -------------------------------------------------------------------- reading
def read_file(path: str | Path, report: ImportReport) -> _Refi:
    """Read and check a .qdpx or .qdc without touching any project."""
    from qualcode.archives import open_zip, parse_xml, read_regular_file

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".qdc":
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise InputError("no such file", path=path) from None
        if size > MAX_QDC_BYTES:
            raise InputError(f"refusing a codebook of {size // (1024 * 1024)} MB", path=path)
        root = parse_xml(read_regular_file(path, limit=MAX_QDC_BYTES, what="codebook"), path=path)
        if _local(root.tag) != "CodeBook":
            raise InputError(
                f"not a REFI-QDA codebook (root element <{_local(root.tag)}>, expected <CodeBook>)", path=path
            )
        refi = _Refi("qdc", origin=root.get("origin", ""), path=str(path))
        _read_codes(_kid(root, "Codes"), (), refi)
        return refi
    if suffix != ".qdpx":
        raise InputError("not a REFI-QDA file (use .qdpx or .qdc)", path=path)
    with open_zip(path, what=".qdpx project") as z:
        qdes = [n for n in z.names() if "/" not in n.replace("\\", "/") and n.lower().endswith(".qde")]
        if not qdes:
            raise InputError("no .qde project document at the top of the .qdpx archive", path=path)
        if len(qdes) > 1:
            raise InputError(f"several .qde documents in the archive ({', '.join(qdes)}); expected one", path=path)
        root = parse_xml(z.read(qdes[0]), path=path, member=qdes[0])
        if _local(root.tag) != "Project":
            raise InputError(f"{qdes[0]} is not a REFI-QDA project (root <{_local(root.tag)}>)", path=path)
        refi = _Refi("qdpx", origin=root.get("origin", ""), path=str(path))
        users = _kid(root, "Users")
        for u in _kids(users, "User") if users is not None else []:
            guid = norm_guid(u.get("guid"))
            if guid:
                refi.users[guid] = clean_name(u.get("name") or u.get("id") or "", f"user-{guid[:8].lower()}")
        cb = _kid(root, "CodeBook")
        if cb is not None:
            _read_codes(_kid(cb, "Codes"), (), refi)
        notes = _kid(root, "Notes")
        for n in _kids(notes, "Note") if notes is not None else []:
            guid = norm_guid(n.get("guid"))
            text = _kid(n, "PlainTextContent")
            body = text.text if text is not None and text.text else ""
            if not body and (n.get("plainTextPath") or "").startswith("internal://"):
                body = _decode(_member(z, n.get("plainTextPath"), path), path)[0]
            body = body or _text(n, "Description")
            if guid:
                refi.notes[guid] = (n.get("name") or "", body.replace("\r\n", "\n"), norm_guid(n.get("creatingUser")))
        refi.project_notes = [g for g in (norm_guid(r.get("targetGUID")) for r in _kids(root, "NoteRef")) if g]
        for child in root:
            if _local(child.tag) in _SKIPPED_PARTS:
                n = len(list(child)) or 1
                report.skipped[_SKIPPED_PARTS[_local(child.tag)]] += n
        sources = _kid(root, "Sources")
        for src in list(sources) if sources is not None else []:
            tag = _local(src.tag)
            if tag == "TextSource":
                _read_text_source(src, z, path, refi, report)
            else:
                report.skipped[_SKIPPED_PARTS.get(tag, tag)] += 1
                for sel in src.iter():
                    if _local(sel.tag) in _SELECTION_PARTS:
                        report.skipped[_SELECTION_PARTS[_local(sel.tag)]] += 1
        return refi


def _member(z, ref: str, path: Path) -> bytes:
    name = ref.split("://", 1)[1].lstrip("/")
    for candidate in (f"sources/{name}", name):
        member = z.find(candidate)
        if member is not None:
            return z.read(member)
    raise InputError(f"the archive has no sources/{name} (referenced as {ref})", path=path)


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    from qualcode.corpus.ingest import decode_bytes

    text, encoding = decode_bytes(data, path=path)
    return text.lstrip("\ufeff"), encoding


def _range_count(parts) -> int:
    return sum(b - a + 1 for a, b in parts)


def _read_codes(codes_el, parent: tuple[str, ...], refi: _Refi) -> None:
    if codes_el is None:
        return
    if len(parent) >= MAX_CODE_DEPTH:
        raise InputError(f"refusing codes nested more than {MAX_CODE_DEPTH} levels deep", path=refi.path)
    for c in _kids(codes_el, "Code"):
        raw = c.get("name") or ""
        parts = tuple(clean_name(p, "code") for p in raw.split("::")) if "::" in raw else (clean_name(raw, "code"),)
        for k in range(min(len(parts) - 1, len(parent)), 0, -1):  # nested *and* "Parent::Child" names
            if parts[:k] == parent[-k:]:
                parts = parts[k:]
                break
        path = parent + parts
        notes = [g for g in (norm_guid(r.get("targetGUID")) for r in _kids(c, "NoteRef")) if g]
        refi.codes.append(
            _Code(norm_guid(c.get("guid")), path, colour_hex(c.get("color")), _text(c, "Description"), notes)
        )
        _read_codes(c, path, refi)


def _line_table(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each physical line of ``text`` (end before its line break)."""
    out, pos = [], 0
    for m in re.finditer(r"\r\n|\r|\n", text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def _lines_touched(table: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """Indexes of the first and last physical line a selection [start, end) touches."""
    import bisect

    starts = [s for s, _ in table]
    first = max(0, bisect.bisect_right(starts, start) - 1)
    last_pos = max(start, end - 1)
    last = max(first, bisect.bisect_right(starts, last_pos) - 1)
    return first, last


def _same_text(expected: str, actual: str) -> bool:
    a = " ".join(expected.replace("…", " ").split()).rstrip(". ")
    b = " ".join(actual.split())
    return bool(a) and (b == a or b.startswith(a))


def _read_text_source(src, z, path: Path, refi: _Refi, report: ImportReport) -> None:
    from qualcode.corpus.ingest import parse_text
    from qualcode.corpus.ingest.build import build_transcript
    from qualcode.corpus.ingest.decode import normalise_line, normalise_newlines

    guid = norm_guid(src.get("guid"))
    raw_name = src.get("name") or (guid or "source")
    name = clean_name(re.sub(r"\.(txt|docx?|rtf|odt|pdf|md)$", "", raw_name, flags=re.I), "source")
    content = _kid(src, "PlainTextContent")
    ref = src.get("plainTextPath") or ""
    if content is not None and content.text:
        text, encoding = content.text, "utf-8"
    elif ref.startswith("internal://"):
        text, encoding = _decode(_member(z, ref, path), path)
    else:
        report.skipped["text source without text in the archive"] += 1
        report.warnings.append(f"source {raw_name!r}: its text is not in the archive ({ref or 'no path'}); skipped")
        return
    table = _line_table(text)
    norm = normalise_newlines(text)
    norm_table = _line_table(norm)
    has_crlf = "\r" in text
    description = _text(src, "Description")
    numbers = None
    m = SOURCE_MARKER_RE.search(description)
    if m:
        try:
            parts = parse_ranges(m.group("lines"))
        except InputError:
            parts = []
        # count before expanding: a marker like lines=1-2000000000 must not build a list of 2e9 numbers
        wanted = [n for a, b in parts for n in range(a, b + 1)] if _range_count(parts) == len(norm_table) else []
        if len(wanted) == len(norm_table):
            numbers = wanted
        else:
            report.warnings.append(
                f"source {raw_name!r}: its line-number marker does not fit its {len(norm_table)} lines; "
                "lines numbered 1, 2, 3, …"
            )
    if numbers is not None:
        entries = [(n, normalise_line(norm[s:e])[0]) for n, (s, e) in zip(numbers, norm_table)]
        parsed = build_transcript(entries, name=name, source=raw_name, encoding=encoding)
    else:
        parsed = parse_text(
            text, name=name, source=raw_name, encoding=encoding, path=f"{path}:{raw_name}", detect_numbers=False
        )
        numbers = [ln.n for ln in parsed.lines]
    parsed.attributes["refi_source"] = raw_name
    st = SourceText.from_lines([{"n": ln.n, "raw": ln.raw} for ln in parsed.lines])
    notes = [g for g in (norm_guid(r.get("targetGUID")) for r in _kids(src, "NoteRef")) if g]
    refi.sources.append(_Source(guid, name, parsed, src.get("creationDateTime"), notes))
    source_key = guid or f"#{len(refi.sources)}"
    n_lines = len(parsed.lines)

    def line_no(index: int) -> int:
        return numbers[min(index, n_lines - 1)]

    for coding in _kids(src, "Coding"):  # the whole source coded
        code = norm_guid(_kid(coding, "CodeRef").get("targetGUID")) if _kid(coding, "CodeRef") is not None else None
        if code:
            refi.codings.append(
                _Coding(
                    source_key,
                    code,
                    norm_guid(coding.get("creatingUser")),
                    coding.get("creationDateTime"),
                    ((numbers[0], numbers[-1]),),
                    norm_guid(coding.get("guid")),
                    None,
                    [],
                )
            )
    for sel in _kids(src):
        tag = _local(sel.tag)
        if tag in _SELECTION_PARTS:
            report.skipped[_SELECTION_PARTS[tag]] += 1
        if tag != "PlainTextSelection":
            continue
        try:
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
        except (TypeError, ValueError):
            report.warnings.append(f"{raw_name}: a selection without usable positions was skipped")
            continue
        if end < start:
            start, end = end, start
        label = sel.get("name") or ""
        desc = _text(sel, "Description")
        marker = MARKER_RE.search(desc)
        ranges: tuple[Range, ...] | None = None
        group = None
        if marker:
            a = int(marker.group("a"))
            b = int(marker.group("b") or a)
            try:
                if st.span((a, b)) == (start, end):
                    ranges = ((a, b),)
            except InputError:
                ranges = None
            if int(marker.group("parts")) > 1:
                group = norm_guid(marker.group("guid"))
        if ranges is None:
            if start > len(text):
                report.warnings.append(f"{raw_name}: selection {start}-{end} lies outside the text; skipped")
                continue
            use_norm = False
            is_citation = label.startswith("(") and label.endswith(")")
            if label and not is_citation and not marker and not _same_text(label, text[start:end]):
                if has_crlf and _same_text(label, norm[start:end]):
                    use_norm = True
                else:
                    report.mismatches.append(
                        f"{raw_name} {start}-{end}: named {label[:40]!r} but the text there is {text[start:end][:40]!r}"
                    )
            tbl, body = (norm_table, norm) if use_norm else (table, text)
            first, last = _lines_touched(tbl, start, end)
            ranges = ((line_no(first), line_no(last)),)
            where = format_citation(name, ranges)
            if start > tbl[first][0] and body[tbl[first][0] : start].strip():
                report.mid_line.append(f"{where} starts mid-line")
            line_end = tbl[min(last, len(tbl) - 1)][1]
            if end < line_end and body[end:line_end].strip():
                report.mid_line.append(f"{where} ends mid-line")
        sel_notes = [g for g in (norm_guid(r.get("targetGUID")) for r in _kids(sel, "NoteRef")) if g]
        for coding in _kids(sel, "Coding"):
            code_ref = _kid(coding, "CodeRef")
            code = norm_guid(code_ref.get("targetGUID")) if code_ref is not None else None
            if not code:
                report.warnings.append(f"{raw_name}: a coding without a code reference was skipped")
                continue
            notes = sel_notes + [g for g in (norm_guid(r.get("targetGUID")) for r in _kids(coding, "NoteRef")) if g]
            refi.codings.append(
                _Coding(
                    source_key,
                    code,
                    norm_guid(coding.get("creatingUser") or sel.get("creatingUser")),
                    coding.get("creationDateTime") or sel.get("creationDateTime"),
                    ranges,
                    norm_guid(marker.group("guid"))
                    if marker
                    else norm_guid(coding.get("guid")) or norm_guid(sel.get("guid")),
                    group,
                    notes,
                )
            )
