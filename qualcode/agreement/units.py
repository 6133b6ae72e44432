"""From a project to line-unit agreement data, and the disagreements behind the figures.

The unit is the transcript line. For one code, one coder and one line the value
is 1 (the coder applied the code to the line), 0 (the coder marked the transcript
done and did not apply it there) or missing (the coder has not finished the
transcript; codings in unfinished transcripts are ignored). Lines without text
are excluded. Lines of all transcripts in scope are pooled per code; the
transcript stays the cluster for the bootstrap.

Default coders: everyone who finished at least one transcript in scope, except
the consensus coder (project setting ``consensus_coder``). Coders named
explicitly are used as given; their unfinished transcripts count as missing.
Transcripts in scope that none of the coders finished carry no information and
are left out of ``LineUnits.transcripts``.

A *disagreement* is a block of consecutive non-blank lines of one transcript
(finished by at least two of the coders) that some coders coded with the code
and that differs between coders on at least one line: every block is a
connected run of lines that any coder coded, so two codings that touch or
overlap form one block.

Comparison with the consensus: the consensus coder (project setting
``consensus_coder``) counts only on the transcripts it is marked done on, exactly
like a coder (``qualcode done FG1 --coder consensus``); elsewhere its values are
missing. Each coder is then compared with it on the lines both finished.

Rounds: a transcript is completed when the last compared coder marked it done
(the ``done`` event in the event log). Consensus decisions (``consensus`` events)
mark a discussion: the first transcript completed after a discussion starts a new
round. Without consensus decisions everything is round 1. ``since`` keeps the
transcripts completed at or after a moment.
"""

from __future__ import annotations

import bisect
import csv
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qualcode.agreement.stats import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    MISSING,
    AgreementReport,
    LineUnits,
    analyse,
    rounds_agreement,
)
from qualcode.coding import codebook, codings
from qualcode.coding.quotes import quote_from_lines, transcript_lines
from qualcode.corpus import transcripts
from qualcode.errors import InputError, NotFoundError
from qualcode.model import Coding, Range
from qualcode.ranges import format_citation, format_ranges, from_lines
from qualcode.store.events import parse_since
from qualcode.store.project import Project


@dataclass
class Scope:
    """What an agreement analysis covers (names as stored)."""

    coders: list[str]
    transcripts: list[transcripts.TranscriptRow]  # in scope and finished by at least one coder
    codes: list[str]
    done: dict[str, set[int]]  # coder → ids of transcripts they finished
    consensus: str


def parse_coders(spec: str | Sequence[str] | None) -> list[str] | None:
    """``"anna,bram"`` → ``["anna", "bram"]``; duplicates and empty names are input errors."""
    if spec is None:
        return None
    items = spec.split(",") if isinstance(spec, str) else [p for s in spec for p in s.split(",")]
    names = [s.strip() for s in items if s.strip()]
    if not names:
        return None
    if len(set(names)) != len(names):
        raise InputError(f"a coder is named twice in --coders {','.join(names)}")
    return names


