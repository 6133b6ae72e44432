"""REFI-QDA in, part 1: reading ``.qdpx``/``.qde`` projects and ``.qdc`` codebooks (no project is touched here).

Liberal in what it reads (ATLAS.ti, MAXQDA, NVivo, QualCoder, qualitative-coding, Taguette):

* any single ``*.qde`` at the archive root, or a bare ``.qde`` with its sources in a
  folder beside it; sources at ``internal://X``, ``relative://X`` or a plain ``X``,
  in ``sources/`` or ``Sources/`` (any case) or at the top; ``plainTextPath``,
  inline ``PlainTextContent``, else ``richTextPath`` (.docx, .odt, .txt);
* every source's text goes through :mod:`qualcode.corpus.ingest`, the one place
  that decides line numbers (plain text: one physical line is one line; .docx and
  .odt: paragraphs wrapped like a Word transcript);
* offsets as the writing tool counted them: :mod:`qualcode.exchange.offsets`
  decides per source (code points or UTF-16 code units, line break 1 or 2) from
  the selections' own text or their word boundaries; with no convincing
  convention the source is imported and its codings are skipped, with a count;
* an empty or unreadable source is skipped with a notice, never the reason to
  refuse the others;
* memos: ``Description`` and ``Note``/``NoteRef`` of the project, sources, codes and
  selections; coding memos as MAXQDA and QualCoder write them (the selection's
  ``Description``); annotations (a selection without a code, QualCoder's notes
  with a position, NVivo's ``Link`` from a note to a selection) become memos at
  their lines;
* the coding's creator is the coder (the selection's when the coding names none);
* hierarchy as nested ``<Code>`` elements or ``Parent::Child`` names; codes matched
  by GUID, then by name; ``isCodable="false"`` codes (categories) stay parent codes;
* picture, PDF, audio and video sources, cases, variables, sets, links and graphs
  are skipped and reported by count.

Everything is read and checked here, before the project is touched (safe ZIP
members, defusedxml); :mod:`qualcode.exchange.refi_load` then writes it in one
transaction, or nothing.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from qualcode.errors import InputError
from qualcode.exchange import offsets
from qualcode.exchange.refi_write import (
    GROUP_NAME_RE,
    LINES_VARIABLE,
    MARKER_RE,
    SOURCE_MARKER_RE,
    colour_hex,
)
from qualcode.model import ParsedTranscript, Range
from qualcode.names import safe_coder_name
from qualcode.ranges import format_citation, parse_ranges

MAX_QDC_BYTES = 50 * 1024 * 1024
MAX_QDE_BYTES = 500 * 1024 * 1024
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
_CITATION_RE = re.compile(r"^\(.*;.*\)(?: \[[0-9A-F]{8}\])?$")
_QC_LINE_RE = re.compile(r"^line:\d+$")  # qualitative-coding: one selection per coded line
_EXAMPLES = 5
Memo = tuple[str, "str | None"]  # (text, author's user GUID)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _kids(el, name: str | None = None) -> list:
    return [c for c in el if name is None or _local(c.tag) == name] if el is not None else []


def _kid(el, name: str):
    for c in el if el is not None else []:
        if _local(c.tag) == name:
            return c
    return None


def _text(el, name: str) -> str:
    k = _kid(el, name)
    return (k.text or "") if k is not None else ""


def _refs(el) -> list[str]:
    return [g for g in (norm_guid(r.get("targetGUID")) for r in _kids(el, "NoteRef")) if g]


def norm_guid(value: str | None) -> str | None:
    m = _GUID_RE.match((value or "").strip())
    return m.group(1).upper() if m else None


def clean_name(name: str, fallback: str) -> str:
    name = _BAD_NAME_CHARS.sub("-", name or "").strip().lstrip("-").strip()
    return name or fallback


def _first_three(items: list[str]) -> str:
    """The first three items joined with "; ", and " …" when there are more."""
    return "; ".join(items[:3]) + (" …" if len(items) > 3 else "")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# ------------------------------------------------------------------ the report
@dataclass
class ImportReport:
    source: str
    kind: str  # "qdpx", "qde" or "qdc"
    dry_run: bool = False
    transcripts_added: list[str] = field(default_factory=list)
    transcripts_matched: list[str] = field(default_factory=list)
    codes_added: list[str] = field(default_factory=list)
    codes_matched: list[str] = field(default_factory=list)
    codes_renamed: list[str] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    codings_added: int = 0
    codings_identical: int = 0
    memos_added: int = 0
    annotations: int = 0
    conventions: dict[str, str] = field(default_factory=dict)  # source name → offset convention and evidence
    mid_line: int = 0
    mismatches: list[str] = field(default_factory=list)
    creator_differs: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason → count
    notices: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        d = dict(self.__dict__)
        d["skipped"] = dict(self.skipped)
        return d

    def lines(self) -> list[str]:
        """The one-screen summary the CLI prints."""
        head = "Would import" if self.dry_run else "Imported"
        out = [
            f"{head} {Path(self.source).name} ({self.kind}): "
            f"{_plural(len(self.transcripts_added), 'source')} ({len(self.transcripts_matched)} already here), "
            f"{_plural(len(self.codes_added), 'code')} ({len(self.codes_matched)} matched), "
            f"{_plural(self.codings_added, 'coding')} ({self.codings_identical} identical ones skipped), "
            f"{_plural(self.memos_added, 'memo')} ({self.annotations} annotations among them)",
            f"  coders: {', '.join(self.coders) or '-'}",
        ]
        if self.conventions:
            by_convention: dict[str, list[str]] = {}
            for name, convention in self.conventions.items():
                by_convention.setdefault(convention, []).append(name)
            out.append("  offsets:")
            for convention, names in sorted(by_convention.items()):
                shown = ", ".join(names[:_EXAMPLES]) + (f" and {len(names) - _EXAMPLES} more" if len(names) > 5 else "")
                out.append(f"    {convention}: {shown}")
        if self.mid_line:
            out.append(f"  {self.mid_line} selections start or end mid-line (the whole lines are coded)")
        if self.mismatches:
            out.append(
                f"  {len(self.mismatches)} selections whose name is not the text at their position: "
                + _first_three(self.mismatches)
            )
        if self.creator_differs:
            out.append(
                f"  {self.creator_differs} codings made by another user than their selection (the coding's creator is the coder)"
            )
        if self.codes_renamed:
            out.append(
                f"  {len(self.codes_renamed)} codes renamed with their parents' names (their name is used elsewhere): "
                + _first_three(self.codes_renamed)
            )
        if self.skipped:
            out.append("  skipped: " + "; ".join(f"{n} × {why}" for why, n in sorted(self.skipped.items())))
        out.extend(f"  notice: {n}" for n in self.notices[:10])
        if len(self.notices) > 10:
            out.append(f"  … and {len(self.notices) - 10} more notices (see --json)")
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
    codable: bool = True
    memos: list[Memo] = field(default_factory=list)


@dataclass
class _Coding:
    source_key: str
    code_guid: str
    user_guid: str | None
    created_at: str | None
    ranges: tuple[Range, ...]
    guid: str | None
    group: str | None  # parts of one multi-range coding share this key
    memos: list[Memo]


@dataclass
class _Annotation:
    source_key: str
    ranges: tuple[Range, ...]
    text: str
    user_guid: str | None


@dataclass
class _Source:
    key: str
    guid: str | None
    name: str
    parsed: ParsedTranscript
    created_at: str | None
    memos: list[Memo]


@dataclass
class _Note:
    name: str
    text: str
    user: str | None
    selections: list[tuple[int, int]]  # QualCoder: an annotation's position(s) inside the note


@dataclass
class _Refi:
    kind: str
    codes: list[_Code] = field(default_factory=list)
    users: dict[str, str] = field(default_factory=dict)  # guid → name
    sources: list[_Source] = field(default_factory=list)
    codings: list[_Coding] = field(default_factory=list)
    annotations: list[_Annotation] = field(default_factory=list)
    notes: dict[str, _Note] = field(default_factory=dict)
    used_notes: set[str] = field(default_factory=set)
    project_memos: list[Memo] = field(default_factory=list)
    origin: str = ""
    path: str | None = None  # for errors found while reading

    def note_texts(self, guids: list[str]) -> list[Memo]:
        """The texts of these notes (with their authors), marked as used."""
        out = []
        for g in guids:
            if g in self.notes:
                self.used_notes.add(g)
                if self.notes[g].text.strip():
                    out.append((self.notes[g].text, self.notes[g].user))
        return out


# --------------------------------------------------------------- archive files
class _Files:
    """Files of a .qdpx (ZIP members) or beside a bare .qde, found the way tools write their paths."""

    def __init__(self, path: Path, zip_file=None) -> None:
        self.path = path
        self.zip = zip_file
        if zip_file is not None:
            names = zip_file.names()
        else:
            base = path.parent
            names = [p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()] if base.is_dir() else []
        self.by_lower = {n.replace("\\", "/").lower(): n for n in names}

    def find(self, ref: str) -> str | None:
        """The stored name for ``internal://X``, ``relative://X``, ``file:///X`` or a plain ``X``."""
        name = re.sub(r"^[a-z]+:/+", "", ref.strip(), flags=re.I).replace("\\", "/").lstrip("/")
        tail = PurePosixPath(name).name
        for candidate in (name, f"sources/{name}", tail, f"sources/{tail}"):
            hit = self.by_lower.get(candidate.lower())
            if hit is not None:
                return hit
        return None

    def read(self, stored: str) -> bytes:
        if self.zip is not None:
            return self.zip.read(self.zip.find(stored))
        target = (self.path.parent / stored).resolve()
        if self.path.parent.resolve() not in target.parents:
            raise InputError(f"refusing a source outside the project folder: {stored}", path=self.path)
        return target.read_bytes()


