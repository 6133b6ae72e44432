"""``qualcode check``: is the project file sound, and does it still mean what the log says?

Checks, in order (each adds problems to one report; nothing is ever written):

1. ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check``;
2. every coding's ranges are well-formed, in their canonical spelling, agree with
   ``first_line``/``last_line``, and lie inside its transcript's lines;
3. every transcript's stored lines (``raw``, in line order) hash to its
   ``sha256`` and number exactly ``line_count``, 1…n without gaps;
4. every transcript's lines (number, speaker, turn, raw and display text) match
   the seal written when they were stored (``line_seals``, schema 4);
5. the event log is the one that was written: each event's hash follows from its
   time, coder, action, summary and changes and the event before it;
6. the event log replays to the current state: every event's row changes,
   applied in id order to an empty copy of the schema, give exactly the rows of
   ``codes``, ``codings``, ``memos``, ``progress`` and ``transcripts``. A change
   that does not fit (an insert of an existing row, an update or delete whose
   ``before`` differs) is reported with its event id.

All checks read one snapshot (one read transaction): another window writing
meanwhile is neither seen half-way nor reported as damage. A project that is
busy beyond the timeout is an error of its own, never a finding.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from dataclasses import dataclass, field

from qualcode.errors import InputError, ProjectError
from qualcode.ranges import format_ranges, parse_ranges
from qualcode.store import seals
from qualcode.store.project import Project

REPLAYED_TABLES = ("transcripts", "codes", "codings", "memos", "progress", "participants", "transcript_attributes")
MAX_PER_CHECK = 20  # problems listed per check; the rest are counted


@dataclass
class Report:
    path: str
    checks: dict[str, list[str]] = field(default_factory=dict)
    counted: dict[str, int] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(self.checks.values())

    def add(self, check: str, problem: str) -> None:
        problems = self.checks.setdefault(check, [])
        self.counted[check] = self.counted.get(check, 0) + 1
        if len(problems) < MAX_PER_CHECK:
            problems.append(problem)

    def as_dict(self) -> dict:
        return {
            "project": self.path,
            "ok": self.ok,
            "stats": self.stats,
            "checks": {
                name: {"ok": not problems, "problems": problems, "count": self.counted.get(name, 0)}
                for name, problems in self.checks.items()
            },
        }


def check(project: Project) -> Report:
    """Run every check on an open project (read-only is enough), all on one snapshot."""
    report = Report(str(project.path))
    _run_checks(project, report, (("integrity", _sqlite_integrity),))  # one statement: a snapshot of its own
    project.conn.execute("BEGIN")  # deferred: the first read fixes the snapshot every other check sees
    try:
        project.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        _run_checks(project, report, CHECKS)
        _stats(project, report)
    finally:
        with contextlib.suppress(sqlite3.DatabaseError):  # ending a read of a damaged file may report the damage again
            project.conn.execute("ROLLBACK")
    return report


def _run_checks(project: Project, report: Report, checks: tuple) -> None:
    for name, fn in checks:
        report.checks.setdefault(name, [])
        try:
            fn(project, report, name)
        except sqlite3.DatabaseError as e:
            if "locked" in str(e) or "busy" in str(e):  # not a finding: say so, advise nothing
                raise ProjectError("the project is busy; `qualcode check` found nothing wrong, try again") from None
            report.add(name, f"could not run: {e}")


def _stats(project: Project, report: Report) -> None:
    for table in ("transcripts", "lines", "codes", "codings", "memos", "events"):
        try:
            report.stats[table] = project.scalar(f"SELECT count(*) FROM [{table}]")
        except sqlite3.DatabaseError:
            pass


def _sqlite_integrity(project: Project, report: Report, name: str) -> None:
    for (row,) in project.conn.execute("PRAGMA integrity_check"):
        if row != "ok":
            report.add(name, row)


def _has_table(project: Project, table: str) -> bool:
    return project.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)) is not None


def _line_seals(project: Project, report: Report, name: str) -> None:
    if not _has_table(project, "line_seals"):
        return
    sealed = dict(project.conn.execute("SELECT transcript_id, sha256 FROM line_seals").fetchall())
    for tid, tname in project.conn.execute("SELECT id, name FROM transcripts ORDER BY id").fetchall():
        if tid not in sealed:
            report.add(name, f"transcript {tname}: its lines have no seal (lines changed outside qualcode?)")
        elif seals.lines_hash(project.conn, tid) != sealed[tid]:
            report.add(name, f"transcript {tname}: a line's text, speaker or number was changed after import")


def _event_chain(project: Project, report: Report, name: str) -> None:
    cols = [r[1] for r in project.conn.execute("PRAGMA table_info(events)")]
    if "hash" not in cols:
        return
    previous = ""
    for row in project.conn.execute(f"SELECT {seals.EVENT_COLUMNS}, hash FROM events ORDER BY id"):
        expected = seals.event_hash(previous, row[:-1])
        if row[-1] != expected:
            report.add(
                name,
                f"event {row[0]}: its time, coder, action, summary or changes were changed after it was written "
                "(or an event before it was removed)",
            )
        previous = row[-1] or ""


def _foreign_keys(project: Project, report: Report, name: str) -> None:
    for table, rowid, parent, _fk in project.conn.execute("PRAGMA foreign_key_check"):
        report.add(name, f"{table} row {rowid} points to a missing {parent} row")


def _ranges(project: Project, report: Report, name: str) -> None:
    bounds = {
        tid: (lo, hi)
        for tid, lo, hi in project.conn.execute(
            "SELECT transcript_id, min(n), max(n) FROM lines GROUP BY transcript_id"
        )
    }
    for cid, tid, spec, first, last in project.conn.execute(
        "SELECT id, transcript_id, ranges, first_line, last_line FROM codings ORDER BY id"
    ):
        try:
            rs = parse_ranges(spec)
        except InputError as e:
            report.add(name, f"coding {cid}: {e}")
            continue
        if format_ranges(rs) != spec:
            report.add(name, f"coding {cid}: ranges {spec!r} not in canonical form ({format_ranges(rs)})")
        if (first, last) != (rs[0][0], rs[-1][1]):
            report.add(name, f"coding {cid}: first/last line {first}-{last} do not match ranges {spec}")
        lo, hi = bounds.get(tid, (None, None))
        if lo is None or rs[0][0] < lo or rs[-1][1] > hi:
            where = "it has no lines" if lo is None else f"it has lines {lo}-{hi}"
            report.add(name, f"coding {cid}: lines {spec} outside transcript {tid} ({where})")


def _hashes(project: Project, report: Report, name: str) -> None:
    for tid, tname, sha, count in project.conn.execute(
        "SELECT id, name, sha256, line_count FROM transcripts ORDER BY id"
    ).fetchall():
        h = hashlib.sha256()
        stored = 0
        for n, raw in project.conn.execute("SELECT n, raw FROM lines WHERE transcript_id = ? ORDER BY n", (tid,)):
            if stored:
                h.update(b"\n")
            h.update(raw.encode("utf-8"))
            stored += 1
            if n != stored:
                report.add(name, f"transcript {tname}: line {n} where {stored} was expected (lines missing?)")
                stored = n
        stored_rows = project.scalar("SELECT count(*) FROM lines WHERE transcript_id = ?", (tid,))
        if stored_rows != count:
            report.add(name, f"transcript {tname}: {stored_rows} lines stored, line_count says {count}")
        if h.hexdigest() != sha:
            report.add(name, f"transcript {tname}: stored text does not match its sha256 (changed or damaged)")


CHECKS = (
    ("foreign_keys", _foreign_keys),
    ("ranges", _ranges),
    ("text_hashes", _hashes),
    ("line_seals", _line_seals),
    ("event_chain", _event_chain),
    ("event_replay", lambda project, report, name: _replay(project, report, name)),
)


# ------------------------------------------------------------------- replay
def _replay(project: Project, report: Report, name: str) -> None:
    mem = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for table in REPLAYED_TABLES:
            sql = project.scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
            mem.execute(sql)
        mem.execute("PRAGMA foreign_keys = ON")  # cascades happen in the replay as they did for real
        mem.execute("BEGIN")
        replayed = 0
        for event_id, changes in project.conn.execute("SELECT id, changes FROM events ORDER BY id"):
            try:
                decoded = json.loads(changes)
            except ValueError:
                report.add(name, f"event {event_id}: changes are not valid JSON")
                continue
            for change in decoded:
                if change.get("table") not in REPLAYED_TABLES:
                    continue
                problem = _apply(mem, change)
                if problem:
                    report.add(name, f"event {event_id}: {problem}")
                replayed += 1
        report.stats["replayed_changes"] = replayed
        for table in REPLAYED_TABLES:
            _compare(project, mem, table, report, name)
        mem.execute("ROLLBACK")
    finally:
        mem.close()


def _where(pk: dict) -> tuple[str, list]:
    return " AND ".join(f"[{k}] IS ?" for k in pk), list(pk.values())


def _apply(mem: sqlite3.Connection, change: dict) -> str | None:
    table, pk, op = change["table"], change["pk"], change["op"]
    where, params = _where(pk)
    cur = mem.execute(f"SELECT * FROM [{table}] WHERE {where}", params)
    row = cur.fetchone()
    current = dict(zip((d[0] for d in cur.description), row)) if row else None
    label = f"{op} {table} {json.dumps(pk)}"
    try:
        if op == "insert":
            if current is not None:
                return f"{label}: the row exists already"
            after = change["after"]
            cols = list(after)
            mem.execute(
                f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) VALUES ({', '.join('?' for _ in cols)})",
                [after[c] for c in cols],
            )
        elif current is None:
            return f"{label}: the row does not exist"
        elif any(current.get(k) != v for k, v in (change.get("before") or {}).items()):
            return f"{label}: the row is not as the change expects"
        elif op == "delete":
            mem.execute(f"DELETE FROM [{table}] WHERE {where}", params)
        else:
            after = change["after"]
            mem.execute(
                f"UPDATE [{table}] SET {', '.join(f'[{c}] = ?' for c in after)} WHERE {where}",
                list(after.values()) + params,
            )
    except sqlite3.Error as e:
        return f"{label}: {e}"
    return None


def _compare(project: Project, mem: sqlite3.Connection, table: str, report: Report, name: str) -> None:
    cols = [r[1] for r in mem.execute(f"PRAGMA table_info([{table}])")]
    pk = [r[1] for r in sorted(mem.execute(f"PRAGMA table_info([{table}])"), key=lambda r: r[5]) if r[5]] or ["rowid"]
    select = f"SELECT {', '.join(f'[{c}]' for c in cols)} FROM [{table}] ORDER BY {', '.join(pk)}"
    key = [cols.index(k) for k in pk if k in cols]

    def rows(conn):
        return {tuple(r[i] for i in key): r for r in conn.execute(select)}

    actual, replayed = rows(project.conn), rows(mem)
    for k in sorted(actual.keys() - replayed.keys()):
        report.add(name, f"{table} {dict(zip(pk, k))}: in the project but no event made it")
    for k in sorted(replayed.keys() - actual.keys()):
        report.add(name, f"{table} {dict(zip(pk, k))}: the events make it but it is not in the project")
    for k in sorted(actual.keys() & replayed.keys()):
        if actual[k] != replayed[k]:
            diff = [c for c, a, b in zip(cols, actual[k], replayed[k]) if a != b]
            report.add(name, f"{table} {dict(zip(pk, k))}: {', '.join(diff)} differ from the event log")
