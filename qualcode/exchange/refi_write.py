"""REFI-QDA out: the codebook as ``.qdc`` (and Taguette's codebook CSV) and the whole project as ``.qdpx``.

The exchange standard (REFI-QDA 1.5, schemas in ``shared/refi-qda/``):

* every transcript is a ``<TextSource>`` whose plain text, ``"\\n".join(raw)`` of its
  lines, is stored UTF-8 (no BOM, LF) as ``sources/<GUID>.txt`` and referenced as
  ``internal://<GUID>.txt``; a transcript whose line numbers are not 1..N states
  them in the variable :data:`LINES_VARIABLE` (a ``<VariableValue>``, never as text
  a user reads as a memo);
* every coding is one ``<PlainTextSelection>`` per line range with a
  ``<Coding>``/``<CodeRef>``; positions are zero-based code-point offsets into that
  text, end-exclusive (``text[start:end]`` is the selection): a range starts at
  its first line's first character and ends just past its last line's last one;
* the selection's ``name`` is the citation; the ranges of a multi-range quote are
  one selection each, all with the same name, the citation followed by the first
  eight characters of the coding's GUID (:data:`GROUP_NAME_RE`), so our importer
  joins them again (other tools show separate codings);
* memos go where NVivo, MAXQDA, ATLAS.ti and QualCoder read them: a coding memo is
  the selection's ``Description`` and a ``Note`` referenced from the ``Coding``; a
  transcript memo the source's ``Description`` and a ``Note``; the project memo the
  project's ``Description`` and a ``Note``; a theme memo a ``Note`` referenced from
  its ``Code`` (whose ``Description`` is the definition);
* coders are ``<User>``s; GUIDs are stored (transcripts, codes, codings, memos,
  coders) or derived from stored ones with :func:`derived_guid`, so exporting
  twice gives the same GUIDs;
* empty containers are omitted (they do not validate); colours are ``#RRGGBB``.
"""

from __future__ import annotations

import bisect
import os
import re
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from hashlib import sha1
from itertools import accumulate, groupby
from xml.sax.saxutils import escape as xml_escape

from qualcode.errors import InputError
from qualcode.model import Range
from qualcode.ranges import format_citation, format_ranges
from qualcode.store.files import atomic_open
from qualcode.store.project import Project

NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
ORIGIN = "qualcode"
# Read only: exports before issue 14 carried these markers as Description text.
MARKER_RE = re.compile(
    r"qualcode:coding=(?P<guid>\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?)"
    r";lines=(?P<a>\d+)(?:-(?P<b>\d+))?;part=(?P<part>\d+)/(?P<parts>\d+)"
)
GROUP_NAME_RE = re.compile(r"^\(.*\) \[[0-9A-F]{8}\]$")
LINES_VARIABLE = "qualcode line numbers"
SOURCE_MARKER_RE = re.compile(r"qualcode:lines=(?P<lines>[\d,\-]+)")
CODE_FIELD_LABELS = (("include", "Include"), ("exclude", "Exclude"), ("example", "Example"), ("memo", "Memo"))
_GUID_NAMESPACE = uuid.UUID("5b0e7c52-2f55-4a0e-9d3c-6f1a2b3c4d5e")
_HEX6 = re.compile(r"^#[0-9A-Fa-f]{6}$")
_HEX3 = re.compile(r"^#[0-9A-Fa-f]{3}$")