# -------------------------------------------------------------------- reading
def read_file(path: str | Path, report: ImportReport, *, speakers: str = "auto") -> _Refi:
    """Read and check a .qdpx, .qde or .qdc without touching any project."""
    from qualcode.archives import open_zip, parse_xml, read_regular_file

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".qdc", ".qdpx", ".qde"):
        raise InputError("not a REFI-QDA file (use .qdpx, .qde or .qdc)", path=path)
    if suffix in (".qdc", ".qde"):
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise InputError("no such file", path=path) from None
        limit = MAX_QDC_BYTES if suffix == ".qdc" else MAX_QDE_BYTES
        if size > limit:
            raise InputError(f"refusing a file of {size // (1024 * 1024)} MB", path=path)
        root = parse_xml(read_regular_file(path, limit=limit, what="REFI-QDA file"), path=path)
        if suffix == ".qdc":
            if _local(root.tag) != "CodeBook":
                raise InputError(
                    f"not a REFI-QDA codebook (root element <{_local(root.tag)}>, expected <CodeBook>)", path=path
                )
            refi = _Refi("qdc", origin=root.get("origin", ""), path=str(path))
            _read_codes(_kid(root, "Codes"), (), refi)
            return refi
        return _read_project(root, _Files(path), path, report, speakers)
    with open_zip(path, what=".qdpx project") as z:
        qdes = [n for n in z.names() if "/" not in n.replace("\\", "/") and n.lower().endswith(".qde")]
        if not qdes:
            raise InputError("no .qde project document at the top of the .qdpx archive", path=path)
        if len(qdes) > 1:
            raise InputError(f"several .qde documents in the archive ({', '.join(qdes)}); expected one", path=path)
        root = parse_xml(z.read(qdes[0]), path=path, member=qdes[0])
        return _read_project(root, _Files(path, z), path, report, speakers)


