"""Participants and transcript attributes: read from CSV, validated, stored as one undoable event.

A participants file is CSV with a header. ``transcript`` and ``speaker`` name the
participant (a speaker label is local to its transcript); a ``deelnemer`` or
``participant`` column holding ``nee``/``no`` marks a non-participant (the moderator),
who is left out of analysis counts; every other column is an attribute::

    transcript,speaker,rol,organisatie,deelnemer
    FG1,M,,,nee
    FG1,R3,regisseur,gemeente,ja

A file without a ``speaker`` column holds transcript attributes
(``transcript,datum,locatie,groep``).

Loading merges: the file's columns are set on the rows it names (an empty cell removes
that attribute), attributes and rows the file does not mention stay as they were.
Every bad row gives one line ``FILE:LINE: …`` (unknown transcript or speaker, a duplicate
row, a wrong number of fields, an unclear yes/no) and nothing is loaded. Comma,
semicolon (Excel in Dutch) and tab separated files are read; the report says which.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from qualcode.corpus.transcripts import suggest
from qualcode.errors import InputError, NotFoundError
from qualcode.store.project import Project, Tx

FLAG_COLUMNS = ("deelnemer", "participant")
YES = frozenset({"ja", "j", "yes", "y", "1", "true", "waar"})
NO = frozenset({"nee", "n", "no", "0", "false", "onwaar"})
KEY_COLUMNS = ("transcript", "speaker")


class RowErrors(InputError):
    """Several bad rows: one line each (``FILE:LINE: …``); the CLI prints every line."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class LoadReport:
    """What a load did: kind of file, rows read, rows added/updated/unchanged, separator, attribute columns."""

    file: str
    kind: str  # "participants" | "transcripts"
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    separator: str = ","
    attributes: list[str] = field(default_factory=list)
    non_participants: list[str] = field(default_factory=list)  # "FG1:M"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Participant:
    transcript_id: int
    transcript: str
    speaker: str
    participant: bool
    attributes: dict[str, str]
    listed: bool  # described in the project (participants table), not only seen in the lines

    @property
    def label(self) -> str:
        return f"{self.transcript}:{self.speaker}"


# ------------------------------------------------------------------- reading
def parse_flag(value: str) -> bool | None:
    """``ja``/``yes``/``1`` → True, ``nee``/``no``/``0`` → False, empty → None, else ValueError."""
    v = value.strip().casefold()
    if not v:
        return None
    if v in YES:
        return True
    if v in NO:
        return False
    raise ValueError(value)


def parse_assignments(items: Iterable[str], what: str = "attribute") -> dict[str, str]:
    """``["rol=regisseur", "organisatie=gemeente"]`` → dict; an item without ``=`` is an error."""
    out: dict[str, str] = {}
    for item in items:
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            raise InputError(f"{what} {item!r}: write NAME=VALUE (e.g. rol=regisseur)")
        out[name.strip()] = value.strip()
    return out