def derived_guid(*parts: str) -> str:
    """A GUID that is the same every time for the same stored object: ``uuid5`` of the parts
    joined by "/" (computed as :func:`uuid.uuid5` does, without building a UUID: thousands per export)."""
    digest = bytearray(sha1(_GUID_NAMESPACE.bytes + "/".join(parts).encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex().upper()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def colour_hex(colour: str | None) -> str | None:
    """``#RRGGBB`` (upper case) or None when the stored colour is unusable."""
    if not colour:
        return None
    colour = colour.strip()
    if _HEX3.match(colour):
        colour = "#" + "".join(c * 2 for c in colour[1:])
    return colour.upper() if _HEX6.match(colour) else None


def code_description(definition: str, include: str, exclude: str, example: str, memo: str = "") -> str:
    """Definition, then ``Include: …`` / ``Exclude: …`` / ``Example: …`` / ``Memo: …`` paragraphs (read back on import).

    The theme memo is there for tools that show a code's ``Description`` as its memo (QualCoder).
    """
    parts = [definition.strip()] if definition.strip() else []
    values = {"include": include, "exclude": exclude, "example": example, "memo": memo}
    for key, label in CODE_FIELD_LABELS:
        if values[key].strip():
            parts.append(f"{label}: {values[key].strip()}")
    return "\n\n".join(parts)


def split_code_description(text: str) -> dict[str, str]:
    """Inverse of :func:`code_description`; unknown text stays in ``definition``."""
    out = {"definition": "", "include": "", "exclude": "", "example": "", "memo": ""}
    labels = {label: key for key, label in CODE_FIELD_LABELS}
    chunks = re.split(r"\n\s*\n(?=(?:Include|Exclude|Example|Memo): )", (text or "").strip())
    for _i, chunk in enumerate(chunks):
        m = re.match(r"(Include|Exclude|Example|Memo): (.*)\Z", chunk, re.S)
        if m and not out[labels[m.group(1)]]:
            out[labels[m.group(1)]] = m.group(2).strip()
        else:
            out["definition"] = (out["definition"] + "\n\n" + chunk).strip() if out["definition"] else chunk.strip()
    return out


# ------------------------------------------------------------------- offsets
@dataclass
class SourceText:
    """A transcript's exported plain text and where each line starts."""

    numbers: list[int]  # line numbers in order
    starts: list[int]  # code-point offset of each line's first character
    lengths: list[int]
    text: str

    @classmethod
    def from_lines(cls, numbers: Sequence[int], raws: Sequence[str]) -> SourceText:
        """From the line numbers and raw texts, in line order."""
        lengths = list(map(len, raws))
        starts = list(accumulate((n + 1 for n in lengths[:-1]), initial=0)) if lengths else []
        return cls(list(numbers), starts, lengths, "\n".join(raws))

    def span(self, rng: Range) -> tuple[int, int]:
        """(start, end) offsets of the lines ``a``–``b``, end-exclusive."""
        a, b = rng
        i = bisect.bisect_left(self.numbers, a)
        j = bisect.bisect_right(self.numbers, b) - 1
        if i >= len(self.numbers) or j < i:
            raise InputError(f"lines {format_ranges([rng])} are not in the transcript")
        return self.starts[i], self.starts[j] + self.lengths[j]


# --------------------------------------------------------------------- users
def coder_guids(project: Project, names: Sequence[str] = ()) -> dict[str, str]:
    """Every coder's GUID: stored in ``coders`` (from an import) or derived from the name."""
    stored = {r["name"]: r["guid"] for r in project.query("SELECT name, guid FROM coders")}
    out = {}
    for name in sorted(set(names) | set(stored)):
        out[name] = stored.get(name) or derived_guid("coder", name)
    return out


def project_coders(project: Project) -> list[str]:
    rows = project.query(
        "SELECT coder FROM codings UNION SELECT coder FROM memos UNION SELECT coder FROM progress "
        "UNION SELECT name FROM coders ORDER BY 1"
    )
    return [r["coder"] for r in rows]


# --------------------------------------------------------------------- build
_INDENTS = ["\n" + "  " * depth for depth in range(16)]


def _indent(depth: int) -> str:
    return _INDENTS[depth] if depth < len(_INDENTS) else "\n" + "  " * depth


_ATTR_ENTITIES = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}  # as ElementTree writes them


def _escape_attr(text: str) -> str:
    return xml_escape(text, _ATTR_ENTITIES)


def _attrs(attrs: dict | None) -> str:
    if not attrs:
        return ""
    return "".join(f' {k}="{_escape_attr(str(v))}"' for k, v in attrs.items() if v is not None)


class _Xml:
    """An XML document written element by element, indented by two spaces, as ``ET.indent`` and
    ``ElementTree.write(encoding="utf-8", xml_declaration=True)`` write it (the same bytes), without
    building a tree first: the root declares ``ns`` as the default namespace; attributes whose value
    is None are left out; an element without children or text is self-closed (``<X />``).
    """

    def __init__(self, ns: str, tag: str, attrs: dict | None = None) -> None:
        self.parts = ["<?xml version='1.0' encoding='utf-8'?>\n"]
        self.open_tags: list[str] = []
        self.bare = False  # the innermost start tag is still open: no child written into it yet
        self._start(tag, f' xmlns="{_escape_attr(ns)}"' + _attrs(attrs))

    def _start(self, tag: str, attrs: str) -> None:
        depth = len(self.open_tags)
        if depth:
            if self.bare:
                self.parts.append(">")
            self.parts.append(_indent(depth))
        self.parts.append(f"<{tag}{attrs}")
        self.open_tags.append(tag)
        self.bare = True

    def open(self, tag: str, attrs: dict | None = None) -> None:
        """Start ``tag``; its children follow until :meth:`close`."""
        self._start(tag, _attrs(attrs))

    def open_escaped(self, tag: str, attrs: str) -> None:
        """:meth:`open` with the attributes already written out (`` k="v"``, values escaped)."""
        self._start(tag, attrs)

    def close(self) -> None:
        tag = self.open_tags.pop()
        if self.bare:
            self.parts.append(" />")
            self.bare = False
        else:
            self.parts.append(f"{_indent(len(self.open_tags))}</{tag}>")

    def leaf(self, tag: str, attrs: dict | None = None, text: str | None = None) -> None:
        """An element without children, with ``text`` (if any) as its content."""
        self._start(tag, _attrs(attrs))
        if text:
            self.parts.append(f">{xml_escape(text)}</{tag}>")
            self.open_tags.pop()
            self.bare = False
        else:
            self.close()

    def getvalue(self) -> bytes:
        while self.open_tags:
            self.close()
        return "".join(self.parts).encode("utf-8", "xmlcharrefreplace")


def code_memos(project: Project) -> dict[int, str]:
    from qualcode.coding.codebook import code_memos as memos_of_codes

    return memos_of_codes(project)


def _code_tree(project: Project):
    from qualcode.coding.codebook import all_codes, tree_order

    codes = tree_order(all_codes(project))
    children: dict[int | None, list] = {}
    ids = {c.id for c in codes}
    for c in codes:
        children.setdefault(c.parent_id if c.parent_id in ids else None, []).append(c)
    return children


def _add_codes(out: _Xml, children: dict, memo_guids: dict[int, str] | None, memo_texts: dict[int, str]) -> None:
    def add(code) -> None:
        out.open("Code", {"guid": code.guid, "name": code.name, "isCodable": "true", "color": colour_hex(code.colour)})
        desc = code_description(code.definition, code.include, code.exclude, code.example, memo_texts.get(code.id, ""))
        if desc:
            out.leaf("Description", text=desc)
        if memo_guids is not None and code.id in memo_guids:
            out.leaf("NoteRef", {"targetGUID": memo_guids[code.id]})
        for child in children.get(code.id, []):
            add(child)
        out.close()

    out.open("Codes")
    for code in children.get(None, []):
        add(code)
    out.close()


def codebook_xml(project: Project) -> bytes:
    """The codebook as a REFI-QDA ``.qdc`` document (validates against ``Codebook.xsd``)."""
    children = _code_tree(project)
    if not children.get(None):
        raise InputError("the project has no codes; a .qdc codebook needs at least one (load a codebook first)")
    out = _Xml(NS_CODEBOOK, "CodeBook", {"origin": ORIGIN})
    _add_codes(out, children, None, code_memos(project))
    return out.getvalue()


@dataclass
class ProjectExport:
    xml: bytes
    sources: dict[str, str]  # GUID → plain text
    counts: dict = field(default_factory=dict)


def project_xml(project: Project) -> ProjectExport:
    """The whole project as ``project.qde`` XML plus the plain texts of its sources."""
    from qualcode.coding import codings as codings_mod
    from qualcode.corpus import transcripts

    users = coder_guids(project, project_coders(project))
    created = project.setting("created_at")
    out = _Xml(
        NS_PROJECT,
        "Project",
        {"name": project.path.stem, "origin": ORIGIN, "creationDateTime": str(created) if created else None},
    )
    if users:
        out.open("Users")
        for name, guid in users.items():
            out.leaf("User", {"guid": guid, "name": name})
        out.close()
    notes = _Notes(project, users)
    children = _code_tree(project)
    if children.get(None):
        out.open("CodeBook")
        _add_codes(out, children, notes.code_guid, code_memos(project))
        out.close()
    rows = transcripts.all_rows(project)
    texts = _source_texts(project)  # every transcript's lines in one query, not one per transcript
    texts = {t.id: texts.get(t.id) or SourceText([], [], [], "") for t in rows}
    renumbered = {t.id for t in rows if texts[t.id].numbers != list(range(1, len(texts[t.id].numbers) + 1))}
    variable_guid = derived_guid("variable", LINES_VARIABLE)
    if renumbered:
        out.open("Variables")
        out.open("Variable", {"guid": variable_guid, "name": LINES_VARIABLE, "typeOfVariable": "Text"})
        out.leaf("Description", text="Line numbers of the transcript's lines in qualcode, in order.")
        out.close()
        out.close()
    all_codings = codings_mod.list_codings(project)
    by_transcript: dict[int, list] = {}
    for c in all_codings:
        by_transcript.setdefault(c.transcript_id, []).append(c)
    code_guid = {r["id"]: r["guid"] for r in project.query("SELECT id, guid FROM codes")}
    sources: dict[str, str] = {}
    n_selections = 0
    ctx = _SelectionContext(users, code_guid, notes, project.citation_template)  # read once, not per transcript
    if rows:
        out.open("Sources")
        for t in rows:
            st = texts[t.id]
            sources[t.guid] = st.text
            out.open(
                "TextSource",
                {
                    "guid": t.guid,
                    "name": t.name,
                    "plainTextPath": f"internal://{t.guid}.txt",
                    "creationDateTime": t.imported_at,
                },
            )
            memo = notes.transcript_memo(t.id)
            if memo is not None:
                out.leaf("Description", text=memo["text"])
            n_selections += _add_selections(out, st, by_transcript.get(t.id, []), ctx)
            if memo is not None:
                out.leaf("NoteRef", {"targetGUID": memo["guid"]})
            if t.id in renumbered:
                out.open("VariableValue")
                out.leaf("VariableRef", {"targetGUID": variable_guid})
                out.leaf("TextValue", text=format_ranges(_as_ranges(st.numbers)))
                out.close()
            out.close()
        out.close()
    notes.write(out)
    counts = {
        "users": len(users),
        "codes": len(code_guid),
        "sources": len(rows),
        "codings": len(all_codings),
        "selections": n_selections,
        "notes": len(notes.items),
    }
    return ProjectExport(out.getvalue(), sources, counts)


def _source_texts(project: Project) -> dict[int, SourceText]:
    """Transcript id → its :class:`SourceText`, from one query (columns sliced, not row by row)."""
    rows = project.conn.execute("SELECT transcript_id, n, raw FROM lines ORDER BY transcript_id, n").fetchall()
    if not rows:
        return {}
    ids, numbers, raws = zip(*rows)
    out, i = {}, 0
    for tid, group in groupby(ids):
        j = i + len(list(group))
        out[tid] = SourceText.from_lines(numbers[i:j], raws[i:j])
        i = j
    return out


class _Notes:
    """The project's memos as ``<Note>`` elements, and where each is referenced."""

    def __init__(self, project: Project, users: dict[str, str]) -> None:
        self.users = users
        self.memos = project.query("SELECT * FROM memos WHERE text != '' ORDER BY id")
        self.code_guid = {m["code_id"]: m["guid"] for m in self.memos if m["scope"] == "code"}
        self.project_memos = [m for m in self.memos if m["scope"] == "project"]
        code_names = {r["id"]: r["name"] for r in project.query("SELECT id, name FROM codes")}
        transcript_names = {r["id"]: r["name"] for r in project.query("SELECT id, name FROM transcripts")}
        self.items: list[tuple[str, str, str, str, str]] = []  # guid, name, text, coder, time
        for m in self.memos:
            label = {
                "code": f"memo: {code_names.get(m['code_id'], '')}",
                "transcript": f"memo: {transcript_names.get(m['transcript_id'], '')}",
                "project": "memo: project",
            }[m["scope"]]
            self.items.append((m["guid"], label, m["text"], m["coder"], m["updated_at"]))

    def transcript_memo(self, transcript_id: int) -> dict | None:
        return next((m for m in self.memos if m["scope"] == "transcript" and m["transcript_id"] == transcript_id), None)

    def add(self, guid: str, name: str, text: str, coder: str, stamp: str) -> None:
        self.items.append((guid, name, text, coder, stamp))

    def write(self, out: _Xml) -> None:
        """``<Notes>``, then the project memo as ``<Description>`` and ``<NoteRef>`` (schema order)."""
        if self.items:
            out.open("Notes")
            for guid, name, text, coder, stamp in self.items:
                out.open(
                    "Note",
                    {"guid": guid, "name": name, "creatingUser": self.users.get(coder), "creationDateTime": stamp},
                )
                out.leaf("PlainTextContent", text=text)
                out.close()
            out.close()
        if self.project_memos:
            out.leaf("Description", text="\n\n".join(m["text"] for m in self.project_memos))
        for m in self.project_memos:
            out.leaf("NoteRef", {"targetGUID": m["guid"]})


@dataclass
class _SelectionContext:
    users: dict[str, str]
    code_guid: dict[int, str]
    notes: _Notes
    template: str


def _add_selections(out: _Xml, st: SourceText, codings: list, ctx: _SelectionContext) -> int:
    """One ``<PlainTextSelection>`` per range of each coding; returns how many."""
    selections = []
    for c in codings:
        citation = format_citation(c.transcript, c.ranges, ctx.template)
        name = citation if len(c.ranges) == 1 else f"{citation} [{c.guid.replace('-', '')[:8].upper()}]"
        for part, rng in enumerate(c.ranges, start=1):
            start, end = st.span(rng)
            selections.append((start, end, part, c, name))
    selections.sort(key=lambda s: (s[0], s[1], s[3].id, s[2]))
    esc = _escape_attr  # the attributes of thousands of selections, written out directly (none is ever None)
    for start, end, part, c, name in selections:
        user = esc(ctx.users[c.coder])
        created = esc(c.created_at)
        out.open_escaped(
            "PlainTextSelection",
            f' guid="{derived_guid("selection", c.guid, str(part))}" name="{esc(name)}" startPosition="{start}"'
            f' endPosition="{end}" creatingUser="{user}" creationDateTime="{created}" modifyingUser="{user}"'
            f' modifiedDateTime="{esc(c.updated_at)}"',
        )
        if c.memo and part == 1:
            out.leaf("Description", text=c.memo)
        guid = c.guid if part == 1 else derived_guid("coding", c.guid, str(part))
        out.open_escaped("Coding", f' guid="{esc(guid)}" creatingUser="{user}" creationDateTime="{created}"')
        out.leaf("CodeRef", {"targetGUID": ctx.code_guid[c.code_id]})
        if c.memo and part == 1:
            memo_guid = derived_guid("memo", c.guid)
            out.leaf("NoteRef", {"targetGUID": memo_guid})
            ctx.notes.add(memo_guid, f"memo: {name} {c.code}", c.memo, c.coder, c.updated_at)
        out.close()
        out.close()
    return len(selections)


def _as_ranges(numbers: Sequence[int]) -> list[Range]:
    from qualcode.ranges import from_lines

    return list(from_lines(numbers)) or [(1, 1)]


# --------------------------------------------------------------------- write
def export_qdc(project: Project, out: str | os.PathLike) -> dict:
    """Write the codebook as ``.qdc``; returns ``{"path", "codes"}``."""
    data = codebook_xml(project)
    with atomic_open(out, "wb") as f:  # beside out, renamed into place
        f.write(data)
    return {"path": str(out), "codes": project.scalar("SELECT count(*) FROM codes")}


def export_qdpx(project: Project, out: str | os.PathLike) -> dict:
    """Write the whole project as ``.qdpx`` (``project.qde`` + ``sources/<GUID>.txt``); returns counts."""
    exported = project_xml(project)
    # beside out, renamed into place
    with atomic_open(out, "wb") as f, zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", exported.xml)
        for guid, text in exported.sources.items():
            z.writestr(f"sources/{guid}.txt", text.encode("utf-8"))
    return {"path": str(out), **exported.counts}
