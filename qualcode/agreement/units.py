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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from qualcode.agreement.stats import DEFAULT_RESAMPLES, DEFAULT_SEED, MISSING, AgreementReport, LineUnits, analyse
from qualcode.coding import codebook, codings
from qualcode.coding.quotes import quote_from_lines, transcript_lines
from qualcode.corpus import transcripts
from qualcode.errors import InputError, NotFoundError
from qualcode.model import Coding, Range
from qualcode.ranges import format_citation, format_ranges, from_lines
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
) -> Scope:
    """Check names and decide the coders, transcripts and codes of an analysis."""
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
    return Scope(chosen, covered, codes, {c: done.get(c, set()) for c in chosen}, consensus)


def _units(project: Project, scope: Scope) -> tuple[np.ndarray, np.ndarray, dict[int, np.ndarray]]:
    """(clusters, line numbers, transcript id → array n → unit index or -1) for non-blank lines."""
    rows = np.array(
        project.conn.execute(
            "SELECT transcript_id, n FROM lines WHERE trim(text, ' ' || char(9)) <> '' ORDER BY transcript_id, n"
        ).fetchall(),
        dtype=np.int64,
    ).reshape(-1, 2)
    ids = [t.id for t in scope.transcripts]
    cluster_map = np.full(max(ids + [int(rows[:, 0].max(initial=0))]) + 1, -1, dtype=np.int64)
    cluster_map[ids] = np.arange(len(ids))
    clusters = cluster_map[rows[:, 0]]
    keep = clusters >= 0
    order = np.argsort(clusters[keep], kind="stable")  # scope order, line order within a transcript
    rows, clusters = rows[keep][order], clusters[keep][order]
    numbers = rows[:, 1].copy()
    index = {}
    bounds = np.searchsorted(clusters, np.arange(len(scope.transcripts) + 1))
    for k, t in enumerate(scope.transcripts):
        lo, hi = bounds[k], bounds[k + 1]
        ns = numbers[lo:hi]
        idx = np.full(int(ns.max(initial=0)) + 2, -1, dtype=np.int64)
        idx[ns] = np.arange(lo, hi)
        index[t.id] = idx
    return clusters, numbers, index


def build_units(project: Project, scope: Scope) -> LineUnits:
    """Line-unit values (1 / 0 / missing) per code and coder for the scope."""
    clusters, numbers, index = _units(project, scope)
    n = clusters.shape[0]
    cluster_of = {t.id: k for k, t in enumerate(scope.transcripts)}
    base = np.full((len(scope.coders), n), MISSING, dtype=np.int8)
    for i, c in enumerate(scope.coders):
        finished = np.array([cluster_of[tid] for tid in scope.done[c] if tid in cluster_of], dtype=np.int64)
        base[i, np.isin(clusters, finished)] = 0
    values = {code: base.copy() for code in scope.codes}
    row_of = {c: i for i, c in enumerate(scope.coders)}
    wanted = set(scope.codes)
    coded: dict[tuple[str, int], list[np.ndarray]] = {}
    for coding in codings.list_codings(project, coder=scope.coders):
        if coding.code not in wanted or coding.transcript_id not in index:
            continue
        if coding.transcript_id not in scope.done[coding.coder]:
            continue  # unfinished: missing, whatever was coded so far
        idx = index[coding.transcript_id]
        bucket = coded.setdefault((coding.code, row_of[coding.coder]), [])
        for a, b in coding.ranges:
            bucket.append(idx[a : b + 1])  # line numbers past the last stored line fall off the slice
    for (code, i), parts in coded.items():
        units = np.concatenate(parts)
        values[code][i, units[units >= 0]] = 1
    return LineUnits(list(scope.coders), [t.name for t in scope.transcripts], clusters, numbers, values)


def line_units(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    code: str | None = None,
    transcript_names: Sequence[str] | None = None,
) -> tuple[Scope, LineUnits]:
    """Resolve the scope and build its line units in one call (what the CLI and the TUI use)."""
    scope = resolve_scope(project, coders=coders, code=code, transcript_names=transcript_names)
    return scope, build_units(project, scope)


def compute_report(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    code: str | None = None,
    transcript_names: Sequence[str] | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int | None = None,
) -> tuple[Scope, LineUnits, AgreementReport]:
    """Scope, line units and the full agreement report (seed None: the fixed default seed)."""
    scope, units = line_units(project, coders=coders, code=code, transcript_names=transcript_names)
    report = analyse(units, resamples=resamples, seed=DEFAULT_SEED if seed is None else seed)
    return scope, units, report


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