def _separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    """(header, [(line number, cells)], separator) of a CSV file; cells stripped, blank rows skipped."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}", path=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text; save the file as CSV UTF-8", path=str(path)) from None
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    sep = _separator(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            cells = [c.strip() for c in cells]
            if header is None:
                header = cells
            else:
                rows.append((reader.line_num, cells))
    except csv.Error as e:
        raise InputError(f"not readable as CSV: {e}", path=str(path), line=reader.line_num) from None
    if header is None:
        raise InputError("empty file: expected a header such as transcript,speaker,rol", path=str(path))
    return header, rows, sep


def _check_header(path: Path, header: list[str]) -> None:
    lowered = [h.casefold() for h in header]
    problems = []
    if "transcript" not in lowered:
        problems.append("the header has no 'transcript' column (e.g. transcript,speaker,rol)")
    if any(not h for h in header):
        problems.append("the header has an empty column name")
    dupes = sorted({h for h in lowered if h and lowered.count(h) > 1})
    if dupes:
        problems.append(f"the header names a column twice: {', '.join(dupes)}")
    if sum(1 for h in lowered if h in FLAG_COLUMNS) > 1:
        problems.append("use one of the columns deelnemer / participant, not both")
    if problems:
        raise RowErrors([f"{path}:1: {p}" for p in problems])


# ------------------------------------------------------------------- loading
def load_file(project: Project, path: str | Path, coder: str) -> LoadReport:
    """Load a participants or transcript-attributes CSV: all rows or none, one undoable event."""
    path = Path(path)
    header, rows, sep = read_csv(path)
    _check_header(path, header)
    lowered = [h.casefold() for h in header]
    kind = "participants" if "speaker" in lowered else "transcripts"
    report = LoadReport(file=str(path), kind=kind, read=len(rows), separator=sep)
    key_idx = {k: lowered.index(k) for k in KEY_COLUMNS if k in lowered}
    flag_idx = next((i for i, h in enumerate(lowered) if h in FLAG_COLUMNS), None)
    if kind == "transcripts" and flag_idx is not None:
        raise RowErrors([f"{path}:1: a {header[flag_idx]} column needs a speaker column (it marks participants)"])
    attr_idx = [i for i, h in enumerate(lowered) if h not in KEY_COLUMNS and i != flag_idx]
    report.attributes = [header[i] for i in attr_idx]
    names = {r["name"]: r["id"] for r in project.query("SELECT id, name FROM transcripts")}
    speakers = speakers_by_transcript(project) if kind == "participants" else {}
    problems: list[str] = []
    wanted: dict[tuple, tuple[bool | None, dict[str, str]]] = {}
    first_line: dict[tuple, int] = {}
    for line, cells in rows:
        where = f"{path}:{line}"
        if len(cells) != len(header):
            problems.append(f"{where}: {len(cells)} fields where the header has {len(header)}")
            continue
        transcript = cells[key_idx["transcript"]]
        if not transcript:
            problems.append(f"{where}: the transcript cell is empty")
            continue
        if transcript not in names:
            problems.append(f"{where}: unknown transcript {transcript!r}{suggest(transcript, list(names))}")
            continue
        tid = names[transcript]
        key: tuple = (tid,)
        if kind == "participants":
            speaker = cells[key_idx["speaker"]]
            known = speakers.get(tid, [])
            if not speaker:
                problems.append(f"{where}: the speaker cell is empty")
                continue
            if speaker not in known:
                problems.append(f"{where}: unknown speaker {speaker!r} in {transcript}{suggest(speaker, known)}")
                continue
            key = (tid, speaker)
        if key in first_line:
            who = " ".join([transcript, *key[1:]])
            problems.append(f"{where}: duplicate row for {who} (first on line {first_line[key]})")
            continue
        first_line[key] = line
        flag = None
        if flag_idx is not None:
            try:
                flag = parse_flag(cells[flag_idx])
            except ValueError:
                problems.append(f"{where}: {header[flag_idx]} {cells[flag_idx]!r}: write ja/nee (yes/no)")
                continue
        wanted[key] = (flag, {header[i]: cells[i] for i in attr_idx})
    if problems:
        raise RowErrors(problems)
    by_id = {v: k for k, v in names.items()}
    report.non_participants = [f"{by_id[k[0]]}:{k[1]}" for k, (flag, _) in wanted.items() if flag is False]
    _store(project, coder, path, kind, wanted, report)
    return report


def _merge(old: dict[str, str], new: dict[str, str]) -> dict[str, str]:
    merged = dict(old)
    for k, v in new.items():
        if v:
            merged[k] = v
        else:
            merged.pop(k, None)
    return dict(sorted(merged.items()))


def _dump(attributes: dict[str, str]) -> str:
    return json.dumps(attributes, ensure_ascii=False, sort_keys=True)


def _store(project: Project, coder: str, path: Path, kind: str, wanted: dict, report: LoadReport) -> None:
    table = "participants" if kind == "participants" else "transcript_attributes"
    existing: dict[tuple, dict]
    if kind == "participants":
        existing = {
            (r["transcript_id"], r["speaker"]): r
            for r in project.query("SELECT id, transcript_id, speaker, participant, attributes FROM participants")
        }
    else:
        existing = {(r["transcript_id"],): r for r in project.query("SELECT * FROM transcript_attributes")}
    plan: list[tuple[str, tuple, dict]] = []
    for key, (flag, attrs) in wanted.items():
        row = existing.get(key)
        old_attrs = json.loads(row["attributes"]) if row else {}
        values: dict[str, str | int] = {"attributes": _dump(_merge(old_attrs, attrs))}
        if kind == "participants":
            values["participant"] = int(flag if flag is not None else (row["participant"] if row else 1))
        if row is None:
            plan.append(("insert", key, values))
            report.added += 1
        elif any(row[k] != v for k, v in values.items()):
            plan.append(("update", key, values))
            report.updated += 1
        else:
            report.unchanged += 1
    if not plan:
        return
    summary = f"load {kind} from {path.name}: {report.added} added, {report.updated} updated"
    with project.transaction("participants", coder, summary) as tx:
        for op, key, values in plan:
            _write(tx, table, op, key, values, existing)


def _write(tx: Tx, table: str, op: str, key: tuple, values: dict, existing: dict) -> None:
    if table == "participants":
        if op == "insert":
            tx.insert(table, {"transcript_id": key[0], "speaker": key[1], **values})
        else:
            tx.update(table, {"id": existing[key]["id"]}, values)
    elif op == "insert":
        tx.insert(table, {"transcript_id": key[0], **values}, pk="transcript_id")
    else:
        tx.update(table, {"transcript_id": key[0]}, values)


def set_participant(
    project: Project,
    transcript: str,
    speaker: str,
    coder: str,
    *,
    attributes: dict[str, str] | None = None,
    participant: bool | None = None,
    replace: bool = False,
) -> Participant:
    """Change one participant (the workbench's editor, ``participants set``): one undoable event.

    ``attributes`` are merged (an empty value removes the attribute) unless ``replace``.
    """
    from qualcode.corpus import transcripts

    t = transcripts.get(project, transcript)
    known = speakers_by_transcript(project).get(t.id, [])
    if speaker not in known:
        raise NotFoundError(f"unknown speaker {speaker!r} in {t.name}{suggest(speaker, known)}")
    row = project.query_one(
        "SELECT id, participant, attributes FROM participants WHERE transcript_id = ? AND speaker = ?", (t.id, speaker)
    )
    old = json.loads(row["attributes"]) if row else {}
    new = _merge({} if replace else old, attributes or {})
    values = {
        "attributes": _dump(new),
        "participant": int(participant if participant is not None else (row["participant"] if row else 1)),
    }
    if row is None or any(row[k] != v for k, v in values.items()):
        with project.transaction("participants", coder, f"edit participant {t.name} {speaker}") as tx:
            if row is None:
                tx.insert("participants", {"transcript_id": t.id, "speaker": speaker, **values})
            else:
                tx.update("participants", {"id": row["id"]}, values)
    return next(p for p in participants(project) if p.transcript_id == t.id and p.speaker == speaker)


# ------------------------------------------------------------------- reading back
def speakers_by_transcript(project: Project) -> dict[int, list[str]]:
    """Transcript id → its speaker labels in order of appearance (stored at import; else from the lines)."""
    out: dict[int, list[str]] = {}
    for r in project.query("SELECT id, attributes FROM transcripts ORDER BY id"):
        stored = json.loads(r["attributes"] or "{}").get("speakers")
        if stored is not None:
            out[r["id"]] = list(stored)
            continue
        out[r["id"]] = [
            s["speaker"]
            for s in project.query(
                "SELECT speaker, min(n) AS first FROM lines WHERE transcript_id = ? AND speaker IS NOT NULL "
                "GROUP BY speaker ORDER BY first",
                (r["id"],),
            )
        ]
    return out


def participants(project: Project) -> list[Participant]:
    """Every speaker of every transcript, in transcript then appearance order, with what is known of them."""
    names = {r["id"]: r["name"] for r in project.query("SELECT id, name FROM transcripts")}
    stored = {
        (r["transcript_id"], r["speaker"]): r
        for r in project.query("SELECT transcript_id, speaker, participant, attributes FROM participants")
    }
    out = []
    for tid, labels in speakers_by_transcript(project).items():
        for label in labels:
            row = stored.get((tid, label))
            out.append(
                Participant(
                    transcript_id=tid,
                    transcript=names[tid],
                    speaker=label,
                    participant=bool(row["participant"]) if row else True,
                    attributes=json.loads(row["attributes"]) if row else {},
                    listed=row is not None,
                )
            )
    return out


def transcript_attributes(project: Project) -> dict[int, dict[str, str]]:
    """Transcript id → its attributes (empty dict when none were loaded)."""
    out: dict[int, dict[str, str]] = {r["id"]: {} for r in project.query("SELECT id FROM transcripts ORDER BY id")}
    for r in project.query("SELECT transcript_id, attributes FROM transcript_attributes"):
        out[r["transcript_id"]] = json.loads(r["attributes"])
    return out


def attribute_names(project: Project) -> tuple[list[str], list[str]]:
    """(participant attribute names, transcript attribute names), each sorted."""
    p = sorted({k for x in participants(project) for k in x.attributes})
    t = sorted({k for a in transcript_attributes(project).values() for k in a})
    return p, t


def show(project: Project) -> dict:
    """``participants show --json``: participants (every speaker) and transcript attributes."""
    names = {r["id"]: r["name"] for r in project.query("SELECT id, name FROM transcripts")}
    return {
        "participants": [
            {
                "transcript": p.transcript,
                "speaker": p.speaker,
                "participant": p.participant,
                "attributes": p.attributes,
                "listed": p.listed,
            }
            for p in participants(project)
        ],
        "transcripts": [
            {"transcript": names[tid], "attributes": attrs} for tid, attrs in transcript_attributes(project).items()
        ],
    }
