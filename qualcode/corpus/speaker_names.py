"""Renaming speakers after import: ``qualcode speakers FG2 --rename "SPEAKER_00=M"``.

Diarisation ids become the anonymised labels the report uses. The speaker column of the
lines changes; their stored text (``raw``, with its label as transcribed) does not, so line
numbers and quotes stay exactly as they were. One transaction, one undoable event.
"""

from __future__ import annotations

import json

from qualcode.corpus import transcripts
from qualcode.errors import InputError
from qualcode.store.project import Project


def parse_renames(specs: list[str]) -> dict[str, str]:
    """``["SPEAKER_00=M", "SPEAKER_01=R1"]`` → ``{"SPEAKER_00": "M", …}`` (InputError when malformed)."""
    out: dict[str, str] = {}
    for spec in specs:
        old, sep, new = spec.partition("=")
        old, new = " ".join(old.split()), " ".join(new.split())
        if not sep or not old or not new:
            raise InputError(f"--rename {spec!r}: write OLD=NEW, e.g. SPEAKER_00=M")
        if any(c in new for c in "\n\t"):
            raise InputError(f"--rename {spec!r}: the new name must be one line")
        out[old] = new
    return out


def speakers(project: Project, name: str) -> list[dict]:
    """Each speaker of a transcript with its number of lines and turns, in order of appearance."""
    t = transcripts.get(project, name)
    return project.query(
        "SELECT speaker, count(*) AS lines, count(DISTINCT turn) AS turns, min(n) AS first_line FROM lines "
        "WHERE transcript_id = ? AND speaker IS NOT NULL GROUP BY speaker ORDER BY first_line",
        (t.id,),
    )


def rename(project: Project, name: str, renames: dict[str, str], coder: str) -> dict[str, int]:
    """Rename speakers in one undoable action; returns lines changed per old name."""
    t = transcripts.get(project, name)
    known = {r["speaker"] for r in speakers(project, name)}
    unknown = [old for old in renames if old not in known]
    if unknown:
        raise InputError(f"{t.name} has no speaker {unknown[0]!r} (speakers: {', '.join(sorted(known)) or 'none'})")
    counts: dict[str, int] = {}
    summary = ", ".join(f"{old}→{new}" for old, new in renames.items())
    with project.transaction("speakers", coder, f"rename speakers in {t.name}: {summary}") as tx:
        for old, new in renames.items():
            ids = [
                r[0]
                for r in tx.conn.execute(
                    "SELECT id FROM lines WHERE transcript_id = ? AND speaker = ? ORDER BY n", (t.id, old)
                )
            ]
            for line_id in ids:
                tx.update("lines", {"id": line_id}, {"speaker": new})
            counts[old] = len(ids)
        row = tx.fetch("transcripts", {"id": t.id})
        assert row is not None  # t exists (read above; projects have one writer)
        attributes = json.loads(row["attributes"] or "{}")
        if "speakers" in attributes:
            attributes["speakers"] = list(dict.fromkeys(renames.get(s, s) for s in attributes["speakers"]))
            tx.update("transcripts", {"id": t.id}, {"attributes": json.dumps(attributes, ensure_ascii=False)})
    return counts
