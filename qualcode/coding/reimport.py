"""Re-import a corrected transcript and carry every coding of every coder across.

``qualcode reimport FG2 corrected.docx [--dry-run]``. The corrected file is read by the
same readers as an import (same ``--wrap`` and ``--speakers``), then aligned with the
stored lines: difflib's ``SequenceMatcher`` on whole lines first, then on words inside
each changed block, so an old line maps to the new lines that now hold its words.

Each coding gets one status:

* ``unchanged`` — same lines, same text;
* ``moved`` — same text, other line numbers (old → new citation reported);
* ``changed`` — carried to the lines that hold its text, but the text changed inside
  (a corrected word, a line inserted in the passage): kept and flagged for review;
* ``lost`` — none of its text is left: the coding leaves the codings table and waits in
  the needs-attention list (``coding_attention``) with its old text, never deleted silently.

Everything happens in one transaction with one undoable event: the old lines, codings
and transcript row are in the event's changes, so ``qualcode undo`` restores the old text.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from qualcode.coding import codings as codings_mod
from qualcode.coding.quotes import PART_JOIN
from qualcode.corpus import transcripts
from qualcode.errors import ConflictError
from qualcode.model import ParsedTranscript, Range
from qualcode.ranges import format_citation, format_ranges, normalise
from qualcode.store.project import Project, Tx, now


@dataclass
class CarriedCoding:
    id: int
    code: str
    coder: str
    status: str  # unchanged | moved | changed | lost
    old_ranges: list[list[int]]
    new_ranges: list[list[int]]
    old_citation: str
    new_citation: str | None
    old_text: str
    new_text: str | None


@dataclass
class ReimportPlan:
    transcript: str
    source: str
    reader: str
    old_lines: int
    new_lines: int
    lines_unchanged: int
    lines_changed: int
    lines_inserted: int
    lines_deleted: int
    codings: list[CarriedCoding] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    applied: bool = False
    event_id: int | None = None

    def counts(self) -> dict[str, int]:
        out = {"unchanged": 0, "moved": 0, "changed": 0, "lost": 0}
        for c in self.codings:
            out[c.status] += 1
        return out

    def to_dict(self) -> dict:
        data = asdict(self)
        data["counts"] = self.counts()
        return data


def _words(lines: list[str]) -> tuple[list[str], list[int]]:
    words, owner = [], []
    for index, line in enumerate(lines):
        for word in line.split():
            words.append(word)
            owner.append(index)
    return words, owner


def align(old: list[str], new: list[str]) -> tuple[dict[int, set[int]], dict[str, int]]:
    """Old line index → new line indexes holding its text; plus line statistics."""
    mapping: dict[int, set[int]] = {}
    stats = {"unchanged": 0, "changed": 0, "inserted": 0, "deleted": 0}
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                mapping[i1 + k] = {j1 + k}
            stats["unchanged"] += i2 - i1
        elif tag == "delete":
            stats["deleted"] += i2 - i1
        elif tag == "insert":
            stats["inserted"] += j2 - j1
        else:
            stats["changed"] += max(i2 - i1, j2 - j1)
            old_words, old_owner = _words(old[i1:i2])
            new_words, new_owner = _words(new[j1:j2])
            words = SequenceMatcher(None, old_words, new_words, autojunk=False)
            for a, b, size in words.get_matching_blocks():
                for k in range(size):
                    mapping.setdefault(i1 + old_owner[a + k], set()).add(j1 + new_owner[b + k])
    return mapping, stats


def _quote(texts: list[str], index_of: dict[int, int], ranges) -> str:
    """The quote text of ``ranges`` (line numbers) over lines ``texts`` (``index_of``: number → index)."""
    return PART_JOIN.join(
        " ".join(" ".join(texts[index_of[n]].split()) for n in range(a, b + 1) if n in index_of and texts[index_of[n]])
        for a, b in ranges
    )


def carry(
    coding,
    index_of: dict[int, int],
    mapping: dict[int, set[int]],
    old_texts: list[str],
    new_texts: list[str],
    new_numbers: list[int],
    template: str,
    new_index_of: dict[int, int] | None = None,
) -> CarriedCoding:
    """Where one coding goes: per range, the span of the new lines that hold its old lines' text."""
    new_ranges: list[Range] = []
    for a, b in coding.ranges:
        targets = set()
        for n in range(a, b + 1):
            index = index_of.get(n)
            if index is not None and old_texts[index].strip():
                targets |= mapping.get(index, set())
        if targets:
            new_ranges.append((new_numbers[min(targets)], new_numbers[max(targets)]))
    old_text = _quote(old_texts, index_of, coding.ranges)
    old_citation = format_citation(coding.transcript, coding.ranges, template)
    if not new_ranges:
        return CarriedCoding(
            coding.id,
            coding.code,
            coding.coder,
            "lost",
            [list(r) for r in coding.ranges],
            [],
            old_citation,
            None,
            old_text,
            None,
        )
    ranges = normalise(new_ranges)
    if new_index_of is None:
        new_index_of = {n: i for i, n in enumerate(new_numbers)}
    new_text = _quote(new_texts, new_index_of, ranges)
    if new_text == old_text:
        status = "unchanged" if tuple(ranges) == tuple(coding.ranges) else "moved"
    else:
        status = "changed"
    return CarriedCoding(
        coding.id,
        coding.code,
        coding.coder,
        status,
        [list(r) for r in coding.ranges],
        [list(r) for r in ranges],
        old_citation,
        format_citation(coding.transcript, ranges, template),
        old_text,
        new_text,
    )


