"""Memos: the theme summary per code, a memo per transcript, one for the project, and coding memos."""

from __future__ import annotations

from qualcode.coding import codebook, codings
from qualcode.corpus import transcripts
from qualcode.errors import InputError
from qualcode.store.project import Project, Tx, new_guid, now


def _target(project: Project, scope: str, target: str | None) -> tuple[int | None, int | None]:
    if scope == "code":
        assert target is not None  # only a project memo has no target (the CLI asks for one)
        return codebook.get_code(project, target).id, None
    if scope == "transcript":
        assert target is not None
        return None, transcripts.get(project, target).id
    return None, None


def get(project: Project, scope: str, target: str | None) -> str:
    if scope == "coding":
        return codings.get(project, _coding_id(target)).memo
    code_id, transcript_id = _target(project, scope, target)
    row = project.query_one(
        "SELECT text FROM memos WHERE scope = ? AND IFNULL(code_id, 0) = ? AND IFNULL(transcript_id, 0) = ?",
        (scope, code_id or 0, transcript_id or 0),
    )
    return row["text"] if row else ""


def set(project: Project, scope: str, target: str | None, text: str, coder: str) -> None:
    if scope == "coding":
        codings.set_memo(project, _coding_id(target), text, coder)
        return
    code_id, transcript_id = _target(project, scope, target)
    row = project.query_one(
        "SELECT id FROM memos WHERE scope = ? AND IFNULL(code_id, 0) = ? AND IFNULL(transcript_id, 0) = ?",
        (scope, code_id or 0, transcript_id or 0),
    )
    with project.transaction("memo", coder, f"memo on {scope} {target or ''}".strip()) as tx:
        write_text(
            tx,
            "memos",
            None if row is None else row["id"],
            {"scope": scope, "code_id": code_id, "transcript_id": transcript_id},
            text,
            coder,
        )


def write_text(tx: Tx, table: str, row_id: int | None, keys: dict, text: str, coder: str) -> None:
    """Insert a text row (``keys`` name its target) or, given ``row_id``, update its text: memos and summaries."""
    if row_id is None:
        tx.insert(table, {**keys, "coder": coder, "text": text, "updated_at": now(), "guid": new_guid()})
    else:
        tx.update(table, {"id": row_id}, {"text": text, "coder": coder, "updated_at": now()})


def _coding_id(target: str | None) -> int:
    if target is None or not str(target).isdigit():
        raise InputError(f"a coding is named by its id (see `qualcode codings --json`), not {target!r}")
    return int(target)
