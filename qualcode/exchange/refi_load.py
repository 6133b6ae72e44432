"""REFI-QDA in, part 2: writing what :mod:`qualcode.exchange.refi_read` read into a project.

One transaction writes it all, or nothing; GUIDs are kept unless this project
already uses them; codes are matched by GUID, then by name.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from qualcode.exchange.refi_read import ImportReport, _Coding, _Refi, read_file
from qualcode.exchange.refi_write import split_code_description
from qualcode.names import safe_transcript_name
from qualcode.ranges import format_ranges, normalise
from qualcode.store.project import Project, now


# -------------------------------------------------------------------- writing
@dataclass
class Prepared:
    """A REFI-QDA file read and checked, not yet written anywhere."""

    path: Path
    refi: _Refi
    report: ImportReport


def prepare(path: str | Path) -> Prepared:
    """Read and check a .qdpx/.qdc (safe ZIP, defusedxml, sources decoded); touches no project."""
    path = Path(path)
    report = ImportReport(str(path), path.suffix.lower().lstrip("."))
    return Prepared(path, read_file(path, report), report)


def import_file(project: Project, path: str | Path | Prepared, coder: str) -> ImportReport:
    """Import a .qdpx or .qdc into ``project`` in one transaction; return what happened."""
    prepared = path if isinstance(path, Prepared) else prepare(path)
    path, refi, report = prepared.path, prepared.refi, prepared.report
    with project.transaction("import.refi", coder, f"import {path.name}", kind="log") as tx:
        _write(tx, project, refi, report, coder)
        tx.summary += (
            f" (+{len(report.transcripts_added)} transcripts, +{len(report.codes_added)} codes, "
            f"+{report.codings_added} codings)"
        )
    return report


def _write(tx, project: Project, refi: _Refi, report: ImportReport, coder: str) -> None:
    from qualcode.coding.codings import insert as insert_coding
    from qualcode.corpus import transcripts

    stamp = now()
    fresh = project.guid_allocator()

    # coders
    user_names: dict[str, str] = {}
    for guid, name in refi.users.items():
        row = project.query_one("SELECT name FROM coders WHERE guid = ?", (guid,))
        if row is not None:
            user_names[guid] = row["name"]
            continue
        user_names[guid] = name
        if project.query_one("SELECT 1 AS x FROM coders WHERE name = ?", (name,)) is None and guid not in fresh:
            tx.insert("coders", {"name": name, "guid": guid})
            fresh.add(guid)

    def coder_of(guid: str | None) -> str:
        if guid is None:
            return coder
        return user_names.get(guid) or f"user-{guid[:8].lower()}"

    # codes
    existing_by_guid = {r["guid"]: r for r in project.query("SELECT id, name, guid FROM codes")}
    existing_by_name = {r["name"]: r for r in existing_by_guid.values()}
    position = (project.scalar("SELECT max(position) FROM codes") or 0) + 1
    code_ids: dict[str, int] = {}  # REFI code GUID → our code id
    path_ids: dict[tuple[str, ...], int] = {}
    last_names = Counter(c.path[-1] for c in refi.codes)
    for c in refi.codes:
        name = c.path[-1] if last_names[c.path[-1]] == 1 or len(c.path) == 1 else "::".join(c.path)
        if c.guid and c.guid in existing_by_guid:
            row = existing_by_guid[c.guid]
        else:
            row = existing_by_name.get(name)
        if row is not None:
            report.codes_matched.append(row["name"])
            path_ids[c.path] = row["id"]
            if c.guid:
                code_ids[c.guid] = row["id"]
            continue
        for depth in range(1, len(c.path)):  # "A::B::C" without codes A and A::B: create them
            prefix = c.path[:depth]
            if prefix not in path_ids:
                pname = prefix[-1] if prefix[-1] not in existing_by_name else "::".join(prefix)
                prow = existing_by_name.get(pname)
                if prow is None:
                    pid = tx.insert(
                        "codes",
                        {
                            "name": pname,
                            "parent_id": path_ids.get(prefix[:-1]),
                            "position": position,
                            "guid": fresh(None),
                        },
                    )
                    position += 1
                    prow = {"id": pid, "name": pname, "guid": None}
                    existing_by_name[pname] = prow
                    report.codes_added.append(pname)
                path_ids[prefix] = prow["id"]
        fields = split_code_description(c.description)
        row_values = {
            "name": name,
            "parent_id": path_ids.get(c.path[:-1]),
            "position": position,
            "guid": fresh(c.guid),
            **fields,
        }
        if c.colour:
            row_values["colour"] = c.colour
        code_id = tx.insert("codes", row_values)
        position += 1
        existing_by_name[name] = {"id": code_id, "name": name, "guid": row_values["guid"]}
        path_ids[c.path] = code_id
        if c.guid:
            code_ids[c.guid] = code_id
        report.codes_added.append(name)
        if name != c.path[-1]:
            report.codes_renamed.append(f"{'::'.join(c.path)} → {name} (two codes share the name {c.path[-1]!r})")

    # sources → transcripts
    source_ids: dict[str, int] = {}
    names_taken = {r["name"] for r in project.query("SELECT name FROM transcripts")}
    for i, s in enumerate(refi.sources, start=1):
        key = s.guid or f"#{i}"
        row = project.query_one("SELECT id, name FROM transcripts WHERE sha256 = ?", (s.parsed.sha256,))
        if row is not None:
            source_ids[key] = row["id"]
            report.transcripts_matched.append(row["name"])
            continue
        base = safe_transcript_name(s.name, "source")
        if base != s.name:
            report.warnings.append(f"source {s.name!r} imported as {base!r} (not usable as a transcript name)")
        name, k = base, 2
        while name in names_taken:
            name, k = f"{base}-{k}", k + 1
        if name != base:
            report.warnings.append(f"source {base!r} imported as {name!r} (the name was taken)")
        s.parsed.name = name
        names_taken.add(name)
        source_ids[key] = transcripts.store(tx, s.parsed, guid=fresh(s.guid), imported_at=stamp)
        report.transcripts_added.append(name)

    # memos (notes)
    used_notes: set[str] = set()

    def note_text(guids: list[str]) -> tuple[str, str | None]:
        texts, user = [], None
        for g in guids:
            if g in refi.notes:
                used_notes.add(g)
                texts.append(refi.notes[g][1])
                user = user or refi.notes[g][2]
        return "\n\n".join(t for t in texts if t), user

    def add_memo(scope: str, code_id: int | None, transcript_id: int | None, guids: list[str]) -> None:
        text, user = note_text(guids)
        if not text:
            return
        row = project.query_one(
            "SELECT text FROM memos WHERE scope = ? AND IFNULL(code_id, 0) = ? AND IFNULL(transcript_id, 0) = ?",
            (scope, code_id or 0, transcript_id or 0),
        )
        if row is not None:
            if row["text"] != text:
                report.warnings.append(f"a {scope} memo exists already; kept it and skipped the imported one")
            return
        tx.insert(
            "memos",
            {
                "scope": scope,
                "code_id": code_id,
                "transcript_id": transcript_id,
                "coder": coder_of(user),
                "text": text,
                "updated_at": stamp,
                "guid": fresh(guids[0] if len(guids) == 1 else None),
            },
        )
        report.memos_added += 1

    for c in refi.codes:
        if c.notes:
            add_memo("code", path_ids[c.path], None, c.notes)
    for i, s in enumerate(refi.sources, start=1):
        if s.notes:
            add_memo("transcript", None, source_ids[s.guid or f"#{i}"], s.notes)

    # codings: parts of one multi-range coding (our marker) are joined again
    grouped: dict[tuple, _Coding] = {}
    order: list[tuple] = []
    for c in refi.codings:
        key = ("group", c.group, c.code_guid) if c.group else ("one", id(c))
        if key in grouped:
            g = grouped[key]
            g.ranges = normalise(g.ranges + c.ranges)
            g.notes += [n for n in c.notes if n not in g.notes]
        else:
            grouped[key] = _Coding(**{**c.__dict__, "ranges": tuple(c.ranges), "notes": list(c.notes)})
            order.append(key)
    unknown_codes = 0
    for key in order:
        c = grouped[key]
        if c.code_guid not in code_ids:
            unknown_codes += 1
            continue
        transcript_id = source_ids.get(c.source_guid)
        if transcript_id is None:
            continue
        who = coder_of(c.user_guid)
        ranges = normalise(c.ranges)
        dup = project.query_one(
            "SELECT id FROM codings WHERE transcript_id = ? AND code_id = ? AND coder = ? AND ranges = ?",
            (transcript_id, code_ids[c.code_guid], who, format_ranges(ranges)),
        )
        if dup is not None:
            report.codings_identical += 1
            continue
        memo, _ = note_text(c.notes)
        insert_coding(
            tx,
            transcript_id,
            code_ids[c.code_guid],
            who,
            ranges,
            memo,
            guid=fresh(c.guid),
            created_at=c.created_at or stamp,
        )
        report.codings_added += 1
    if unknown_codes:
        report.warnings.append(f"{unknown_codes} codings refer to codes that are not in the codebook; skipped")
    coders_seen = {coder_of(c.user_guid) for c in grouped.values()}
    report.coders = sorted(coders_seen | set(user_names.values()))

    # project memo: referenced notes first, then notes nobody refers to
    leftover = [g for g in refi.notes if g not in used_notes and g not in refi.project_notes]
    add_memo("project", None, None, list(refi.project_notes) + leftover)
    if leftover:
        report.warnings.append(f"{len(leftover)} notes not attached to anything were added to the project memo")
