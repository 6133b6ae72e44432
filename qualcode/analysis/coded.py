"""Coded lines as numpy arrays: one SQL pass over the codings, expanded to lines with their speaker and turn.

:func:`load` reads the codings (one query; only multi-range codings have their ranges
parsed in Python) and expands every range into its line numbers with ``np.repeat``.
Each coded line is then placed in its *run* — a maximal stretch of consecutive lines
of one transcript with the same speaker and turn number — by a binary search over the
runs' first lines. Runs are the turns as ingest numbers them (a label starts a turn), read with one
aggregate query over ``lines`` and cached per project file (lines never change after
import), so a second table costs only the codings pass.

A run is what co-occurrence ``--within turn`` calls a turn: a new speaker always
starts a new turn, even in transcripts whose importer did not number turns.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from qualcode.analysis import participants as pt
from qualcode.coding import codebook
from qualcode.model import Code
from qualcode.store.project import Project

_KEY_SHIFT = np.int64(1 << 32)  # line key = transcript_id << 32 | n

_TURNS_SQL = """
SELECT transcript_id, min(n), max(n), count(*), min(speaker), max(speaker), count(speaker)
FROM lines GROUP BY transcript_id, turn
"""


def _runs_of_lines(rows) -> list[tuple[int, int, str | None]]:
    """(transcript id, first line, speaker) of every run in ``(transcript_id, n, speaker, turn)`` rows in order."""
    out, prev = [], None
    for t, n, s, turn in rows:
        if prev is None or prev[0] != t or prev[1] != n - 1 or prev[2] != s or prev[3] != turn:
            out.append((t, n, s))
        prev = (t, n, s, turn)
    return out


def _read_runs(project: Project) -> list[tuple[int, int, str | None]]:
    """Turns as ingest numbers them (one aggregate query); transcripts whose turns are not runs of one
    speaker (numbered otherwise by another tool) are read line by line."""
    rows = project.conn.execute(_TURNS_SQL).fetchall()
    rows.sort(key=lambda r: (r[0], r[1]))
    odd: set[int] = set()
    last_of: dict[int, int] = {}
    for t, first, last, count, smin, smax, scount in rows:
        if count != last - first + 1 or smin != smax or scount not in (0, count) or first <= last_of.get(t, 0):
            odd.add(t)
        last_of[t] = last
    runs = [(t, first, smin) for t, first, _, _, smin, _, _ in rows if t not in odd]
    if odd:
        marks = ", ".join("?" for _ in odd)
        runs += _runs_of_lines(
            project.conn.execute(
                f"SELECT transcript_id, n, speaker, turn FROM lines WHERE transcript_id IN ({marks}) "
                "ORDER BY transcript_id, n",
                sorted(odd),
            )
        )
        runs.sort(key=lambda r: (r[0], r[1]))
    return runs


@dataclass
class Runs:
    """Runs of lines: first-line keys (sorted), transcript ids and speaker index (-1: no speaker)."""

    keys: np.ndarray
    transcript_id: np.ndarray
    speaker: np.ndarray
    speakers: list[tuple[int, str]]  # speaker index → (transcript id, label)


_cache: dict[str, tuple[tuple, Runs]] = {}
_lock = threading.Lock()


def runs(project: Project) -> Runs:
    """The runs of every transcript (cached per project file until transcripts change)."""
    stamp = tuple(
        project.conn.execute(
            "SELECT count(*), max(id), total(line_count), (SELECT value FROM meta WHERE key = 'created_at') "
            "FROM transcripts"
        ).fetchone()
    )
    key = str(project.path.resolve())
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
    rows = _read_runs(project)
    index: dict[tuple[int, str], int] = {}
    speaker = np.fromiter(
        (-1 if s is None else index.setdefault((t, s), len(index)) for t, _, s in rows), dtype=np.int64, count=len(rows)
    )
    tids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    ns = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
    result = Runs(keys=tids * _KEY_SHIFT + ns, transcript_id=tids, speaker=speaker, speakers=list(index))
    with _lock:
        _cache[key] = (stamp, result)
    return result


@dataclass
class Coded:
    """Codings (one entry per coding) and their coded lines (one entry per line of a coding)."""

    codes: list[Code]  # tree order; code index = position here
    coders: list[str]
    coding_id: np.ndarray
    coding_code: np.ndarray  # code index
    coding_coder: np.ndarray  # coder index
    coding_transcript: np.ndarray  # transcript id
    line_coding: np.ndarray  # coding index of each coded line
    line_n: np.ndarray
    line_run: np.ndarray  # run index (the turn)
    line_speaker: np.ndarray  # speaker index into runs.speakers, -1 for lines without a speaker
    runs: Runs
    participant: np.ndarray  # per speaker index: True for participants, False for non-participants
    people: list[pt.Participant | None]  # per speaker index: attributes and flag (None: not in the project)
    transcript_names: dict[int, str]
    transcript_attributes: dict[int, dict[str, str]]
    cache: dict = field(default_factory=dict)  # derived arrays (distinct units), filled by the tables

    def attribute_names(self) -> tuple[list[str], list[str]]:
        """(participant attribute names, transcript attribute names), each sorted."""
        p = sorted({k for x in self.people if x is not None for k in x.attributes})
        t = sorted({k for a in self.transcript_attributes.values() for k in a})
        return p, t

    @property
    def line_transcript(self) -> np.ndarray:
        return self.coding_transcript[self.line_coding]

    @property
    def line_code(self) -> np.ndarray:
        return self.coding_code[self.line_coding]


def tree_order(project: Project) -> list[Code]:
    """Codes with every child right after its parent (the codebook's outline)."""
    return codebook.tree_order(codebook.all_codes(project))


def _expand(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ranges → (range index per line, line number per line)."""
    lengths = ends - starts + 1
    idx = np.repeat(np.arange(len(starts)), lengths)
    offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return idx, starts[idx] + offsets


_loaded: dict[str, tuple[tuple, Coded]] = {}


def load(project: Project, coders: list[str] | None = None) -> Coded:
    """All codings (of ``coders`` when given) expanded to coded lines with speaker and run.

    Cached per project file until the event log grows (every change to codings, codes or
    participants appends an event), so switching tables in the workbench recounts only.
    """
    stamp = (
        project.scalar("SELECT value FROM meta WHERE key = 'created_at'"),  # another file at this path (restore)
        project.scalar("SELECT max(id) FROM events"),
        None if coders is None else tuple(sorted(coders)),
    )
    key = str(project.path.resolve())
    with _lock:
        hit = _loaded.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    result = _load(project, coders)
    with _lock:
        _loaded[key] = (stamp, result)
    return result


def _load(project: Project, coders: list[str] | None) -> Coded:
    codes = tree_order(project)
    all_coders = [r[0] for r in project.conn.execute("SELECT DISTINCT coder FROM codings ORDER BY coder")]
    chosen = all_coders if coders is None else [c for c in all_coders if c in coders]
    code_lookup = np.full(max((c.id for c in codes), default=0) + 1, -1, dtype=np.int64)
    code_lookup[[c.id for c in codes]] = np.arange(len(codes))
    parts = []
    for k, coder in enumerate(chosen):  # one query per coder (a handful), all ints: straight into numpy
        rows = project.conn.execute(
            "SELECT id, code_id, ?, transcript_id, first_line, last_line, instr(ranges, ',') > 0 "
            "FROM codings WHERE coder = ?",
            (k, coder),
        ).fetchall()
        parts.append(np.array(rows, dtype=np.int64).reshape(len(rows), 7))
    cols = np.concatenate(parts) if parts else np.zeros((0, 7), dtype=np.int64)
    cols = cols[np.argsort(cols[:, 0], kind="stable")]
    cols[:, 1] = code_lookup[cols[:, 1]]
    starts, ends, owner = cols[:, 4], cols[:, 5], np.arange(len(cols))
    multi = np.flatnonzero(cols[:, 6])
    if len(multi):  # multi-range codings (few): their ranges replace the first-to-last span
        position = {int(cid): int(i) for i, cid in zip(multi, cols[multi, 0])}
        extra = []
        for cid, text in project.conn.execute("SELECT id, ranges FROM codings WHERE instr(ranges, ',') > 0"):
            if cid in position:
                for piece in text.split(","):
                    a, _, b = piece.partition("-")
                    extra.append((position[cid], int(a), int(b or a)))
        more = np.array(extra, dtype=np.int64).reshape(-1, 3)
        single = np.flatnonzero(cols[:, 6] == 0)
        owner = np.concatenate([single, more[:, 0]])
        starts = np.concatenate([starts[single], more[:, 1]])
        ends = np.concatenate([ends[single], more[:, 2]])
    range_idx, line_n = _expand(starts, ends)
    line_coding = owner[range_idx]
    r = runs(project)
    keys = cols[:, 3][line_coding] * _KEY_SHIFT + line_n
    line_run = np.searchsorted(r.keys, keys, side="right") - 1
    line_run = np.maximum(line_run, 0)
    line_speaker = r.speaker[line_run] if len(r.speaker) else np.full(len(keys), -1, dtype=np.int64)
    by_key = {(p.transcript_id, p.speaker): p for p in pt.participants(project)}
    people = [by_key.get(s) for s in r.speakers]
    participant = np.array([p.participant if p is not None else True for p in people], dtype=bool)
    return Coded(
        codes=codes,
        coders=chosen,
        coding_id=cols[:, 0],
        coding_code=cols[:, 1],
        coding_coder=cols[:, 2],
        coding_transcript=cols[:, 3],
        line_coding=line_coding,
        line_n=line_n,
        line_run=line_run,
        line_speaker=line_speaker,
        runs=r,
        participant=participant,
        people=people,
        transcript_names={row["id"]: row["name"] for row in project.query("SELECT id, name FROM transcripts")},
        transcript_attributes=pt.transcript_attributes(project),
    )