def _read_project(root, files: _Files, path: Path, report: ImportReport, speakers: str) -> _Refi:
    if _local(root.tag) != "Project":
        raise InputError(f"not a REFI-QDA project (root <{_local(root.tag)}>)", path=path)
    refi = _Refi(report.kind, origin=root.get("origin", ""), path=str(path))
    for u in _kids(_kid(root, "Users"), "User"):
        guid = norm_guid(u.get("guid"))
        if guid:
            refi.users[guid] = safe_coder_name(
                clean_name(u.get("name") or u.get("id") or "", f"user-{guid[:8].lower()}")
            )
    _read_codes(_kid(_kid(root, "CodeBook"), "Codes"), (), refi)
    for n in _kids(_kid(root, "Notes"), "Note"):
        guid = norm_guid(n.get("guid"))
        if guid:
            refi.notes[guid] = _read_note(n, files, report)
    for code in refi.codes:
        code.memos = refi.note_texts(code.notes)
    links = _note_links(_kid(root, "Links"), refi)
    line_variables = _line_variables(root)
    for child in root:
        if _local(child.tag) in _SKIPPED_PARTS and _local(child.tag) != "Variables":
            report.skipped[_SKIPPED_PARTS[_local(child.tag)]] += len(list(child)) or 1
    for src in list(_kid(root, "Sources") or []):
        tag = _local(src.tag)
        if tag == "TextSource":
            _read_text_source(src, files, refi, report, speakers, links, line_variables)
        else:
            report.skipped[_SKIPPED_PARTS.get(tag, tag)] += 1
            for sel in src.iter():
                if _local(sel.tag) in _SELECTION_PARTS:
                    report.skipped[_SELECTION_PARTS[_local(sel.tag)]] += 1
    description = _text(root, "Description").strip()
    if description:
        refi.project_memos.append((description, None))
    refi.project_memos += refi.note_texts(_refs(root))
    leftover = [g for g, note in refi.notes.items() if g not in refi.used_notes and note.text.strip()]
    for g in leftover:  # journals and notes nobody refers to
        note = refi.notes[g]
        refi.project_memos.append((f"{note.name}\n{note.text}" if note.name else note.text, note.user))
        refi.used_notes.add(g)
    if leftover:
        report.notices.append(f"{_plural(len(leftover), 'note')} not attached to anything went into the project memo")
    return refi


