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
import io
import os
import re
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

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
    """A GUID that is the same every time for the same stored object (``uuid5``)."""
    return str(uuid.uuid5(_GUID_NAMESPACE, "/".join(parts))).upper()


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
    def from_lines(cls, rows: Sequence[dict]) -> SourceText:
        numbers, starts, lengths, pos = [], [], [], 0
        for r in rows:
            numbers.append(r["n"])
            starts.append(pos)
            lengths.append(len(r["raw"]))
            pos += len(r["raw"]) + 1
        return cls(numbers, starts, lengths, "\n".join(r["raw"] for r in rows))

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
def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _sub(parent: ET.Element, ns: str, tag: str, attrs: dict | None = None, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, _q(ns, tag), {k: str(v) for k, v in (attrs or {}).items() if v is not None})
    if text is not None:
        el.text = text
    return el


def code_memos(project: Project) -> dict[int, str]:
    from qualcode.coding.codebook import code_memos as memos_of_codes

    return memos_of_codes(project)


def _code_tree(project: Project):
    from qualcode.coding.codebook import _tree_order, all_codes

    codes = _tree_order(all_codes(project))
    children: dict[int | None, list] = {}
    ids = {c.id for c in codes}
    for c in codes:
        children.setdefault(c.parent_id if c.parent_id in ids else None, []).append(c)
    return children


def _add_codes(
    parent: ET.Element, ns: str, children: dict, memo_guids: dict[int, str] | None, memo_texts: dict[int, str]
) -> None:
    def add(into: ET.Element, code) -> None:
        el = _sub(
            into,
            ns,
            "Code",
            {"guid": code.guid, "name": code.name, "isCodable": "true", "color": colour_hex(code.colour)},
        )
        desc = code_description(code.definition, code.include, code.exclude, code.example, memo_texts.get(code.id, ""))
        if desc:
            _sub(el, ns, "Description", text=desc)
        if memo_guids is not None and code.id in memo_guids:
            _sub(el, ns, "NoteRef", {"targetGUID": memo_guids[code.id]})
        for child in children.get(code.id, []):
            add(el, child)

    codes_el = _sub(parent, ns, "Codes")
    for code in children.get(None, []):
        add(codes_el, code)


def _to_bytes(root: ET.Element, ns: str) -> bytes:
    ET.register_namespace("", ns)
    ET.indent(root)
    buf = io.BytesIO()
    ET.ElementTree(root).write(buf, encoding="utf-8", xml_declaration=True)
    return buf.getvalue()


def codebook_xml(project: Project) -> bytes:
    """The codebook as a REFI-QDA ``.qdc`` document (validates against ``Codebook.xsd``)."""
    children = _code_tree(project)
    if not children.get(None):
        raise InputError("the project has no codes; a .qdc codebook needs at least one (load a codebook first)")
    root = ET.Element(_q(NS_CODEBOOK, "CodeBook"), {"origin": ORIGIN})
    _add_codes(root, NS_CODEBOOK, children, None, code_memos(project))
    return _to_bytes(root, NS_CODEBOOK)


@dataclass
class ProjectExport:
    xml: bytes
    sources: dict[str, str]  # GUID → plain text
    counts: dict = field(default_factory=dict)


