"""REFI-QDA in, part 2: writing what :mod:`qualcode.exchange.refi_read` read into a project.

One transaction writes it all, or nothing (``dry_run``: the same work, rolled
back, so the report says exactly what an import would do). GUIDs are kept unless
this project already uses them; codes are matched by GUID, then by name; users by
GUID, then by name. Rows are written with the core's own functions
(:func:`qualcode.corpus.transcripts.store`, :func:`qualcode.coding.codings.insert`
and :func:`~qualcode.coding.codings.find`).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.coding import codings
from qualcode.corpus import transcripts
from qualcode.exchange.refi_read import ImportReport, Memo, _Coding, _Refi, read_file
from qualcode.exchange.refi_write import split_code_description
from qualcode.names import safe_transcript_name
from qualcode.ranges import format_citation, normalise
from qualcode.store.project import GuidPool, Project, Tx, now


@dataclass
class Prepared:
    """A REFI-QDA file read and checked, not yet written anywhere."""

    path: Path
    refi: _Refi
    report: ImportReport


def prepare(path: str | Path, *, speakers: str = "auto") -> Prepared:
    """Read and check a .qdpx/.qde/.qdc or a codebook .csv (safe ZIP, defusedxml, sources decoded); touches no project.

    ``speakers`` (``none``, ``auto`` or a regular expression) decides speaker labels in the sources.
    """
    path = Path(path)
    report = ImportReport(str(path), path.suffix.lower().lstrip("."))
    if path.suffix.lower() == ".csv":
        from qualcode.exchange.codebook_csv import read_codebook_csv

        report.kind = "codebook CSV"
        return Prepared(path, read_codebook_csv(path, report), report)
    return Prepared(path, read_file(path, report, speakers=speakers), report)


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def import_file(project: Project, path: str | Path | Prepared, coder: str, *, dry_run: bool = False) -> ImportReport:
    """Import a .qdpx, .qde or .qdc into ``project`` in one transaction; return what happened."""
    prepared = path if isinstance(path, Prepared) else prepare(path)
    path, refi, report = prepared.path, prepared.refi, prepared.report
    report.dry_run = dry_run
    try:
        with project.transaction("import.refi", coder, f"import {path.name}", kind="log") as tx:
            _Writer(tx, project, refi, report, coder).write()
            tx.summary += (
                f" (+{len(report.transcripts_added)} transcripts, +{len(report.codes_added)} codes, "
                f"+{report.codings_added} codings)"
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def dry_run_without_project(prepared: Prepared, coder: str) -> ImportReport:
    """The report of importing into a new project, written nowhere (a throw-away project in a temp folder)."""
    with tempfile.TemporaryDirectory(prefix="qualcode-dry-run-") as tmp:
        project = Project.create(Path(tmp) / "dry-run.qualcode")
        try:
            return import_file(project, prepared, coder, dry_run=True)
        finally:
            project.close()


@dataclass
class _Writer:
    tx: Tx
    project: Project
    refi: _Refi
    report: ImportReport
    coder: str
    stamp: str = field(default_factory=now)
    fresh: GuidPool = field(init=False)
    by_name: dict[str, dict] = field(default_factory=dict)
    position: int = 0
    user_names: dict[str, str] = field(default_factory=dict)
    code_ids: dict[str, int] = field(default_factory=dict)  # REFI code GUID → our code id
    path_ids: dict[tuple[str, ...], int] = field(default_factory=dict)
    categories: set[str] = field(default_factory=set)
    source_ids: dict[str, int] = field(default_factory=dict)
    source_names: dict[str, str] = field(default_factory=dict)
    new_transcripts: set[int] = field(default_factory=set)  # added by this import: no older codings to match

    def __post_init__(self) -> None:
        self.fresh = self.project.guid_allocator()

    def write(self) -> None:
        self.write_users()
        self.write_codes()
        self.write_sources()
        self.write_codings()
        self.write_memos()

    # ------------------------------------------------------------------ users
    def write_users(self) -> None:
        """Users by GUID, then by name; a new name becomes a coder with the other tool's GUID."""
        for guid, name in self.refi.users.items():
            row = self.project.query_one("SELECT name FROM coders WHERE guid = ?", (guid,))
            if row is not None:
                self.user_names[guid] = row["name"]
                continue
            self.user_names[guid] = name
            known = self.project.query_one("SELECT 1 AS x FROM coders WHERE name = ?", (name,))
            if known is None and guid not in self.fresh:
                self.tx.insert("coders", {"name": name, "guid": guid})
                self.fresh.add(guid)

    def coder_of(self, guid: str | None) -> str:
        """The coder for a user GUID: the user's name; the importing coder when none is named."""
        if guid is None:
            return self.coder
        if guid not in self.user_names:
            self.user_names[guid] = f"user-{guid[:8].lower()}"
            self.report.notices.append(f"user {guid} is not among the file's users; named {self.user_names[guid]!r}")
        return self.user_names[guid]

    # ------------------------------------------------------------------ codes
    def write_codes(self) -> None:
        existing_by_guid = {r["guid"]: r for r in self.project.query("SELECT id, name, guid FROM codes")}
        self.by_name = {r["name"]: r for r in existing_by_guid.values()}
        self.position = (self.project.scalar("SELECT max(position) FROM codes") or 0) + 1
        last_names = Counter(c.path[-1] for c in self.refi.codes)
        for c in self.refi.codes:
            if not c.codable and c.guid:
                self.categories.add(c.guid)
            name = c.path[-1] if last_names[c.path[-1]] == 1 or len(c.path) == 1 else "::".join(c.path)
            row = existing_by_guid.get(c.guid) if c.guid else None
            row = row or self.by_name.get(name)
            if row is not None:
                self.report.codes_matched.append(row["name"])
                self.path_ids[c.path] = row["id"]
                if c.guid:
                    self.code_ids[c.guid] = row["id"]
                continue
            self.create_parents(c.path)
            values = {"name": name, "parent_id": self.path_ids.get(c.path[:-1]), "guid": self.fresh(c.guid)}
            fields = split_code_description(c.description)
            memo = fields.pop("memo")
            if memo and memo not in (text for text, _ in c.memos):
                c.memos.insert(0, (memo, None))
            values.update(fields)
            if c.colour:
                values["colour"] = c.colour
            code_id = self.insert_code(values)
            self.path_ids[c.path] = code_id
            if c.guid:
                self.code_ids[c.guid] = code_id
            if name != c.path[-1]:
                self.report.codes_renamed.append(f"{c.path[-1]!r} under {'::'.join(c.path[:-1])!r} → {name!r}")

    def insert_code(self, values: dict) -> int:
        code_id = self.tx.insert("codes", {**values, "position": self.position})
        self.position += 1
        self.by_name[values["name"]] = {"id": code_id, "name": values["name"], "guid": values["guid"]}
        self.report.codes_added.append(values["name"])
        return code_id

    def create_parents(self, path: tuple[str, ...]) -> None:
        """``A::B::C`` without codes A and A::B: create them."""
        for depth in range(1, len(path)):
            prefix = path[:depth]
            if prefix in self.path_ids:
                continue
            name = prefix[-1] if prefix[-1] not in self.by_name else "::".join(prefix)
            row = self.by_name.get(name)
            if row is None:
                values = {"name": name, "parent_id": self.path_ids.get(prefix[:-1]), "guid": self.fresh(None)}
                self.path_ids[prefix] = self.insert_code(values)
            else:
                self.path_ids[prefix] = row["id"]

    # ---------------------------------------------------------------- sources
    def write_sources(self) -> None:
        names_taken = {r["name"] for r in self.project.query("SELECT name FROM transcripts")}
        for s in self.refi.sources:
            row = self.project.query_one("SELECT id, name FROM transcripts WHERE sha256 = ?", (s.parsed.sha256,))
            if row is not None:
                self.source_ids[s.key], self.source_names[s.key] = row["id"], row["name"]
                self.report.transcripts_matched.append(row["name"])
                continue
            base = safe_transcript_name(s.name, "source")  # a foreign name must not become a path elsewhere
            if base != s.name:
                self.report.notices.append(f"source {s.name!r} imported as {base!r} (not usable as a transcript name)")
            name, k = base, 2
            while name in names_taken:
                name, k = f"{base}-{k}", k + 1
            if name != base:
                self.report.notices.append(f"source {s.name!r} imported as {name!r} (the name was taken)")
                if s.name in self.report.conventions:
                    self.report.conventions[name] = self.report.conventions.pop(s.name)
            s.parsed.name = name
            names_taken.add(name)
            self.source_ids[s.key] = transcripts.store(
                self.tx, s.parsed, guid=self.fresh(s.guid), imported_at=self.stamp, annotate=not self.report.dry_run
            )
            self.source_names[s.key] = name
            self.new_transcripts.add(self.source_ids[s.key])
            self.report.transcripts_added.append(name)

    # ---------------------------------------------------------------- codings
    def write_codings(self) -> None:
        unknown, on_category = 0, 0
        coders_seen = set()
        written: set[tuple] = set()
        for c in _joined(self.refi.codings):
            if c.code_guid in self.categories:
                on_category += 1
                continue
            if c.code_guid not in self.code_ids:
                unknown += 1
                continue
            transcript_id = self.source_ids.get(c.source_key)
            if transcript_id is None:
                continue
            who = self.coder_of(c.user_guid)
            coders_seen.add(who)
            ranges = normalise(c.ranges)
            key = (transcript_id, self.code_ids[c.code_guid], who, ranges)
            if key in written or (
                transcript_id not in self.new_transcripts and codings.find(self.project, *key) is not None
            ):
                self.report.codings_identical += 1
                continue
            written.add(key)
            memo = "\n\n".join(dict.fromkeys(m.strip() for m, _ in c.memos if m.strip()))
            codings.insert(
                self.tx,
                transcript_id,
                self.code_ids[c.code_guid],
                who,
                ranges,
                memo,
                guid=self.fresh(c.guid),
                created_at=c.created_at or self.stamp,
            )
            self.report.codings_added += 1
        if unknown:
            self.report.skipped["codings on codes that are not in the codebook"] += unknown
        if on_category:
            self.report.skipped["codings on categories (codes that only group others)"] += on_category
        self.report.coders = sorted(coders_seen | set(self.user_names.values()))

    # ------------------------------------------------------------------ memos
    def write_memos(self) -> None:
        for c in self.refi.codes:
            if c.memos:
                self.add_memo("code", self.path_ids[c.path], None, c.memos)
        annotations: dict[str, list[Memo]] = {}
        for a in self.refi.annotations:
            where = format_citation(self.source_names.get(a.source_key, "?"), a.ranges)
            annotations.setdefault(a.source_key, []).append((f"{where} {a.text}", a.user_guid))
            self.report.annotations += 1
        for s in self.refi.sources:
            if s.key in self.source_ids:
                texts = s.memos + annotations.get(s.key, [])
                if texts:
                    self.add_memo("transcript", None, self.source_ids[s.key], texts)
        if self.refi.project_memos:
            self.add_memo("project", None, None, self.refi.project_memos)

    def add_memo(self, scope: str, code_id: int | None, transcript_id: int | None, texts: list[Memo]) -> None:
        text = "\n\n".join(dict.fromkeys(t.strip() for t, _ in texts if t.strip()))
        author = next((user for _, user in texts if user), None)
        if not text:
            return
        row = self.project.query_one(
            "SELECT text FROM memos WHERE scope = ? AND IFNULL(code_id, 0) = ? AND IFNULL(transcript_id, 0) = ?",
            (scope, code_id or 0, transcript_id or 0),
        )
        if row is not None:
            if row["text"] != text:
                self.report.skipped[f"{scope} memos (this project has one already)"] += 1
            return
        self.tx.insert(
            "memos",
            {
                "scope": scope,
                "code_id": code_id,
                "transcript_id": transcript_id,
                "coder": self.coder_of(author),
                "text": text,
                "updated_at": self.stamp,
                "guid": self.fresh(None),
            },
        )
        self.report.memos_added += 1


def _joined(items: list[_Coding]) -> list[_Coding]:
    """Parts of one multi-range coding (same group, code, source and user) joined into one coding.

    qualitative-coding writes one selection per coded line (``line:N``): consecutive
    lines with the same code and coder become one coding, each run of lines its own.
    """
    grouped: dict[tuple, _Coding] = {}
    for c in items:
        key = ("group", c.group, c.code_guid, c.source_key, c.user_guid) if c.group else ("one", id(c))
        if key in grouped:
            g = grouped[key]
            g.ranges = normalise(g.ranges + c.ranges)
            g.memos += [m for m in c.memos if m not in g.memos]
        else:
            grouped[key] = _Coding(**{**c.__dict__, "ranges": tuple(c.ranges), "memos": list(c.memos)})
    out = []
    for c in grouped.values():
        if c.group == "lines:" and len(c.ranges) > 1:  # qualitative-coding's lines: one coding per run
            out += [
                _Coding(**{**c.__dict__, "ranges": (r,), "guid": c.guid if i == 0 else None})
                for i, r in enumerate(c.ranges)
            ]
        else:
            out.append(c)
    return out