def _read_note(n, files: _Files, report: ImportReport) -> _Note:
    body = _text(n, "PlainTextContent")
    ref = n.get("plainTextPath") or ""
    if not body and ref:
        stored = files.find(ref)
        if stored is not None:
            try:
                body = _decode(files.read(stored), files.path)[0]
            except InputError as exc:
                report.notices.append(f"note {n.get('name') or ref}: {exc.message}")
    body = body or _text(n, "Description")
    positions = []
    for sel in _kids(n, "PlainTextSelection"):
        try:
            positions.append((int(sel.get("startPosition")), int(sel.get("endPosition"))))
        except (TypeError, ValueError):
            continue
    return _Note(n.get("name") or "", body.replace("\r\n", "\n").strip(), norm_guid(n.get("creatingUser")), positions)


def _note_links(links_el, refi: _Refi) -> dict[str, list[str]]:
    """NVivo's annotations: ``<Link originGUID=note targetGUID=selection>`` → selection GUID → note GUIDs."""
    out: dict[str, list[str]] = {}
    for link in _kids(links_el, "Link"):
        origin, target = norm_guid(link.get("originGUID")), norm_guid(link.get("targetGUID"))
        if origin in refi.notes and target:
            out.setdefault(target, []).append(origin)
        elif target in refi.notes and origin:
            out.setdefault(origin, []).append(target)
    return out


def _line_variables(root) -> dict[str, str]:
    """Our own export's line numbers: source GUID → ranges text, from the ``LINES_VARIABLE`` variable."""
    guid = next(
        (
            norm_guid(v.get("guid"))
            for v in _kids(_kid(root, "Variables"), "Variable")
            if v.get("name") == LINES_VARIABLE
        ),
        None,
    )
    out: dict[str, str] = {}
    if guid is None:
        return out
    for src in _kids(_kid(root, "Sources"), "TextSource"):
        for vv in _kids(src, "VariableValue"):
            ref = _kid(vv, "VariableRef")
            if ref is not None and norm_guid(ref.get("targetGUID")) == guid:
                out[norm_guid(src.get("guid")) or ""] = _text(vv, "TextValue")
    return out


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    from qualcode.corpus.ingest import decode_bytes

    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    text, encoding = decode_bytes(data, path=path)
    return text.lstrip("\ufeff"), encoding


def _range_count(parts) -> int:
    return sum(b - a + 1 for a, b in parts)