def project_xml(project: Project) -> ProjectExport:
    """The whole project as ``project.qde`` XML plus the plain texts of its sources."""
    from qualcode.coding import codings as codings_mod
    from qualcode.corpus import transcripts

    ns = NS_PROJECT
    users = coder_guids(project, project_coders(project))
    root = ET.Element(_q(ns, "Project"), {"name": project.path.stem, "origin": ORIGIN})
    created = project.setting("created_at")
    if created:
        root.set("creationDateTime", str(created))
    if users:
        users_el = _sub(root, ns, "Users")
        for name, guid in users.items():
            _sub(users_el, ns, "User", {"guid": guid, "name": name})
    notes = _Notes(project, users)
    children = _code_tree(project)
    if children.get(None):
        _add_codes(_sub(root, ns, "CodeBook"), ns, children, notes.code_guid, code_memos(project))
    rows = transcripts.all_rows(project)
    all_lines: dict[int, list[dict]] = {}  # every transcript's lines in one query, not one per transcript
    for line in project.query("SELECT transcript_id, n, speaker, turn, raw, text FROM lines ORDER BY transcript_id, n"):
        all_lines.setdefault(line.pop("transcript_id"), []).append(line)
    texts = {t.id: SourceText.from_lines(all_lines.get(t.id, [])) for t in rows}
    renumbered = {t.id for t in rows if texts[t.id].numbers != list(range(1, len(texts[t.id].numbers) + 1))}
    variable_guid = derived_guid("variable", LINES_VARIABLE)
    if renumbered:
        var = _sub(_sub(root, ns, "Variables"), ns, "Variable", {"guid": variable_guid, "name": LINES_VARIABLE})
        var.set("typeOfVariable", "Text")
        _sub(var, ns, "Description", text="Line numbers of the transcript's lines in qualcode, in order.")
    all_codings = codings_mod.list_codings(project)
    by_transcript: dict[int, list] = {}
    for c in all_codings:
        by_transcript.setdefault(c.transcript_id, []).append(c)
    code_guid = {r["id"]: r["guid"] for r in project.query("SELECT id, guid FROM codes")}
    sources: dict[str, str] = {}
    n_selections = 0
    template = project.citation_template  # read once, not once per transcript
    if rows:
        sources_el = _sub(root, ns, "Sources")
        for t in rows:
            st = texts[t.id]
            sources[t.guid] = st.text
            src = _sub(
                sources_el,
                ns,
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
                _sub(src, ns, "Description", text=memo["text"])
            ctx = _SelectionContext(ns, users, code_guid, notes, template)
            n_selections += _add_selections(src, st, by_transcript.get(t.id, []), ctx)
            if memo is not None:
                _sub(src, ns, "NoteRef", {"targetGUID": memo["guid"]})
            if t.id in renumbered:
                vv = _sub(src, ns, "VariableValue")
                _sub(vv, ns, "VariableRef", {"targetGUID": variable_guid})
                _sub(vv, ns, "TextValue", text=format_ranges(_as_ranges(st.numbers)))
    notes.write(root, ns)
    counts = {
        "users": len(users),
        "codes": len(code_guid),
        "sources": len(rows),
        "codings": len(all_codings),
        "selections": n_selections,
        "notes": len(notes.items),
    }
    return ProjectExport(_to_bytes(root, ns), sources, counts)


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

    def write(self, root: ET.Element, ns: str) -> None:
        """``<Notes>``, then the project memo as ``<Description>`` and ``<NoteRef>`` (schema order)."""
        if self.items:
            notes_el = _sub(root, ns, "Notes")
            for guid, name, text, coder, stamp in self.items:
                note = _sub(
                    notes_el,
                    ns,
                    "Note",
                    {"guid": guid, "name": name, "creatingUser": self.users.get(coder), "creationDateTime": stamp},
                )
                _sub(note, ns, "PlainTextContent", text=text)
        if self.project_memos:
            _sub(root, ns, "Description", text="\n\n".join(m["text"] for m in self.project_memos))
        for m in self.project_memos:
            _sub(root, ns, "NoteRef", {"targetGUID": m["guid"]})


@dataclass
class _SelectionContext:
    ns: str
    users: dict[str, str]
    code_guid: dict[int, str]
    notes: _Notes
    template: str


def _add_selections(src: ET.Element, st: SourceText, codings: list, ctx: _SelectionContext) -> int:
    """One ``<PlainTextSelection>`` per range of each coding; returns how many."""
    selections = []
    for c in codings:
        citation = format_citation(c.transcript, c.ranges, ctx.template)
        name = citation if len(c.ranges) == 1 else f"{citation} [{c.guid.replace('-', '')[:8].upper()}]"
        for part, rng in enumerate(c.ranges, start=1):
            start, end = st.span(rng)
            selections.append((start, end, part, c, name))
    selections.sort(key=lambda s: (s[0], s[1], s[3].id, s[2]))
    ns = ctx.ns
    for start, end, part, c, name in selections:
        user = ctx.users[c.coder]
        sel = _sub(
            src,
            ns,
            "PlainTextSelection",
            {
                "guid": derived_guid("selection", c.guid, str(part)),
                "name": name,
                "startPosition": start,
                "endPosition": end,
                "creatingUser": user,
                "creationDateTime": c.created_at,
                "modifyingUser": user,
                "modifiedDateTime": c.updated_at,
            },
        )
        if c.memo and part == 1:
            _sub(sel, ns, "Description", text=c.memo)
        coding_el = _sub(
            sel,
            ns,
            "Coding",
            {
                "guid": c.guid if part == 1 else derived_guid("coding", c.guid, str(part)),
                "creatingUser": user,
                "creationDateTime": c.created_at,
            },
        )
        _sub(coding_el, ns, "CodeRef", {"targetGUID": ctx.code_guid[c.code_id]})
        if c.memo and part == 1:
            memo_guid = derived_guid("memo", c.guid)
            _sub(coding_el, ns, "NoteRef", {"targetGUID": memo_guid})
            ctx.notes.add(memo_guid, f"memo: {name} {c.code}", c.memo, c.coder, c.updated_at)
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
