"""Team merge: bring another coder's project file into this one, by content.

* transcripts are matched by the SHA-256 of their text, never by file name; a
  transcript here and there with the same name but another text is reported and
  not merged (nor are its codings); a transcript only there is added;
* codes are matched by name; codes that exist on one side only are reported, and
  those only in the other project are added (with their parent when it exists);
* codings keep their coder; a coding that exists here already (same transcript,
  code, coder and lines) is kept once;
* memos are added where this project has none; differing memos are reported;
* everything is one transaction recorded with every inserted row, so
  ``qualcode undo`` takes the whole merge back (and ``redo`` brings it again).

The other file is only read (read-only SQLite connection); it may have an older
schema than this one.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from qualcode.archives import require_regular_file
from qualcode.coding import codings
from qualcode.corpus import transcripts
from qualcode.corpus.ingest import text_sha256
from qualcode.errors import InputError
from qualcode.model import ParsedLine, ParsedTranscript
from qualcode.names import check_transcript_name, safe_coder_name
from qualcode.ranges import parse_ranges
from qualcode.store.project import Project, Tx
from qualcode.store.sqlite_file import check_project_file


def _read_other(path: Path) -> dict:
    check_project_file(path)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:

        def rows(sql: str, params=()) -> list[dict]:
            cur = conn.execute(sql, params)
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, r)) for r in cur.fetchall()]

        tables = {r["name"] for r in rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
        data: dict[str, Any] = {
            "transcripts": rows("SELECT * FROM transcripts ORDER BY id"),
            "lines": {},
            "codes": rows("SELECT * FROM codes ORDER BY position, id"),
            "codings": rows("SELECT * FROM codings ORDER BY id"),
            "memos": rows("SELECT * FROM memos ORDER BY id"),
            "progress": rows("SELECT * FROM progress ORDER BY id"),
            "coders": rows("SELECT * FROM coders") if "coders" in tables else [],
        }
        timed = "start" in {r["name"] for r in rows("PRAGMA table_info(lines)")}  # schema 5: line times
        line_columns = "n, speaker, turn, raw, text" + (", start, [end] AS [end]" if timed else "")
        for t in data["transcripts"]:
            data["lines"][t["id"]] = rows(
                f"SELECT {line_columns} FROM lines WHERE transcript_id = ? ORDER BY n", (t["id"],)
            )
    except sqlite3.DatabaseError as e:
        raise InputError(f"cannot read the other project ({e})", path=path) from None
    finally:
        conn.close()
    return data


def merge(project: Project, other_path: str | os.PathLike, coder: str, *, dry_run: bool = False) -> dict:
    """Merge ``other_path`` into ``project`` as one undoable action by ``coder``; return the report."""
    other_path = Path(other_path)
    if not other_path.exists():
        raise InputError("no such project file", path=other_path)
    require_regular_file(other_path, what="project file")  # a FIFO would block SQLite forever
    if other_path.resolve() == project.path.resolve():
        raise InputError("cannot merge a project into itself", path=other_path)
    other = _read_other(other_path)
    report: dict = {
        "other": str(other_path),
        "transcripts_matched": [],
        "transcripts_added": [],
        "transcripts_differing": [],
        "transcripts_damaged": [],
        "codes_only_here": [],
        "codes_only_there": [],
        "codes_added": [],
        "codings_added": 0,
        "codings_identical": 0,
        "codings_skipped": 0,
        "memos_added": 0,
        "memos_differing": [],
        "coders": [],
        "coders_renamed": [],
        "dry_run": dry_run,
    }
    summary = f"merge {other_path.name}"
    try:
        with project.transaction("merge", coder, summary) as tx:
            _Merger(tx, project, other, report, other_path).merge()
            tx.summary = (
                f"{summary} (+{len(report['transcripts_added'])} transcripts, +{len(report['codes_added'])} "
                f"codes, +{report['codings_added']} codings)"
            )
            if dry_run:
                raise _DryRun()
    except _DryRun:
        pass
    return report


class _DryRun(Exception):
    pass


class _Merger:
    """One merge inside one transaction; rows written with the core's functions."""

    def __init__(self, tx: Tx, project: Project, other: dict, report: dict, source: Path) -> None:
        self.tx, self.project, self.other, self.report = tx, project, other, report
        self.source = source
        self.fresh = project.guid_allocator()
        self.tmap: dict[int, int] = {}  # other transcript id → ours
        self.cmap: dict[int, int] = {}  # other code id → ours
        self.local_codes = {r["name"]: r for r in project.query("SELECT id, name, parent_id, guid FROM codes")}
        self.other_codes = {c["id"]: c for c in other["codes"]}
        other_names = {c["name"] for c in other["codes"]}
        report["codes_only_here"] = sorted(set(self.local_codes) - other_names)
        report["codes_only_there"] = [c["name"] for c in other["codes"] if c["name"] not in self.local_codes]

    def merge(self) -> None:
        self.merge_transcripts()
        self.merge_codes()
        self.merge_codings()
        self.merge_memos()
        self.merge_progress_and_coders()

    def merge_transcripts(self) -> None:
        """Matched by the SHA-256 of their text; a transcript only there is stored as an import would."""
        by_sha = {r["sha256"]: r for r in self.project.query("SELECT id, name, sha256 FROM transcripts")}
        by_name = {r["name"] for r in by_sha.values()}
        for t in self.other["transcripts"]:
            lines = self.other["lines"][t["id"]]
            if text_sha256(ln["raw"] for ln in lines) != t["sha256"]:
                self.report["transcripts_damaged"].append(t["name"])
                continue
            local = by_sha.get(t["sha256"])
            if local is not None:
                self.tmap[t["id"]] = local["id"]
                shown = t["name"] if t["name"] == local["name"] else f"{t['name']} (here: {local['name']})"
                self.report["transcripts_matched"].append(shown)
                continue
            if t["name"] in by_name:
                self.report["transcripts_differing"].append(t["name"])
                continue
            check_transcript_name(t["name"], path=self.source)  # the same rule as import
            self.tmap[t["id"]] = transcripts.store(
                self.tx, _parsed(t, lines), guid=self.fresh(t["guid"]), imported_at=t["imported_at"], undoable=True
            )
            by_name.add(t["name"])
            self.report["transcripts_added"].append(t["name"])

    def merge_codes(self) -> None:
        """Codes by name; missing ones are added (under their parent when it exists here)."""
        position = (self.project.scalar("SELECT max(position) FROM codes") or 0) + 1
        for c in self.other["codes"]:
            if c["name"] in self.local_codes:
                self.cmap[c["id"]] = self.local_codes[c["name"]]["id"]
                continue
            parent = self.other_codes.get(c["parent_id"])
            parent_id = (
                self.local_codes[parent["name"]]["id"] if parent and parent["name"] in self.local_codes else None
            )
            hotkey = c["hotkey"]
            if hotkey is not None and self.project.scalar("SELECT 1 FROM codes WHERE hotkey = ?", (hotkey,)):
                hotkey = None
            values = {k: c[k] for k in ("name", "definition", "include", "exclude", "example", "colour")}
            values.update(parent_id=parent_id, hotkey=hotkey, position=position, guid=self.fresh(c["guid"]))
            new_id = self.tx.insert("codes", values)
            position += 1
            self.local_codes[c["name"]] = {"id": new_id, "name": c["name"], "parent_id": parent_id}
            self.cmap[c["id"]] = new_id
            self.report["codes_added"].append(c["name"])

    def merge_codings(self) -> None:
        """Codings keep their coder; identical ones are kept once."""
        coders = set()
        for c in self.other["codings"]:
            tid, kid = self.tmap.get(c["transcript_id"]), self.cmap.get(c["code_id"])
            if tid is None or kid is None:
                self.report["codings_skipped"] += 1
                continue
            ranges = parse_ranges(c["ranges"])
            c = {**c, "coder": self.coder_name(c["coder"])}
            if codings.find(self.project, tid, kid, c["coder"], ranges) is not None:
                self.report["codings_identical"] += 1
                continue
            coding_id = codings.insert(self.tx, tid, kid, c["coder"], ranges, c["memo"], guid=self.fresh(c["guid"]),
                                       created_at=c["created_at"])  # fmt: skip
            if c["updated_at"] != c["created_at"]:  # the other coder's last edit, kept
                self.tx.update("codings", {"id": coding_id}, {"updated_at": c["updated_at"]})
            self.report["codings_added"] += 1
            coders.add(c["coder"])
        self.report["coders"] = sorted(coders)

    def merge_memos(self) -> None:
        """Memos are added where this project has none; differing ones are reported."""
        for m in self.other["memos"]:
            code_id = self.cmap.get(m["code_id"]) if m["code_id"] is not None else None
            transcript_id = self.tmap.get(m["transcript_id"]) if m["transcript_id"] is not None else None
            if (m["code_id"] is not None and code_id is None) or (
                m["transcript_id"] is not None and transcript_id is None
            ):
                continue
            row = self.project.query_one(
                "SELECT text FROM memos WHERE scope = ? AND IFNULL(code_id, 0) = ? AND IFNULL(transcript_id, 0) = ?",
                (m["scope"], code_id or 0, transcript_id or 0),
            )
            if row is not None:
                if row["text"] != m["text"]:
                    self.report["memos_differing"].append(self._memo_target(m))
                continue
            values = {k: m[k] for k in ("scope", "coder", "text", "updated_at")}
            values["coder"] = self.coder_name(values["coder"])
            values.update(code_id=code_id, transcript_id=transcript_id, guid=self.fresh(m["guid"]))
            self.tx.insert("memos", values)
            self.report["memos_added"] += 1

    def _memo_target(self, m: dict) -> str:
        if m["scope"] == "project":
            return "project"
        if m["scope"] == "code":
            return f"code {self.other_codes[m['code_id']]['name']}"
        return f"transcript {next(t['name'] for t in self.other['transcripts'] if t['id'] == m['transcript_id'])}"

    def coder_name(self, raw: str) -> str:
        """A colleague's coder name as it is stored here: control characters escaped (and said in the report)."""
        name = safe_coder_name(raw)
        if name != raw and name not in self.report["coders_renamed"]:
            self.report["coders_renamed"].append(name)
        return name

    def merge_progress_and_coders(self) -> None:
        for p in self.other["progress"]:
            tid = self.tmap.get(p["transcript_id"])
            who = self.coder_name(p["coder"])
            if tid is not None and not codings.is_done(self.project, tid, who):
                self.tx.insert("progress", {"coder": who, "transcript_id": tid, "done_at": p["done_at"]})
        for c in self.other["coders"]:
            c = {**c, "name": self.coder_name(c["name"])}
            known = self.project.scalar("SELECT 1 FROM coders WHERE name = ?", (c["name"],))
            if known is None and c["guid"] not in self.fresh:
                self.tx.insert("coders", {"name": c["name"], "guid": self.fresh(c["guid"])})