def resolve_scope(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    code: str | None = None,
    transcript_names: Sequence[str] | None = None,
    since: str | None = None,
    round_: int | None = None,
) -> Scope:
    """Check names and decide the coders, transcripts and codes of an analysis.

    ``since`` (a moment, as ``qualcode log --since`` takes it) and ``round_`` (a round
    number, see the module docstring) narrow the transcripts further.
    """
    consensus = project.consensus_coder
    in_scope = (
        [transcripts.get(project, n) for n in dict.fromkeys(transcript_names)]
        if transcript_names
        else transcripts.all_rows(project)
    )
    scope_ids = {t.id for t in in_scope}
    done: dict[str, set[int]] = {}
    for r in project.query("SELECT coder, transcript_id FROM progress"):
        done.setdefault(r["coder"], set()).add(r["transcript_id"])

    if coders:
        known = set(codings.coders(project))
        for c in coders:
            if c not in known:
                raise NotFoundError(f"unknown coder {c!r}{transcripts.suggest(c, sorted(known))}")
        chosen = list(coders)
    else:
        chosen = sorted(c for c, ids in done.items() if c != consensus and ids & scope_ids)
    if len(chosen) < 2:
        found = ", ".join(chosen) or "none"
        raise InputError(
            f"agreement needs at least two coders who finished a transcript in scope (found: {found}); "
            "coders mark a transcript finished with `qualcode done`"
        )
    covered = [t for t in in_scope if any(t.id in done.get(c, set()) for c in chosen)]
    codes = [codebook.get_code(project, code).name] if code else [k.name for k in codebook.all_codes(project)]
    if not codes:
        raise InputError("the project has no codes; load a codebook first")
    scope = Scope(chosen, covered, codes, {c: done.get(c, set()) for c in chosen}, consensus)
    if since is not None:
        moment = parse_since(since)
        times = completion_times(project, scope)
        scope.transcripts = [t for t in scope.transcripts if times.get(t.id, "") >= moment]
        if not scope.transcripts:
            raise InputError(f"no transcript in scope was completed since {since} (UTC {moment})")
    if round_ is not None:
        numbers = rounds(project, scope)
        existing = sorted(set(numbers.values()))
        scope.transcripts = [t for t in scope.transcripts if numbers.get(t.id) == round_]
        if not scope.transcripts:
            raise InputError(f"there is no round {round_} (rounds: {', '.join(map(str, existing)) or 'none'})")
    return scope


# ------------------------------------------------------------------------ rounds
def completion_times(project: Project, scope: Scope) -> dict[int, str]:
    """Transcript id → when the last compared coder marked it done (UTC time stamp)."""
    out: dict[int, str] = {}
    marks = ",".join("?" for _ in scope.coders)
    for r in project.query(
        f"SELECT transcript_id, max(done_at) AS at FROM progress WHERE coder IN ({marks}) GROUP BY transcript_id",
        list(scope.coders),
    ):
        out[r["transcript_id"]] = r["at"]
    return out


def _completion_events(project: Project, scope: Scope) -> dict[int, int]:
    """Transcript id → id of the event in which the last compared coder marked it done."""
    progress = {
        r["id"]: (r["coder"], r["transcript_id"], r["done_at"])
        for r in project.query("SELECT id, coder, transcript_id, done_at FROM progress")
    }
    made: dict[int, int] = {}  # progress row id → event id that inserted it
    for e in project.query("SELECT id, changes FROM events WHERE action = 'done' AND kind != 'undo' ORDER BY id"):
        for ch in json.loads(e["changes"] or "[]"):
            if ch.get("table") == "progress" and ch.get("op") == "insert" and ch.get("after"):
                made[ch["after"]["id"]] = e["id"]
    wanted = set(scope.coders)
    stamps: list[tuple[str, int]] | None = None
    out: dict[int, int] = {}
    for pid, (coder, tid, done_at) in progress.items():
        if coder not in wanted:
            continue
        eid = made.get(pid)
        if eid is None:  # no event found (e.g. a bulk-built project): the last event at or before done_at
            if stamps is None:
                stamps = sorted((r[1], r[0]) for r in project.conn.execute("SELECT id, at FROM events"))
            k = bisect.bisect_right(stamps, (done_at, 2**62))
            eid = stamps[k - 1][1] if k else 0
        out[tid] = max(out.get(tid, 0), eid)
    return out


def rounds(project: Project, scope: Scope) -> dict[int, int]:
    """Transcript id → round number (1, 2, …) for the transcripts in scope; see the module docstring."""
    done_at = _completion_events(project, scope)
    talks = [
        r["id"] for r in project.query("SELECT id FROM events WHERE action = 'consensus' AND kind = 'do' ORDER BY id")
    ]
    order = sorted((done_at[t.id], t.id) for t in scope.transcripts if t.id in done_at)
    out: dict[int, int] = {}
    number, previous = 1, None
    for eid, tid in order:
        if previous is not None and any(previous < talk < eid for talk in talks):
            number += 1
        out[tid] = number
        previous = eid
    return out


