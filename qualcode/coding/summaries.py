"""Theme summaries the author wrote, the project title and coders' display names.

A theme summary is a memo of its own kind (table ``summaries``): one per theme and,
optionally, one per theme × transcript — the summary grid. It is never the codebook's
description or a code memo: only what an author wrote here appears as a theme summary
in the report. Setting an empty text removes the summary. Every change is one
transaction and one event (undoable).

The project title (``meta`` key ``title``) and coders' display names (``coders.display_name``)
are what reports print instead of the project file's name and login names.
"""

from __future__ import annotations

from qualcode.coding import codebook
from qualcode.coding.memos import write_text
from qualcode.corpus import transcripts
from qualcode.store.project import Project, new_guid


def _ids(project: Project, code: str, transcript: str | None) -> tuple[int, int | None]:
    k = codebook.get_code(project, code)
    t = transcripts.get(project, transcript).id if transcript else None
    return k.id, t


def get(project: Project, code: str, transcript: str | None = None) -> str:
    code_id, transcript_id = _ids(project, code, transcript)
    row = project.query_one(
        "SELECT text FROM summaries WHERE code_id = ? AND IFNULL(transcript_id, 0) = ?", (code_id, transcript_id or 0)
    )
    return row["text"] if row else ""


def set_summary(project: Project, code: str, text: str, coder: str, transcript: str | None = None) -> bool:
    """Write (or, with empty ``text``, remove) the summary of a theme or a theme × transcript cell.

    Returns whether anything changed.
    """
    code_id, transcript_id = _ids(project, code, transcript)
    return set_by_id(project, code_id, transcript_id, text, coder, f"{code}{' × ' + transcript if transcript else ''}")


def set_by_id(project: Project, code_id: int, transcript_id: int | None, text: str, coder: str, label: str) -> bool:
    text = text.replace("\r\n", "\n").strip()
    row = project.query_one(
        "SELECT id, text FROM summaries WHERE code_id = ? AND IFNULL(transcript_id, 0) = ?",
        (code_id, transcript_id or 0),
    )
    if (row["text"] if row else "") == text:
        return False
    with project.transaction("summary", coder, f"summary of {label}") as tx:
        if row is not None and not text:
            tx.delete("summaries", {"id": row["id"]})
        else:
            keys = {"code_id": code_id, "transcript_id": transcript_id}
            write_text(tx, "summaries", None if row is None else row["id"], keys, text, coder)
    return True


def all_summaries(project: Project) -> dict[tuple[int, int | None], str]:
    """(code id, transcript id or None) → text, in one query."""
    return {
        (r[0], r[1]): r[2]
        for r in project.conn.execute("SELECT code_id, transcript_id, text FROM summaries WHERE text != ''")
    }


def grid(project: Project, coder: str) -> dict:
    """The summary grid for the workbench: themes down, transcripts across, quote counts and summaries.

    ``{"codes": [{id, name, title, depth}], "transcripts": [{id, name}], "counts": {(code_id, t_id): n},
    "summaries": {(code_id, t_id | None): text}}`` — counts are ``coder``'s codings. Three queries.
    """
    codes = codebook.all_codes(project)
    by_id = {c.id: c for c in codes}

    def depth(c) -> int:
        d = 0
        while c.parent_id is not None and c.parent_id in by_id and d < 5:
            c, d = by_id[c.parent_id], d + 1
        return d

    counts = {
        (r[0], r[1]): r[2]
        for r in project.conn.execute(
            "SELECT code_id, transcript_id, count(*) FROM codings WHERE coder = ? GROUP BY code_id, transcript_id",
            (coder,),
        )
    }
    return {
        "codes": [{"id": c.id, "name": c.name, "title": c.display_title, "depth": depth(c)} for c in codes],
        "transcripts": [{"id": t.id, "name": t.name} for t in transcripts.all_rows(project)],
        "counts": counts,
        "summaries": all_summaries(project),
    }


# ------------------------------------------------------------------ names in reports
def project_title(project: Project) -> str | None:
    return project.setting("title") or None


def set_project_title(project: Project, title: str, coder: str) -> None:
    with project.transaction("title", coder, f"project title {title!r}") as tx:
        project.set_setting(tx, "title", title.strip())


def display_names(project: Project) -> dict[str, str]:
    """coder name → display name, for coders who have one."""
    return {r[0]: r[1] for r in project.conn.execute("SELECT name, display_name FROM coders WHERE display_name != ''")}


def set_display_name(project: Project, name: str, display: str, by: str) -> None:
    """How coder ``name`` is named in reports (``""`` removes the display name)."""
    row = project.query_one("SELECT id FROM coders WHERE name = ?", (name,))
    with project.transaction("display-name", by, f"display name of {name}") as tx:
        if row is None:
            tx.insert("coders", {"name": name, "guid": new_guid(), "display_name": display.strip()})
        else:
            tx.update("coders", {"id": row["id"]}, {"display_name": display.strip()})