def plan(
    project: Project, name: str, path: str | Path, *, wrap: int = 80, speakers: str | None = None
) -> tuple[ReimportPlan, ParsedTranscript]:
    """Read the corrected file and work out where every coding goes (nothing is written)."""
    from qualcode.corpus.ingest import read_transcript

    t = transcripts.get(project, name)
    parsed = read_transcript(Path(path), name=t.name, wrap=wrap, speakers=speakers)
    old_rows = transcripts.lines(project, t.id)
    index_of = {row["n"]: i for i, row in enumerate(old_rows)}
    mapping, stats = align([r["raw"] for r in old_rows], [ln.raw for ln in parsed.lines])
    old_texts = [r["text"] or "" for r in old_rows]
    new_texts = [ln.text for ln in parsed.lines]
    template = project.citation_template
    new_numbers = [ln.n for ln in parsed.lines]
    new_index_of = {n: i for i, n in enumerate(new_numbers)}
    carried = [
        carry(c, index_of, mapping, old_texts, new_texts, new_numbers, template, new_index_of)
        for c in codings_mod.list_codings(project, transcript=t.name)
    ]
    result = ReimportPlan(
        transcript=t.name,
        source=parsed.source,
        reader=parsed.reader,
        old_lines=len(old_rows),
        new_lines=len(parsed.lines),
        lines_unchanged=stats["unchanged"],
        lines_changed=stats["changed"],
        lines_inserted=stats["inserted"],
        lines_deleted=stats["deleted"],
        codings=carried,
        notices=list(parsed.notices),
    )
    if project.scalar("SELECT 1 FROM audit_findings WHERE transcript_id = ? LIMIT 1", (t.id,)):
        result.notices.append(f"privacy audit findings name the old line numbers: run `qualcode audit {t.name}` again")
    if project.scalar("SELECT 1 FROM dismissed_suggestions WHERE transcript_id = ? LIMIT 1", (t.id,)):
        result.notices.append("dismissed code suggestions name the old line numbers and may be suggested again")
    return result, parsed


def _store_lines(tx: Tx, transcript_id: int, parsed: ParsedTranscript) -> None:
    for row in tx.conn.execute("SELECT id FROM lines WHERE transcript_id = ? ORDER BY n", (transcript_id,)).fetchall():
        tx.delete("lines", {"id": row[0]})
    for ln in parsed.lines:
        tx.insert(
            "lines",
            {
                "transcript_id": transcript_id,
                "n": ln.n,
                "speaker": ln.speaker,
                "turn": ln.turn,
                "raw": ln.raw,
                "text": ln.text,
                "start": ln.start,
                "end": ln.end,
            },
        )
    from qualcode.corpus import lemmas

    if lemmas.lemmas_enabled():
        lemmas.store_lemmas(tx.conn, lemmas.missing_rows(tx.conn, transcript_id))


def _pairs(ranges: list[list[int]]) -> list[Range]:
    """``[[a, b], …]`` (as stored in a :class:`CarriedCoding`) back to range tuples."""
    return [(a, b) for a, b in ranges]


