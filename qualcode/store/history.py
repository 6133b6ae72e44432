"""Undo and redo through the event log, per coder, across restarts.

The log is append-only: undoing event *E* appends an ``undo`` event (``ref`` =
*E*) whose changes are the inverse of *E*'s; redoing appends a ``redo`` event
that applies *E*'s changes again. A coder's undo stack is rebuilt from their
own events, so undo never touches another coder's work.

Two guards:

* an event whose hash no longer follows from its content (its coder, summary or
  changes were edited outside qualcode) is never undone or redone: the coder
  column cannot be trusted, so the step might be someone else's;
* a step that can no longer be undone (a row it needs was deleted since: a merge
  undone after someone coded the merged transcript, a code removed by
  ``codebook load --force``) is explained in one line and set aside with a
  ``log`` event (action ``undo.skip``), so the coder's next undo goes past it.
"""

from __future__ import annotations

import json
import sqlite3

from qualcode.errors import ConflictError, QualcodeError
from qualcode.store import seals
from qualcode.store.project import Project, Tx

SKIP = "undo.skip"


def stacks(project: Project, coder: str) -> tuple[list[int], list[int]]:
    """(done, undone) event ids for ``coder``: the next undo is ``done[-1]``, the next redo ``undone[-1]``."""
    done: list[int] = []
    undone: list[int] = []
    for event_id, kind, ref in project.conn.execute(
        "SELECT id, kind, ref FROM events WHERE coder = ? AND (kind IN ('do', 'undo', 'redo') "
        "OR (kind = 'log' AND action = ?)) ORDER BY id",
        (coder, SKIP),
    ):
        if kind == "log":  # set aside: neither undoable nor redoable any more
            if ref in done:
                done.remove(ref)
            if ref in undone:
                undone.remove(ref)
        elif kind == "do":
            done.append(event_id)
            undone.clear()
        elif kind == "undo":
            if ref in done:
                done.remove(ref)
            undone.append(ref)
        else:
            if ref in undone:
                undone.remove(ref)
            done.append(ref)
    return done, undone


def _event(project: Project, event_id: int) -> dict:
    row = project.query_one("SELECT * FROM events WHERE id = ?", (event_id,))
    assert row is not None, event_id  # ids come from the events table itself
    row["changes"] = json.loads(row["changes"])
    return row


def invert(change: dict) -> dict:
    op = {"insert": "delete", "delete": "insert", "update": "update"}[change["op"]]
    return {
        "op": op,
        "table": change["table"],
        "pk": change["pk"],
        "before": change["after"],
        "after": change["before"],
    }


def apply_change(tx: Tx, change: dict) -> None:
    """Apply one recorded change, refusing when the row is not as the change expects."""
    table, pk = change["table"], change["pk"]
    current = tx.fetch(table, pk)
    if change["op"] == "insert":
        if current is not None:
            raise ConflictError(f"cannot apply: {table} row {pk} exists already (changed by someone else?)")
        tx.insert(table, change["after"], pk=next(iter(pk)))
    elif change["op"] == "delete":
        if current is None or any(current.get(k) != v for k, v in change["before"].items()):
            raise ConflictError(f"cannot apply: {table} row {pk} was changed since")
        tx.delete(table, pk)
    else:
        if current is None or any(current.get(k) != v for k, v in change["before"].items()):
            raise ConflictError(f"cannot apply: {table} row {pk} was changed since")
        tx.update(table, pk, change["after"])


def _step(project: Project, coder: str, kind: str) -> dict:
    """Undo (``kind="undo"``) or redo ``coder``'s latest event; returns that event (without changes)."""
    done, undone = stacks(project, coder)
    stack = done if kind == "undo" else undone
    if not stack:
        raise QualcodeError(f"nothing to {kind} for coder {coder!r}")
    if not _intact(project, stack[-1]):
        raise QualcodeError(
            f"cannot {kind} event {stack[-1]}: the event log was changed outside qualcode after it was written, "
            "so whose action it is cannot be trusted; nothing was changed; run `qualcode check`"
        )
    event = _event(project, stack[-1])
    changes = [invert(c) for c in reversed(event["changes"])] if kind == "undo" else event["changes"]
    try:
        with project.transaction(
            event["action"], coder, f"{kind}: {event['summary']}", kind=kind, ref=event["id"]
        ) as tx:
            for change in changes:
                apply_change(tx, change)
    except (ConflictError, sqlite3.IntegrityError) as e:
        reason = _why_not(e)
        with project.transaction(
            SKIP, coder, f"cannot {kind}: {event['summary']} ({reason})", kind="log", ref=event["id"]
        ):
            pass
        raise ConflictError(
            f"cannot {kind} #{event['id']} ({event['summary']}): {reason}; nothing was changed and the step is "
            f"set aside, so `qualcode {kind}` again goes past it"
        ) from None
    return {k: v for k, v in event.items() if k != "changes"}


def _intact(project: Project, event_id: int) -> bool:
    has_hash = any(r[1] == "hash" for r in project.conn.execute("PRAGMA table_info(events)"))
    return not has_hash or seals.event_intact(project.conn, event_id)


def _why_not(e: Exception) -> str:
    text = str(e)
    if "FOREIGN KEY" in text:
        return "something it refers to (a transcript, code or coding) was removed since"
    if "identical coding" in text or "has this coding already" in text:
        return "an identical coding exists now"
    return text.removeprefix("cannot apply: ")


def undo(project: Project, coder: str) -> dict:
    """Undo ``coder``'s most recent action; returns the undone event (without changes)."""
    return _step(project, coder, "undo")


def redo(project: Project, coder: str) -> dict:
    """Redo ``coder``'s most recently undone action."""
    return _step(project, coder, "redo")