def _parsed(t: dict, lines: list[dict]) -> ParsedTranscript:
    """The other project's stored transcript as ingest's result, so it is stored like an import."""
    attributes = json.loads(t["attributes"] or "{}")
    parsed_lines = [
        ParsedLine(ln["n"], ln["raw"], ln["text"], ln["speaker"], ln["turn"], ln.get("start"), ln.get("end"))
        for ln in lines
    ]  # line times (schema 5) travel with the lines
    return ParsedTranscript(
        name=t["name"],
        source=t["source"],
        lines=parsed_lines,
        sha256=t["sha256"],
        encoding=t["encoding"],
        numbered=bool(t["numbered"]),
        placeholders=attributes.get("placeholders", []),
        attributes=attributes,
    )


def report_lines(report: dict) -> list[str]:
    """The merge report for people."""
    head = "Would merge" if report["dry_run"] else "Merged"
    out = [
        f"{head} {report['other']}: {len(report['transcripts_matched'])} transcripts matched by text, "
        f"{len(report['transcripts_added'])} added, {report['codings_added']} codings added "
        f"({report['codings_identical']} identical ones kept once), {len(report['codes_added'])} codes added, "
        f"{report['memos_added']} memos added" + ("" if report["dry_run"] else "; `qualcode undo` takes it back")
    ]
    if report["transcripts_differing"]:
        out.append(
            "  NOT merged, same name but different text: "
            + ", ".join(report["transcripts_differing"])
            + f" ({report['codings_skipped']} codings on them skipped)"
        )
    if report["transcripts_damaged"]:
        out.append("  NOT merged, text does not match its checksum: " + ", ".join(report["transcripts_damaged"]))
    if report["codes_only_there"]:
        out.append("  codes only in the other project (added here): " + ", ".join(report["codes_only_there"]))
    if report["codes_only_here"]:
        out.append("  codes only in this project: " + ", ".join(report["codes_only_here"]))
    if report["memos_differing"]:
        out.append("  memos that differ (kept this project's): " + ", ".join(report["memos_differing"]))
    if report.get("coders_renamed"):
        out.append("  coder names with control characters, stored escaped: " + ", ".join(report["coders_renamed"]))
    return out