LIST_LIMIT = 4  # list covered lines while they are at most this many times the lines (else running sums)


@dataclass
class _Layout:
    """Where every non-blank line of the scope sits: unit index by (transcript, line number).

    A line's global position is ``offset[transcript id] + n``; ``position[u]`` is that of
    unit ``u``. Ranges of codings become intervals of global positions.
    """

    clusters: np.ndarray  # unit → index of its transcript in scope order
    numbers: np.ndarray  # unit → line number
    position: np.ndarray  # unit → global position
    offset: dict[int, int]  # transcript id → offset of its line 0
    last: dict[int, int]  # transcript id → its last line number
    size: int  # number of global positions


def _layout(project: Project, scope: Scope) -> _Layout:
    """The non-blank lines of the scope in scope order (line order within a transcript).

    Line numbers and counts come from the ``(transcript_id, n)`` index; only the blank
    lines are read from the table, so 1,000,000 lines never pass through Python.
    """
    wanted = {t.id for t in scope.transcripts}
    spans = _spans(project)
    blank: dict[int, list[int]] = {}
    for tid, n in project.conn.execute(
        # text < '!' is a cheap first test (blank text starts below '!'); trim decides
        "SELECT transcript_id, n FROM lines WHERE text < '!' AND trim(text, ' ' || char(9)) = ''"
    ):
        if tid in wanted:
            blank.setdefault(tid, []).append(n)
    clusters, numbers, positions = [], [], []
    offset: dict[int, int] = {}
    last: dict[int, int] = {}
    size = 0
    for k, t in enumerate(scope.transcripts):
        count, low, high = spans.get(t.id, (0, 1, 0))
        if count == high - low + 1:
            ns = np.arange(low, high + 1, dtype=np.int64)
        else:  # gaps in the numbering: read this transcript's line numbers
            ns = np.array(
                [r[0] for r in project.conn.execute("SELECT n FROM lines WHERE transcript_id = ? ORDER BY n", (t.id,))],
                dtype=np.int64,
            )
        if t.id in blank:
            ns = ns[~np.isin(ns, blank[t.id])]
        offset[t.id], last[t.id] = size, int(high)
        clusters.append(np.full(ns.size, k, dtype=np.int64))
        numbers.append(ns)
        positions.append(ns + size)
        size += int(high) + 2
    return _Layout(_cat(clusters), _cat(numbers), _cat(positions), offset, last, size)


def _spans(project: Project) -> dict[int, tuple[int, int, int]]:
    """Transcript id → (number of lines, first line number, last line number), from the line index.

    When every transcript's stored ``line_count`` equals last − first + 1 and the counts add
    up to the number of lines, each transcript is numbered without gaps and no line needs
    counting; otherwise the lines are counted per transcript.
    """
    rows = project.conn.execute(
        "SELECT t.id, t.line_count, (SELECT min(n) FROM lines WHERE transcript_id = t.id), "
        "(SELECT max(n) FROM lines WHERE transcript_id = t.id) FROM transcripts t"
    ).fetchall()
    total = project.conn.execute("SELECT count(*) FROM lines").fetchone()[0]
    if all(low is not None and count == high - low + 1 for _, count, low, high in rows) and total == sum(
        r[1] for r in rows
    ):
        return {tid: (count, low, high) for tid, count, low, high in rows}
    return {
        tid: (count, low, high)
        for tid, count, low, high in project.conn.execute(
            "SELECT transcript_id, count(*), min(n), max(n) FROM lines GROUP BY transcript_id"
        )
    }