def _update_transcript(tx: Tx, transcript_id: int, parsed: ParsedTranscript) -> None:
    row = tx.fetch("transcripts", {"id": transcript_id})
    assert row is not None  # the transcript being reimported
    attributes = json.loads(row["attributes"] or "{}")
    attributes["placeholders"] = parsed.placeholders
    attributes["speakers"] = list(dict.fromkeys(ln.speaker for ln in parsed.lines if ln.speaker))
    attributes["reader"] = parsed.reader
    attributes["import_warnings"] = parsed.warnings
    attributes["import_notices"] = parsed.notices
    starts = [ln.start for ln in parsed.lines if ln.start is not None]
    ends = [ln.end if ln.end is not None else ln.start for ln in parsed.lines if ln.start is not None]
    attributes["time_span"] = [min(starts), max(ends)] if starts else None
    attributes.setdefault("reimports", []).append({"source": parsed.source, "at": now()})
    tx.update(
        "transcripts",
        {"id": transcript_id},
        {
            "source": parsed.source,
            "sha256": parsed.sha256,
            "line_count": len(parsed.lines),
            "encoding": parsed.encoding,
            "numbered": int(parsed.numbered),
            "attributes": json.dumps(attributes, ensure_ascii=False),
        },
    )


def apply(project: Project, result: ReimportPlan, parsed: ParsedTranscript, coder: str) -> ReimportPlan:
    """Write the plan: new lines, carried codings, the needs-attention list — one transaction, one event."""
    t = transcripts.get(project, result.transcript)
    other = project.query_one("SELECT name FROM transcripts WHERE sha256 = ? AND id != ?", (parsed.sha256, t.id))
    if other is not None:
        raise ConflictError(f"this text was imported already as {other['name']!r}", path=parsed.source)
    counts = result.counts()
    summary = (
        f"reimport {t.name} from {parsed.source}: {counts['unchanged']} unchanged, {counts['moved']} moved, "
        f"{counts['changed']} changed, {counts['lost']} lost"
    )
    stamp = now()
    with project.transaction("reimport", coder, summary) as tx:
        _store_lines(tx, t.id, parsed)
        _update_transcript(tx, t.id, parsed)
        for c in result.codings:
            if c.status == "unchanged":
                continue
            attention = {
                "transcript_id": t.id,
                "coding_id": c.id,
                "status": c.status,
                "code": c.code,
                "coder": c.coder,
                "old_ranges": format_ranges(_pairs(c.old_ranges)),
                "new_ranges": format_ranges(_pairs(c.new_ranges)) if c.new_ranges else None,
                "old_text": c.old_text,
                "new_text": c.new_text,
                "at": stamp,
            }
            if c.status == "lost":
                attention["coding"] = json.dumps(tx.delete("codings", {"id": c.id}), ensure_ascii=False)
                tx.insert("coding_attention", attention)
                continue
            ranges = _pairs(c.new_ranges)
            tx.update(
                "codings",
                {"id": c.id},
                {"ranges": format_ranges(ranges), "first_line": ranges[0][0], "last_line": ranges[-1][1]},
            )
            if c.status == "changed":
                tx.insert("coding_attention", attention)
    result.applied = True
    result.event_id = tx.event_id
    return result


def reimport(
    project: Project,
    name: str,
    path: str | Path,
    coder: str,
    *,
    wrap: int = 80,
    speakers: str | None = None,
    dry_run: bool = False,
) -> ReimportPlan:
    """Plan (and unless ``dry_run``, apply) the re-import of transcript ``name`` from ``path``."""
    result, parsed = plan(project, name, path, wrap=wrap, speakers=speakers)
    if parsed.sha256 == transcripts.get(project, name).sha256:
        result.notices.append("the text is identical to the stored transcript; nothing to do")
        return result
    if dry_run:
        return result
    return apply(project, result, parsed, coder)


def attention(project: Project, name: str | None = None) -> list[dict]:
    """The needs-attention list: codings a re-import flagged (changed) or could not carry (lost)."""
    sql = (
        "SELECT a.id, t.name AS transcript, a.coding_id, a.status, a.code, a.coder, a.old_ranges, a.new_ranges, "
        "a.old_text, a.new_text, a.at FROM coding_attention a JOIN transcripts t ON t.id = a.transcript_id"
    )
    params: tuple = ()
    if name is not None:
        sql += " WHERE a.transcript_id = ?"
        params = (transcripts.get(project, name).id,)
    return project.query(sql + " ORDER BY a.id", params)