def _read_codes(codes_el, parent: tuple[str, ...], refi: _Refi) -> None:
    if len(parent) >= MAX_CODE_DEPTH:  # a RecursionError otherwise, on a hostile file
        raise InputError(f"refusing codes nested more than {MAX_CODE_DEPTH} levels deep", path=refi.path)
    for c in _kids(codes_el, "Code"):
        raw = c.get("name") or ""
        parts = tuple(clean_name(p, "code") for p in raw.split("::")) if "::" in raw else (clean_name(raw, "code"),)
        for k in range(min(len(parts) - 1, len(parent)), 0, -1):  # nested *and* "Parent::Child" names
            if parts[:k] == parent[-k:]:
                parts = parts[k:]
                break
        path = parent + parts
        codable = (c.get("isCodable") or "true").strip().lower() not in ("false", "0")
        refi.codes.append(
            _Code(
                norm_guid(c.get("guid")), path, colour_hex(c.get("color")), _text(c, "Description"), _refs(c), codable
            )
        )
        _read_codes(c, path, refi)


# --------------------------------------------------------------- text sources
@dataclass
class _SourceText:
    """A source's text as the other tool counted it (LF line breaks) and where our lines start in it."""

    text: str
    stored_crlf: bool
    parsed: ParsedTranscript
    anchors: list[int]  # index into text where each of parsed.lines starts
    note: str = ""  # how the lines were made, when a reader should know


def _source_name(src, guid: str | None) -> tuple[str, str]:
    """The source's ``name``; without one, the stem of its file (never its GUID when there is a file name)."""
    path = src.get("plainTextPath") or src.get("richTextPath") or ""
    stem = PurePosixPath(re.sub(r"^[a-z]+:/+", "", path, flags=re.I).replace("\\", "/")).stem
    raw_name = (src.get("name") or "").strip() or (stem if stem and not norm_guid(stem) else "") or (guid or "source")
    name = clean_name(re.sub(r"\.(txt|docx?|rtf|odt|pdf|md)$", "", raw_name, flags=re.I), "source")
    return raw_name, name


def _load_source_text(src, files: _Files, name: str, raw_name: str, numbers_text: str | None) -> _SourceText:
    """Read a source's text through ingest; raises InputError (the caller skips the source with a notice)."""
    from qualcode.corpus.ingest import normalise_newlines, parse_text

    content = _kid(src, "PlainTextContent")
    plain_ref, rich_ref = src.get("plainTextPath") or "", src.get("richTextPath") or ""
    text = None
    if content is not None and (content.text or "").strip():
        text, encoding = content.text, "utf-8"
    elif plain_ref:
        stored = files.find(plain_ref)
        if stored is not None:
            data = files.read(stored)
            if data.strip(b"\xef\xbb\xbf \t\r\n"):
                text, encoding = _decode(data, files.path)
        elif not rich_ref:
            raise InputError(f"its text is not in the archive ({plain_ref})")
    if text is None and rich_ref:
        return _rich_source_text(files, rich_ref, name)
    if text is None or not text.strip():
        raise InputError("the source is empty")
    lf = normalise_newlines(text)
    numbers = _stated_numbers(numbers_text, lf)
    if numbers is None and PurePosixPath(rich_ref).suffix.lower() in (".docx", ".odt") and files.find(rich_ref):
        rich = _rich_over_plain(files, rich_ref, name, lf, "\r\n" in text)
        if rich.note.startswith("lines from"):
            return rich
        note = rich.note
    else:
        note = ""
    parsed = parse_text(text, name=name, source=raw_name, encoding=encoding, detect_numbers=False, numbers=numbers)
    return _SourceText(lf, "\r\n" in text, parsed, offsets.line_starts(lf)[: len(parsed.lines)], note)


def _rich_over_plain(files: _Files, rich_ref: str, name: str, lf: str, stored_crlf: bool) -> _SourceText:
    """Lines from the .docx/.odt (as a Word transcript), offsets from the plain text the tool counted in.

    Used when every line of the rich text is found, in order, in the plain text; otherwise
    ``note`` says why the plain text's own lines are used instead.
    """
    try:
        rich = _rich_source_text(files, rich_ref, name)
    except InputError as exc:
        return _SourceText(lf, stored_crlf, None, [], f"plain-text lines ({rich_ref}: {exc.message})")  # type: ignore[arg-type]
    anchors, found = _anchor_lines_counted(lf, [ln.raw for ln in rich.parsed.lines])
    wanted = sum(1 for ln in rich.parsed.lines if ln.raw.strip())
    if wanted and found >= wanted:
        return _SourceText(lf, stored_crlf, rich.parsed, anchors, f"lines from {PurePosixPath(rich_ref).suffix}")
    why = f"{wanted - found} of its {wanted} lines are not in the plain text"
    return _SourceText(lf, stored_crlf, None, [], f"plain-text lines (the rich text differs: {why})")  # type: ignore[arg-type]


