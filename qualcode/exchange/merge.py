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

import os
import sqlite3
from pathlib import Path

from qualcode.archives import require_regular_file
from qualcode.corpus.ingest import text_sha256
from qualcode.errors import InputError
from qualcode.names import check_transcript_name
from qualcode.ranges import format_ranges, parse_ranges
from qualcode.store.project import Project
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
        data = {
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
        "dry_run": dry_run,
    }

    local_by_sha = {r["sha256"]: r for r in project.query("SELECT id, name, sha256, guid FROM transcripts")}
    local_by_name = {r["name"]: r for r in local_by_sha.values()}
    local_codes = {r["name"]: r for r in project.query("SELECT id, name, parent_id, guid FROM codes")}
    other_codes = {c["id"]: c for c in other["codes"]}
    other_code_names = {c["name"] for c in other["codes"]}
    report["codes_only_here"] = sorted(set(local_codes) - other_code_names)
    report["codes_only_there"] = [c["name"] for c in other["codes"] if c["name"] not in local_codes]
    fresh = project.guid_allocator()

    summary = f"merge {other_path.name}"
    try:
        with project.transaction("merge", coder, summary) as tx:
            # transcripts
            tmap: dict[int, int] = {}
            for t in other["transcripts"]:
                lines = other["lines"][t["id"]]
                if text_sha256(ln["raw"] for ln in lines) != t["sha256"]:
                    report["transcripts_damaged"].append(t["name"])
                    continue
                local = local_by_sha.get(t["sha256"])
                if local is not None:
                    tmap[t["id"]] = local["id"]
                    report["transcripts_matched"].append(
                        t["name"] if t["name"] == local["name"] else f"{t['name']} (here: {local['name']})"
                    )
                    continue
                if t["name"] in local_by_name:
                    report["transcripts_differing"].append(t["name"])
                    continue
                check_transcript_name(t["name"], path=other_path)  # the same rule as import
                row = {
                    k: t[k]
                    for k in (
                        "name",
                        "source",
                        "sha256",
                        "imported_at",
                        "line_count",
                        "encoding",
                        "numbered",
                        "attributes",
                    )
                }
                new_id = tx.insert("transcripts", {**row, "guid": fresh(t["guid"])})
                for ln in lines:
                    tx.insert("lines", {"transcript_id": new_id, **ln})
                _after_store_hooks(tx, new_id, t, lines)
                tmap[t["id"]] = new_id
                local_by_name[t["name"]] = {"id": new_id}
                report["transcripts_added"].append(t["name"])

            # codes (by name); missing ones are added
            cmap: dict[int, int] = {}
            position = (project.scalar("SELECT max(position) FROM codes") or 0) + 1
            for c in other["codes"]:
                if c["name"] in local_codes:
                    cmap[c["id"]] = local_codes[c["name"]]["id"]
                    continue
                parent = other_codes.get(c["parent_id"])
                parent_id = local_codes[parent["name"]]["id"] if parent and parent["name"] in local_codes else None
                hotkey = c["hotkey"]
                if hotkey is not None and project.scalar("SELECT 1 FROM codes WHERE hotkey = ?", (hotkey,)):
                    hotkey = None
                values = {k: c[k] for k in ("name", "definition", "include", "exclude", "example", "colour")}
                new_id = tx.insert(
                    "codes",
                    {
                        **values,
                        "parent_id": parent_id,
                        "hotkey": hotkey,
                        "position": position,
                        "guid": fresh(c["guid"]),
                    },
                )
                position += 1
                local_codes[c["name"]] = {"id": new_id, "name": c["name"], "parent_id": parent_id}
                cmap[c["id"]] = new_id
                report["codes_added"].append(c["name"])

            # codings: keep their coder; identical ones once
            coders = set()
            for c in other["codings"]:
                tid, kid = tmap.get(c["transcript_id"]), cmap.get(c["code_id"])
                if tid is None or kid is None:
                    report["codings_skipped"] += 1
                    continue
                ranges = format_ranges(parse_ranges(c["ranges"]))
                same = project.query_one(
                    "SELECT id FROM codings WHERE transcript_id = ? AND code_id = ? AND coder = ? AND ranges = ?",
                    (tid, kid, c["coder"], ranges),
                )
                if same is not None:
                    report["codings_identical"] += 1
                    continue
                tx.insert(
                    "codings",
                    {
                        "transcript_id": tid,
                        "code_id": kid,
                        "coder": c["coder"],
                        "ranges": ranges,
                        "first_line": c["first_line"],
                        "last_line": c["last_line"],
                        "memo": c["memo"],
                        "created_at": c["created_at"],
                        "updated_at": c["updated_at"],
                        "guid": fresh(c["guid"]),
                    },
                )
                report["codings_added"] += 1
                coders.add(c["coder"])

            # memos
            for m in other["memos"]:
                code_id = cmap.get(m["code_id"]) if m["code_id"] is not None else None
                transcript_id = tmap.get(m["transcript_id"]) if m["transcript_id"] is not None else None
                if (m["code_id"] is not None and code_id is None) or (
                    m["transcript_id"] is not None and transcript_id is None
                ):
                    continue
                row = project.query_one(
                    "SELECT text FROM memos WHERE scope = ? AND IFNULL(code_id, 0) = ? AND IFNULL(transcript_id, 0) = ?",
                    (m["scope"], code_id or 0, transcript_id or 0),
                )
                if row is not None:
                    if row["text"] != m["text"]:
                        target = {"project": "project"}.get(m["scope"]) or (
                            f"code {other_codes[m['code_id']]['name']}"
                            if m["scope"] == "code"
                            else f"transcript {next(t['name'] for t in other['transcripts'] if t['id'] == m['transcript_id'])}"
                        )
                        report["memos_differing"].append(target)
                    continue
                tx.insert(
                    "memos",
                    {
                        "scope": m["scope"],
                        "code_id": code_id,
                        "transcript_id": transcript_id,
                        "coder": m["coder"],
                        "text": m["text"],
                        "updated_at": m["updated_at"],
                        "guid": fresh(m["guid"]),
                    },
                )
                report["memos_added"] += 1

            # done-status and coders' GUIDs
            for p in other["progress"]:
                tid = tmap.get(p["transcript_id"])
                if (
                    tid is not None
                    and project.scalar(
                        "SELECT 1 FROM progress WHERE coder = ? AND transcript_id = ?", (p["coder"], tid)
                    )
                    is None
                ):
                    tx.insert("progress", {"coder": p["coder"], "transcript_id": tid, "done_at": p["done_at"]})
            for c in other["coders"]:
                if (
                    project.scalar("SELECT 1 FROM coders WHERE name = ?", (c["name"],)) is None
                    and c["guid"] not in fresh
                ):
                    tx.insert("coders", {"name": c["name"], "guid": fresh(c["guid"])})
            report["coders"] = sorted(coders)
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


def _after_store_hooks(tx, transcript_id: int, t: dict, lines: list[dict]) -> None:
    """Index a merged transcript as if it was imported (lemmas for search)."""
    from qualcode.corpus import lemmas

    lemmas.store_transcript_lemmas(tx, transcript_id, t["name"])


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
    return out
