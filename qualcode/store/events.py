"""The audit trail: who did what, when — read from the append-only event log.

``qualcode log [--coder NAME] [--since WHEN]`` documents the coding process for
supervisors. ``WHEN`` is a date (``2024-05-01``, local midnight), a date and time
(``2024-05-01T14:30``, local; or with ``Z``/offset), ``today``, ``yesterday``,
or an age such as ``90m``, ``12h``, ``7d``.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from qualcode.errors import InputError
from qualcode.store.project import Project

_AGE = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str, now: datetime | None = None) -> str:
    """``text`` → a UTC time stamp comparable with ``events.at``."""
    now = now or datetime.now(timezone.utc)
    s = text.strip().lower()
    local_now = now.astimezone()
    if s in ("today", "yesterday"):
        day = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
        when = day - timedelta(days=1) if s == "yesterday" else day
    elif m := _AGE.match(s):
        try:
            when = now - timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})
        except (OverflowError, ValueError):
            raise InputError(f"--since {text!r}: that is further back than any date (at most 9999 years)") from None
    else:
        try:
            when = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise InputError(
                f"--since {text!r}: write a date (2024-05-01), a time (2024-05-01T14:30), "
                "today, yesterday or an age (12h, 7d)"
            ) from None
    try:
        if when.tzinfo is None:
            when = when.astimezone()  # local time
        return when.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    except (OverflowError, ValueError):
        raise InputError(f"--since {text!r}: not a date qualcode can compare (out of range)") from None


def events(
    project: Project,
    *,
    coder: str | None = None,
    since: str | None = None,
    action: str | None = None,
    limit: int | None = None,
    changes: bool = False,
) -> list[dict]:
    """Events oldest first (the newest ``limit`` when given), optionally with their row changes."""
    where, params = [], []
    if coder is not None:
        where.append("coder = ?")
        params.append(coder)
    if since is not None:
        where.append("at >= ?")
        params.append(parse_since(since))
    if action is not None:
        where.append("action = ?")
        params.append(action)
    sql = "SELECT id, at, coder, action, kind, ref, summary, changes FROM events"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC" + (f" LIMIT {int(limit)}" if limit else "")
    out = []
    for row in project.query(sql, params):
        decoded = json.loads(row.pop("changes") or "[]")
        row["rows_changed"] = len(decoded)
        if changes:
            row["changes"] = decoded
        out.append(row)
    out.reverse()
    return out


def summary(rows: list[dict]) -> dict[str, dict[str, int]]:
    """Per coder: number of events per kind (do, undo, redo, log)."""
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        per = out.setdefault(r["coder"], {})
        per[r["kind"]] = per.get(r["kind"], 0) + 1
    return out