def _cat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _coded(
    project: Project, layout: _Layout, coders: Sequence[str], codes: Sequence[str], done: dict[str, set[int]]
) -> dict[tuple[str, str], np.ndarray]:
    """(code, coder) → the units the coder coded with the code in transcripts they finished.

    The result is an index into the units (unit numbers, possibly repeated, or a bool
    mask): either way ``values[i, result] = 1`` marks the lines, whatever the boundaries
    of the codings. Usually the covered lines are listed directly; when codings cover
    many more lines than there are, each range becomes +1 at its first and -1 after its
    last global position and a running sum marks the covered lines. One-range
    codings (nearly all) are read as numbers (``first_line``, ``last_line``) and handled
    in numpy; multi-range ones are split in Python.
    """
    code_index = {r[0]: k for k, r in enumerate(project.conn.execute("SELECT id, name FROM codes"))}
    names = {r[0]: r[1] for r in project.conn.execute("SELECT id, name FROM codes")}
    wanted = [code_index[i] for i, n in names.items() if n in set(codes)]
    coder_case = " ".join(f"WHEN ? THEN {i}" for i in range(len(coders)))
    marks = ",".join("?" for _ in coders)
    where = f"FROM codings WHERE coder IN ({marks})"
    one = np.array(
        project.conn.execute(
            f"SELECT transcript_id, code_id, CASE coder {coder_case} END, first_line, last_line {where} "
            "AND instr(ranges, ',') = 0",
            [*coders, *coders],
        ).fetchall(),
        dtype=np.int64,
    ).reshape(-1, 5)
    rows: list[tuple[int, int, int, int, int]] = []
    for tid_, code_id, g, multi in project.conn.execute(
        f"SELECT transcript_id, code_id, CASE coder {coder_case} END, ranges {where} AND instr(ranges, ',') > 0",
        [*coders, *coders],
    ):
        for part in multi.split(","):
            x, _, y = part.partition("-")
            rows.append((tid_, code_id, g, int(x), int(y or x)))
    data = np.concatenate([one, np.array(rows, dtype=np.int64).reshape(-1, 5)])
    if not data.size:
        return {}
    code_map = np.full(max(code_index) + 1, -1, dtype=np.int64)
    code_map[list(code_index)] = list(code_index.values())
    data[:, 1] = code_map[data[:, 1]]
    tid, code, coder, lo, hi = data.T
    top = int(max(tid.max(), max(layout.offset, default=0))) + 1
    offset = np.full(top, -1, dtype=np.int64)
    last = np.zeros(top, dtype=np.int64)
    for t, o in layout.offset.items():
        offset[t], last[t] = o, layout.last[t]
    finished = np.zeros((len(coders), top), dtype=bool)
    for g, c in enumerate(coders):
        ids = [t for t in done.get(c, ()) if t < top]
        finished[g, ids] = True
    hi = np.minimum(hi, last[tid])  # line numbers past the last stored line fall off
    keep = (offset[tid] >= 0) & finished[coder, tid] & np.isin(code, wanted) & (lo <= hi)
    tid, code, coder, lo, hi = tid[keep], code[keep], coder[keep], lo[keep], hi[keep]
    if not tid.size:
        return {}
    start, stop = offset[tid] + lo, offset[tid] + hi + 1
    key = code * len(coders) + coder
    name_of = {k: names[i] for i, k in code_index.items()}
    lengths = stop - start
    total = int(lengths.sum())
    out: dict[tuple[str, str], np.ndarray] = {}
    if total <= LIST_LIMIT * max(layout.position.size, 250_000):
        # few covered lines: list them (unit indices per (code, coder)), no pass over every line per group
        unit_at = np.full(layout.size + 1, -1, dtype=np.int64)
        unit_at[layout.position] = np.arange(layout.position.size)
        first = np.repeat(start - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        units = unit_at[first]
        keys = np.repeat(key, lengths)
        ok = units >= 0
        units, keys = units[ok], keys[ok]
        order = np.argsort(keys, kind="stable")
        units, keys = units[order], keys[order]
        bounds = np.flatnonzero(np.diff(keys)) + 1
        for s_, e_ in zip(np.r_[0, bounds], np.r_[bounds, keys.size], strict=True):
            if e_ > s_:
                k = int(keys[s_])
                out[(name_of[k // len(coders)], coders[k % len(coders)])] = units[s_:e_]
        return out
    order = np.argsort(key, kind="stable")
    key, start, stop = key[order], start[order], stop[order]
    bounds = np.flatnonzero(np.diff(key)) + 1
    for s_, e_ in zip(np.r_[0, bounds], np.r_[bounds, key.size], strict=True):
        k = int(key[s_])
        diff = np.bincount(start[s_:e_], minlength=layout.size + 1) - np.bincount(
            stop[s_:e_], minlength=layout.size + 1
        )
        covered = np.cumsum(diff.astype(np.int32), dtype=np.int32)[layout.position] > 0
        out[(name_of[k // len(coders)], coders[k % len(coders)])] = covered
    return out


def build_units(project: Project, scope: Scope) -> LineUnits:
    """Line-unit values (1 / 0 / missing) per code and coder for the scope."""
    layout = _layout(project, scope)
    n = layout.clusters.shape[0]
    cluster_of = {t.id: k for k, t in enumerate(scope.transcripts)}
    finished = np.zeros((len(scope.coders), n), dtype=bool)
    for i, c in enumerate(scope.coders):
        ids = np.array([cluster_of[tid] for tid in scope.done[c] if tid in cluster_of], dtype=np.int64)
        finished[i] = np.isin(layout.clusters, ids)
    base = np.where(finished, 0, MISSING).astype(np.int8)
    coded = _coded(project, layout, scope.coders, scope.codes, scope.done)
    values = {}
    for code in scope.codes:
        v = base.copy()
        for i, c in enumerate(scope.coders):
            if (code, c) in coded:
                v[i, coded[(code, c)]] = 1
        values[code] = v
    out = LineUnits(list(scope.coders), [t.name for t in scope.transcripts], layout.clusters, layout.numbers, values)
    out.reference = _consensus_values(project, scope, layout, cluster_of)
    out.reference_name = scope.consensus
    return out


def consensus_done(project: Project, scope: Scope) -> list[int]:
    """Ids of the transcripts in scope that the consensus coder is marked done on."""
    ids = {t.id for t in scope.transcripts}
    return sorted(
        r["transcript_id"]
        for r in project.query("SELECT transcript_id FROM progress WHERE coder = ?", (scope.consensus,))
        if r["transcript_id"] in ids
    )


def _consensus_values(project, scope, layout: _Layout, cluster_of) -> dict[str, np.ndarray] | None:
    finished = consensus_done(project, scope)
    if not finished or scope.consensus in scope.coders:
        return None
    base = np.full(layout.clusters.shape[0], MISSING, dtype=np.int8)
    base[np.isin(layout.clusters, [cluster_of[t] for t in finished])] = 0
    coded = _coded(project, layout, [scope.consensus], scope.codes, {scope.consensus: set(finished)})
    out = {}
    for code in scope.codes:
        v = base.copy()
        if (code, scope.consensus) in coded:
            v[coded[(code, scope.consensus)]] = 1
        out[code] = v
    return out


def line_units(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    code: str | None = None,
    transcript_names: Sequence[str] | None = None,
    since: str | None = None,
    round_: int | None = None,
) -> tuple[Scope, LineUnits]:
    """Resolve the scope and build its line units in one call (what the CLI and the TUI use)."""
    scope = resolve_scope(
        project, coders=coders, code=code, transcript_names=transcript_names, since=since, round_=round_
    )
    return scope, build_units(project, scope)


def compute_report(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    code: str | None = None,
    transcript_names: Sequence[str] | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int | None = None,
    since: str | None = None,
    round_: int | None = None,
) -> tuple[Scope, LineUnits, AgreementReport]:
    """Scope, line units and the full agreement report (seed None: the fixed default seed).

    Besides the per-code figures: agreement per transcript and per round, each coder
    against the consensus (where the consensus coder is marked done), and the
    multi-valued alpha of every theme the codebook marks exclusive.
    """
    from qualcode.agreement import exclusive

    scope, units = line_units(
        project, coders=coders, code=code, transcript_names=transcript_names, since=since, round_=round_
    )
    report = analyse(units, resamples=resamples, seed=DEFAULT_SEED if seed is None else seed)
    numbers = rounds(project, scope)
    by_name = {t.name: numbers[t.id] for t in scope.transcripts if t.id in numbers}
    for row in report.per_transcript:
        row.round = by_name.get(row.name)
    report.rounds = rounds_agreement(report, by_name)
    report.consensus_coder = scope.consensus
    report.consensus_transcripts = len(consensus_done(project, scope))
    if code is None:
        report.exclusive = exclusive.analyse_themes(units, codebook.exclusive_themes(project))
    return scope, units, report


def write_units_csv(units: LineUnits, out: str | os.PathLike) -> dict:
    """The unit matrix as CSV: transcript, line, code, one column per coder (1, 0 or empty).

    The consensus coder gets a column too when it is marked done on some transcript.
    Returns ``{"written": rows, "path": ...}``.
    """
    from qualcode.store.files import atomic_open

    out = Path(out)
    if out.suffix.lower() != ".csv":
        raise InputError("the unit matrix is a CSV file; give a name ending in .csv", path=str(out))
    names = [str(t) for t in units.transcripts]
    ref = units.reference or {}
    header = ["transcript", "line", "code", *units.coders] + ([units.reference_name] if ref else [])
    cell = np.array(["", "0", "1"], dtype=object)
    rows = 0
    with atomic_open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        t_names = np.array(names, dtype=object)[units.clusters] if names else np.array([], dtype=object)
        for code, values in units.values.items():
            cols = [t_names, units.lines, np.full(units.n_units, code, dtype=object)]
            cols += [cell[np.asarray(v, dtype=np.int64) + 1] for v in values]
            if ref:
                cols.append(cell[np.asarray(ref[code], dtype=np.int64) + 1])
            w.writerows(zip(*cols, strict=True))
            rows += units.n_units
    return {"written": rows, "path": str(out), "columns": header}


def coverage(project: Project, scope: Scope) -> dict:
    """How much of the corpus is double-coded: transcripts and non-blank lines finished by >= 2 coders."""
    all_t = transcripts.all_rows(project)
    nonblank = {
        r["transcript_id"]: r["n"]
        for r in project.query(
            "SELECT transcript_id, count(*) AS n FROM lines WHERE trim(text) != '' GROUP BY transcript_id"
        )
    }
    double = [t for t in all_t if sum(t.id in scope.done[c] for c in scope.coders) >= 2]
    total_lines = sum(nonblank.values())
    double_lines = sum(nonblank.get(t.id, 0) for t in double)
    return {
        "transcripts_total": len(all_t),
        "transcripts_double_coded": len(double),
        "lines_total": total_lines,
        "lines_double_coded": double_lines,
        "share_double_coded": (double_lines / total_lines) if total_lines else None,
    }


# --------------------------------------------------------------- disagreements
@dataclass
class Part:
    """A run of lines within a disagreement that the same coders coded."""

    ranges: tuple[Range, ...]
    coders: list[str]  # who applied the code on these lines (others finished and did not)
    label: str  # "A only", "both", "A + C", "all"


@dataclass
class Disagreement:
    """One block of lines where coders differ on one code, with everything needed to settle it."""

    transcript: str
    transcript_id: int
    code: str
    ranges: tuple[Range, ...]  # the whole block
    parts: list[Part]
    codings: dict[str, list[Coding]]  # coder → their codings of the code overlapping the block
    coders: list[str]  # the coders compared (finished this transcript)
    speakers: list[str]
    text: str
    citation: str
    consensus: list[Coding] = field(default_factory=list)  # consensus codings overlapping the block

    @property
    def id(self) -> str:
        """A stable handle: ``FG1:12-20``."""
        return f"{self.transcript}:{format_ranges(self.ranges)}"

    def line_set(self) -> set[int]:
        return {n for a, b in self.ranges for n in range(a, b + 1)}

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "transcript": self.transcript,
            "code": self.code,
            "ranges": [list(r) for r in self.ranges],
            "citation": self.citation,
            "coders": self.coders,
            "parts": [
                {"ranges": [list(r) for r in p.ranges], "coders": p.coders, "label": p.label} for p in self.parts
            ],
            "codings": {
                c: [
                    {
                        "id": k.id,
                        "ranges": [list(r) for r in k.ranges],
                        "memo": k.memo,
                        "citation": format_citation(self.transcript, k.ranges),
                    }
                    for k in ks
                ]
                for c, ks in self.codings.items()
            },
            "consensus": [{"id": k.id, "ranges": [list(r) for r in k.ranges], "memo": k.memo} for k in self.consensus],
            "speakers": self.speakers,
            "text": self.text,
        }


def _label(coded: Sequence[str], present: Sequence[str]) -> str:
    if len(coded) == len(present):
        return "both" if len(present) == 2 else "all"
    if len(coded) == 1:
        return f"{coded[0]} only"
    return " + ".join(coded)


def disagreements(
    project: Project, code: str, *, coders: Sequence[str] | None = None, transcript_names: Sequence[str] | None = None
) -> list[Disagreement]:
    """Every block of lines where the coders differ on ``code``, in transcript and line order."""
    scope = resolve_scope(project, coders=coders, code=code, transcript_names=transcript_names)
    code = scope.codes[0]
    template = project.citation_template
    out: list[Disagreement] = []
    all_codings = codings.list_codings(project, coder=list(scope.coders) + [scope.consensus], code=code)
    for t in scope.transcripts:
        present = [c for c in scope.coders if t.id in scope.done[c]]
        if len(present) < 2:
            continue
        mine = {c: [k for k in all_codings if k.transcript_id == t.id and k.coder == c] for c in present}
        cons = [k for k in all_codings if k.transcript_id == t.id and k.coder == scope.consensus]
        lines = transcript_lines(project, t.id)
        nonblank = sorted(n for n, (_, text) in lines.items() if text.strip())
        coded_by = {c: {n for k in ks for n in k.line_set()} for c, ks in mine.items()}
        anyone = set().union(*coded_by.values())
        # connected runs of coded non-blank lines (blank lines between coded lines do not split a block)
        blocks: list[list[int]] = []
        prev_coded = False
        for n in nonblank:
            if n in anyone:
                if prev_coded:
                    blocks[-1].append(n)
                else:
                    blocks.append([n])
                prev_coded = True
            else:
                prev_coded = False
        for block in blocks:
            who = [tuple(c for c in present if n in coded_by[c]) for n in block]
            if all(len(w) == len(present) for w in who):
                continue
            parts: list[Part] = []
            start = 0
            for k in range(1, len(block) + 1):
                if k == len(block) or who[k] != who[start]:
                    parts.append(Part(from_lines(block[start:k]), list(who[start]), _label(who[start], present)))
                    start = k
            block_set = set(range(block[0], block[-1] + 1))
            ranges = from_lines(block_set)
            text, speakers = quote_from_lines(lines, ranges)
            out.append(
                Disagreement(
                    transcript=t.name,
                    transcript_id=t.id,
                    code=code,
                    ranges=ranges,
                    parts=parts,
                    codings={c: [k for k in ks if k.line_set() & block_set] for c, ks in mine.items()},
                    coders=present,
                    speakers=speakers,
                    text=text,
                    citation=format_citation(t.name, ranges, template),
                    consensus=[k for k in cons if k.line_set() & block_set],
                )
            )
    return out


def find_disagreement(items: Sequence[Disagreement], handle: str) -> Disagreement:
    """Pick a disagreement by its id (``FG1:12-20``), by a line in it (``FG1:15``) or by its 1-based number."""
    handle = handle.strip()
    if handle.isdigit():
        k = int(handle)
        if 1 <= k <= len(items):
            return items[k - 1]
        raise NotFoundError(f"no disagreement number {k} (there are {len(items)})")
    name, _, where = handle.rpartition(":")
    for d in items:
        if d.id == handle:
            return d
    if name and where.isdigit():
        for d in items:
            if d.transcript == name and int(where) in d.line_set():
                return d
    listed = ", ".join(d.id for d in items[:6]) + (", …" if len(items) > 6 else "")
    raise NotFoundError(f"no disagreement {handle!r}" + (f" (there are: {listed})" if items else " (there are none)"))