def _stated_numbers(numbers_text: str | None, lf: str) -> list[int] | None:
    if not numbers_text:
        return None
    try:
        parts = parse_ranges(numbers_text)
    except InputError:
        return None
    lines = lf.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    # count before expanding: a marker like lines=1-2000000000 must not build a list of 2e9 numbers
    if sum(b - a + 1 for a, b in parts) != len(lines):
        return None
    return [n for a, b in parts for n in range(a, b + 1)]


def _rich_source_text(files: _Files, ref: str, name: str) -> _SourceText:
    """A source whose text is only in its rich-text file (.docx, .odt): the same ingest as a Word transcript."""
    stored = files.find(ref)
    if stored is None:
        raise InputError(f"its text is not in the archive ({ref})")
    data = files.read(stored)
    suffix = PurePosixPath(stored).suffix.lower()
    where = f"{files.path}:{stored}"
    if suffix == ".docx":
        from qualcode.corpus.ingest.docx import docx_paragraphs as paragraphs_of
    elif suffix == ".odt":
        from qualcode.corpus.ingest.odt import odt_paragraphs as paragraphs_of
    elif suffix in (".txt", ".md"):
        from qualcode.corpus.ingest import parse_text

        text = _decode(data, files.path)[0]
        lf = text.replace("\r\n", "\n")
        parsed = parse_text(text, name=name, source=stored, detect_numbers=False)
        return _SourceText(lf, "\r\n" in text, parsed, offsets.line_starts(lf)[: len(parsed.lines)])
    else:
        raise InputError(f"its text is only in a {suffix or 'typeless'} file, which qualcode cannot read")
    from qualcode.corpus.ingest.docx import paragraphs_transcript

    paragraphs = paragraphs_of(data, path=where)
    parsed = paragraphs_transcript(paragraphs, path=where, name=name, wrap=80, encoding=suffix.lstrip("."))
    text = "\n".join(p.replace("\r\n", "\n").replace("\r", "\n") for p in paragraphs)
    return _SourceText(text, False, parsed, _anchor_lines(text, [ln.raw for ln in parsed.lines]))


def _anchor_lines(text: str, raws: list[str]) -> list[int]:
    """Where each wrapped line starts in the paragraphs' text (lines are found in order)."""
    return _anchor_lines_counted(text, raws)[0]


def _anchor_lines_counted(text: str, raws: list[str]) -> tuple[list[int], int]:
    """Where each line starts in ``text``, found in order, and how many non-blank lines were found.

    A blank line starts after the next line break; a line break belongs to the line it ends.
    """
    anchors, cursor, found_count = [], 0, 0
    for raw in raws:
        content = raw.strip()
        if not content:
            brk = text.find("\n", cursor)
            cursor = len(text) if brk < 0 else brk + 1
            anchors.append(cursor)
            continue
        found = text.find(content[:30], cursor)
        if found < 0 or text[cursor:found].strip():  # only whitespace may lie between two lines
            found = cursor
        else:
            found_count += 1
        anchors.append(found)
        cursor = found + len(content)
    return anchors, found_count


def _apply_speakers(parsed: ParsedTranscript, mode: str, origin: str) -> None:
    """Re-decide speakers for a source that may not be a transcript (``--speakers``)."""
    from qualcode.corpus.ingest.speakers import assign_speakers, speaker_labels

    if mode == "auto" and origin.lower().startswith("qualcode"):
        return  # our own export: the transcripts' speakers as ingest decided them
    raws = [ln.raw for ln in parsed.lines]
    labels = speaker_labels(raws, mode)
    parsed.lines = [
        ln._replace(speaker=speaker, turn=turn, text=text)
        for ln, (speaker, turn, text) in zip(parsed.lines, assign_speakers(raws, labels=labels))
    ]


@dataclass
class _Selection:
    start: int
    end: int
    name: str
    description: str
    guid: str | None
    user: str | None
    created_at: str | None
    element: object


def _selections(src, raw_name: str, report: ImportReport) -> list[_Selection]:
    out = []
    for sel in _kids(src):
        tag = _local(sel.tag)
        if tag in _SELECTION_PARTS:
            report.skipped[_SELECTION_PARTS[tag]] += 1
        if tag != "PlainTextSelection":
            continue
        try:
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
        except (TypeError, ValueError):
            report.skipped["selections without usable positions"] += 1
            continue
        if end < start:
            start, end = end, start
        out.append(
            _Selection(
                start,
                end,
                sel.get("name") or "",
                _text(sel, "Description"),
                norm_guid(sel.get("guid")),
                norm_guid(sel.get("creatingUser") or sel.get("modifyingUser")),
                sel.get("creationDateTime"),
                sel,
            )
        )
    return out


def _own_text(s: _Selection) -> str | None:
    """The selection's name when it is the quoted text (not a citation or a tool's label)."""
    name = s.name.strip()
    if not name or _CITATION_RE.match(name) or _QC_LINE_RE.match(name) or MARKER_RE.search(s.description):
        return None
    return name


def _read_text_source(
    src,
    files: _Files,
    refi: _Refi,
    report: ImportReport,
    speakers: str,
    links: dict[str, list[str]],
    line_variables: dict[str, str],
) -> None:
    guid = norm_guid(src.get("guid"))
    raw_name, name = _source_name(src, guid)
    selections = _selections(src, raw_name, report)
    n_codings = sum(len(_kids(s.element, "Coding")) for s in selections) + len(_kids(src, "Coding"))
    description = _text(src, "Description")
    legacy = SOURCE_MARKER_RE.search(description)
    numbers_text = line_variables.get(guid or "") or (legacy.group("lines") if legacy else None)
    try:
        st = _load_source_text(src, files, name, raw_name, numbers_text)
    except InputError as exc:
        report.skipped["empty or unreadable sources"] += 1
        if n_codings:
            report.skipped["codings in skipped sources"] += n_codings
        report.notices.append(f"source {raw_name!r}: {exc.message}; skipped ({_plural(n_codings, 'coding')})")
        return
    if numbers_text and _stated_numbers(numbers_text, st.text) is None:  # said, never silently ignored
        report.notices.append(
            f"source {raw_name!r}: its line-number marker does not fit its {len(st.parsed.lines)} lines; "
            "lines numbered 1, 2, 3, …"
        )
    if st.note:
        report.notices.append(f"source {name!r}: {st.note}")
    _apply_speakers(st.parsed, speakers, refi.origin)
    st.parsed.attributes["refi_source"] = raw_name
    key = guid or f"#{len(refi.sources) + 1}"
    memos: list[Memo] = [(m, None) for m in [SOURCE_MARKER_RE.sub("", description).strip()] if m]
    annotation_notes = [g for g in _refs(src) if refi.notes.get(g) and refi.notes[g].selections]
    memos += refi.note_texts([g for g in _refs(src) if g not in annotation_notes])
    refi.sources.append(_Source(key, guid, name, st.parsed, src.get("creationDateTime"), memos))

    numbers = [ln.n for ln in st.parsed.lines]
    for coding in _kids(src, "Coding"):  # the whole source coded
        code = norm_guid(_kid(coding, "CodeRef").get("targetGUID")) if _kid(coding, "CodeRef") is not None else None
        if code:
            refi.codings.append(
                _Coding(key, code, norm_guid(coding.get("creatingUser")), coding.get("creationDateTime"),
                        ((numbers[0], numbers[-1]),), norm_guid(coding.get("guid")), None, [])
            )  # fmt: skip
    positions = [(s.start, s.end, _own_text(s)) for s in selections]
    positions += [(a, b, None) for g in annotation_notes for a, b in refi.notes[g].selections]
    decision = offsets.decide(st.text, st.stored_crlf, positions)
    if decision.convention is None:
        report.conventions[name] = f"none convincing ({decision.detail})"
        skipped = sum(len(_kids(s.element, "Coding")) for s in selections)
        report.skipped["codings in sources without a convincing offset convention"] += skipped
        report.notices.append(
            f"source {name!r}: no offset convention fits its selections ({decision.detail}); "
            f"imported the text, skipped {_plural(skipped, 'coding')}"
        )
        for g in annotation_notes:
            refi.used_notes.discard(g)
        return
    if selections or annotation_notes:
        report.conventions[name] = f"{decision.convention} ({decision.evidence}"
        report.conventions[name] += f": {decision.detail})" if decision.detail else ")"
    to_lines = _LineMapper(st, decision.offset_map, name)
    for s in selections:
        _read_selection(s, key, to_lines, refi, report, links)
    report.mid_line += to_lines.mid_line
    for g in annotation_notes:
        note = refi.notes[g]
        refi.used_notes.add(g)
        for a, b in note.selections:
            ranges = to_lines.ranges(a, b)
            if ranges is None:
                report.skipped["annotations outside their source's text"] += 1
            elif note.text:
                refi.annotations.append(_Annotation(key, ranges, note.text, note.user))


class _LineMapper:
    """Tool offsets → our line ranges for one source, under the chosen convention."""

    def __init__(self, st: _SourceText, offset_map, name: str) -> None:
        self.st, self.map, self.name = st, offset_map, name
        self.numbers = [ln.n for ln in st.parsed.lines]
        self.mid_line = 0

    def index_range(self, start: int, end: int) -> tuple[int, int] | None:
        a, b = self.map.to_index(start), self.map.to_index(end)
        return None if a is None or b is None else (a, b)

    def line_index(self, i: int) -> int:
        return max(0, bisect.bisect_right(self.st.anchors, i) - 1)

    def ranges(self, start: int, end: int) -> tuple[Range, ...] | None:
        span = self.index_range(start, end)
        if span is None:
            return None
        a, b = span
        first = self.line_index(a)
        last = max(first, self.line_index(max(a, b - 1)))
        text = self.st.text
        line_start = self.st.anchors[first]
        next_start = self.st.anchors[last + 1] if last + 1 < len(self.st.anchors) else len(text)
        if text[line_start:a].strip() or text[b:next_start].strip():
            self.mid_line += 1
        return ((self.numbers[first], self.numbers[last]),)


def _read_selection(
    s: _Selection, key: str, to_lines: _LineMapper, refi: _Refi, report: ImportReport, links: dict[str, list[str]]
) -> None:
    codings = _kids(s.element, "Coding")
    marker = MARKER_RE.search(s.description)
    memos: list[Memo] = [] if marker or not s.description.strip() else [(s.description.strip(), s.user)]
    memos += refi.note_texts(_refs(s.element) + links.get(s.guid or "", []))
    ranges = to_lines.ranges(s.start, s.end)
    if ranges is None:
        report.skipped["selections outside their source's text"] += max(1, len(codings))
        return
    own = _own_text(s)
    if own is not None:
        span = to_lines.index_range(s.start, s.end)
        if span and not offsets.same_text(own, to_lines.st.text[span[0] : span[1]]):
            where = format_citation(to_lines.name, ranges)
            report.mismatches.append(f"{where} named {own[:40]!r}")
    if not codings:
        if memos:
            refi.annotations += [_Annotation(key, ranges, m, user or s.user) for m, user in memos]
        else:
            report.skipped["selections without a code or memo"] += 1
        return
    group = None
    if marker and int(marker.group("parts")) > 1:
        group = "marker:" + marker.group("guid").strip("{}").upper()
    elif GROUP_NAME_RE.match(s.name.strip()):
        group = "name:" + s.name.strip()
    elif _QC_LINE_RE.match(s.name.strip()):
        group = "lines:"  # consecutive coded lines are one passage
    for coding in codings:
        code_ref = _kid(coding, "CodeRef")
        code = norm_guid(code_ref.get("targetGUID")) if code_ref is not None else None
        if not code:
            report.skipped["codings without a code reference"] += 1
            continue
        coding_user = norm_guid(coding.get("creatingUser"))
        if coding_user and s.user and coding_user != s.user:
            report.creator_differs += 1
        guid = norm_guid(marker.group("guid")) if marker else norm_guid(coding.get("guid")) or s.guid
        refi.codings.append(
            _Coding(
                key,
                code,
                coding_user or s.user,
                coding.get("creationDateTime") or s.created_at,
                ranges,
                guid,
                group,
                memos + refi.note_texts(_refs(coding)),
            )
        )
